"""The leak check: a learning point is written to be shared, so its text must not carry the
names, dates of birth, addresses or references of the parties of its linked case and its
source log. `find_leak` answers with the field that leaked (never the value), or None.

What counts (docs/learning.md): a party's full name or surname (3 letters or more) or an
alias, as whole words without case; a date of birth written as 01/03/1990, 1/3/1990,
1990-03-01, 01.03.1990, 01-03-1990, 1 March 1990 or 1 Mar 1990; the first line of an address,
or a postcode without regard to spaces; the case or log reference, or a person's identifier
from a police system. Four queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from cases.models import Case, CrimeLog, LogParty, Person


@dataclass(frozen=True)
class Leak:
    field: str  # "a party's name", "a date of birth"... never the value

    @property
    def message(self) -> str:
        return (
            f"The text contains {self.field} from the linked case or log. A learning point is "
            "shared across the force: describe what happened without identifying anyone."
        )


def _squash(text: str) -> str:
    return " ".join(text.casefold().split())


def _has_words(haystack: str, needle: str) -> bool:
    needle = _squash(needle)
    if not needle:
        return False
    return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack) is not None


def date_spellings(day: date) -> list[str]:
    return [
        f"{day:%d/%m/%Y}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day:%Y-%m-%d}",
        f"{day:%d.%m.%Y}",
        f"{day:%d-%m-%Y}",
        f"{day.day} {day:%B %Y}",
        f"{day.day} {day:%b %Y}",
        f"{day:%d %B %Y}",
    ]


def _names(name: str) -> list[str]:
    parts = name.split()
    found = [name]
    if len(parts) > 1 and len(parts[-1]) >= 3:
        found.append(parts[-1])
    return found


def find_leak(text: str, *, case: Case | None, log: CrimeLog | None) -> Leak | None:
    haystack = _squash(text)
    squeezed = re.sub(r"\s+", "", text).casefold()
    references = [r for r in (case.reference if case else "", log.reference if log else "") if r]
    for reference in references:
        if reference.casefold() in haystack or reference.casefold() in squeezed:
            return Leak("the case or log reference")
    names: list[str] = []
    births: list[date] = []
    if log is not None:
        parties = list(LogParty.objects.filter(log=log).values_list("name", "date_of_birth"))
        names += [name for name, _ in parties if name]
        births += [born for _, born in parties if born]
    person_q = Person.objects.none()
    if case is not None:
        person_q = Person.objects.filter(case_parties__case=case)
    if log is not None:
        person_q = person_q | Person.objects.filter(log_parties__log=log)
    people = person_q.distinct().prefetch_related("identifiers", "addresses")
    for person in people:
        names += [person.name, *person.aliases]
        if person.date_of_birth:
            births.append(person.date_of_birth)
        for identifier in person.identifiers.all():
            if len(identifier.value) >= 4 and identifier.value.casefold() in squeezed:
                return Leak("a person's identifier")
        for address in person.addresses.all():
            first_line = re.split(r"[,\n]", address.address, maxsplit=1)[0]
            if len(first_line.strip()) >= 5 and _has_words(haystack, first_line):
                return Leak("an address")
            postcode = re.sub(r"\s+", "", address.postcode).casefold()
            if postcode and postcode in squeezed:
                return Leak("a postcode")
    for name in names:
        if any(_has_words(haystack, part) for part in _names(name)):
            return Leak("a party's name")
    for born in births:
        if any(_has_words(haystack, spelling) for spelling in date_spellings(born)):
            return Leak("a date of birth")
    return None
