"""The keys an import has met so far (the duplicate-key rule), in 8 bytes a key.

A Python set of the keys' 64-bit hashes took ~70 bytes a key (an int object and its slot):
~70 MB of a million-row import's peak, growing with the file. This is an open-addressing
table of the hashes in one array of 64-bit integers, three quarters full at most (16 MB at a
million keys), at the cost of a few hundred nanoseconds a row in the reader thread.
"""

from __future__ import annotations

from array import array
from typing import Final

_START: Final = 1 << 16


class KeySet:
    """A set of 64-bit key hashes. 0 marks an empty slot, so key 0 is stored as 1 (one more
    collision of the 64-bit hash, as rare as any other)."""

    __slots__ = ("_count", "_limit", "_mask", "_table")

    def __init__(self) -> None:
        self._table = array("q", bytes(8 * _START))
        self._mask = _START - 1
        self._limit = _START * 3 // 4
        self._count = 0

    def __len__(self) -> int:
        return self._count

    @property
    def capacity(self) -> int:
        """Slots in the table (at most three quarters of them are used)."""
        return len(self._table)

    def __contains__(self, key: int) -> bool:
        key = key or 1
        table, mask = self._table, self._mask
        index = key & mask
        while slot := table[index]:
            if slot == key:
                return True
            index = (index + 1) & mask
        return False

    def add_new(self, key: int) -> bool:
        """Add `key`; False if it was there already."""
        key = key or 1
        table, mask = self._table, self._mask
        index = key & mask
        while slot := table[index]:
            if slot == key:
                return False
            index = (index + 1) & mask
        table[index] = key
        self._count += 1
        if self._count > self._limit:
            self._grow()
        return True

    def add(self, key: int) -> None:
        self.add_new(key)

    def clear(self) -> None:
        """Forget every key, back to the starting size."""
        self._table = array("q", bytes(8 * _START))
        self._mask = _START - 1
        self._limit = _START * 3 // 4
        self._count = 0

    def reserve(self, keys: int) -> None:
        """Make room for `keys` keys in all, at once (no-op if there is room already)."""
        size = len(self._table)
        while keys > size * 3 // 4:
            size *= 2
        if size > len(self._table):
            self._grow(size)

    def _grow(self, size: int = 0) -> None:
        old = self._table
        size = size or len(old) * 2
        table = array("q", bytes(8 * size))
        mask = size - 1
        for key in old:
            if key:
                index = key & mask
                while table[index]:
                    index = (index + 1) & mask
                table[index] = key
        self._table, self._mask, self._limit = table, mask, size * 3 // 4
