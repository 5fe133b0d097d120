from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases and crime logs"

    def ready(self) -> None:
        # Registers the app's @outbox_handler names so a worker can run queued messages.
        from cases import services  # noqa: F401
        from cases.feed import notify  # noqa: F401
        from cases.flags import cross_border_flags, register_flag_provider
        from cases.signals import notify as signal_notify  # noqa: F401

        register_flag_provider(cross_border_flags)

        from cases.hooks import register_logs_changed
        from cases.services.restrictions import link_logs_to_restricted_cases

        # The sweep links new logs to restricted cases and tells only their named users.
        register_logs_changed(link_logs_to_restricted_cases)

        from cases.selectors import audit_targets_for_reference
        from foundation.audit.references import register_reference_resolver

        # The auditor filters access records by a case or crime log reference.
        register_reference_resolver("cases", audit_targets_for_reference)

        from cases.figures import register_case_figures

        # The coordinator's dashboard (foundation/lib/figures.py).
        register_case_figures()

        from cases.chronology import register_case_entries

        # The case page's chronology (cases/chronology.py).
        register_case_entries()

        from cases.records import register_case_records

        # Information management: record types, retention rules, subject access.
        register_case_records()
