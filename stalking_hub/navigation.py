"""What each role may use, in one place: the navigation and the home page read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from foundation.accounts.cover import can_approve_covers
from foundation.accounts.models import Role, User
from learning.permissions import can_view_gap_report
from referrals.permissions import can_use_advice_queue, can_view_caseload
from training.permissions import can_see_own_training, can_view_compliance


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    description: str
    # Qualifications widen a role (DESIGN.md §1): the item also shows where this holds.
    also: Callable[[User], bool] | None = None

    def shown_to(self, user: User) -> bool:
        return user.has_role(*self.roles) or (self.also is not None and self.also(user))

    @property
    def url(self) -> str:
        return reverse(self.url_name)


# Later issues add their pages here; each item names exactly the roles that may open it.
NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(
        "Dashboard",
        "dashboard:dashboard",
        frozenset({Role.COORDINATOR, Role.TACTICAL_LEAD}),
        "Queues, deadlines and monthly trends across the hub; capacity and evaluation.",
    ),
    NavItem(
        "Access audit",
        "audit:access_records",
        frozenset({Role.AUDITOR}),
        "Who consulted or disclosed which record, when and why.",
    ),
    NavItem(
        "Information management",
        "records:reviews",
        frozenset({Role.INFORMATION_MANAGER}),
        "Records due for review under the retention rules; subject access and rectification.",
    ),
    NavItem(
        "Restriction of processing",
        "cases:restricted_people",
        frozenset({Role.INFORMATION_MANAGER}),
        "Restrict (or lift) the processing of a person's data: their records are hidden.",
    ),
    NavItem(
        "Administration",
        "admin:index",
        frozenset({Role.ADMIN}),
        "Users, agencies, roles and reference data.",
    ),
    NavItem(
        "Review queue",
        "cases:queue",
        frozenset({Role.COORDINATOR, Role.TACTICAL_LEAD}),
        "Crime logs the sweep flagged as possible stalking, highest risk first.",
    ),
    NavItem(
        "Feed imports",
        "feed:list",
        frozenset({Role.COORDINATOR, Role.TACTICAL_LEAD}),
        "Upload a crime-log feed, watch it import, and check when the feed last arrived.",
    ),
    NavItem(
        "Cases",
        "cases:list",
        frozenset({Role.COORDINATOR, Role.TACTICAL_LEAD, Role.SOLICITOR}),
        "The hub's cases: people, logs, owner, risk and flags.",
    ),
    NavItem(
        "My logs' feedback",
        "cases:my_logs",
        frozenset({Role.OFFICER, Role.CHAMPION}),
        "What the stalking hub decided and advised on the crime logs you are in charge of.",
    ),
    NavItem(
        "Referrals",
        "referrals:list",
        frozenset({Role.COORDINATOR, Role.TACTICAL_LEAD, Role.SOLICITOR, Role.ISAC, Role.PARTNER}),
        "Referrals to ISACs and partner agencies: decisions, allocation and casework.",
    ),
    NavItem(
        "Stalking clinic",
        "clinic:meeting_list",
        frozenset({Role.COORDINATOR, Role.TACTICAL_LEAD, Role.SOLICITOR, Role.ISAC, Role.PARTNER}),
        "Clinic meetings, agendas, research and minutes; the waiting list and its capacity.",
    ),
    NavItem(
        "Clinic actions",
        "clinic:action_list",
        frozenset(
            {
                Role.COORDINATOR,
                Role.TACTICAL_LEAD,
                Role.SOLICITOR,
                Role.ISAC,
                Role.PARTNER,
                Role.CHAMPION,
                Role.OFFICER,
                Role.TRAINER,
            }
        ),
        "Actions agreed at the stalking clinic that you or your agency own.",
    ),
    NavItem(
        "Orders and SPOs",
        "legal:home",
        frozenset({Role.COORDINATOR, Role.TACTICAL_LEAD, Role.SOLICITOR}),
        "Stalking Protection Orders and other orders: files, hearings, deadlines, breaches.",
    ),
    NavItem(
        "Advice requests",
        "referrals:advice_mine",
        frozenset({Role.OFFICER, Role.CHAMPION}),
        "Ask the stalking hub a question and read its answers.",
    ),
    NavItem(
        "Advice queue",
        "referrals:advice_queue",
        frozenset({Role.COORDINATOR, Role.TACTICAL_LEAD, Role.SOLICITOR}),
        "Questions from officers and champions, soonest due first.",
        also=can_use_advice_queue,  # enhanced champions answer too
    ),
    NavItem(
        "Team caseload",
        "referrals:caseload",
        frozenset(),
        "Your ISAC service's caseload by caseworker.",
        also=can_view_caseload,  # ISAC service managers
    ),
    NavItem(
        "Oversight",
        "oversight:list",
        frozenset({Role.COORDINATOR, Role.TACTICAL_LEAD}),
        "High-risk cases: investigation plans, directions to officers, oversight reviews.",
    ),
    NavItem(
        "Cover",
        "oversight:covers",
        frozenset(),
        "Who covers whose role, from when until when; arrange cover during leave.",
        also=can_approve_covers,  # coordinators, tactical leads and the administrator
    ),
    NavItem(
        "Work you cover",
        "oversight:covered_work",
        frozenset(),
        "The open work of the people you cover now.",
        also=lambda user: bool(user.active_covers()),
    ),
    NavItem(
        "Guidance",
        "referrals:guidance_list",
        frozenset({Role.COORDINATOR, Role.TACTICAL_LEAD}),
        "Answers to frequent questions, shown to officers before they ask.",
    ),
    NavItem(
        "Training",
        "training:sessions",
        frozenset({Role.TRAINER}),
        "Courses, sessions, bookings and registers; teams, rosters and requirements.",
    ),
    NavItem(
        "Training compliance",
        "training:compliance",
        frozenset({Role.TRAINER, Role.COORDINATOR, Role.TACTICAL_LEAD}),
        "Who is current, due, expired or never trained on mandatory training, by team.",
        also=can_view_compliance,  # managers of a team see their own
    ),
    NavItem(
        "Champions",
        "training:champions",
        frozenset({Role.TRAINER, Role.COORDINATOR, Role.TACTICAL_LEAD}),
        "The DA & stalking champions network by area, with its gaps.",
    ),
    NavItem(
        "Staff CPD",
        "training:cpd",
        frozenset({Role.TRAINER, Role.COORDINATOR, Role.TACTICAL_LEAD}),
        "The hub staff's professional development this year against the target.",
    ),
    NavItem(
        "Recording gaps",
        "learning:gaps",
        frozenset({Role.COORDINATOR, Role.TACTICAL_LEAD, Role.TRAINER}),
        "Stalking the force did not record as stalking, by team and area; targeted training.",
        also=can_view_gap_report,  # managers of a team see their own
    ),
    NavItem(
        "Learning points",
        "learning:points",
        frozenset({Role.COORDINATOR, Role.TACTICAL_LEAD}),
        "Lessons raised from the hub's work, to triage and share in bulletins.",
    ),
    NavItem(
        "Learning bulletins",
        "learning:bulletins",
        frozenset(),
        "The hub's learning bulletins addressed to you, and its standing guidance.",
        also=can_see_own_training,  # everyone signed in
    ),
    NavItem(
        "My training",
        "training:mine",
        frozenset(),
        "Your bookings, certificates, mandatory training and CPD.",
        also=can_see_own_training,  # everyone signed in
    ),
)


def items_for(user: User) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if item.shown_to(user)]


def navigation(request: HttpRequest) -> dict[str, object]:
    """Template context processor: the signed-in user's menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "environment_name": _environment_name(), "acting_covers": []}
    return {
        "nav_items": items_for(user),
        "environment_name": _environment_name(),
        # Shown on every page while the user covers someone (foundation/accounts/cover.py).
        "acting_covers": user.active_covers(),
    }


def _environment_name() -> str:
    from django.conf import settings

    return str(settings.HUB_ENVIRONMENT_NAME)
