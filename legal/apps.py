from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "legal"
    verbose_name = "SPO legal workflow"

    def ready(self) -> None:
        from cases.flags import register_flag_provider
        from cases.hooks import register_logs_changed
        from cases.models import Facet
        from cases.panels import CasePanel, register_case_panel
        from clinic.hooks import register_decision_handler
        from legal import notifications  # noqa: F401  (registers outbox handlers)
        from legal.flags import LEGAL_FLAG_RULES
        from legal.panels import orders_panel_context
        from legal.services import link_breaches_and_find_candidates
        from legal.services.files import clinic_decision_handler

        # A new or merged log may be a breach recorded before it arrived, or a new one.
        register_logs_changed(link_breaches_and_find_candidates)
        # The clinic's "pursue an SPO" opens a file in considering.
        register_decision_handler(clinic_decision_handler)
        for rule in LEGAL_FLAG_RULES:
            register_flag_provider(rule)
        register_case_panel(
            CasePanel(
                key="orders",
                title="Orders",
                template="legal/panel.html",
                facet=Facet.ORDERS,
                order=30,
                context=orders_panel_context,
            )
        )

        from legal.chronology import register_legal_entries
        from legal.figures import register_legal_figures

        # The coordinator's dashboard (foundation/lib/figures.py) and the case chronology.
        register_legal_figures()
        register_legal_entries()

        from legal.records import register_legal_records

        # Information management: record types, retention rules, subject access.
        register_legal_records()
