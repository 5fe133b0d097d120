"""The narrative model: a logistic regression that decides whether a narrative describes stalking
(docs/signals.md, "The model").

The phrase rows (narrative.py) read a narrative for behaviours, persistence, innocent contexts
and negation; alone they flag what a phrase says counts. Phrases written from one author's
wordings miss another's (bench/README.md), so the decision is a score instead:

    score = bias + the weights of the narrative's words (each occurrence counts)
                 + the weights of what the phrase rows read (a behaviour that counts on its
                   own, a repeated one with persistence, persistence, an innocent context that
                   cancelled a behaviour, a negation before one)

and the narrative is flagged when the score is above the model's threshold. The reason still
names behaviour families, from the phrase rows that matched (or, when none did, the family
whose words the narrative is closest to), never the narrative's words.

Words are lowered and cut to a crude stem ("followed", "follows", "following" -> "follow";
"drove", "drive" -> "drov", "driv": close enough) so a wording seen once in training counts for
its other forms. Everything runs in pure Python, no download: `train` fits the weights from the
labelled development splits in a few seconds, deterministically (`manage.py train_signal_model`
writes `narrative_model.json`, committed with the code).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

from cases.signals.words import SENTENCE_ENDS

MODEL_PATH = Path(__file__).resolve().parent / "narrative_model.json"
SENTENCE = "<s>"  # a sentence's start and end in the stem sequence

# What the phrase rows read, as the model's features (narrative.py computes them):
COUNTED = "rule:counts"  # the rule alone would flag (a behaviour that counts, not cancelled)
REPEATED = "rule:repeated"  # a repeated-only behaviour, not cancelled
REPEATED_PERSISTENT = "rule:repeated+persistence"
NEGATED = "rule:negated"  # a behaviour after a negation or doubt in its sentence
EXCLUDED = "rule:excluded"  # a behaviour cancelled by an innocent context in its sentence

# Plain-English names of the corpus's behaviour families, for a reason when no phrase matched.
FAMILY_WORDS = {
    "following": "following",
    "loitering": "loitering",
    "watching": "watching",
    "turning_up": "turning up at home or work",
    "driving_past": "driving past her home",
    "unwanted_contact": "repeated unwanted contact",
    "account_access": "logging into her accounts",
    "tracking": "tracking her location",
    "unwanted_gifts": "unwanted gifts",
    "notes_letters": "leaving notes or items",
    "third_party_contact": "contacting friends or family",
    "fake_accounts": "fake or new accounts to get round blocks",
    "intimate_image_threats": "threats to share intimate images",
}

_SUFFIXES = ("ingly", "edly", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly")
_STEMS: dict[str, str] = {}
_CACHE_LIMIT = 200_000


def stem(word: str) -> str:
    """A crude stem of one lowered word (cached): suffixes, a doubled last letter and a final
    "e" dropped; numbers are all "#"; a sentence end is SENTENCE; other punctuation is ""
    (left out of the sequence)."""
    found = _STEMS.get(word)
    if found is not None:
        return found
    if word in SENTENCE_ENDS:
        found = SENTENCE
    elif not (word[0].isalnum() or word[0] == "_"):
        found = ""
    elif word.isdigit():
        found = "#"
    elif len(word) <= 3 or not word.isalpha():
        found = word
    else:
        found = word
        for suffix in _SUFFIXES:
            if found.endswith(suffix) and len(found) - len(suffix) >= 3:
                found = found[: -len(suffix)]
                break
        if len(found) > 3 and found[-1] == found[-2] and found[-1] not in "lsz":
            found = found[:-1]
        if len(found) > 3 and found.endswith("e"):
            found = found[:-1]
    if len(_STEMS) >= _CACHE_LIMIT:
        _STEMS.clear()
    _STEMS[word] = found
    return found


_MISSING = "\x00"  # a word not stemmed yet
_MISSINGS = repeat(_MISSING)


def stems(words: Sequence[str]) -> list[str]:
    """The stem sequence the model reads: SENTENCE, then each word's stem (a sentence end is
    SENTENCE again; other punctuation is left out). Once a word is cached this is one C-level
    pass over the words."""
    found = [SENTENCE, *filter(None, map(_STEMS.get, words, _MISSINGS))]
    if _MISSING in found:
        found = [SENTENCE, *filter(None, map(stem, words))]
    return found


def word_features(sequence: Sequence[str]) -> Counter[str]:
    """The word features of a stem sequence, with their counts (training and tests;
    `NarrativeRule.read` computes the same sum per piece of text, without naming them). Word
    pairs did no better in cross-validation and cost a look-up per word (bench/README.md,
    2026-12-06)."""
    return Counter("w:" + word for word in sequence)


@dataclass(frozen=True)
class NarrativeModel:
    bias: float
    threshold: float
    words: dict[str, float]
    rule: dict[str, float]
    # stem -> {family: weight}: the family a stem is most over-represented in, among the
    # stalking narratives of the training corpus, and by how much (log ratio); for naming a
    # behaviour no phrase found.
    family_words: dict[str, dict[str, float]] = field(default_factory=dict)
    commonest_family: str = "unwanted_contact"
    trained_on: dict[str, int] = field(default_factory=dict)
    # The most the phrases' reading can add: below threshold - ceiling, no reading can flag.
    ceiling: float = field(init=False)
    # The weights of COUNTED, REPEATED, REPEATED_PERSISTENT, NEGATED, EXCLUDED (0 if absent).
    rule_weights: tuple[float, float, float, float, float] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ceiling", sum(w for w in self.rule.values() if w > 0))
        get = self.rule.get
        object.__setattr__(
            self,
            "rule_weights",
            (
                get(COUNTED, 0.0),
                get(REPEATED, 0.0),
                get(REPEATED_PERSISTENT, 0.0),
                get(NEGATED, 0.0),
                get(EXCLUDED, 0.0),
            ),
        )

    def weigh(self, words: Iterable[str]) -> float:
        """The sum of the words' stems' weights (punctuation has none)."""
        weights = self.words
        return sum(weights.get(stem(word), 0.0) for word in words)

    def score(self, sequence: Sequence[str], rule_features: Iterable[str]) -> float:
        """The score (log-odds of stalking) of a stem sequence and the phrases' reading."""
        words = self.words
        total = self.bias + sum(words.get(word, 0.0) for word in sequence)
        return total + self.rule_score(rule_features)

    @property
    def start(self) -> float:
        """The bias and the weight of the sequence's opening SENTENCE."""
        return self.bias + self.words.get(SENTENCE, 0.0)

    def rule_score(self, rule_features: Iterable[str]) -> float:
        rule = self.rule
        return sum(rule.get(feature, 0.0) for feature in rule_features)

    def closest_family(self, sequence: Sequence[str]) -> str:
        """The behaviour family this narrative's words point to most (each stem votes for the
        family it is most over-represented in among the training narratives' families, by how
        much), in a reviewer's words."""
        votes: dict[str, float] = {}
        family_words = self.family_words
        for word in sequence:
            vote = family_words.get(word)
            if vote is not None:
                for family, weight in vote.items():
                    votes[family] = votes.get(family, 0.0) + weight
        best = max(sorted(votes), key=votes.__getitem__) if votes else self.commonest_family
        return FAMILY_WORDS.get(best, best.replace("_", " "))

    # --- storage -------------------------------------------------------------------------

    def to_json(self) -> str:
        data = {
            "about": "Generated by `manage.py train_signal_model` (docs/signals.md); do not edit.",
            "trained_on": self.trained_on,
            "bias": round(self.bias, 6),
            "threshold": self.threshold,
            "rule": {key: round(value, 6) for key, value in sorted(self.rule.items())},
            "words": {key: round(value, 6) for key, value in sorted(self.words.items())},
            "commonest_family": self.commonest_family,
            "family_words": {
                word: {k: round(v, 6) for k, v in sorted(votes.items())}
                for word, votes in sorted(self.family_words.items())
            },
        }
        return json.dumps(data, indent=0, ensure_ascii=False, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> NarrativeModel:
        data = json.loads(text)
        return cls(
            bias=data["bias"],
            threshold=data["threshold"],
            words=data["words"],
            rule=data["rule"],
            family_words=data["family_words"],
            commonest_family=data["commonest_family"],
            trained_on=data["trained_on"],
        )


# No weights: what training builds the phrase rule with (the rule's reading does not depend on
# the weights, only on the violence rows being read apart, as with any model).
EMPTY_MODEL = NarrativeModel(bias=0.0, threshold=0.0, words={}, rule={})

_LOADED: dict[tuple[str, float], NarrativeModel] = {}


def load_model(path: Path = MODEL_PATH) -> NarrativeModel | None:
    """The shipped model (cached by the file's modification time), or None if there is none."""
    try:
        stamp = path.stat().st_mtime
    except FileNotFoundError:
        return None
    key = (str(path), stamp)
    model = _LOADED.get(key)
    if model is None:
        _LOADED.clear()
        model = _LOADED[key] = NarrativeModel.from_json(path.read_text(encoding="utf-8"))
    return model


# --- training ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """One labelled narrative as the model reads it."""

    stalking: bool
    family: str
    sequence: list[str]
    # The rule's reading as features; empty for narratives the phrases were tuned on (the
    # rule's reading there says nothing about how far to trust it on new wordings).
    rule_features: list[str]


def fit(
    examples: Sequence[Example],
    *,
    l2: float = 0.3,
    rounds: int = 600,
    rate: float = 0.5,
    min_count: int = 2,
    threshold: float = 0.25,
    trained_on: dict[str, int] | None = None,
) -> NarrativeModel:
    """Logistic regression by full-batch AdaGrad from zero weights: deterministic (features in
    sorted order, no sampling). Features seen in fewer than `min_count` narratives are dropped."""
    rows: list[Counter[str]] = []
    for example in examples:
        features = word_features(example.sequence)
        features.update(example.rule_features)
        rows.append(features)
    seen = Counter(feature for row in rows for feature in row)
    names = sorted(feature for feature, count in seen.items() if count >= min_count)
    index = {name: at for at, name in enumerate(names)}
    matrix = [
        [(index[name], float(count)) for name, count in sorted(row.items()) if name in index]
        for row in rows
    ]
    targets = [1.0 if example.stalking else 0.0 for example in examples]
    weights = [0.0] * len(names)
    squares = [1e-8] * len(names)
    bias, bias_square = 0.0, 1e-8
    total = float(len(examples))
    for _ in range(rounds):
        gradient = [0.0] * len(names)
        bias_gradient = 0.0
        for row, target in zip(matrix, targets, strict=True):
            z = bias
            for at, value in row:
                z += weights[at] * value
            error = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) - target
            bias_gradient += error
            for at, value in row:
                gradient[at] += error * value
        for at, weight in enumerate(weights):
            step = (gradient[at] + l2 * weight) / total
            squares[at] += step * step
            weights[at] = weight - rate * step / math.sqrt(squares[at])
        bias_gradient /= total
        bias_square += bias_gradient * bias_gradient
        bias -= rate * bias_gradient / math.sqrt(bias_square)

    words: dict[str, float] = {}
    rule: dict[str, float] = {}
    for name, weight in zip(names, weights, strict=True):
        if abs(weight) < 1e-4:
            continue
        if name.startswith("w:"):
            words[name[2:]] = weight
        else:
            rule[name] = weight
    family_words, commonest = _family_words(examples)
    return NarrativeModel(
        bias=bias,
        threshold=threshold,
        words=words,
        rule=rule,
        family_words=family_words,
        commonest_family=commonest,
        trained_on=dict(trained_on or {}),
    )


def _family_words(examples: Sequence[Example]) -> tuple[dict[str, dict[str, float]], str]:
    """For each stem seen in at least three stalking narratives of one family, the family it
    is most over-represented in (its share of that family's words over its share of all
    stalking narratives' words, as a log ratio, when above 1); and the commonest family."""
    counts: dict[str, Counter[str]] = {}
    everywhere: Counter[str] = Counter()
    narratives: Counter[str] = Counter()
    for example in examples:
        if example.stalking and example.family in FAMILY_WORDS:
            words = [word for word in example.sequence if word != SENTENCE]
            counts.setdefault(example.family, Counter()).update(words)
            everywhere.update(words)
            narratives[example.family] += 1
    total = sum(everywhere.values())
    sizes = {family: sum(counted.values()) for family, counted in counts.items()}
    votes: dict[str, dict[str, float]] = {}
    for word in sorted(everywhere):
        best, best_ratio = "", 0.0
        for family in sorted(counts):
            count = counts[family][word]
            if count < 3:
                continue
            ratio = math.log((count / sizes[family]) / (everywhere[word] / total))
            if ratio > best_ratio:
                best, best_ratio = family, ratio
        if best:
            votes[word] = {best: best_ratio}
    commonest = min(narratives, key=lambda family: (-narratives[family], family), default="")
    return votes, commonest or "unwanted_contact"
