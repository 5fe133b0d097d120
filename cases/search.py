"""Finding a crime log or a case: by reference (exact) or by a person's name (trigram), with
a date of birth to narrow (docs/review-queue.md, "Search").

Searches are sent by POST and never kept (not in the URL, not in the session). Each one is
scoped to what the user may open and recorded once in the access audit as a consultation of
the model searched (object id "search", need "search"), with how it matched and how many
results — never the text searched for, which may be a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import QuerySet

from cases.models import Case, CaseLog, CaseParty, CrimeLog, LogParty, Person
from cases.names import normalise_name
from cases.permissions import cases_visible_to, logs_visible_to
from foundation.accounts.models import User
from foundation.audit.access import object_type_of
from foundation.audit.models import AccessRecord
from foundation.audit.services import record_access

# One ranked page, no more: refine the search rather than page through people.
MAX_RESULTS = 50
# The similarity a name must reach (the same bar as the person suggestions).
MIN_SIMILARITY = 0.4
# How many similar persons are considered before their logs or cases are ranked.
PERSON_CANDIDATES = 200
SEARCH_NEED = "search"


@dataclass(frozen=True)
class SearchQuery:
    text: str
    date_of_birth: date | None = None

    @property
    def looks_like_reference(self) -> bool:
        """A reference holds a digit; a name does not. Names are matched only without one."""
        return any(char.isdigit() for char in self.text)


@dataclass(frozen=True)
class Hit[T]:
    item: T
    # How it matched, for the reader: "reference", or the name and how similar.
    matched: str
    score: float


def _similar_persons(query: SearchQuery) -> dict[int, tuple[float, str]]:
    """Person id -> (similarity, name) for names like the query, narrowed by date of birth."""
    key = normalise_name(query.text)
    if not key or query.looks_like_reference:
        return {}
    persons = Person.objects.annotate(score=TrigramSimilarity("name_normalised", key))
    if query.date_of_birth is not None:
        # The (date_of_birth, name_normalised) index narrows before any similarity is computed.
        persons = persons.filter(date_of_birth=query.date_of_birth)
    else:
        # The % operator reaches the trigram GIN index.
        persons = persons.filter(name_normalised__trigram_similar=key)
    rows = (
        persons.filter(score__gte=MIN_SIMILARITY)
        .order_by("-score", "id")
        .values_list("id", "score", "name")[:PERSON_CANDIDATES]
    )
    return {person_id: (float(score), name) for person_id, score, name in rows}


def _name_hits(
    rows: list[tuple[int, int]], persons: dict[int, tuple[float, str]], dob: date | None
) -> dict[int, tuple[float, str]]:
    """Item id -> its best (similarity, how it matched) over the persons it names."""
    best: dict[int, tuple[float, str]] = {}
    for item_id, person_id in rows:
        score, name = persons[person_id]
        matched = f"{name}, name {round(score * 100)}% similar" + (
            ", same date of birth" if dob else ""
        )
        if item_id not in best or score > best[item_id][0]:
            best[item_id] = (score, matched)
    return best


def _record(user: User, model: type[Case] | type[CrimeLog], query: SearchQuery, count: int) -> None:
    kind = "reference" if query.looks_like_reference else "name"
    narrowed = " and date of birth" if query.date_of_birth else ""
    record_access(
        user=user,
        action=AccessRecord.Action.CONSULT,
        object_type=object_type_of(model),
        object_id="search",
        need=SEARCH_NEED,
        justification=f"search by {kind}{narrowed}: {count} result{'s' if count != 1 else ''}",
    )


def _ranked[T](
    exact: list[T], by_name: dict[int, tuple[float, str]], fetched: dict[int, T]
) -> list[Hit[T]]:
    hits = [Hit(item, "reference", 2.0) for item in exact]
    seen = {item.pk for item in exact}  # type: ignore[attr-defined]
    ranked = sorted(by_name.items(), key=lambda entry: (-entry[1][0], -entry[0]))
    for item_id, (score, matched) in ranked:
        item = fetched.get(item_id)
        if item is not None and item_id not in seen:
            hits.append(Hit(item, matched, score))
    return hits[:MAX_RESULTS]


def search_logs(user: User, query: SearchQuery) -> list[Hit[CrimeLog]]:
    """Crime logs the user may open: the log with that reference, then logs naming a person
    whose name is similar (born that day, if given), most similar first. At most 50.
    Raises AuditUnavailable if the search cannot be recorded (nothing is shown)."""
    visible: QuerySet[CrimeLog] = logs_visible_to(user).defer("narrative")
    exact = list(visible.filter(reference__iexact=query.text.strip())[:MAX_RESULTS])
    persons = _similar_persons(query)
    by_name: dict[int, tuple[float, str]] = {}
    fetched: dict[int, CrimeLog] = {log.pk: log for log in exact}
    if persons:
        rows = list(
            LogParty.objects.filter(person_id__in=persons, log__in=visible)
            .values_list("log_id", "person_id")
            .order_by("log_id")[: MAX_RESULTS * 20]
        )
        by_name = _name_hits(rows, persons, query.date_of_birth)
        top = sorted(by_name, key=lambda log_id: (-by_name[log_id][0], -log_id))[:MAX_RESULTS]
        fetched |= {log.pk: log for log in visible.filter(pk__in=top)}
    hits = _ranked(exact, by_name, fetched)
    _record(user, CrimeLog, query, len(hits))
    return hits


def search_cases(user: User, query: SearchQuery) -> list[Hit[Case]]:
    """Cases the user may open: the case with that reference, or holding the log with that
    reference; then cases whose people have a similar name (born that day, if given). At
    most 50. Raises AuditUnavailable if the search cannot be recorded."""
    visible = cases_visible_to(user).select_related("owner")
    text = query.text.strip()
    exact = list(visible.filter(reference__iexact=text)[:MAX_RESULTS])
    if query.looks_like_reference:
        by_log = CaseLog.objects.filter(log__reference__iexact=text).values("case_id")
        exact += [case for case in visible.filter(pk__in=by_log)[:MAX_RESULTS] if case not in exact]
    persons = _similar_persons(query)
    by_name: dict[int, tuple[float, str]] = {}
    fetched: dict[int, Case] = {case.pk: case for case in exact}
    if persons:
        rows = list(
            CaseParty.objects.filter(person_id__in=persons, case__in=visible)
            .values_list("case_id", "person_id")
            .order_by("case_id")[: MAX_RESULTS * 20]
        )
        by_name = _name_hits(rows, persons, query.date_of_birth)
        top = sorted(by_name, key=lambda case_id: (-by_name[case_id][0], -case_id))[:MAX_RESULTS]
        fetched |= {case.pk: case for case in visible.filter(pk__in=top)}
    hits = _ranked(exact, by_name, fetched)
    _record(user, Case, query, len(hits))
    return hits
