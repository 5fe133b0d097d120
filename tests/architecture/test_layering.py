"""The direction of dependencies in docs/architecture.md, checked by walking every module's
imports (top-level and inside functions). A violating import fails this test."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What each top-level package may import of the project (besides itself). docs/architecture.md
# shows the same graph; keep the two in step.
ALLOWED: dict[str, set[str]] = {
    "foundation": set(),
    "cases": {"foundation"},
    "risk": {"foundation", "cases"},
    "referrals": {"foundation", "cases", "risk"},
    "clinic": {"foundation", "cases", "risk", "referrals"},
    "legal": {"foundation", "cases", "risk", "referrals", "clinic"},
    "training": {"foundation"},
    "oversight": {"foundation", "cases", "risk", "referrals", "clinic", "legal"},
    "learning": {
        "foundation",
        "cases",
        "risk",
        "referrals",
        "clinic",
        "legal",
        "training",
        "oversight",
    },
    # The composition root imports every app; nothing imports it.
    "stalking_hub": {
        "foundation",
        "cases",
        "risk",
        "referrals",
        "clinic",
        "legal",
        "training",
        "oversight",
        "learning",
    },
}
PROJECT = set(ALLOWED)


def modules() -> list[Path]:
    found = []
    for package in ALLOWED:
        folder = ROOT / package
        if folder.is_dir():
            found.extend(path for path in folder.rglob("*.py") if "migrations" not in path.parts)
    return sorted(found)


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & PROJECT


def violations(path: Path) -> list[str]:
    package = path.relative_to(ROOT).parts[0]
    allowed = ALLOWED[package] | {package}
    return sorted(imported_packages(path) - allowed)


@pytest.mark.parametrize("path", modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_imports_point_down_the_layers(path: Path) -> None:
    assert violations(path) == [], f"{path.relative_to(ROOT)} imports against the direction"


def test_the_walk_sees_an_upward_import(tmp_path: Path) -> None:
    """The check itself: a `cases` module importing `referrals` is reported."""
    module = ROOT / "cases" / "_layering_probe.py"
    module.write_text("def f():\n    from referrals import services\n", encoding="utf-8")
    try:
        assert violations(module) == ["referrals"]
    finally:
        module.unlink()
