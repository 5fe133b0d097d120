"""Phrases found word by word: the narrative rule's matcher (docs/signals.md, "Performance").

The narrative is split once into words and punctuation (on spaces, then each piece into `\\w+`
and single other characters, cached per piece; a line break becomes LINE_BREAK); the phrases
are a trie of words, read as a lazily built automaton (one state per set of trie nodes). Most
words of a narrative begin no phrase, and a dict look-up per word (cached: feeds repeat the same few
thousand words) says so, so the rule pays for phrases only where one may start. This replaced
one trie-shaped regular expression of every phrase, whose cost grew with the number of rows
(about 900 rows read 0.4x as many narratives a second as the first rule's 140; bench/README.md).

Phrase format (as in phrases.py): whole words, any case; `*` at the end of a word stands for
any ending, alone for any one word; `|` lists a word's alternatives. A phrase's words are split
like the text ("ip's" is `ip`, `'`, `s`; "e-mail*" is `e`, `-`, `mail*`), so punctuation inside
a phrase must be in the text too, and a comma or full stop between two words breaks a phrase.
A line break inside a phrase is read as a space.

At each word the longest phrase starting there wins, then the scan goes on after it: "followed
up" is read as the idiom, not as "followed". A wording that is a phrase of several kinds gives
one label of each kind (the first row of that kind, in the order given).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_TOKEN = re.compile(r"\w+|[^\w\s]")
_SPACES = re.compile(r"\s+")
# A line break ends a sentence, but a phrase may run across it (a narrative may wrap).
LINE_BREAK = "\u00b6"
SENTENCE_ENDS = frozenset((".", "!", "?", ";", LINE_BREAK))
# The caches of words seen are dropped past this size (numbers and typos are unbounded).
_CACHE_LIMIT = 200_000

# What a phrase stands for: (kind, behaviour), e.g. ("behaviour", "following").
type Label = tuple[str, str]


def split_words(lowered: str) -> list[str]:
    """A lowered text as its words and punctuation marks, in order; a line break as LINE_BREAK."""
    if "\n" in lowered:
        lowered = lowered.replace("\n", f" {LINE_BREAK} ")
    words: list[str] = []
    # Split on spaces, then each piece into words and punctuation, cached: a feed repeats the
    # same pieces ("her", "home.", "ip's"), and this is ~1.5x faster than findall on the text.
    pieces = _PIECES
    for piece in lowered.split():
        split = pieces.get(piece)
        if split is None:
            if len(pieces) >= _CACHE_LIMIT:
                pieces.clear()
            split = pieces[piece] = tuple(_TOKEN.findall(piece))
        words += split
    return words


_PIECES: dict[str, tuple[str, ...]] = {}


def _alternatives(word: str) -> list[list[str]]:
    """One phrase word as its alternatives, each a list of parts split like the text ("mail*"
    keeps its star: any ending; "*" alone: any one word)."""
    found: list[list[str]] = []
    for option in word.split("|"):
        parts: list[str] = []
        for part in _TOKEN.findall(option.replace("*", _STAR)):
            if part == _STAR and parts and parts[-1] != "*":
                parts[-1] += "*"  # the star ends the word before it
            else:
                parts.append("*" if part == _STAR else part)
        if parts:
            found.append(parts)
    return found


# Stands for "*" while a phrase word is split (the split would read a star as punctuation).
_STAR = "\x00"


class _Node:
    """A point in the trie: what the next word may be, and the labels of phrases ending here."""

    __slots__ = ("any", "exact", "labels", "prefixes", "seen")

    def __init__(self) -> None:
        self.exact: dict[str, _Node] = {}
        self.prefixes: dict[str, _Node] = {}  # "follow" for "follow*"
        self.any: _Node | None = None  # "*" alone: any one word
        self.labels: list[tuple[int, Label]] = []
        # word -> the nodes it leads to (cached as the text is read).
        self.seen: dict[str, tuple[_Node, ...]] = {}

    def child(self, part: str) -> _Node:
        if part == "*":
            if self.any is None:
                self.any = _Node()
            return self.any
        children = self.exact
        if part.endswith("*"):
            children, part = self.prefixes, part[:-1]
        node = children.get(part)
        if node is None:
            node = children[part] = _Node()
        return node

    def step(self, word: str) -> tuple[_Node, ...]:
        """The nodes a word leads to from here."""
        found = self.seen.get(word)
        if found is not None:
            return found
        nodes: list[_Node] = []
        exact = self.exact.get(word)
        if exact is not None:
            nodes.append(exact)
        if self.prefixes:
            nodes.extend(
                node
                for prefix, node in self.prefixes.items()
                if word.startswith(prefix) and (word[0].isalnum() or word[0] == "_")
            )
        if self.any is not None and (word[0].isalnum() or word[0] == "_"):
            nodes.append(self.any)
        if len(self.seen) >= _CACHE_LIMIT:
            self.seen.clear()
        found = self.seen[word] = tuple(nodes)
        return found


class _State:
    """The trie nodes one wording leads to, as one state: reading a word from a state is one
    dict look-up (cached), whatever the number of phrases that wording may still become."""

    __slots__ = ("nodes", "result", "seen", "states")

    def __init__(self, nodes: tuple[_Node, ...], states: dict[frozenset[int], _State]) -> None:
        self.nodes = nodes
        self.states = states  # every state of the matcher, by its nodes
        self.seen: dict[str, _State | None] = {}
        ending = [label for node in nodes for label in node.labels]
        by_kind: dict[str, tuple[int, Label]] = {}
        for index, label in sorted(ending):
            by_kind.setdefault(label[0], (index, label))
        self.result: tuple[Label, ...] = tuple(label for _, label in sorted(by_kind.values()))

    def step(self, word: str) -> _State | None:
        """The state after one more word (None: no phrase goes on with it)."""
        nodes: list[_Node] = []
        for node in self.nodes:
            for found in node.step(word):
                if found not in nodes:
                    nodes.append(found)
        state = None
        if nodes:
            key = frozenset(map(id, nodes))
            state = self.states.get(key)
            if state is None:
                state = self.states[key] = _State(tuple(nodes), self.states)
        if len(self.seen) >= _CACHE_LIMIT:
            self.seen.clear()
        self.seen[word] = state
        return state


# Marks a sentence end among the states the first word leads to, and a word not seen yet.
_END = _State((), {})
_UNSEEN = _State((), {})


@dataclass(frozen=True)
class WordMatcher:
    """Labels found in a text, word by word. Rows are (phrase, label); earlier rows win ties."""

    phrases: tuple[tuple[str, Label], ...]
    _start: _State = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        root = _Node()
        for index, (phrase, label) in enumerate(self.phrases):
            nodes = [root]
            for word in phrase.split():
                options = _alternatives(word)
                following: dict[int, _Node] = {}  # by identity, in order
                for node in nodes:
                    for parts in options:
                        at = node
                        for part in parts:
                            at = at.child(part)
                        following.setdefault(id(at), at)
                nodes = list(following.values())
            for node in nodes:
                if node is not root:
                    node.labels.append((index, label))
        start = _State((root,), {})
        for end in SENTENCE_ENDS:
            start.seen[end] = _END
        object.__setattr__(self, "_start", start)

    @classmethod
    def build(cls, phrases: Iterable[tuple[str, Label]]) -> WordMatcher:
        """From (phrase, label) pairs; phrases are lowered and their whitespace folded."""
        return cls(
            phrases=tuple(
                (normalised, label)
                for phrase, label in phrases
                if (normalised := _SPACES.sub(" ", phrase.strip().lower()))
                .replace("*", "")
                .replace("|", "")
                .strip()
            )
        )

    def scan(self, words: list[str]) -> list[tuple[Label, ...] | None]:
        """For each phrase found in the words, in order, its labels (one per kind); None at
        each sentence end (a full stop, semicolon, question or exclamation mark, line break)."""
        start = self._start
        first = start.seen
        found: list[tuple[Label, ...] | None] = []
        count = len(words)
        resume = 0  # after a phrase, where reading starts again
        for at, word in enumerate(words):
            # Most words begin no phrase: one (cached) dict look-up says so.
            state = first.get(word, _UNSEEN)
            if state is None or at < resume:
                continue
            if state is _UNSEEN:
                state = start.step(word)
                if state is None:
                    continue
            if state is _END:
                found.append(None)
                continue
            # The longest phrase from here: read on while some phrase may go on.
            labels = state.result
            end = at + 1 if labels else 0
            reading = at + 1
            while reading < count:
                word = words[reading]
                following = state.seen.get(word, _UNSEEN)
                if following is _UNSEEN:
                    if word == LINE_BREAK:  # read as a space inside a phrase
                        reading += 1
                        continue
                    following = state.step(word)
                if following is None:
                    break
                state = following
                reading += 1
                if following.result:
                    end, labels = reading, following.result
            if end:
                found.append(labels)
                resume = end
        return found

    def may_start(self, word: str) -> bool:
        """Whether some phrase may begin with this word (a sentence end begins none)."""
        state = self._start.seen.get(word, _UNSEEN)
        if state is _UNSEEN:
            state = self._start.step(word)
        return state is not None and state is not _END

    def find(self, lowered: str) -> list[Label]:
        """The distinct labels found in a lowered text, in order of first appearance."""
        found: list[Label] = []
        for labels in self.scan(split_words(lowered)):
            if labels:
                found.extend(label for label in labels if label not in found)
        return found
