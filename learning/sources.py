"""Where a learning point comes from, opened through that source's own door.

`open_source` is the one way this app reaches a source record: each kind goes through its
app's `get_<thing>_for_user` (recorded there, 404 when the user may not see it), and answers
with the case and the log the point's leak check reads. Raising a point needs more than
seeing the source: the hub's staff raise points from their work; an ISAC raises victim-voice
points on their own service's casework.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from cases.models import Case, CrimeLog
from cases.permissions import LogNeed, get_case_for_user, get_log_for_user
from clinic.permissions import get_clinic_referral_for_user
from foundation.accounts.models import User
from foundation.accounts.roles import is_hub_staff, is_isac
from learning.models import SourceKind, Theme
from legal.permissions import get_file_for_user
from referrals.permissions import (
    ReferralNeed,
    get_advice_request_for_user,
    get_referral_for_user,
)
from referrals.selectors import what_would_have_helped


@dataclass(frozen=True)
class Source:
    kind: SourceKind
    id: int
    case: Case | None
    log: CrimeLog | None

    @property
    def label(self) -> str:
        return SourceKind(self.kind).label


def may_raise_from(user: User, kind: SourceKind) -> bool:
    if kind == SourceKind.ISAC_FEEDBACK:
        return is_isac(user) or is_hub_staff(user)
    return is_hub_staff(user)


def themes_for(user: User, kind: SourceKind) -> list[tuple[str, str]]:
    """The themes a user may choose: an ISAC raises victim-voice points only."""
    if kind == SourceKind.ISAC_FEEDBACK and not is_hub_staff(user):
        return [(Theme.VICTIM_VOICE.value, Theme.VICTIM_VOICE.label)]
    return list(Theme.choices)


def open_source(user: User, kind: str, source_id: object) -> Source:
    """The source through its door; Http404 when the kind is unknown, the user may not raise
    a point from it, or the door refuses (the door records the attempt)."""
    if kind not in SourceKind.values or not may_raise_from(user, SourceKind(kind)):
        raise Http404
    match SourceKind(kind):
        case SourceKind.LOG_REVIEW:
            log = get_log_for_user(user, source_id, need=LogNeed.READ)
            review = getattr(log, "review", None)
            return Source(SourceKind.LOG_REVIEW, log.pk, review.case if review else None, log)
        case SourceKind.CLINIC_DECISION:
            clinic_referral = get_clinic_referral_for_user(user, source_id)
            return Source(
                SourceKind.CLINIC_DECISION, clinic_referral.pk, clinic_referral.case, None
            )
        case SourceKind.SPO_OUTCOME:
            order_file = get_file_for_user(user, source_id)
            return Source(SourceKind.SPO_OUTCOME, order_file.pk, order_file.case, None)
        case SourceKind.ADVICE_REQUEST:
            advice = get_advice_request_for_user(user, source_id)
            return Source(SourceKind.ADVICE_REQUEST, advice.pk, None, advice.crime_log)
        case SourceKind.CASE_CLOSURE:
            case = get_case_for_user(user, source_id)
            return Source(SourceKind.CASE_CLOSURE, case.pk, case, None)
        case SourceKind.ISAC_FEEDBACK:
            need = ReferralNeed.READ if is_hub_staff(user) else ReferralNeed.CASEWORK
            referral = get_referral_for_user(user, source_id, need=need)
            return Source(SourceKind.ISAC_FEEDBACK, referral.pk, referral.case, None)
    raise Http404  # pragma: no cover - every kind is matched above


def prefill_text(source: Source, answer: str) -> str:
    """The text a new point starts with: for ISAC feedback with `answer` ("intake" or
    "exit"), the victim's "what would have helped" at that stage, read from the referral
    already opened through its door. The leak check still runs when the point is raised."""
    if source.kind != SourceKind.ISAC_FEEDBACK or not answer:
        return ""
    return what_would_have_helped(source.id, answer)[:2000]
