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
