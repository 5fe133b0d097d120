"""Identity: agencies, users, roles and the qualifications that widen a role."""

from __future__ import annotations

from typing import ClassVar

import pghistory
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
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
        return any(role in self.roles for role in roles)

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


class UserSession(AbstractBaseSession):
    """A DB session that knows its user, so deactivating a leaver ends every session at once."""

    user = models.ForeignKey(User, null=True, on_delete=models.CASCADE, related_name="sessions")

    @classmethod
    def get_session_store_class(cls) -> type:
        from foundation.accounts.sessions import SessionStore

        return SessionStore
