"""Role groups, defined once. Every app's doors and predicates use these; none re-lists roles.

A predicate answers for an *active* user only: a deactivated account holds no role. Each asks
`User.has_role`, which counts a role the user covers now (foundation/accounts/cover.py).
"""

from __future__ import annotations

from foundation.accounts.models import Role, User

# The hub's own staff: they see every case of the hub (DESIGN.md §4).
HUB_STAFF = (Role.COORDINATOR, Role.TACTICAL_LEAD, Role.SOLICITOR)
# The hub's managers: review logs, open, change and close cases, refer, assess.
HUB_MANAGERS = (Role.COORDINATOR, Role.TACTICAL_LEAD)
# Users of another agency who see what a case share opens to their agency.
RECEIVING_ROLES = (Role.ISAC, Role.PARTNER)
# Officers in charge of logs: feedback on their own logs, advice requests.
FRONTLINE_ROLES = (Role.OFFICER, Role.CHAMPION)


def _holds(user: User, roles: tuple[Role, ...]) -> bool:
    return user.is_active and user.has_role(*roles)


def is_hub_staff(user: User) -> bool:
    """Coordinator, tactical lead or solicitor."""
    return _holds(user, HUB_STAFF)


def is_hub_manager(user: User) -> bool:
    """Coordinator or tactical lead."""
    return _holds(user, HUB_MANAGERS)


def is_receiving_user(user: User) -> bool:
    """An ISAC or partner user with an agency: sees what live shares open to that agency."""
    return _holds(user, RECEIVING_ROLES) and user.agency_id is not None


def is_isac(user: User) -> bool:
    return _holds(user, (Role.ISAC,)) and user.agency_id is not None


def is_frontline(user: User) -> bool:
    """An officer or champion."""
    return _holds(user, FRONTLINE_ROLES)


def is_auditor(user: User) -> bool:
    return _holds(user, (Role.AUDITOR,))


def is_information_manager(user: User) -> bool:
    """Reviews records due under the retention rules, disposes, answers subject-rights requests."""
    return _holds(user, (Role.INFORMATION_MANAGER,))


def is_tactical_lead(user: User) -> bool:
    """The tactical lead (or whoever covers the role now: `User.has_role` counts covers)."""
    return _holds(user, (Role.TACTICAL_LEAD,))


def is_coordinator(user: User) -> bool:
    return _holds(user, (Role.COORDINATOR,))
