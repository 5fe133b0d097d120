from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Organisational learning"

    def ready(self) -> None:
        from foundation.audit.access import register_sensitive
        from learning.models import LearningPoint

        register_sensitive(LearningPoint)
