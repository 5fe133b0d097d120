from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "risk"
    label = "risk"
    verbose_name = "Risk assessments"

    def ready(self) -> None:
        from django.core import checks

        from cases.flags import register_flag_provider
        from cases.models import Facet
        from cases.panels import CasePanel, register_case_panel
        from risk.checks import check_instrument_files
        from risk.flags import RISK_FLAG_RULES
        from risk.panels import risk_panel_context

        for rule in RISK_FLAG_RULES:
            register_flag_provider(rule)
        register_case_panel(
            CasePanel(
                key="risk",
                title="Risk",
                template="risk/panel.html",
                facet=Facet.RISK_SUMMARY,
                order=10,
                context=risk_panel_context,
            )
        )
        checks.register(check_instrument_files)

        from risk.figures import register_risk_figures

        # The coordinator's dashboard (foundation/lib/figures.py).
        register_risk_figures()

        from risk.chronology import register_risk_entries

        # The case page's chronology (cases/chronology.py).
        register_risk_entries()

        from risk.records import register_risk_records

        # Information management: record types, retention rules, subject access.
        register_risk_records()
