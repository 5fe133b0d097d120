"""docs/training.md lists every header spelling and status value the import accepts."""

from pathlib import Path

from training.columns import ALIASES, STATUS_ALIASES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "training.md").read_text(encoding="utf-8")


def test_every_accepted_spelling_is_documented():
    missing = [
        alias
        for aliases in [*ALIASES.values(), *STATUS_ALIASES.values()]
        for alias in aliases
        if f"`{alias}`" not in DOC
    ]
    assert missing == []
