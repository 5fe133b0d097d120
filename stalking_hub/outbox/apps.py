from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "stalking_hub.outbox"
    label = "outbox"
    verbose_name = "Outbox (follow-up work)"
