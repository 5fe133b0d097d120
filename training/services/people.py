"""Finding people and keeping the rosters: match by staff or collar number, then e-mail;
link to a user account when one matches; teams and their managers; requirements."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Lower, Replace, Upper
from django.utils import timezone

from foundation.accounts.models import Agency, User
from foundation.accounts.roles import is_hub_manager
from training.columns import key
from training.errors import NotAllowed, TrainingError
from training.models import (
    Area,
    Course,
    Requirement,
    Team,
    Trainee,
    normalise_email,
    normalise_staff_number,
)
from training.permissions import can_manage_training

AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class Identity:
    """Who a row, or the booking form, names."""

    name: str = ""
    staff_number: str = ""
    email: str = ""
    organisation: Agency | None = None
    team: Team | None = None
    role: str = ""

    @classmethod
    def of(
        cls,
        *,
        name: str = "",
        staff_number: str = "",
        email: str = "",
        organisation: Agency | None = None,
        team: Team | None = None,
        role: str = "",
    ) -> Identity:
        return cls(
            name=" ".join(name.split()),
            staff_number=normalise_staff_number(staff_number),
            email=normalise_email(email),
            organisation=organisation,
            team=team,
            role=" ".join(role.split()),
        )

    @property
    def identifiable(self) -> bool:
        """A staff number or an e-mail tells people apart; a name alone does not."""
        return bool(self.staff_number or self.email)


def is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


class Directory:
    """Organisations, teams, people and accounts for the identities of one file, loaded in a
    bounded number of queries and kept up to date as rows create people."""

    def __init__(self, *, staff_numbers: Iterable[str] = (), emails: Iterable[str] = ()) -> None:
        numbers = sorted({number for number in staff_numbers if number})
        addresses = sorted({address for address in emails if address})
        self.agencies = list(Agency.objects.filter(is_active=True))
        self.teams = list(Team.objects.filter(is_active=True).select_related("organisation"))
        self.by_number: dict[str, list[Trainee]] = {}
        self.by_email: dict[str, Trainee] = {}
        self.by_user: dict[int, Trainee] = {}
        found = Trainee.objects.filter(Q(staff_number__in=numbers) | Q(email__in=addresses))
        for trainee in found.select_related("organisation", "team"):
            self._remember(trainee)
        users = (
            User.objects.filter(is_active=True)
            .annotate(
                number_key=Upper(Replace("collar_number", Value(" "), Value(""))),
                email_key=Lower("email"),
            )
            .filter(Q(number_key__in=numbers) | Q(email_key__in=addresses))
            .select_related("agency", "trainee")
        )
        self.users_by_number: dict[str, list[User]] = {}
        self.users_by_email: dict[str, User] = {}
        for user in users:
            if user.number_key:
                self.users_by_number.setdefault(user.number_key, []).append(user)
            self.users_by_email[user.email_key] = user

    def _remember(self, trainee: Trainee) -> None:
        if trainee.staff_number:
            bucket = self.by_number.setdefault(trainee.staff_number, [])
            if trainee not in bucket:
                bucket.append(trainee)
        if trainee.email:
            self.by_email[trainee.email] = trainee
        if trainee.user_id:
            self.by_user[trainee.user_id] = trainee

    def organisation(self, text: str) -> Agency | None:
        wanted = key(text)
        if not wanted:
            return None
        for agency in self.agencies:
            if key(agency.name) == wanted or (agency.code and key(agency.code) == wanted):
                return agency
        return None

    def team(self, text: str, organisation: Agency | None) -> Team | None:
        wanted = key(text)
        if not wanted:
            return None
        hits = [team for team in self.teams if key(team.name) == wanted]
        if organisation is not None:
            hits = [team for team in hits if team.organisation_id == organisation.pk]
        return hits[0] if len(hits) == 1 else None

    def find(self, identity: Identity) -> Trainee | str | None:
        """The trainee by staff number (within the organisation when one is given), then by
        e-mail; AMBIGUOUS when a number fits several people; None when no one matches."""
        if identity.staff_number:
            hits = self.by_number.get(identity.staff_number, [])
            if identity.organisation is not None:
                hits = [t for t in hits if t.organisation_id == identity.organisation.pk]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                return AMBIGUOUS
        if identity.email:
            trainee = self.by_email.get(identity.email)
            if trainee is not None:
                return trainee
        user = self.find_user(identity)
        if user is not None:
            return self.by_user.get(user.pk) or _trainee_of(user)
        return None

    def find_user(self, identity: Identity) -> User | None:
        """A user account with this collar number (in the organisation, if given) or e-mail."""
        if identity.staff_number:
            users = self.users_by_number.get(identity.staff_number, [])
            if identity.organisation is not None:
                users = [u for u in users if u.agency_id == identity.organisation.pk]
            if len(users) == 1:
                return users[0]
        if identity.email:
            return self.users_by_email.get(identity.email)
        return None

    def remember(self, trainee: Trainee) -> None:
        """Know a trainee created by a row once its savepoint has committed."""
        self._remember(trainee)

    def create(self, identity: Identity, *, source: str, remember: bool = True) -> Trainee:
        """A new trainee for an identity no one matches, linked to a matching account.
        With `remember=False` the caller calls `remember` once the row's savepoint holds."""
        user = self.find_user(identity)
        organisation = identity.organisation or (user.agency if user else None)
        trainee = Trainee.objects.create(
            name=identity.name or (user.full_name if user else ""),
            staff_number=identity.staff_number,
            email=identity.email or (normalise_email(user.email) if user else ""),
            role=identity.role,
            team=identity.team,
            organisation=organisation,
            user=user if user is not None and user.pk not in self.by_user else None,
            source=source,
        )
        if remember:
            self._remember(trainee)
        return trainee


def _trainee_of(user: User) -> Trainee | None:
    try:
        return user.trainee
    except Trainee.DoesNotExist:
        return None


def trainee_for_user(user: User) -> Trainee:
    """The user's own training record, made from their account the first time it is needed."""
    existing = _trainee_of(user)
    if existing is not None:
        return existing
    directory = Directory(
        staff_numbers=[normalise_staff_number(user.collar_number)], emails=[user.email.lower()]
    )
    identity = Identity.of(
        name=user.full_name,
        staff_number=user.collar_number,
        email=user.email,
        organisation=user.agency,
    )
    found = directory.find(identity)
    if isinstance(found, Trainee):
        if found.user_id is None:
            found.user = user
            found.save(update_fields=["user"])
        return found
    return directory.create(identity, source=Trainee.Source.ACCOUNT)


@transaction.atomic
def find_or_add_trainee(*, identity: Identity, by: User) -> tuple[Trainee, bool]:
    """The person the booking form names, or a new trainee. Returns (trainee, created).

    Raises TrainingError when the details fit several people, or when no one matches and
    there is not enough to add someone (a name, an organisation, and a number or e-mail).
    """
    if not can_manage_training(by):
        raise NotAllowed("Trainers book people on sessions.")
    if identity.email and not is_email(identity.email):
        raise TrainingError("That is not an e-mail address.")
    directory = Directory(staff_numbers=[identity.staff_number], emails=[identity.email])
    found = directory.find(identity)
    if found == AMBIGUOUS:
        raise TrainingError(
            "That staff number belongs to people in several organisations: choose the organisation."
        )
    if isinstance(found, Trainee):
        return found, False
    if directory.find_user(identity) is None and not (
        identity.name and identity.organisation and identity.identifiable
    ):
        raise TrainingError(
            "No one matches. To add someone, give their name, organisation and a staff "
            "number or e-mail."
        )
    return directory.create(identity, source=Trainee.Source.BOOKING), True


# --- Teams ----------------------------------------------------------------------------------------


def _check_managers(managers: Iterable[User]) -> list[User]:
    chosen = list(managers)
    if any(not manager.is_manager for manager in chosen):
        raise TrainingError("A team's managers must hold the manager qualification.")
    return chosen


@transaction.atomic
def create_team(
    *,
    name: str,
    organisation: Agency,
    area: Area | None,
    managers: Iterable[User],
    by: User,
) -> Team:
    """A new team. Raises NotAllowed or TrainingError (a name already used in that
    organisation, a manager without the qualification)."""
    if not can_manage_training(by):
        raise NotAllowed("Trainers manage teams.")
    name = " ".join(name.split())
    if Team.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise TrainingError("That organisation already has a team of that name.")
    team = Team.objects.create(name=name, organisation=organisation, area=area)
    team.managers.set(_check_managers(managers))
    return team


@transaction.atomic
def update_team(
    *,
    team: Team,
    name: str,
    organisation: Agency,
    area: Area | None,
    managers: Iterable[User],
    is_active: bool,
    by: User,
) -> Team:
    if not can_manage_training(by):
        raise NotAllowed("Trainers manage teams.")
    name = " ".join(name.split())
    clash = Team.objects.filter(organisation=organisation, name__iexact=name).exclude(pk=team.pk)
    if clash.exists():
        raise TrainingError("That organisation already has a team of that name.")
    team.name, team.organisation, team.area, team.is_active = name, organisation, area, is_active
    team.save()
    team.managers.set(_check_managers(managers))
    return team


@transaction.atomic
def set_trainee_active(*, trainee: Trainee, is_active: bool, by: User) -> Trainee:
    """Mark a leaver (kept for the record, out of compliance) or bring them back."""
    if not can_manage_training(by):
        raise NotAllowed("Trainers keep the rosters.")
    trainee.is_active = is_active
    trainee.updated_at = timezone.now()
    trainee.save(update_fields=["is_active", "updated_at"])
    return trainee


# --- Requirements ---------------------------------------------------------------------------------


@transaction.atomic
def add_requirement(
    *,
    course: Course,
    role: str = "",
    team: Team | None = None,
    organisation: Agency | None = None,
    by: User,
) -> Requirement:
    """Make a course mandatory for one role, team or organisation. Raises TrainingError."""
    # The hub's managers may require a course of a team (targeted from the recording gaps).
    may = can_manage_training(by) or (team is not None and not role and is_hub_manager(by))
    if not may:
        raise NotAllowed("Trainers set the requirements.")
    role = " ".join(role.split())
    targets = [bool(role), team is not None, organisation is not None]
    if sum(targets) != 1:
        raise TrainingError("Choose exactly one of a role, a team or an organisation.")
    existing = Requirement.objects.filter(course=course)
    if role:
        existing = existing.filter(role__iexact=role)
    elif team is not None:
        existing = existing.filter(team=team)
    else:
        existing = existing.filter(organisation=organisation)
    if existing.exists():
        raise TrainingError("That requirement already exists.")
    return Requirement.objects.create(
        course=course, role=role, team=team, organisation=organisation, created_by=by
    )


@transaction.atomic
def remove_requirement(*, requirement: Requirement, by: User) -> None:
    if not can_manage_training(by):
        raise NotAllowed("Trainers set the requirements.")
    requirement.delete()
