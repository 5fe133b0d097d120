"""Every Celery task has an explicit, stable name (a moved module must not orphan queued
tasks), and every beat entry names a registered task."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from stalking_hub.celery import app

ROOT = Path(__file__).resolve().parents[2]


def task_decorators() -> list[tuple[Path, int, bool]]:
    found = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    call = decorator if isinstance(decorator, ast.Call) else None
                    target = call.func if call else decorator
                    name = getattr(target, "attr", getattr(target, "id", ""))
                    if name in {"shared_task", "task"}:
                        named = bool(call and any(kw.arg == "name" for kw in call.keywords))
                        found.append((path.relative_to(ROOT), node.lineno, named))
    return found


def test_there_are_tasks_to_check() -> None:
    assert len(task_decorators()) >= 8


@pytest.mark.parametrize(("path", "line", "named"), task_decorators())
def test_every_task_is_declared_with_a_name(path: Path, line: int, named: bool) -> None:
    assert named, f"{path}:{line}: give the task an explicit name="


def test_every_beat_entry_names_a_registered_task() -> None:
    app.loader.import_default_modules()
    registered = set(app.tasks)
    for entry, spec in app.conf.beat_schedule.items():
        assert spec["task"] in registered, entry
