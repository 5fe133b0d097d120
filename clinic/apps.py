from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Stalking clinic"

    def ready(self) -> None:
        from cases.flags import register_flag_provider
        from cases.hooks import register_logs_changed
        from cases.models import Facet
        from cases.panels import CasePanel, register_case_panel
        from clinic import notifications  # noqa: F401  (registers outbox handlers)
        from clinic.flags import CLINIC_FLAG_RULES
        from clinic.panels import clinic_panel_context
        from clinic.repeats import repeats_from_logs

        register_logs_changed(repeats_from_logs)
        for rule in CLINIC_FLAG_RULES:
            register_flag_provider(rule)
        register_case_panel(
            CasePanel(
                key="clinic",
                title="Stalking clinic",
                template="clinic/clinic_case_panel.html",
                facet=Facet.CLINIC_DISCUSSION,
                order=40,
                context=clinic_panel_context,
            )
        )

        from clinic.figures import register_clinic_figures

        # The coordinator's dashboard (foundation/lib/figures.py).
        register_clinic_figures()

        from clinic.chronology import register_clinic_entries

        # The case page's chronology (cases/chronology.py).
        register_clinic_entries()

        from clinic.records import register_clinic_records

        # Information management: record types, retention rules, subject access.
        register_clinic_records()
