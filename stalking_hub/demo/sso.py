"""Demo group mappings for the local test directory (`make sso-provider`; docs/configuration.md,
"Trying single sign-on locally"). Harmless without it: no provider named `demo` is configured."""

from __future__ import annotations

from foundation.accounts.models import GroupRoleMapping, Role

DEMO_PROVIDER = "demo"

# (group as the directory sends it, description, roles, SRP assessor)
DEMO_MAPPINGS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("northshire-hub-coordinators", "Stalking hub coordinators", (Role.COORDINATOR,), True),
    ("northshire-hub-tactical", "Stalking hub tactical leads", (Role.TACTICAL_LEAD,), True),
    ("northshire-officers", "All Northshire officers", (Role.OFFICER,), False),
    ("northshire-da-champions", "DA & stalking champions", (Role.CHAMPION,), False),
)


def seed_group_mappings() -> None:
    """Create or refresh the demo provider's mappings (idempotent)."""
    for group, description, roles, srp in DEMO_MAPPINGS:
        GroupRoleMapping.objects.update_or_create(
            provider=DEMO_PROVIDER,
            group=group,
            defaults={
                "description": description,
                "roles": list(roles),
                "grants_srp_assessor": srp,
            },
        )
