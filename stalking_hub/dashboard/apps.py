from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "stalking_hub.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard, evaluation and monthly reports"

    def ready(self) -> None:
        from cases.hooks import register_logs_changed
        from stalking_hub.dashboard import evaluation, summary

        # After each import batch: refresh the figures that read crime logs, and the evaluation
        # outcomes of the cases the logs touch (both via the outbox, after the batch commits).
        register_logs_changed(summary.figures_after_logs_changed)
        register_logs_changed(evaluation.outcomes_after_logs_changed)
