"""Finding indicator phrases in free text, fast enough for a million narratives.

A phrase is plain words, matched whole-word and case-insensitively; whitespace in a phrase
matches any run of whitespace (a narrative may wrap), and `*` stands for any word ending
("follow* her" finds "followed her" and "following her"). All phrases of a kind compile into
ONE regular expression, factored as a trie so shared beginnings are tried once, and the text is
lowered once instead of matching with IGNORECASE: Python's `re` with IGNORECASE classifies
only ~20,000 narratives/s, the lowered trie ~145,000/s on the demo feed (docs/signals.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_SPACES = re.compile(r"\s+")
_SPACE = r"\s+"  # between the words of a phrase


def _tokens(phrase: str) -> list[str]:
    """The phrase as regex pieces: one per character, `\\w*` for `*`, `\\s+` between words."""
    pieces: list[str] = []
    for index, word in enumerate(phrase.split()):
        if index:
            pieces.append(r"\s+")
        pieces.extend(r"\w*" if char == "*" else re.escape(char) for char in word)
    return pieces


def _word(word: str) -> str:
    """One word of a phrase as a pattern: its alternatives, each with `*` as `\\w*`."""
    options = ["".join(_tokens(option)) for option in word.split("|") if option]
    return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"


def _row_pattern(phrase: str) -> str:
    """A whole phrase, alternatives unexpanded, as a pattern to test a match against."""
    return r"\s+".join(_word(word) for word in phrase.split())


def _trie_tokens(phrase: str) -> Iterable[list[str]]:
    """The trie's tokens for a phrase, once per alternative of its first word: the first word
    character by character (so the trie tells phrases apart at their first letters, where a
    scan spends its time), each later word as one token (so alternatives do not multiply)."""
    first, *rest = phrase.split()
    tail: list[str] = []
    for word in rest:
        tail.append(r"\s+")
        if "|" in word:
            tail.append(_word(word))
        else:
            tail.extend(_tokens(word))
    for option in first.split("|"):
        if option:
            yield [*_tokens(option), *tail]


type _Trie = dict[str, _Trie]

# Letters by how often English words start with them: at each branch the regular expression
# tries the common letters first, and most words fail sooner.
_FREQUENT = {char: rank for rank, char in enumerate("tasowhibcmfpdlrneguyvkjqz")}


def _order(item: tuple[str, _Trie]) -> tuple[int, int, str]:
    """Letters first (commonest first), then other characters, a space, a word's
    alternatives, and "any word ending" last: at the same point the longer phrase wins."""
    token = item[0]
    if len(token) == 1:
        return (0, _FREQUENT.get(token, len(_FREQUENT)), token)
    if token.startswith("\\") and len(token) == 2:  # an escaped character
        return (1, 0, token)
    if token == _SPACE:
        return (2, 0, token)
    if token.startswith("(?:"):
        return (3, 0, token)
    return (4, 0, token)


def _trie_pattern(phrases: Iterable[str]) -> str:
    trie: _Trie = {}
    for phrase in phrases:
        for tokens in _trie_tokens(phrase):
            node = trie
            for token in tokens:
                node = node.setdefault(token, {})
            node[""] = {}  # a phrase ends here

    def build(node: _Trie) -> str:
        branches = [
            token + build(child) for token, child in sorted(node.items(), key=_order) if token
        ]
        if not branches:
            return ""
        body = "(?:" + "|".join(branches) + ")" if len(branches) > 1 else branches[0]
        if "" in node:  # a shorter phrase ends here: the rest is optional
            return "(?:" + body + ")?"
        return body

    return build(trie)


def normalise_phrase(phrase: str) -> str:
    return _SPACES.sub(" ", phrase.strip().lower())


# What a phrase stands for: (IndicatorPhrase.kind, behaviour), e.g. ("behaviour", "following").
type Label = tuple[str, str]


@dataclass(frozen=True)
class PhraseMatcher:
    """Labels found in a text: each phrase maps to a label, e.g. ("violence", "a weapon").

    A phrase is words; a word may list alternatives with "|" ("phoned|rang her mum|dad").
    When one wording matches several phrases, the first phrase given decides its label.
    """

    phrases: tuple[tuple[str, Label], ...]
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    # Plain phrases (no "*" or "|") by their text; the others as patterns, by first letter.
    _plain: dict[str, tuple[int, Label]] = field(init=False, repr=False, compare=False)
    _patterns: dict[str, tuple[tuple[int, re.Pattern[str], Label], ...]] = field(
        init=False, repr=False, compare=False
    )
    # Matched text -> labels, filled as texts are scanned: feeds repeat the same few wordings.
    _seen: dict[str, tuple[Label, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        phrases = [phrase for phrase, _ in self.phrases]
        pattern = None
        if phrases:
            pattern = re.compile(r"\b(?:" + _trie_pattern(phrases) + r")\b")
        plain: dict[str, tuple[int, Label]] = {}
        patterns: dict[str, list[tuple[int, re.Pattern[str], Label]]] = {}
        for index, (phrase, label) in enumerate(self.phrases):
            if "*" not in phrase and "|" not in phrase:
                plain.setdefault(phrase, (index, label))
                continue
            compiled = re.compile(_row_pattern(phrase))
            firsts = {option[:1] for option in phrase.split()[0].split("|") if option}
            for first in firsts:  # "*" first: any letter
                patterns.setdefault(first, []).append((index, compiled, label))
        object.__setattr__(self, "_pattern", pattern)
        object.__setattr__(self, "_plain", plain)
        object.__setattr__(
            self, "_patterns", {first: tuple(found) for first, found in patterns.items()}
        )

    @classmethod
    def build(cls, phrases: Iterable[tuple[str, Label]]) -> PhraseMatcher:
        """From (phrase, label) pairs; phrases are lowered and their whitespace folded."""
        return cls(
            phrases=tuple(
                (normalised, label)
                for phrase, label in phrases
                if (normalised := normalise_phrase(phrase)).replace("*", "").replace("|", "")
            )
        )

    @property
    def source(self) -> str:
        """The expression's source ("" when there are no phrases), to extend it."""
        return self._pattern.pattern if self._pattern is not None else ""

    def labels_of(self, matched: str) -> tuple[Label, ...]:
        """The labels of a wording the expression matched (cached)."""
        labels = self._seen.get(matched)
        return self._labels(matched) if labels is None else labels

    def _labels(self, matched: str) -> tuple[Label, ...]:
        """What a matched wording stands for: the first phrase of each kind it matches."""
        key = _SPACES.sub(" ", matched)
        matching = [
            (index, label)
            for index, rx, label in self._patterns.get(key[:1], ()) + self._patterns.get("*", ())
            if rx.fullmatch(key)
        ]
        if key in self._plain:
            matching.append(self._plain[key])
        found: dict[str, Label] = {}
        for _, label in sorted(matching):
            found.setdefault(label[0], label)
        labels = tuple(found.values())
        self._seen[matched] = labels
        return labels

    def find_all(self, lowered_text: str) -> list[tuple[int, Label]]:
        """Every match as (where it starts, its label), in order; a wording that is a phrase
        of two kinds gives both labels. The text must be lowered."""
        if self._pattern is None or not lowered_text:
            return []
        found: list[tuple[int, Label]] = []
        seen = self._seen
        for match in self._pattern.finditer(lowered_text):
            matched = match.group()
            labels = seen[matched] if matched in seen else self._labels(matched)
            if labels:
                at = match.start()
                found.extend((at, label) for label in labels)
        return found

    def scan(self, lowered_text: str) -> list[Label]:
        """Every match's labels in order, repeats kept, without positions (the fast path)."""
        if self._pattern is None or not lowered_text:
            return []
        found: list[Label] = []
        seen = self._seen
        for matched in self._pattern.findall(lowered_text):
            labels = seen.get(matched)
            found.extend(self._labels(matched) if labels is None else labels)
        return found

    def find(self, lowered_text: str) -> list[Label]:
        """The distinct labels found, in order of first appearance. The text must be lowered."""
        if self._pattern is None or not lowered_text:
            return []
        found: list[Label] = []
        seen = self._seen
        for matched in self._pattern.findall(lowered_text):
            labels = seen[matched] if matched in seen else self._labels(matched)
            found.extend(label for label in labels if label not in found)
        return found
