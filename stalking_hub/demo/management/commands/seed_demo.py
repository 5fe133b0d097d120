from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from stalking_hub.demo.accounts import DEMO_PASSWORD, DEMO_USERS, demo_email, seed_accounts
from stalking_hub.demo.cases import seed_cases
from stalking_hub.demo.clinic import seed_clinic
from stalking_hub.demo.dashboard import seed_dashboard
from stalking_hub.demo.feed import seed_feed
from stalking_hub.demo.learning import seed_learning
from stalking_hub.demo.legal import seed_legal
from stalking_hub.demo.oversight import seed_oversight
from stalking_hub.demo.people import seed_people
from stalking_hub.demo.referrals import seed_referrals
from stalking_hub.demo.risk import seed_risk_assessments
from stalking_hub.demo.sso import seed_group_mappings
from stalking_hub.demo.training import seed_training


class Command(BaseCommand):
    help = "Create demo agencies, one demo user per role and demo data (DEBUG only; idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates known passwords, so it runs only with DEBUG=true."
            )
        with transaction.atomic():
            seed_accounts()
            seed_group_mappings()  # for the local test directory (`make sso-provider`)
        self.stdout.write("Importing a year of synthetic crime logs (about a minute)…")
        seed_feed()  # the synthetic feed, through the real import and signal rules
        seed_cases()  # reviews and cases on the logs; keep after any demo feed import
        seed_people()  # near-duplicate persons for the review page's suggestions
        seed_referrals()  # after the cases (shares them); before any ISAC risk seeding
        seed_risk_assessments()  # after cases and referrals: histories on the seeded cases
        seed_training()  # needs only the demo accounts: courses, teams, attendance, champions
        seed_clinic()  # a year of clinic meetings on its own high-risk demo cases
        seed_oversight()  # after risk (high-risk cases): outcomes, plans, directions, a cover
        seed_legal()  # after the cases and outcomes: order files in every state
        seed_learning()  # after every source app: gaps by team, points, bulletins, confidence
        seed_dashboard()  # last: the summary tables from everything above
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Demo logins (password for all: {DEMO_PASSWORD}):")
        )
        for spec in DEMO_USERS:
            self.stdout.write(f"  {', '.join(spec.roles):<22} {demo_email(spec.local_part)}")
