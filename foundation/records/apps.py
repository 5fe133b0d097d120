from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "foundation.records"
    label = "records"
    verbose_name = "Information management"

    def ready(self) -> None:
        from foundation.audit.access import register_sensitive
        from foundation.records.models import RectificationRequest, SubjectAccessRequest

        register_sensitive(SubjectAccessRequest)
        register_sensitive(RectificationRequest)
        from foundation.records import services  # noqa: F401  (registers the outbox handler)
