"""Built-in evaluation: does the hub work? (docs/dashboard.md, "Evaluation").

Per case: the first hub intervention — the earliest of a review that joined a log to the case,
a referral sent, a clinic discussion or an order made — and, in the 12 months
after it, new incidents against the same victim (crime logs naming a victim of the case as
victim, recorded after the intervention), whether any of the case's logs ended in a charge,
how many orders were made on it, and the ISAC exit outcome where the victim consented to the
referral. A case with less than
12 months of follow-up is marked and left out of the rates unless asked for.

Cohorts compare the rates: opened before against on or after a date; discussed at the clinic
against not. The pseudonymised export (`export_rows`) carries no names, addresses, dates of
birth, references or free text: ids become keyed hashes (HMAC-SHA256 with HUB_EVALUATION_KEY),
stable across exports and not reversible without the key; dates become months.

Set-based: cases are read in chunks of `CHUNK`, each chunk in a fixed number of queries.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import Case, CaseLog, CaseParty, LogParty, LogReview, PartyRole
from cases.outcomes import DetectionState, log_detection_state
from clinic.models import AgendaItem, ClinicReferral
from foundation.accounts.models import Agency
from foundation.outbox.services import enqueue, outbox_handler
from legal.selectors import orders_made_by_case
from referrals.models import OutcomeMeasure, Referral
from stalking_hub.dashboard.models import CaseOutcomeRow

CHUNK = 2000
FOLLOW_UP = timedelta(days=365)


class Intervention:
    REVIEW = "review"
    REFERRAL = "referral"
    CLINIC = "clinic"
    ORDER = "order"


@dataclass(frozen=True)
class CaseOutcome:
    case_id: int
    victim_ids: tuple[int, ...]
    opened_at: datetime
    relationship: str
    current_risk: str
    first_intervention_at: datetime | None
    first_intervention: str
    follow_up_complete: bool
    new_incidents: int
    charged: bool
    discussed_at_clinic: bool
    orders_made: int
    referred_to_isac: bool
    isac_exit: str  # the closure reason of a consented ISAC referral ("" if none)
    # The victim's confidence in the police at ISAC intake and exit: "1".."5", "declined", "".
    confidence_intake: str = ""
    confidence_exit: str = ""


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _order_moment(first_order: tuple[date, int] | None) -> datetime | None:
    """An order's date as the start of that day (site time), to compare with the others."""
    if first_order is None:
        return None
    return datetime.combine(first_order[0], time.min, tzinfo=timezone.get_current_timezone())


def _chunk_outcomes(cases: Sequence[Mapping[str, Any]], now: datetime) -> list[CaseOutcome]:
    ids = [int(str(case["id"])) for case in cases]
    reviews = dict(
        LogReview.objects.filter(case_id__in=ids)
        .order_by()
        .values("case_id")
        .annotate(first=Min("reviewed_at"))
        .values_list("case_id", "first")
    )
    referrals = dict(
        Referral.objects.filter(case_id__in=ids, sent_at__isnull=False)
        .order_by()
        .values("case_id")
        .annotate(first=Min("sent_at"))
        .values_list("case_id", "first")
    )
    discussed = dict(
        AgendaItem.objects.filter(case_id__in=ids, referral__state=ClinicReferral.State.DISCUSSED)
        .order_by()
        .values("case_id")
        .annotate(first=Min("meeting__starts_at"))
        .values_list("case_id", "first")
    )
    orders = orders_made_by_case(ids)
    victims: dict[int, list[int]] = defaultdict(list)
    for case_id, person_id in CaseParty.objects.filter(
        case_id__in=ids, role=PartyRole.VICTIM
    ).values_list("case_id", "person_id"):
        victims[case_id].append(person_id)
    incidents_of: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    persons = {person for people in victims.values() for person in people}
    for person_id, log_id, recorded_at in LogParty.objects.filter(
        person_id__in=persons, role=PartyRole.VICTIM
    ).values_list("person_id", "log_id", "log__recorded_at"):
        incidents_of[person_id].append((log_id, recorded_at))
    charged: set[int] = set()
    for case_id, outcome in CaseLog.objects.filter(case_id__in=ids).values_list(
        "case_id", "log__outcome"
    ):
        if outcome and log_detection_state(outcome) == DetectionState.CHARGED:
            charged.add(case_id)
    isac: dict[int, str] = {}
    for case_id, state, reason in (
        Referral.objects.filter(
            case_id__in=ids,
            agency__kind=Agency.Kind.ISAC_SERVICE,
            consent=Referral.Consent.GIVEN,
        )
        .exclude(state=Referral.State.DRAFT)
        .order_by("created_at")
        .values_list("case_id", "state", "closure_reason")
    ):
        isac[case_id] = reason if state == Referral.State.CLOSED else isac.get(case_id, "")
    confidence: dict[tuple[int, str], str] = {}
    for case_id, stage, score, declined in (
        OutcomeMeasure.objects.filter(
            referral__case_id__in=ids,
            referral__agency__kind=Agency.Kind.ISAC_SERVICE,
            referral__consent=Referral.Consent.GIVEN,
        )
        .order_by("referral__created_at")
        .values_list("referral__case_id", "stage", "police_confidence", "confidence_declined")
    ):
        confidence[case_id, stage] = "declined" if declined else str(score or "")
    outcomes: list[CaseOutcome] = []
    for case in cases:
        case_id = int(str(case["id"]))
        candidates = [
            (moment, kind)
            for moment, kind in (
                (reviews.get(case_id), Intervention.REVIEW),
                (referrals.get(case_id), Intervention.REFERRAL),
                (discussed.get(case_id), Intervention.CLINIC),
                (_order_moment(orders.get(case_id)), Intervention.ORDER),
            )
            if moment is not None and moment <= now
        ]
        first_at, first_kind = (
            min(candidates, key=lambda pair: pair[0]) if candidates else (None, "")
        )
        new_incidents = 0
        if first_at is not None:
            until = first_at + FOLLOW_UP
            logs = {
                log_id
                for person in victims.get(case_id, [])
                for log_id, recorded_at in incidents_of.get(person, [])
                if first_at < recorded_at <= until
            }
            new_incidents = len(logs)
        opened_at = case["opened_at"]
        assert isinstance(opened_at, datetime)
        outcomes.append(
            CaseOutcome(
                case_id=case_id,
                victim_ids=tuple(sorted(victims.get(case_id, []))),
                opened_at=opened_at,
                relationship=str(case["relationship"]),
                current_risk=str(case["current_risk"]),
                first_intervention_at=first_at,
                first_intervention=first_kind,
                follow_up_complete=first_at is not None and first_at + FOLLOW_UP <= now,
                new_incidents=new_incidents,
                charged=case_id in charged,
                discussed_at_clinic=case_id in discussed,
                orders_made=orders[case_id][1] if case_id in orders else 0,
                referred_to_isac=case_id in isac,
                isac_exit=isac.get(case_id, ""),
                confidence_intake=confidence.get((case_id, OutcomeMeasure.Stage.INTAKE), ""),
                confidence_exit=confidence.get((case_id, OutcomeMeasure.Stage.EXIT), ""),
            )
        )
    return outcomes


def case_outcomes(
    *,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
    case_ids: Collection[int] | None = None,
) -> Iterator[CaseOutcome]:
    """Every case's outcome (or those of `case_ids`), chunk by chunk; `progress(done, total)`
    after each chunk."""
    wanted = Case.objects.order_by("pk")
    if case_ids is not None:
        wanted = wanted.filter(pk__in=list(case_ids))
    ids = list(wanted.values_list("pk", flat=True))
    done = 0
    for chunk in _chunks(ids):
        cases = list(
            Case.objects.filter(pk__in=chunk)
            .order_by("pk")
            .values("id", "opened_at", "relationship", "current_risk")
        )
        yield from _chunk_outcomes(cases, now)
        done += len(chunk)
        if progress is not None:
            progress(done, len(ids))


# --- Rates and cohorts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rates:
    label: str
    cases: int
    with_new_incident: int
    new_incidents: int
    charged: int
    short_follow_up: int  # cases left out (or, when included, counted) with < 12 months

    @property
    def repeat_rate(self) -> float | None:
        return round(100 * self.with_new_incident / self.cases, 1) if self.cases else None

    @property
    def incidents_per_case(self) -> float | None:
        return round(self.new_incidents / self.cases, 2) if self.cases else None

    @property
    def charge_rate(self) -> float | None:
        return round(100 * self.charged / self.cases, 1) if self.cases else None


def rates(label: str, outcomes: Sequence[CaseOutcome], *, include_short: bool = False) -> Rates:
    """Rates over the cases with an intervention; those with under 12 months of follow-up are
    left out unless `include_short`."""
    with_intervention = [o for o in outcomes if o.first_intervention_at is not None]
    short = [o for o in with_intervention if not o.follow_up_complete]
    counted = (
        with_intervention
        if include_short
        else [o for o in with_intervention if o.follow_up_complete]
    )
    return Rates(
        label=label,
        cases=len(counted),
        with_new_incident=sum(1 for o in counted if o.new_incidents),
        new_incidents=sum(o.new_incidents for o in counted),
        charged=sum(1 for o in counted if o.charged),
        short_follow_up=len(short),
    )


@dataclass(frozen=True)
class Evaluation:
    overall: Rates
    by_opening: tuple[Rates, Rates]
    by_clinic: tuple[Rates, Rates]
    split_on: date
    total_cases: int
    without_intervention: int
    # When the stored outcomes were computed (stored_evaluation); None when computed live.
    computed_at: datetime | None = None


def _split_moment(split_on: date) -> datetime:
    return timezone.make_aware(datetime.combine(split_on, datetime.min.time()))


def _labels(split_on: date) -> tuple[str, str, str, str, str]:
    return (
        "All cases",
        f"Opened before {split_on:%d %b %Y}",
        f"Opened on or after {split_on:%d %b %Y}",
        "Discussed at the clinic",
        "Not discussed at the clinic",
    )


def evaluate(*, now: datetime, split_on: date, include_short: bool = False) -> Evaluation:
    """Computed live from the apps' tables (tests, the stored outcomes' reference); the page
    reads `stored_evaluation`."""
    outcomes = list(case_outcomes(now=now))
    split = _split_moment(split_on)
    before = [o for o in outcomes if o.opened_at < split]
    after = [o for o in outcomes if o.opened_at >= split]
    clinic = [o for o in outcomes if o.discussed_at_clinic]
    no_clinic = [o for o in outcomes if not o.discussed_at_clinic]
    every, before_label, after_label, clinic_label, no_clinic_label = _labels(split_on)
    return Evaluation(
        overall=rates(every, outcomes, include_short=include_short),
        by_opening=(
            rates(before_label, before, include_short=include_short),
            rates(after_label, after, include_short=include_short),
        ),
        by_clinic=(
            rates(clinic_label, clinic, include_short=include_short),
            rates(no_clinic_label, no_clinic, include_short=include_short),
        ),
        split_on=split_on,
        total_cases=len(outcomes),
        without_intervention=sum(1 for o in outcomes if o.first_intervention_at is None),
    )


# --- The stored outcomes (the page's reads) ------------------------------------------------------

# An import touching more cases than this refreshes them all (one pass) rather than by id.
AFFECTED_LIMIT = 5000


def refresh_outcomes(*, now: datetime, case_ids: Collection[int] | None = None) -> int:
    """Compute the outcomes of every case (or of `case_ids`) and store them; returns how many.

    Idempotent: each row is an upsert, so two refreshes at once store the same outcomes. A full
    refresh also removes the rows of cases that no longer exist (the foreign key cascades too).
    """
    stored = 0
    batch: list[CaseOutcomeRow] = []

    def flush() -> None:
        CaseOutcomeRow.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["case"],
            update_fields=[
                "opened_at",
                "first_intervention_at",
                "follow_up_complete",
                "new_incidents",
                "charged",
                "discussed_at_clinic",
                "computed_at",
            ],
        )
        batch.clear()

    with transaction.atomic():
        for outcome in case_outcomes(now=now, case_ids=case_ids):
            batch.append(
                CaseOutcomeRow(
                    case_id=outcome.case_id,
                    opened_at=outcome.opened_at,
                    first_intervention_at=outcome.first_intervention_at,
                    follow_up_complete=outcome.follow_up_complete,
                    new_incidents=outcome.new_incidents,
                    charged=outcome.charged,
                    discussed_at_clinic=outcome.discussed_at_clinic,
                    computed_at=now,
                )
            )
            stored += 1
            if len(batch) >= CHUNK:
                flush()
        if batch:
            flush()
        if case_ids is None:
            CaseOutcomeRow.objects.filter(computed_at__lt=now).delete()
    return stored


def cases_touched_by_logs(log_ids: Collection[int]) -> set[int]:
    """The cases whose outcome these logs may change: those holding one of the logs (a charge),
    and those whose victim is named as victim on one (a new incident). Two queries."""
    ids = list(log_ids)
    holding = set(CaseLog.objects.filter(log_id__in=ids).values_list("case_id", flat=True))
    victims = LogParty.objects.filter(
        log_id__in=ids, role=PartyRole.VICTIM, person_id__isnull=False
    ).values("person_id")
    named = set(
        CaseParty.objects.filter(role=PartyRole.VICTIM, person_id__in=victims).values_list(
            "case_id", flat=True
        )
    )
    return holding | named


def outcomes_after_logs_changed(*, log_ids: Collection[int], now: datetime) -> None:
    """cases.hooks handler: queue a refresh of the outcomes these logs may change; it runs
    after the batch commits, through the outbox (no query here)."""
    if not log_ids:
        return
    if len(log_ids) > AFFECTED_LIMIT:
        enqueue(refresh_outcomes_message)
    else:
        enqueue(refresh_outcomes_message, log_ids=sorted(log_ids))


@outbox_handler("dashboard.refresh_evaluation_outcomes")
def refresh_outcomes_message(*, log_ids: list[int] | None = None) -> None:
    now = timezone.now()
    if log_ids is None:
        refresh_outcomes(now=now)
        return
    touched = cases_touched_by_logs(log_ids)
    if len(touched) > AFFECTED_LIMIT:
        refresh_outcomes(now=now)
    elif touched:
        refresh_outcomes(now=now, case_ids=touched)


def _cohort_aggregates(prefix: str, cohort: Q, *, include_short: bool) -> dict[str, Any]:
    intervened = cohort & Q(first_intervention_at__isnull=False)
    counted = intervened if include_short else intervened & Q(follow_up_complete=True)
    return {
        f"{prefix}_cases": Count("pk", filter=counted),
        f"{prefix}_with_new": Count("pk", filter=counted & Q(new_incidents__gt=0)),
        f"{prefix}_incidents": Coalesce(Sum("new_incidents", filter=counted), 0),
        f"{prefix}_charged": Count("pk", filter=counted & Q(charged=True)),
        f"{prefix}_short": Count("pk", filter=intervened & Q(follow_up_complete=False)),
    }


def stored_evaluation(*, split_on: date, include_short: bool = False) -> Evaluation:
    """The rates and cohorts from the stored outcomes: one query whatever the number of cases.
    `computed_at` says when they were computed (None: not yet)."""
    split = _split_moment(split_on)
    cohorts = {
        "every": Q(),
        "before": Q(opened_at__lt=split),
        "after": Q(opened_at__gte=split),
        "clinic": Q(discussed_at_clinic=True),
        "no_clinic": Q(discussed_at_clinic=False),
    }
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "without": Count("pk", filter=Q(first_intervention_at__isnull=True)),
        "computed_at": Max("computed_at"),
    }
    for prefix, cohort in cohorts.items():
        aggregates |= _cohort_aggregates(prefix, cohort, include_short=include_short)
    row = CaseOutcomeRow.objects.aggregate(**aggregates)

    def rates_of(prefix: str, label: str) -> Rates:
        return Rates(
            label=label,
            cases=row[f"{prefix}_cases"],
            with_new_incident=row[f"{prefix}_with_new"],
            new_incidents=row[f"{prefix}_incidents"],
            charged=row[f"{prefix}_charged"],
            short_follow_up=row[f"{prefix}_short"],
        )

    every, before_label, after_label, clinic_label, no_clinic_label = _labels(split_on)
    return Evaluation(
        overall=rates_of("every", every),
        by_opening=(rates_of("before", before_label), rates_of("after", after_label)),
        by_clinic=(rates_of("clinic", clinic_label), rates_of("no_clinic", no_clinic_label)),
        split_on=split_on,
        total_cases=row["total"],
        without_intervention=row["without"],
        computed_at=row["computed_at"],
    )


# --- The pseudonymised export -------------------------------------------------------------------

EXPORT_COLUMNS = (
    "case_pseudonym",
    "victim_pseudonyms",
    "opened_month",
    "relationship",
    "current_risk",
    "first_intervention",
    "first_intervention_month",
    "follow_up_complete",
    "new_incidents_12_months",
    "charged",
    "discussed_at_clinic",
    "orders_made",
    "referred_to_isac_with_consent",
    "isac_exit_outcome",
    "police_confidence_intake",
    "police_confidence_exit",
)


def evaluation_key() -> bytes:
    """The pseudonyms' key (HUB_EVALUATION_KEY). Raises ImproperlyConfigured when it is not
    set: a known key would let anyone recompute the pseudonym of a guessed id."""
    key = str(settings.HUB_EVALUATION_KEY)
    if not key:
        raise ImproperlyConfigured("Set HUB_EVALUATION_KEY to export evaluation data.")
    return key.encode()


def pseudonym(kind: str, value: int, key: bytes) -> str:
    """A keyed hash of an id: stable across exports with the same key, not reversible."""
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:20]


def _month(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m") if moment is not None else ""


def export_row(outcome: CaseOutcome, key: bytes) -> list[str]:
    return [
        pseudonym("case", outcome.case_id, key),
        " ".join(pseudonym("person", person, key) for person in outcome.victim_ids),
        _month(outcome.opened_at),
        outcome.relationship,
        outcome.current_risk,
        outcome.first_intervention,
        _month(outcome.first_intervention_at),
        "yes" if outcome.follow_up_complete else "no",
        str(outcome.new_incidents),
        "yes" if outcome.charged else "no",
        "yes" if outcome.discussed_at_clinic else "no",
        str(outcome.orders_made),
        "yes" if outcome.referred_to_isac else "no",
        outcome.isac_exit,
        outcome.confidence_intake,
        outcome.confidence_exit,
    ]


def export_csv(
    *,
    now: datetime,
    include_short: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[str, int]:
    """The pseudonymised CSV and its number of rows. Cases with under 12 months of follow-up
    (or no intervention yet) are left out unless `include_short` (then marked in
    `follow_up_complete`). Raises ImproperlyConfigured without HUB_EVALUATION_KEY."""
    key = evaluation_key()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    rows = 0
    # A person whose processing is restricted (DPA 2018 s.47) is not processed for research
    # either: their cases stay out of the export, pseudonymised or not.
    restricted = set(
        CaseParty.objects.filter(person__restriction__isnull=False).values_list(
            "case_id", flat=True
        )
    )
    for outcome in case_outcomes(now=now, progress=progress):
        if outcome.first_intervention_at is None or outcome.case_id in restricted:
            continue
        if not include_short and not outcome.follow_up_complete:
            continue
        writer.writerow(export_row(outcome, key))
        rows += 1
    return out.getvalue(), rows
