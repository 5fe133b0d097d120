"""The signal rules as data (DESIGN.md §3), and what each rule reads from one log.

Offence codes, flags, phrases and windows come from the database (admin-editable), read once
per evaluation: a change in the admin applies to the next import or re-evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from cases.models import IndicatorPhrase, OffenceCategory, OffenceCode, SignalSettings
from cases.signals.model import NarrativeModel, load_model
from cases.signals.narrative import NarrativeRule
from cases.signals.phrases import PhraseMatcher

# Used when the settings row is missing (e.g. a test database flushed after migrating).
DEFAULT_WINDOW_DAYS = 365
DEFAULT_MIN_LOGS = 2


# The last narrative rule built, by its phrase rows and model: building ~1,100 rows costs about a
# second, and the import evaluates every batch with the same rows unless an admin has changed them.
_BUILT: dict[tuple[tuple[tuple[str, str, str], ...], int], NarrativeRule] = {}


def _narrative_rule(
    rows: tuple[tuple[str, str, str], ...], model: NarrativeModel | None
) -> NarrativeRule:
    key = (rows, id(model))
    rule = _BUILT.get(key)
    if rule is None:
        _BUILT.clear()
        rule = _BUILT[key] = NarrativeRule.build(rows, model)
    return rule


def narrative_rows() -> list[tuple[str, str, str]]:
    """The active phrase rows the narrative rule reads, as `RuleSet.load` passes them."""
    rows: list[tuple[str, str, str]] = []
    for phrase, kind, behaviour in IndicatorPhrase.objects.filter(is_active=True).values_list(
        "phrase", "kind", "behaviour"
    ):
        if kind == IndicatorPhrase.Kind.EXCLUSION:
            rows.append((phrase, kind, behaviour))  # empty: cancels any behaviour
        elif kind not in (IndicatorPhrase.Kind.FORMER_PARTNER, IndicatorPhrase.Kind.ORDER_BREACH):
            rows.append((phrase, kind, behaviour or phrase))
    return rows


@dataclass(frozen=True)
class RuleSet:
    window_days: int
    min_logs: int
    stalking_flags: frozenset[str]
    breach_flags: frozenset[str]
    # offence code (upper case) -> (category, description)
    offences: dict[str, tuple[str, str]]
    # Behaviour, context and violence phrases (read in narratives); former-partner phrases
    # (searched in the relationship); breach phrases (in the offence description and flags).
    narrative: NarrativeRule
    relationship: PhraseMatcher
    breach: PhraseMatcher
    home_areas: frozenset[str]
    _former_partner: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls) -> RuleSet:
        """Read the rules: three queries (settings, offence codes, active phrases)."""
        row = SignalSettings.objects.filter(pk=1).first()
        narrative: list[tuple[str, str, str]] = []
        relationship: list[tuple[str, tuple[str, str]]] = []
        breach: list[tuple[str, tuple[str, str]]] = []
        for phrase, kind, behaviour in IndicatorPhrase.objects.filter(is_active=True).values_list(
            "phrase", "kind", "behaviour"
        ):
            if kind == IndicatorPhrase.Kind.FORMER_PARTNER:
                relationship.append((phrase, (kind, behaviour or phrase)))
            elif kind == IndicatorPhrase.Kind.ORDER_BREACH:
                breach.append((phrase, (kind, behaviour or phrase)))
            elif kind == IndicatorPhrase.Kind.EXCLUSION:
                narrative.append((phrase, kind, behaviour))  # empty: cancels any behaviour
            else:  # behaviours, their context and violence: one pass over each narrative
                narrative.append((phrase, kind, behaviour or phrase))
        return cls(
            window_days=row.course_of_conduct_days if row else DEFAULT_WINDOW_DAYS,
            min_logs=max(2, row.course_of_conduct_min_logs) if row else DEFAULT_MIN_LOGS,
            stalking_flags=frozenset(
                f.strip().upper() for f in (row.stalking_flags if row else [])
            ),
            breach_flags=frozenset(f.strip().upper() for f in (row.breach_flags if row else [])),
            offences={
                code.strip().upper(): (category, description)
                for code, category, description in OffenceCode.objects.values_list(
                    "code", "category", "description"
                )
            },
            # The shipped model decides with the phrases (model.py); without it, the phrases.
            narrative=_narrative_rule(tuple(narrative), load_model()),
            relationship=PhraseMatcher.build(relationship),
            breach=PhraseMatcher.build(breach),
            home_areas=frozenset(area.strip().upper() for area in settings.HUB_HOME_AREAS),
        )

    def is_former_partner(self, relationship: str) -> bool:
        """Whether a relationship reads as former partners (a feed repeats a few wordings)."""
        known = self._former_partner.get(relationship)
        if known is None:
            known = self._former_partner[relationship] = bool(
                self.relationship.find(relationship.lower())
            )
        return known

    def category(self, offence_code: str) -> str:
        return self.offences.get(offence_code.strip().upper(), ("", ""))[0]

    def offence_label(self, offence_code: str) -> str:
        """ "8L harassment": the code and its description, for reasons. No personal data."""
        code = offence_code.strip().upper()
        if not code:
            return "no offence code"
        description = self.offences.get(code, ("", ""))[1]
        return f"{code} {description.lower()}" if description else code


@dataclass(slots=True)
class LogFacts:
    """What the rules read from one log (its narrative is scanned, then dropped)."""

    id: int
    # Seconds since 1970 (UTC): cheaper to read and compare than datetimes, a million times.
    recorded_epoch: float
    offence_code: str
    # Why the log counts as recorded stalking ("8Q", "flag STALKING"), or "" if it does not.
    stalking_mark: str
    # Why the log records a breach of an order, or "".
    breach_mark: str
    harassment: bool
    former_partner: bool
    behaviours: list[str]
    # What made behaviours that count only when repeated count ("despite being told to stop").
    persistence: list[str]
    threats: list[str]
    outside_areas: list[str]
    review_state: str
    notified: bool
    # The signal columns as stored, to write only what changes.
    stored_kinds: list[str]
    stored_high_risk: bool
    in_scope: bool


def classify(
    rules: RuleSet,
    *,
    log_id: int,
    recorded_epoch: float,
    offence_code: str,
    offence: str,
    flags: list[str],
    area: str,
    party_areas: list[str],
    relationship: str,
    narrative: str,
    review_state: str,
    notified: bool,
    stored_kinds: list[str],
    stored_high_risk: bool,
    in_scope: bool,
) -> LogFacts:
    """Apply the per-log parts of every rule to one log."""
    code = offence_code.strip().upper()
    category = rules.category(code)
    upper_flags = [flag.strip().upper() for flag in flags]

    stalking_marks = [code] if category == OffenceCategory.STALKING else []
    stalking_marks += [f"flag {flag}" for flag in upper_flags if flag in rules.stalking_flags]
    breach_marks = [code] if category == OffenceCategory.ORDER_BREACH else []
    breach_marks += [
        f"flag {flag}"
        for flag in upper_flags
        if flag in rules.breach_flags or rules.breach.find(flag.lower())
    ]
    if not breach_marks:
        # Forces record a breach under the parent offence's code as often as under its own.
        described = rules.breach.find(offence.lower())
        if described:
            breach_marks.append(f"{code or 'no code'}, described as a breach of {described[0][1]}")

    # A log recorded as stalking only has its behaviours described (indicators do not apply).
    reading = rules.narrative.read(narrative.lower(), describe=bool(stalking_marks))
    outside: list[str] = []
    # An empty area is unknown, not elsewhere; home areas are compared upper-cased.
    for candidate in [area, *party_areas]:
        key = candidate.strip().upper()
        if key and key not in rules.home_areas and key not in outside:
            outside.append(key)
    return LogFacts(
        id=log_id,
        recorded_epoch=recorded_epoch,
        offence_code=code,
        stalking_mark=", ".join(stalking_marks),
        breach_mark=", ".join(breach_marks),
        harassment=category == OffenceCategory.HARASSMENT,
        former_partner=rules.is_former_partner(relationship),
        behaviours=reading.behaviours,
        persistence=reading.persistence,
        threats=reading.threats,
        outside_areas=outside,
        review_state=review_state,
        notified=notified,
        stored_kinds=stored_kinds,
        stored_high_risk=stored_high_risk,
        in_scope=in_scope,
    )
