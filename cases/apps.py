from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases and crime logs"

    def ready(self) -> None:
        from cases.flags import cross_border_flags, register_flag_provider

        register_flag_provider(cross_border_flags)
