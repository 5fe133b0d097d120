"""Demo agencies and one demo user per role. Synthetic throughout."""

from __future__ import annotations

from dataclasses import dataclass

from foundation.accounts.models import Agency, Role, User

# Documented in README.md; seed_demo refuses to run unless DEBUG is on.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105
DEMO_DOMAIN = "demo.stalkinghub.invalid"

DEMO_AGENCIES: tuple[tuple[str, str, str], ...] = (
    ("Northshire Police", Agency.Kind.POLICE_FORCE, "NS"),
    ("Northshire Stalking Advocacy Service", Agency.Kind.ISAC_SERVICE, ""),
    ("Crown Prosecution Service (Northshire)", Agency.Kind.CPS, ""),
    ("Northshire Probation Delivery Unit", Agency.Kind.PROBATION, ""),
    ("Northshire Mental Health NHS Trust", Agency.Kind.MENTAL_HEALTH, ""),
    ("Northshire County Council", Agency.Kind.LOCAL_AUTHORITY, ""),
    ("Westmoor Police", Agency.Kind.OTHER_FORCE, "WM"),
)


@dataclass(frozen=True)
class DemoUser:
    local_part: str
    full_name: str
    agency: str
    roles: tuple[str, ...]
    is_enhanced_champion: bool = False
    is_srp_assessor: bool = False
    is_manager: bool = False
    is_staff: bool = False


POLICE = "Northshire Police"
ISAC = "Northshire Stalking Advocacy Service"

DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("coordinator", "Casey Morgan", POLICE, (Role.COORDINATOR,), is_srp_assessor=True),
    DemoUser("tactical", "DI Robin Hale", POLICE, (Role.TACTICAL_LEAD,), is_srp_assessor=True),
    DemoUser("solicitor", "Jordan Pryce", POLICE, (Role.SOLICITOR,)),
    DemoUser("isac", "Sam Ellery", ISAC, (Role.ISAC,), is_manager=True),
    DemoUser("isac2", "Alex Rowe", ISAC, (Role.ISAC,)),
    DemoUser("partner", "Priya Natt", "Northshire Probation Delivery Unit", (Role.PARTNER,)),
    DemoUser("champion", "PC Lee Carver", POLICE, (Role.CHAMPION, Role.OFFICER)),
    DemoUser(
        "enhanced",
        "DS Noor Farah",
        POLICE,
        (Role.CHAMPION, Role.OFFICER),
        is_enhanced_champion=True,
    ),
    DemoUser("officer", "PC Tom Brennan", POLICE, (Role.OFFICER,)),
    DemoUser("trainer", "Dana Okafor", POLICE, (Role.TRAINER,)),
    # Manages Neighbourhood Policing South: sees that team's training compliance.
    DemoUser("manager", "Insp Kit Marsh", POLICE, (Role.OFFICER,), is_manager=True),
    DemoUser("auditor", "Morgan Blake", POLICE, (Role.AUDITOR,)),
    DemoUser("records", "Priya Anand", POLICE, (Role.INFORMATION_MANAGER,)),
    DemoUser("admin", "System Admin", POLICE, (Role.ADMIN,), is_staff=True),
)


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


def seed_accounts() -> dict[str, User]:
    """Create or refresh the demo agencies and users (idempotent). Returns users by local part."""
    agencies = {}
    for name, kind, code in DEMO_AGENCIES:
        agencies[name], _ = Agency.objects.update_or_create(
            name=name, defaults={"kind": kind, "code": code}
        )
    users: dict[str, User] = {}
    for spec in DEMO_USERS:
        user, created = User.objects.update_or_create(
            email=demo_email(spec.local_part),
            defaults={
                "full_name": spec.full_name,
                "agency": agencies[spec.agency],
                "roles": list(spec.roles),
                "is_enhanced_champion": spec.is_enhanced_champion,
                "is_srp_assessor": spec.is_srp_assessor,
                "is_manager": spec.is_manager,
                "is_staff": spec.is_staff,
                "is_superuser": spec.is_staff,
                "is_active": True,
            },
        )
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users[spec.local_part] = user
    return users
