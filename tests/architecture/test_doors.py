"""Every sensitive record reaches a view through its door (DESIGN.md §4, docs/access.md).

Walks every views module: none may call `get_object_or_404`/`get_list_or_404`, touch a
sensitive model's manager (`Case.objects…`), or define its own access function
(`get_<thing>_for_user`); those live in the app's permissions.py, which records the attempt.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from foundation.audit.access import sensitive_models

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "foundation",
    "cases",
    "risk",
    "referrals",
    "clinic",
    "legal",
    "training",
    "oversight",
    "learning",
    "stalking_hub",
)


def views_modules() -> list[Path]:
    found: list[Path] = []
    for package in PACKAGES:
        folder = ROOT / package
        if folder.is_dir():
            found.extend(
                path
                for path in folder.rglob("*.py")
                if path.name == "views.py" or path.parent.name == "views"
            )
    return sorted(found)


def problems(path: Path, sensitive: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in {"get_object_or_404", "get_list_or_404"}:
                found.append(f"line {node.lineno}: {name}")
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"objects", "_default_manager", "_base_manager"}
            and isinstance(node.value, ast.Name)
            and node.value.id in sensitive
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        if (
            isinstance(node, ast.FunctionDef)
            and node.name.startswith(("get_", "_get_"))
            and node.name.endswith("_for_user")
        ):
            found.append(f"line {node.lineno}: defines {node.name}")
    return found


def sensitive_names() -> set[str]:
    return {model.__name__ for model in sensitive_models().values()}


def test_every_sensitive_model_has_registered_with_the_doors() -> None:
    assert {
        "Person",
        "CrimeLog",
        "FeedImport",
        "Case",
        "RiskAssessment",
        "Referral",
        "AdviceRequest",
        "Guidance",
    } <= sensitive_names()


@pytest.mark.parametrize("path", views_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_views_fetch_sensitive_records_only_through_their_doors(path: Path) -> None:
    assert problems(path, sensitive_names()) == []


def test_the_walk_sees_a_direct_fetch(tmp_path: Path) -> None:
    probe = tmp_path / "views.py"
    probe.write_text(
        "def v(request, pk):\n"
        "    get_object_or_404(Case, pk=pk)\n"
        "    return Case.objects.get(pk=pk)\n"
        "def get_case_for_user(user, pk):\n    pass\n",
        encoding="utf-8",
    )
    assert len(problems(probe, {"Case"})) == 3
