"""Identity: agencies, users, roles and the qualifications that widen a role."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import pghistory
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone


class Role(models.TextChoices):
    """The roles of DESIGN.md §1. A user may hold several."""

    COORDINATOR = "coordinator", "Hub coordinator"
    TACTICAL_LEAD = "tactical_lead", "Tactical lead"
    SOLICITOR = "solicitor", "Force solicitor"
    ISAC = "isac", "Stalking advocacy caseworker (ISAC)"
    PARTNER = "partner", "Partner agency"
    CHAMPION = "champion", "DA & stalking champion"
    OFFICER = "officer", "Officer"
    TRAINER = "trainer", "Learning & development"
    AUDITOR = "auditor", "Information management auditor"
    # Retention, review and disposal, and subject rights (docs/information-management.md):
    # separate from the auditor, who keeps the access audit and must not dispose of it.
    INFORMATION_MANAGER = "information_manager", "Information manager"
    ADMIN = "admin", "System administrator"


@pghistory.track()
class Agency(models.Model):
    class Kind(models.TextChoices):
        POLICE_FORCE = "police_force", "Police force (home)"
        OTHER_FORCE = "other_force", "Other police force"
        ISAC_SERVICE = "isac_service", "Stalking advocacy service (ISAC)"
        CPS = "cps", "Crown Prosecution Service"
        PROBATION = "probation", "Probation"
        MENTAL_HEALTH = "mental_health", "NHS mental health"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        HOUSING = "housing", "Housing"
        IDVA = "idva", "IDVA service"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # A force's area code (e.g. "WM") for another force; used to recognise cross-border logs.
    code = models.CharField(max_length=16, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("roles", [Role.ADMIN])
        return self.create_user(email, password, **extra)


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with e-mail; belongs to one agency; may hold several roles."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, related_name="users")
    roles = ArrayField(models.CharField(max_length=32, choices=Role), default=list, blank=True)
    # Qualifications that widen what a role allows (DESIGN.md §1).
    is_enhanced_champion = models.BooleanField(
        default=False, help_text="Enhanced champions also answer advice requests."
    )
    is_srp_assessor = models.BooleanField(
        default=False, help_text="Trained to complete Stalking Risk Profile assessments."
    )
    is_manager = models.BooleanField(
        default=False, help_text="Sees the caseload of their agency's team."
    )
    collar_number = models.CharField(max_length=32, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # Single sign-on: the provider key (HUB_OIDC_PROVIDERS) and its stable subject identifier.
    # Empty for local password + TOTP accounts. An SSO account's roles, qualifications and
    # agency come only from the provider's group claims (GroupRoleMapping), at every sign-in.
    sso_provider = models.CharField("sign-in provider", max_length=32, blank=True)
    sso_subject = models.CharField("subject at the provider", max_length=255, blank=True)
    # The latest end of the covers this user holds (RoleCover; kept by accounts/cover.py): a
    # user covering nobody costs no query on any page.
    covering_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["agency"])]
        constraints = [
            models.UniqueConstraint(
                fields=["sso_provider", "sso_subject"],
                condition=~models.Q(sso_provider=""),
                name="accounts_user_one_account_per_sso_identity",
            )
        ]

    def __str__(self) -> str:
        # Staff names are not victim data, but the id keeps logs and admin titles neutral.
        return f"User #{self.pk}"

    def has_role(self, *roles: str) -> bool:
        """True if the user holds one of `roles` in their own right, or covers it now.

        Every role predicate (foundation/accounts/roles.py) and every app asks here, so a cover
        (RoleCover) grants exactly the role's permissions, for its period, through the same
        predicates as the role itself: there is no second permission path. A check answered
        only through a cover is noted, so the next access record says it was under cover.
        """
        if any(role in self.roles for role in roles):
            return True
        cover = self.cover_for(*roles)
        if cover is None:
            return False
        self.__dict__.setdefault("_covers_used", []).append(cover)
        return True

    def cover_for(self, *roles: str, now: datetime | None = None) -> RoleCover | None:
        """The cover through which the user holds one of `roles` at `now`, if any."""
        now = now or timezone.now()
        for cover in self.role_covers():
            if cover.role in roles and cover.is_active_at(now):
                return cover
        return None

    def active_covers(self, now: datetime | None = None) -> list[RoleCover]:
        """The covers the user holds at `now` (their covered role, person and approver)."""
        now = now or timezone.now()
        return [cover for cover in self.role_covers() if cover.is_active_at(now)]

    def role_covers(self) -> list[RoleCover]:
        """The user's covers not yet over, read once per instance (so once per request: the
        signed-in user is loaded afresh for each). Whether each is active is decided at every
        check against the clock, so a cover ends at its end to the second."""
        cached: list[RoleCover] | None = self.__dict__.get("_role_covers")
        if cached is None:
            cached = []
            now = timezone.now()
            if (
                self.pk is not None
                and self.is_active
                and self.covering_until is not None
                and self.covering_until > now
            ):
                cached = list(
                    RoleCover.objects.filter(user_id=self.pk, ends_at__gt=now)
                    .filter(
                        models.Q(ended_early_at__isnull=True) | models.Q(ended_early_at__gt=now)
                    )
                    .select_related("covered_user", "approved_by")
                    .order_by("starts_at", "pk")
                )
            self.__dict__["_role_covers"] = cached
        return cached

    def take_cover_used(self) -> RoleCover | None:
        """The cover that last answered a role check since the previous call (then forgotten):
        the access record being written was granted under it."""
        used: list[RoleCover] = self.__dict__.pop("_covers_used", [])
        return used[-1] if used else None

    def forget_covers(self) -> None:
        """Read the covers again at the next check (after a cover was made or ended)."""
        self.__dict__.pop("_role_covers", None)
        self.__dict__.pop("_covers_used", None)

    def refresh_from_db(self, *args: object, **kwargs: object) -> None:
        self.forget_covers()
        super().refresh_from_db(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in self.roles if role in Role.values]

    @property
    def is_sso(self) -> bool:
        return bool(self.sso_provider)


@pghistory.track()
class GroupRoleMapping(models.Model):
    """A directory group at a sign-in provider, and the roles and qualifications it gives.

    Re-applied at every single sign-on: a user's roles are the union over the groups the
    provider says they belong to; a user it gives no role cannot sign in
    (docs/configuration.md, "Single sign-on").
    """

    provider = models.CharField(
        max_length=32, help_text="The provider's key in HUB_OIDC_PROVIDERS, e.g. force."
    )
    group = models.CharField(
        max_length=255,
        help_text="The value in the provider's groups claim, exactly as sent "
        "(Entra ID: the group's object ID, or an app role name).",
    )
    description = models.CharField(
        max_length=200, blank=True, help_text="What the group is, for the next administrator."
    )
    roles = ArrayField(models.CharField(max_length=32, choices=Role), default=list, blank=True)
    grants_enhanced_champion = models.BooleanField("enhanced champion", default=False)
    grants_srp_assessor = models.BooleanField("trained SRP assessor", default=False)
    grants_manager = models.BooleanField("manager", default=False)

    class Meta:
        ordering = ["provider", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "group"], name="accounts_groupmapping_unique_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.description or self.group}"


@pghistory.track()
class RoleCover(models.Model):
    """A user covering another's role for a period: the coordinator acting as tactical lead, one
    ISAC covering another's caseload, a second solicitor covering orders.

    While active (from `starts_at` up to, not including, `ends_at` or the moment it was ended
    early) the covering user holds `role` through `User.has_role`. Who may cover what, and who
    approves, is in foundation/accounts/cover.py (docs/oversight.md, "Cover and deputising").
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_covers_held")
    role = models.CharField(max_length=32, choices=Role)
    covered_user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="role_covers_received"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(db_default=Now())
    ended_early_at = models.DateTimeField(null=True, blank=True)
    ended_early_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "ends_at"], name="rolecover_user_idx"),
            models.Index(fields=["covered_user", "role"], name="rolecover_covered_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="rolecover_period"
            ),
            models.CheckConstraint(
                condition=~models.Q(user=models.F("covered_user")), name="rolecover_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"Role cover #{self.pk}"

    @property
    def effective_end(self) -> datetime:
        """When the cover stops: its end, or the moment it was ended early."""
        if self.ended_early_at is not None and self.ended_early_at < self.ends_at:
            return self.ended_early_at
        return self.ends_at

    def is_active_at(self, now: datetime) -> bool:
        return self.starts_at <= now < self.effective_end

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else self.role


class UserSession(AbstractBaseSession):
    """A DB session that knows its user, so deactivating a leaver ends every session at once."""

    user = models.ForeignKey(User, null=True, on_delete=models.CASCADE, related_name="sessions")

    @classmethod
    def get_session_store_class(cls) -> type:
        from foundation.accounts.sessions import SessionStore

        return SessionStore
