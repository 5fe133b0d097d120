from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "stalking_hub.audit"
    label = "audit"
    verbose_name = "Access audit"
