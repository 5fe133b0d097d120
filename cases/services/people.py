"""Linking the people named on crime logs to Person records, suggesting matches, merging.

Linking is automatic only where it is safe (DESIGN.md §3, issue 3 item 4):

1. the source system's own id for the person (`PersonIdentifier`), exactly;
2. else the normalised name and date of birth, both present and exactly equal — but never to
   a person the same source already knows under a different id (the source says they are two
   people);
3. else a new Person (with its identifier when the source gave an id).

A party with neither a name nor a source id stays unlinked. Similar names are only ever
*suggested* to a reviewer (`candidates_for`); two records become one only by `merge_persons`,
an explicit, audited action.

`link_parties` is set-based: a fixed handful of SQL statements per call whatever the number of
logs (the import calls it with 10,000-50,000 log ids per batch).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import pghistory
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cases.models import CaseParty, LogParty, LogSignal, Person, PersonAddress, PersonIdentifier
from cases.names import normalise_name
from cases.signals.database import bulk_session, int_array
from foundation.accounts.models import User
from foundation.audit.access import record_consultation

# Trigram similarity below this is not worth a reviewer's time (0.3 is pg_trgm's own default
# threshold for the % operator, which the name-only search uses to reach the GIN index).
MIN_SIMILARITY = 0.4

# --- Linking ------------------------------------------------------------------------------------

# The parties to link are copied into a temporary work table first: the resolution steps then
# update a small unindexed table, and cases_logparty (five indexes, a foreign key) is written
# once per party at the end. The import fills the same table from its staging tables instead,
# before the parties exist, and inserts each party with its person (`resolve_work`).
# `party_id` orders the parties (the first one of an id or a name gives the new person's name):
# the party's id here, the party's place in the file there.
WORK_TABLE = """
CREATE TEMP TABLE IF NOT EXISTS person_link_work (
    party_id bigint NOT NULL,
    source varchar NOT NULL,
    source_id varchar NOT NULL,
    name varchar NOT NULL,
    name_normalised varchar NOT NULL,
    date_of_birth date,
    person_id bigint
);
CREATE INDEX IF NOT EXISTS person_link_work_party ON person_link_work (party_id);
TRUNCATE person_link_work;
"""

_WORK = """
INSERT INTO person_link_work (party_id, source, source_id, name, name_normalised, date_of_birth)
SELECT p.id, l.source, p.source_id, p.name, p.name_normalised, p.date_of_birth
FROM cases_logparty p JOIN cases_crimelog l ON l.id = p.log_id
WHERE p.log_id = ANY(%(ids)s::bigint[]) AND p.person_id IS NULL
  AND (p.source_id <> '' OR p.name_normalised <> '')
"""

# 1. A source id that is a known identifier: its person (or whoever that person was merged
#    into). Runs again after step 3 for the identifiers step 2 added and any a concurrent
#    import won.
_BY_IDENTIFIER = """
UPDATE person_link_work w
SET person_id = COALESCE(pe.merged_into_id, pe.id)
FROM cases_personidentifier i JOIN cases_person pe ON pe.id = i.person_id
WHERE w.person_id IS NULL AND w.source_id <> '' AND i.source = w.source AND i.value = w.source_id
"""

# 2. An unknown source id whose name and date of birth match a person this source does not
#    know yet: record the id against that person. One id per person and source (the first
#    party of each id gives the name); ON CONFLICT lets a concurrent import's identifier win.
_IDENTIFY_BY_NAME_AND_DOB = """
WITH todo AS (
    SELECT DISTINCT ON (source, source_id) source, source_id, name_normalised, date_of_birth
    FROM person_link_work
    WHERE person_id IS NULL AND source_id <> '' AND name_normalised <> ''
      AND date_of_birth IS NOT NULL
    ORDER BY source, source_id, party_id
), matched AS (
    SELECT t.source, t.source_id, (
        SELECT COALESCE(pe.merged_into_id, pe.id)
        FROM cases_person pe
        WHERE pe.date_of_birth = t.date_of_birth AND pe.name_normalised = t.name_normalised
          -- Read through the person_id index only: an index on source alone matches all rows.
          AND NOT t.source = ANY(ARRAY(
              SELECT known.source FROM cases_personidentifier known
              WHERE known.person_id = COALESCE(pe.merged_into_id, pe.id)))
        ORDER BY pe.merged_into_id IS NOT NULL, pe.id
        LIMIT 1) AS person_id
    FROM todo t
), chosen AS (
    SELECT DISTINCT ON (source, person_id) source, source_id, person_id
    FROM matched WHERE person_id IS NOT NULL
    ORDER BY source, person_id, source_id
)
INSERT INTO cases_personidentifier (person_id, source, value)
SELECT person_id, source, source_id FROM chosen ORDER BY source, source_id
ON CONFLICT (source, value) DO NOTHING
"""

# 3. Still-unknown source ids: a new person each, created with its identifier. The identifier
#    goes in first; if a concurrent import inserted it already, that one wins and no person is
#    created here (step 1 then links to the winner). The foreign key is checked at commit.
#    The parties of the persons created here are linked in the same statement.
_CREATE_IDENTIFIED = """
WITH todo AS (
    SELECT DISTINCT ON (source, source_id)
           source, source_id, name, name_normalised, date_of_birth
    FROM person_link_work
    WHERE person_id IS NULL AND source_id <> ''
    ORDER BY source, source_id, party_id
), fresh AS MATERIALIZED (
    SELECT nextval(pg_get_serial_sequence('cases_person', 'id')) AS id, todo.* FROM todo
), won AS (
    INSERT INTO cases_personidentifier (person_id, source, value)
    SELECT id, source, source_id FROM fresh ORDER BY source, source_id
    ON CONFLICT (source, value) DO NOTHING
    RETURNING person_id
), created AS (
    INSERT INTO cases_person (id, name, name_normalised, date_of_birth, aliases, created_at)
    SELECT f.id, f.name, f.name_normalised, f.date_of_birth, '{}', %(now)s
    FROM fresh f JOIN won ON won.person_id = f.id
    RETURNING id
)
UPDATE person_link_work w SET person_id = f.id
FROM fresh f JOIN created c ON c.id = f.id
WHERE w.person_id IS NULL AND w.source = f.source AND w.source_id = f.source_id
"""

# 4. No source id: an existing person with the same name and date of birth.
_BY_NAME_AND_DOB = """
UPDATE person_link_work w SET person_id = (
    SELECT COALESCE(pe.merged_into_id, pe.id)
    FROM cases_person pe
    WHERE pe.date_of_birth = w.date_of_birth AND pe.name_normalised = w.name_normalised
    ORDER BY pe.merged_into_id IS NOT NULL, pe.id
    LIMIT 1)
WHERE w.person_id IS NULL AND w.source_id = '' AND w.name_normalised <> ''
  AND w.date_of_birth IS NOT NULL
"""

# 5. The rest: new persons, one per name + date of birth, or one per party when the date of
#    birth is missing (a name alone identifies no one).
_CREATE_UNIDENTIFIED = """
WITH todo AS (
    SELECT DISTINCT ON (grp) grp, name, name_normalised, date_of_birth
    FROM (
        SELECT party_id, name, name_normalised, date_of_birth,
               CASE WHEN date_of_birth IS NULL THEN 'party:' || party_id
                    ELSE name_normalised || '|' || date_of_birth END AS grp
        FROM person_link_work
        WHERE person_id IS NULL AND source_id = '' AND name_normalised <> ''
    ) parties
    ORDER BY grp, party_id
), fresh AS MATERIALIZED (
    SELECT nextval(pg_get_serial_sequence('cases_person', 'id')) AS id, todo.* FROM todo
), created AS (
    INSERT INTO cases_person (id, name, name_normalised, date_of_birth, aliases, created_at)
    SELECT id, name, name_normalised, date_of_birth, '{}', %(now)s FROM fresh
)
UPDATE person_link_work w SET person_id = f.id
FROM fresh f
WHERE w.person_id IS NULL AND w.source_id = '' AND w.name_normalised <> ''
  AND f.grp = CASE WHEN w.date_of_birth IS NULL THEN 'party:' || w.party_id
                   ELSE w.name_normalised || '|' || w.date_of_birth END
"""

# 6. A person the source knows by id but a log names differently (a new surname, a spelling):
#    keep the other name as an alias so the reviewer sees it.
_ADD_ALIASES = """
UPDATE cases_person pe SET aliases = pe.aliases || n.names
FROM (
    SELECT w.person_id, array_agg(DISTINCT w.name)::varchar[] AS names
    FROM person_link_work w JOIN cases_person known ON known.id = w.person_id
    WHERE w.source_id <> '' AND w.name_normalised <> ''
      AND w.name_normalised <> known.name_normalised AND NOT w.name = ANY(known.aliases)
    GROUP BY w.person_id
) n
WHERE pe.id = n.person_id
"""

# 7. The one write to cases_logparty. The work table is indexed on party_id, and analysed
#    again first: its person ids were all empty when it was last analysed, and the parties'
#    own statistics may say "none unlinked" (they were taken after the previous batch linked
#    everything), which without these leads the planner to scan one table per row of the other.
_APPLY = """
UPDATE cases_logparty p SET person_id = w.person_id
FROM person_link_work w
WHERE p.id = w.party_id AND p.person_id IS NULL AND w.person_id IS NOT NULL
"""


@transaction.atomic
def link_parties(*, log_ids: Collection[int]) -> int:
    """Link every unlinked party of these logs to a Person. Returns how many were linked.

    Idempotent: linked parties are left alone, so a second run links nothing. (The import
    links its parties while staging them, `resolve_work`; this finds none of those.)
    """
    if not log_ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(WORK_TABLE)
        cursor.execute(_WORK, {"ids": int_array(log_ids)})
        if not cursor.rowcount:
            return 0
    with bulk_session(), connection.cursor() as cursor:
        resolve_work(cursor)
        # Analysed again: its person ids were all empty when it was last analysed, and the
        # parties' own statistics may say "none unlinked".
        cursor.execute("ANALYZE person_link_work")
        cursor.execute(_APPLY)
        return cursor.rowcount


def resolve_work(cursor: Any) -> None:
    """Set `person_id` on every row of person_link_work (filled by the caller, after
    WORK_TABLE), creating the persons and identifiers the rules call for (module docstring).

    The import calls it with its staged parties, so each party is inserted with its person.
    """
    params: dict[str, Any] = {"now": timezone.now()}
    # Temporary tables are never auto-analysed; the steps filter on every column but the name.
    cursor.execute(
        "ANALYZE person_link_work "
        "(party_id, source, source_id, name_normalised, date_of_birth, person_id)"
    )
    cursor.execute(_BY_IDENTIFIER)
    cursor.execute(_IDENTIFY_BY_NAME_AND_DOB)
    cursor.execute(_CREATE_IDENTIFIED, params)
    cursor.execute(_BY_IDENTIFIER)
    cursor.execute(_BY_NAME_AND_DOB)
    cursor.execute(_CREATE_UNIDENTIFIED, params)
    cursor.execute(_ADD_ALIASES)


# --- Suggesting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonCandidate:
    """A person who may be the same as the one a reviewer is looking at. Never merged by itself."""

    person_id: int
    similarity: float
    same_date_of_birth: bool
    reason: str


# With a date of birth the btree index (date_of_birth, name_normalised) narrows 1M persons to a
# few dozen before any similarity is computed.
_CANDIDATES_SAME_DOB = """
SELECT id, similarity(name_normalised, %(name)s) AS score
FROM cases_person
WHERE date_of_birth = %(dob)s AND merged_into_id IS NULL AND id <> %(exclude)s
  AND similarity(name_normalised, %(name)s) >= %(min)s
ORDER BY score DESC, id
LIMIT %(limit)s
"""

# Without one, the % operator reaches the trigram GIN index (person_name_trgm).
_CANDIDATES_BY_NAME = """
SELECT id, similarity(name_normalised, %(name)s) AS score
FROM cases_person
WHERE name_normalised %% %(name)s AND merged_into_id IS NULL AND id <> %(exclude)s
  AND similarity(name_normalised, %(name)s) >= %(min)s
ORDER BY score DESC, id
LIMIT %(limit)s
"""


def candidates_for(
    *,
    name: str,
    date_of_birth: date | None,
    limit: int = 5,
    exclude_person_id: int | None = None,
) -> list[PersonCandidate]:
    """Persons whose name is similar (trigram), the most similar first.

    With a date of birth only persons born that day are suggested; without one, any similar
    name. Merged records are never suggested (their survivor is).
    """
    key = normalise_name(name)
    if not key or limit < 1:
        return []
    params: dict[str, Any] = {
        "name": key,
        "dob": date_of_birth,
        "exclude": exclude_person_id or 0,
        "min": MIN_SIMILARITY,
        "limit": limit,
    }
    sql = _CANDIDATES_SAME_DOB if date_of_birth else _CANDIDATES_BY_NAME
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    candidates = []
    for person_id, score in rows:
        percent = round(score * 100)
        reason = (
            f"same date of birth, name {percent}% similar"
            if date_of_birth
            else f"name {percent}% similar (no date of birth to compare)"
        )
        candidates.append(
            PersonCandidate(
                person_id=person_id,
                similarity=float(score),
                same_date_of_birth=date_of_birth is not None,
                reason=reason,
            )
        )
    return candidates


# --- Merging ------------------------------------------------------------------------------------


def carry_restriction(*, keep: Person, merge: Person) -> None:
    """A restriction of processing on either record restricts the survivor (DPA 2018 s.47).

    Without this, merging a restricted record into an unrestricted one would put its logs and
    cases back in front of everyone. Where both were restricted, the survivor's row stays and
    records both reasons; the merged record's row is deleted (its history keeps it).
    """
    from cases.models import PersonRestriction

    theirs = PersonRestriction.objects.filter(person=merge).first()
    if theirs is None:
        return
    ours = PersonRestriction.objects.filter(person=keep).first()
    if ours is None:
        theirs.person = keep
        theirs.save(update_fields=["person"])
        return
    ours.reason = f"{ours.reason}\n\nCarried from a merged record: {theirs.reason}"
    ours.save(update_fields=["reason"])
    theirs.delete()


class PersonMergeError(Exception):
    """A merge breaks a rule. The message is safe to show: it holds no personal data."""


@transaction.atomic
def merge_persons(*, keep: Person, merge: Person, reason: str, by: User) -> Person:
    """Merge `merge` into `keep`: every log, case, identifier, address and signal moves over.

    Audited twice: an access record (object type "cases.person", need "merge") and a
    pghistory context with the reason and user on every changed row. The logs involved go
    through `logs_changed`, since one person where there were two can reveal a course of
    conduct.
    Raises PersonMergeError for a merge into itself, from or into a merged record, or without
    a reason.
    """
    from cases.services.logs import logs_changed

    if not reason.strip():
        raise PersonMergeError("Give the reason for merging these two records.")
    if keep.pk == merge.pk:
        raise PersonMergeError("A person cannot be merged into themselves.")
    # Lock both rows in id order, so two merges of the same pair cannot interleave.
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update()
        .filter(pk__in=[keep.pk, merge.pk])
        .order_by("pk")
    }
    keep, merge = locked[keep.pk], locked[merge.pk]
    if keep.merged_into_id is not None:
        raise PersonMergeError(
            "The record to keep has itself been merged into another; merge into that one."
        )
    if merge.merged_into_id is not None:
        raise PersonMergeError("That record has already been merged into another.")

    with pghistory.context(reason=reason, user=by.pk):
        log_ids = set(LogParty.objects.filter(person=merge).values_list("log_id", flat=True))
        log_ids |= set(LogParty.objects.filter(person=keep).values_list("log_id", flat=True))
        LogParty.objects.filter(person=merge).update(person=keep)
        # A case naming both records in the same role keeps one row (unique case/person/role).
        CaseParty.objects.filter(person=merge).filter(
            Exists(
                CaseParty.objects.filter(
                    case_id=OuterRef("case_id"), person=keep, role=OuterRef("role")
                )
            )
        ).delete()
        CaseParty.objects.filter(person=merge).update(person=keep)
        PersonIdentifier.objects.filter(person=merge).update(person=keep)
        PersonAddress.objects.filter(person=merge).update(person=keep)
        LogSignal.objects.filter(victim=merge).update(victim=keep)
        LogSignal.objects.filter(suspect=merge).update(suspect=keep)
        # Records merged into `merge` earlier now point straight at the survivor.
        Person.objects.filter(merged_into=merge).update(merged_into=keep)
        carry_restriction(keep=keep, merge=merge)

        aliases = list(keep.aliases)
        for other in [merge.name, *merge.aliases]:
            if other and other != keep.name and other not in aliases:
                aliases.append(other)
        keep.aliases = aliases
        if keep.date_of_birth is None:
            keep.date_of_birth = merge.date_of_birth
        keep.save(update_fields=["aliases", "date_of_birth"])
        merge.merged_into = keep
        merge.save(update_fields=["merged_into"])

    record_consultation(
        user=by, model=Person, object_id=f"{merge.pk}>{keep.pk}", need="merge", justification=reason
    )
    if log_ids:
        # One person where there were two can reveal a course of conduct, a repeat or a breach.
        logs_changed(log_ids=log_ids, now=timezone.now())
    return keep
