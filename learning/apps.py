from typing import Any

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Organisational learning"

    def ready(self) -> None:
        from foundation.audit.access import register_sensitive
        from learning import notifications  # noqa: F401  (registers outbox handlers)
        from learning.models import Bulletin, LearningPoint

        register_sensitive(LearningPoint)
        register_sensitive(Bulletin)

        from learning.figures import register_learning_figures

        # The coordinator's dashboard (foundation/lib/figures.py).
        register_learning_figures()

        from learning.records import register_learning_records

        # Information management: retention, disposal, subject access (foundation/records).
        register_learning_records()

        # The recording-gap summary (learning/summary.py): refreshed after each import batch,
        # each review decision and each risk assessment, through the outbox.
        from django.db.models.signals import post_save

        from cases.hooks import register_logs_changed
        from cases.models import LogReview
        from learning import summary
        from risk.models import RiskAssessment

        register_logs_changed(summary.gaps_after_logs_changed)
        post_save.connect(
            _review_saved, sender=LogReview, dispatch_uid="learning.gaps_after_review"
        )
        post_save.connect(
            _assessment_saved, sender=RiskAssessment, dispatch_uid="learning.gaps_after_assessment"
        )


def _review_saved(sender: type, instance: Any, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    from learning.summary import gaps_after_review

    gaps_after_review(instance, created=created)


def _assessment_saved(sender: type, instance: Any, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance.completed_at is None:
        return
    from learning.summary import gaps_after_assessment

    gaps_after_assessment(instance.case_id)
