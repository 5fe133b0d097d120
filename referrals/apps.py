from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals, ISAC casework and advice requests"

    def ready(self) -> None:
        from cases.models import Facet
        from cases.panels import CasePanel, register_case_panel
        from referrals import notifications  # noqa: F401  (registers outbox handlers)
        from referrals.panels import referrals_panel_context

        register_case_panel(
            CasePanel(
                key="referrals",
                title="Referrals",
                template="referrals/referral_case_panel.html",
                facet=Facet.EXISTENCE,
                order=30,
                context=referrals_panel_context,
            )
        )

        from referrals.figures import register_referral_figures

        # The coordinator's dashboard (foundation/lib/figures.py).
        register_referral_figures()

        from referrals.chronology import register_referral_entries

        # The case page's chronology (cases/chronology.py).
        register_referral_entries()

        from referrals.records import register_referral_records

        # Information management: record types, retention rules, subject access.
        register_referral_records()
