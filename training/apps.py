from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training, compliance, champions and CPD"

    def ready(self) -> None:
        from training import notifications  # noqa: F401  (registers outbox handlers)
        from training.figures import register_training_figures

        # The coordinator's dashboard (foundation/lib/figures.py).
        register_training_figures()

        from training.records import register_training_records

        # Information management: record types, retention rules, subject access.
        register_training_records()
