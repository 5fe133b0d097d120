from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "Investigative oversight"

    def ready(self) -> None:
        from cases.flags import register_flag_provider
        from cases.models import Facet
        from cases.panels import (
            CasePanel,
            OfficerSection,
            register_case_panel,
            register_officer_section,
        )
        from oversight import notifications  # noqa: F401  (registers outbox handlers)
        from oversight.covered_work import COVERED_WORK_PROVIDERS
        from oversight.flags import OVERSIGHT_FLAG_RULES
        from oversight.hooks import register_covered_work_provider, register_orders_provider
        from oversight.orders import LEGAL_ORDERS
        from oversight.panels import officer_directions_context, oversight_panel_context

        for rule in OVERSIGHT_FLAG_RULES:
            register_flag_provider(rule)
        register_case_panel(
            CasePanel(
                key="oversight",
                title="Investigative oversight",
                template="oversight/panel.html",
                # Never opened by a referral's share: the police's own oversight.
                facet=Facet.OVERSIGHT,
                order=20,
                context=oversight_panel_context,
            )
        )
        register_officer_section(
            OfficerSection(
                key="directions",
                title="Directions from the hub's tactical lead",
                template="oversight/officer_directions.html",
                order=10,
                context=officer_directions_context,
            )
        )
        for provider in COVERED_WORK_PROVIDERS:
            register_covered_work_provider(provider)
        # Orders in force and the cases with an order file, read through legal's selectors
        # (legal never imports oversight).
        register_orders_provider(LEGAL_ORDERS)

        from oversight.figures import register_oversight_figures

        # The coordinator's dashboard (foundation/lib/figures.py).
        register_oversight_figures()

        from oversight.chronology import register_oversight_entries

        # The case page's chronology (cases/chronology.py).
        register_oversight_entries()

        from oversight.records import register_oversight_records

        # Information management: record types, retention rules, subject access.
        register_oversight_records()
