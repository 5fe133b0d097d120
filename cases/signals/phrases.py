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


def _tokens(phrase: str) -> list[str]:
    """The phrase as regex pieces: one per character, `\\w*` for `*`, `\\s+` between words."""
    pieces: list[str] = []
    for index, word in enumerate(phrase.split()):
        if index:
            pieces.append(r"\s+")
        pieces.extend(r"\w*" if char == "*" else re.escape(char) for char in word)
    return pieces


type _Trie = dict[str, _Trie]


def _trie_pattern(phrases: Iterable[str]) -> str:
    trie: _Trie = {}
    for phrase in phrases:
        node = trie
        for token in _tokens(phrase):
            node = node.setdefault(token, {})
        node[""] = {}  # a phrase ends here

    def build(node: _Trie) -> str:
        branches = [token + build(child) for token, child in sorted(node.items()) if token]
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
    """Labels found in a text: each phrase maps to a label, e.g. ("violence", "a weapon")."""

    labels: dict[str, Label]
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _wildcards: tuple[tuple[re.Pattern[str], Label], ...] = field(
        init=False, repr=False, compare=False
    )
    # Matched text -> label, filled as texts are scanned: feeds repeat the same few wordings.
    _seen: dict[str, Label | None] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        phrases = [phrase for phrase in self.labels if phrase]
        pattern = None
        if phrases:
            pattern = re.compile(r"\b(?:" + _trie_pattern(phrases) + r")\b")
        wildcards = tuple(
            (re.compile("".join(_tokens(phrase))), label)
            for phrase, label in self.labels.items()
            if "*" in phrase
        )
        object.__setattr__(self, "_pattern", pattern)
        object.__setattr__(self, "_wildcards", wildcards)

    @classmethod
    def build(cls, phrases: Iterable[tuple[str, Label]]) -> PhraseMatcher:
        """From (phrase, label) pairs; phrases are lowered and their whitespace folded."""
        return cls(labels={normalise_phrase(phrase): label for phrase, label in phrases})

    def _label(self, matched: str) -> Label | None:
        if matched in self._seen:
            return self._seen[matched]
        key = _SPACES.sub(" ", matched)
        label = self.labels.get(key)
        if label is None:
            label = next((label for rx, label in self._wildcards if rx.fullmatch(matched)), None)
        self._seen[matched] = label
        return label

    def find(self, lowered_text: str) -> list[Label]:
        """The distinct labels found, in order of first appearance. The text must be lowered."""
        if self._pattern is None or not lowered_text:
            return []
        found: list[Label] = []
        seen = self._seen
        for matched in self._pattern.findall(lowered_text):
            label = seen[matched] if matched in seen else self._label(matched)
            if label is not None and label not in found:
                found.append(label)
        return found
