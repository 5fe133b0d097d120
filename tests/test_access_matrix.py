"""Executes the role-by-page tables in docs/access.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import ROLE_FIXTURES

ACCESS_DOC = Path(__file__).resolve().parent.parent / "docs" / "access.md"
ROW = re.compile(r"^\|\s*`(?P<url>[a-z_:]+)`\s*\|(?P<cells>.+)\|\s*$")
ROLE_COLUMNS = [
    "coordinator",
    "tactical_lead",
    "solicitor",
    "isac",
    "partner",
    "champion",
    "officer",
    "trainer",
    "auditor",
    "admin",
]


def matrix_rows() -> list[tuple[str, str, bool]]:
    rows: list[tuple[str, str, bool]] = []
    for line in ACCESS_DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if not match:
            continue
        cells = [cell.strip() for cell in match["cells"].split("|")]
        if len(cells) != len(ROLE_COLUMNS):
            continue
        assert set(cells) <= {"✓", "✗"}, f"unreadable row in docs/access.md: {line}"
        rows.extend(
            (match["url"], role, cell == "✓")
            for role, cell in zip(ROLE_COLUMNS, cells, strict=True)
        )
    return rows


def test_doc_has_rows_for_every_role():
    rows = matrix_rows()
    assert {url for url, _, _ in rows} >= {"home", "audit:access_records", "admin:index"}
    assert {role for _, role, _ in rows} == set(ROLE_COLUMNS)


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "role", "allowed"), matrix_rows())
def test_role_matrix(client, request, url_name, role, allowed):
    fixture = "admin_user" if role == "admin" else role
    assert fixture in ROLE_FIXTURES
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    response = client.get(reverse(url_name))
    assert response.status_code == (200 if allowed else 404)
    if not allowed:
        assert b"Not found" in response.content
        assert b"<table" not in response.content
