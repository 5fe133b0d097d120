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

from cases.signals.model import (
    COUNTED,
    EXCLUDED,
    NEGATED,
    REPEATED,
    REPEATED_PERSISTENT,
    NarrativeModel,
    stems,
)
from cases.signals.words import _CACHE_LIMIT, LINE_BREAK, Label, WordMatcher, split_words

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


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs ~1 µs a narrative
class Reading:
    """What a narrative says, as labels (never quotes): the behaviours that count, the
    persistence that made repeated-only behaviours count (with a model: any persistence
    found), and any violence or threats. Never changed once made."""

    behaviours: list[str] = field(default_factory=list)
    persistence: list[str] = field(default_factory=list)
    threats: list[str] = field(default_factory=list)


_NOTHING = Reading()


@dataclass(frozen=True)
class NarrativeRule:
    matcher: WordMatcher
    # The trained model (model.py) that decides from the phrases' reading and the words; None:
    # the phrases decide alone (a behaviour that counts, not cancelled, flags the narrative).
    model: NarrativeModel | None = None
    # With a model, the violence rows in their own matcher: read in every narrative (a course
    # of conduct's risk needs them), while `matcher` is read only where the words leave the
    # decision open.
    threats: WordMatcher | None = None
    # Piece of text (between spaces) -> its words, the sum of their stems' weights, and
    # whether one of them may begin a violence row (feeds repeat the same pieces).
    _pieces: dict[str, tuple[tuple[str, ...], float, bool]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    @classmethod
    def build(
        cls, phrases: Iterable[tuple[str, str, str]], model: NarrativeModel | None = None
    ) -> NarrativeRule:
        """From (phrase, kind, behaviour) rows of the narrative kinds; others are ignored.

        Where the same words are phrases of two kinds, the innocent reading wins: exclusions
        come first, then behaviours, persistence and violence."""
        rows = sorted(
            (row for row in phrases if row[1] in _PRIORITY), key=lambda row: _PRIORITY[row[1]]
        )
        # The kinds as this module's own strings, so `read` can compare by identity.
        labelled = [
            (phrase, (_KIND[kind], behaviour.strip().lower() if kind == EXCLUSION else behaviour))
            for phrase, kind, behaviour in rows
        ]
        if model is None:
            return cls(WordMatcher.build(labelled))
        violence = [row for row in labelled if row[1][0] is VIOLENCE]
        return cls(
            WordMatcher.build(row for row in labelled if row[1][0] is not VIOLENCE),
            model,
            WordMatcher.build(violence),
        )

    def read(self, lowered: str, describe: bool = False) -> Reading:
        """Read one narrative, already lowered. With `describe` (a log already recorded as
        stalking, whose reason only describes it) the behaviours the phrases found and nothing
        cancelled are named whatever the model's score."""
        if not lowered:
            return _NOTHING
        model = self.model
        if model is None:
            return self._phrases(split_words(lowered)).reading()
        words, score, threatening = self._split(lowered)
        threats = self._threats(words) if threatening else []
        if not describe and score + model.ceiling <= model.threshold:
            # No reading of the phrases can lift the score over the threshold.
            return Reading(threats=threats) if threats else _NOTHING
        found = self._phrases(words)
        added, named, repeated = found.judge(model)
        if describe:
            flagged = bool(named)
        elif score + added <= model.threshold:
            return Reading(threats=threats) if threats else _NOTHING
        else:
            flagged = True
            named = named or [model.closest_family(stems(words))]
        if not flagged:
            return Reading(threats=threats) if threats else _NOTHING
        # Persistence is named when it is why a repeated-only behaviour named counts.
        persistence = found.persistence if repeated else []
        return Reading(behaviours=named, persistence=persistence, threats=threats)

    def _split(self, lowered: str) -> tuple[list[str], float, bool]:
        """The words as words.split_words gives them, the model's score of them (bias and
        word weights) and whether a violence row may begin among them: one pass, each piece
        between spaces split, weighed and checked once and cached."""
        assert self.model is not None
        if "\n" in lowered:
            lowered = lowered.replace("\n", f" {LINE_BREAK} ")
        words: list[str] = []
        total = self.model.start
        threatening = False
        pieces = self._pieces
        for piece in lowered.split():
            known = pieces.get(piece)
            if known is None:
                known = self._piece(piece)
            words += known[0]
            total += known[1]
            if known[2]:
                threatening = True
        return words, total, threatening

    def _piece(self, piece: str) -> tuple[tuple[str, ...], float, bool]:
        assert self.model is not None
        assert self.threats is not None
        if len(self._pieces) >= _CACHE_LIMIT:
            self._pieces.clear()
        words = tuple(split_words(piece))
        known = self._pieces[piece] = (
            words,
            self.model.weigh(words),
            any(self.threats.may_start(word) for word in words),
        )
        return known

    def _threats(self, words: list[str]) -> list[str]:
        assert self.threats is not None
        found: list[str] = []
        for labels in self.threats.scan(words):
            if labels:
                found.extend(label for _, label in labels if label not in found)
        return found

    def features(self, lowered: str) -> tuple[list[str], list[str]]:
        """What the model reads of a narrative: its stem sequence and the phrases' reading as
        features (training and tests)."""
        words = split_words(lowered)
        return stems(words), self._phrases(words).features()

    def _phrases(self, words: list[str]) -> _Found:
        sentence = 0
        negated = -1  # the sentence a negation was last seen in
        found = _Found()
        for labels in self.matcher.scan(words):
            if labels is None:  # a sentence ends
                sentence += 1
                continue
            for kind, label in labels:
                if kind is BEHAVIOUR or kind is REPEATED_BEHAVIOUR:
                    if negated != sentence:
                        found.behaviours.append((sentence, kind, label))
                    else:
                        found.negated = True
                elif kind is PERSISTENCE:
                    if label not in found.persistence:
                        found.persistence.append(label)
                elif kind is NEGATION:
                    negated = sentence
                elif kind is EXCLUSION:
                    found.exclusions.append((sentence, label))
                elif label not in found.threats:
                    found.threats.append(label)
        return found


class _Found:
    """The phrases found in one narrative, by sentence."""

    __slots__ = ("behaviours", "excluded", "exclusions", "negated", "persistence", "threats")

    def __init__(self) -> None:
        self.behaviours: list[tuple[int, str, str]] = []
        self.exclusions: list[tuple[int, str]] = []
        self.persistence: list[str] = []
        self.threats: list[str] = []
        self.negated = False  # a behaviour came after a negation or doubt in its sentence
        self.excluded = False  # a behaviour was cancelled by an innocent context

    def _cancelled(self, where: int, label: str) -> bool:
        """Whether an innocent context at the behaviour's place cancels it (all behaviours, or
        this one by label); a cancelled behaviour marks the reading as excluded."""
        lowered_label = label.lower()
        if any(
            at == where and (not cancels or cancels == lowered_label)
            for at, cancels in self.exclusions
        ):
            self.excluded = True
            return True
        return False

    def judge(self, model: NarrativeModel) -> tuple[float, list[str], bool]:
        """What the phrases add to the model's score (the weights of `features()`, without
        naming them: this runs for every narrative the words leave open); the behaviours a
        flag names: every one found and not cancelled, repeated or not; and whether one of
        them was found only as a repeated-only behaviour (then the persistence is why it
        counts, and the reason names it)."""
        named: list[str] = []
        alone = repeated = False
        alone_labels: set[str] | None = None
        exclusions = self.exclusions
        for where, kind, label in self.behaviours:
            if exclusions and self._cancelled(where, label):
                continue
            if kind is BEHAVIOUR:
                alone = True
                if alone_labels is None:
                    alone_labels = {label}
                else:
                    alone_labels.add(label)
            else:
                repeated = True
            if label not in named:
                named.append(label)
        counts, repeated_weight, persistent, negated, excluded = model.rule_weights
        added = 0.0
        if repeated:
            added += repeated_weight
            if self.persistence:
                added += persistent
        if alone or (repeated and self.persistence):
            added += counts
        if self.negated:
            added += negated
        if self.excluded:
            added += excluded
        only_repeated = repeated and (
            alone_labels is None or any(label not in alone_labels for label in named)
        )
        return added, named, only_repeated

    def standing(self) -> list[tuple[str, str]]:
        """(kind, label) of the behaviours no innocent context in their sentence cancels."""
        standing: list[tuple[str, str]] = []
        exclusions = self.exclusions
        for where, kind, label in self.behaviours:
            if exclusions and self._cancelled(where, label):
                continue
            standing.append((kind, label))
        return standing

    def reading(self) -> Reading:
        """The phrases' own decision: behaviours that count on their own, and repeated-only
        ones when the narrative has a persistence phrase."""
        if not self.behaviours:
            return Reading(threats=self.threats) if self.threats else _NOTHING
        counted: list[str] = []
        needed_persistence = False
        for kind, label in self.standing():
            if label in counted or (kind is REPEATED_BEHAVIOUR and not self.persistence):
                continue
            counted.append(label)
            needed_persistence |= kind is REPEATED_BEHAVIOUR
        return Reading(
            behaviours=counted,
            persistence=self.persistence if needed_persistence else [],
            threats=self.threats,
        )

    def features(self, standing: list[tuple[str, str]] | None = None) -> list[str]:
        """The phrases' reading as the model's features (model.py); `standing` as `standing()`
        gives it, if already known."""
        features: list[str] = []
        counts = False
        if standing is None:
            standing = self.standing() if self.behaviours else []
        if any(kind is BEHAVIOUR for kind, _ in standing):
            counts = True
        if any(kind is REPEATED_BEHAVIOUR for kind, _ in standing):
            features.append(REPEATED)
            if self.persistence:
                features.append(REPEATED_PERSISTENT)
                counts = True
        if counts:
            features.append(COUNTED)
        if self.negated:
            features.append(NEGATED)
        if self.excluded:
            features.append(EXCLUDED)
        return features


__all__ = ["Label", "NarrativeRule", "Reading"]
