"""The sweep benchmark (bench/sweep.py) reads the feed generator's default output: if that output
moves, the benchmark's figures stop being comparable with the ones quoted in bench/README.md.
The demo's own wording is behind `demo=True`; the default must not change without re-measuring
(then update these digests and the README's table together)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from stalking_hub.demo.feedgen import generate_feed


@pytest.mark.parametrize(
    ("changed_fraction", "expected"),
    [
        (0.0, "3623098eb251193fd91e7aca50e9442c041491153c8ddca7fe40efde6d12352d"),
        (0.01, "7bf6e3e62c1d5c4860d0f6d60e0fb017a45f549079fa660ea544f5b978febeb6"),
    ],
)
def test_the_benchmark_feed_is_pinned(tmp_path: Path, changed_fraction: float, expected: str):
    path = tmp_path / "feed.csv"
    generate_feed(path, 2_000, seed=1, changed_fraction=changed_fraction)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == expected
