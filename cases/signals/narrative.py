"""Reading a crime narrative for stalking behaviour, with context (docs/signals.md).

Phrases are data (IndicatorPhrase rows) of five narrative kinds:

- *behaviour*: a stalking behaviour aimed at a person that counts on its own
  ("follow* her home", "tracker on her car", "threatened to share * intimate");
- *repeated behaviour*: one that counts only when the narrative also says it is repeated or
  persistent ("texts", "drove past", "turned up at"): once is a quarrel, again is a pattern;
- *persistence*: what makes it so ("keeps", "again", "every night", "despite being told",
  "since the break-up", "after she blocked");
- *exclusion*: an innocent context that cancels a behaviour in the same sentence ("officers
  followed", "stolen", "shoplifter", "has not contacted"); its behaviour field names the
  behaviour it cancels, or is empty to cancel any;
- *violence or threats*: raises a course of conduct's risk (unchanged).

All of them go into one trie of words (words.py): the narrative is split into words once and
read word by word, a dict look-up telling at each word whether a phrase may start there; where
two phrases overlap, the one starting first wins (the longer when they start together), which
is how "followed up" stays an idiom and not a following.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from cases.signals.words import Label, WordMatcher, split_words

BEHAVIOUR = "behaviour"
REPEATED_BEHAVIOUR = "repeated_behaviour"
PERSISTENCE = "persistence"
EXCLUSION = "exclusion"
NEGATION = "negation"
VIOLENCE = "violence"
NARRATIVE_KINDS = (EXCLUSION, NEGATION, BEHAVIOUR, REPEATED_BEHAVIOUR, PERSISTENCE, VIOLENCE)
_BEHAVIOURS = frozenset({BEHAVIOUR, REPEATED_BEHAVIOUR})
_PRIORITY = {kind: index for index, kind in enumerate(NARRATIVE_KINDS)}
_KIND = {kind: kind for kind in NARRATIVE_KINDS}


@dataclass(frozen=True, slots=True)
class Reading:
    """What a narrative says, as labels (never quotes): the behaviours that count, the
    persistence that made repeated-only behaviours count, and any violence or threats."""

    behaviours: list[str] = field(default_factory=list)
    persistence: list[str] = field(default_factory=list)
    threats: list[str] = field(default_factory=list)


_NOTHING = Reading()


@dataclass(frozen=True)
class NarrativeRule:
    matcher: WordMatcher

    @classmethod
    def build(cls, phrases: Iterable[tuple[str, str, str]]) -> NarrativeRule:
        """From (phrase, kind, behaviour) rows of the narrative kinds; others are ignored.

        Where the same words are phrases of two kinds, the innocent reading wins: exclusions
        come first, then behaviours, persistence and violence."""
        rows = sorted(
            (row for row in phrases if row[1] in _PRIORITY), key=lambda row: _PRIORITY[row[1]]
        )
        return cls(
            WordMatcher.build(
                # The kinds as this module's own strings, so `read` can compare by identity.
                (
                    phrase,
                    (_KIND[kind], behaviour.strip().lower() if kind == EXCLUSION else behaviour),
                )
                for phrase, kind, behaviour in rows
            )
        )

    def read(self, lowered: str) -> Reading:
        """Read one narrative, already lowered."""
        if not lowered:
            return _NOTHING
        sentence = 0
        negated = -1  # the sentence a negation was last seen in
        behaviours: list[tuple[int, str, str]] = []
        exclusions: list[tuple[int, str]] = []
        persistence: list[str] = []
        threats: list[str] = []
        for found in self.matcher.scan(split_words(lowered)):
            if found is None:  # a sentence ends
                sentence += 1
                continue
            for kind, label in found:
                if kind is BEHAVIOUR or kind is REPEATED_BEHAVIOUR:
                    if negated != sentence:
                        behaviours.append((sentence, kind, label))
                elif kind is PERSISTENCE:
                    if label not in persistence:
                        persistence.append(label)
                elif kind is NEGATION:
                    negated = sentence
                elif kind is EXCLUSION:
                    exclusions.append((sentence, label))
                elif label not in threats:
                    threats.append(label)
        if not behaviours:
            return Reading(threats=threats) if threats else _NOTHING
        counted: list[str] = []
        needed_persistence = False
        for where, kind, label in behaviours:
            if label in counted or (kind == REPEATED_BEHAVIOUR and not persistence):
                continue
            if exclusions:
                lowered_label = label.lower()
                if any(
                    at == where and (not cancels or cancels == lowered_label)
                    for at, cancels in exclusions
                ):
                    continue
            counted.append(label)
            needed_persistence |= kind == REPEATED_BEHAVIOUR
        return Reading(
            behaviours=counted,
            persistence=persistence if needed_persistence else [],
            threats=threats,
        )


__all__ = ["Label", "NarrativeRule", "Reading"]
