"""The sentences a reviewer reads on a signal. Counts, dates, codes, behaviours and areas only:
never a name, an address or a quote from the narrative (DESIGN.md §4)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from cases.signals.rules import LogFacts, RuleSet

MAX_REASON = 500
MAX_LISTED = 4


def _listing(items: Sequence[str]) -> str:
    shown = list(items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        shown.append(f"{len(items) - MAX_LISTED} more")
    return ", ".join(shown)


def clip(reason: str) -> str:
    return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"


def span_words(first: float, last: float) -> str:
    """The time between two recorded times (seconds since 1970), in words."""
    days = int((last - first) // 86_400)
    if days < 1:
        return "on the same day"
    if days < 14:
        return f"in {days} day{'s' if days > 1 else ''}"
    if days < 61:
        return f"in {round(days / 7)} weeks"
    return f"in {round(days / 30.44)} months"


def offences_words(rules: RuleSet, cluster: Sequence[LogFacts]) -> str:
    counts = Counter(rules.offence_label(log.offence_code) for log in cluster)
    return _listing([label for label, _ in counts.most_common()])


def pattern_words(rules: RuleSet, cluster: Sequence[LogFacts]) -> str:
    """ "3 logs in 5 months against the same victim by the same suspect"."""
    times = [log.recorded_epoch for log in cluster]
    return (
        f"{len(cluster)} logs {span_words(min(times), max(times))} against the same victim "
        "by the same suspect"
    )


def threats_words(cluster: Sequence[LogFacts]) -> list[str]:
    found: list[str] = []
    for log in cluster:
        found += [threat for threat in log.threats if threat not in found]
    return found


def tagged(log: LogFacts, pattern: str, threats: Sequence[str]) -> str:
    reason = f"Recorded as stalking ({log.stalking_mark})"
    if log.behaviours:
        reason += f"; the narrative describes {_listing(log.behaviours)}"
    if pattern:
        reason += f"; high risk: {pattern}, with {_listing(threats)} described"
    return clip(reason)


def indicators(log: LogFacts) -> str:
    """The behaviours, and why they count: aimed at a person, or repeated (and how)."""
    reason = f"Narrative describes {_listing(log.behaviours)}"
    if log.persistence:
        reason += f", repeated or persistent ({_listing(log.persistence)})"
    return clip(reason + ", but the log is not recorded as stalking")


def course_of_conduct(rules: RuleSet, cluster: Sequence[LogFacts]) -> str:
    reason = (
        f"{pattern_words(rules, cluster)}, recorded as {offences_words(rules, cluster)}"
        " — not as stalking"
    )
    threats = threats_words(cluster)
    if threats:
        reason += f"; high risk: {_listing(threats)} described"
    return clip(reason)


def former_partner(rules: RuleSet, cluster: Sequence[LogFacts]) -> str:
    reason = (
        f"Former partner: {pattern_words(rules, cluster)}, recorded as "
        f"{offences_words(rules, cluster)}. Since April 2020 the Home Office counting rules "
        "record a former partner's course of conduct like this as stalking, not harassment"
    )
    threats = threats_words(cluster)
    if threats:
        reason += f"; high risk: {_listing(threats)} described"
    return clip(reason)


def order_breach(log: LogFacts) -> str:
    return clip(f"Records the breach of an order ({log.breach_mark}); a breach is high risk")


def cross_border(log: LogFacts) -> str:
    return clip(f"Involves an area outside this force's areas: {_listing(log.outside_areas)}")
