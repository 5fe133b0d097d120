from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "stalking_hub.demo"
    label = "demo"
    verbose_name = "Demo data"
