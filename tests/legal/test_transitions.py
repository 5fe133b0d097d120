"""Every transition of the SPO file, allowed and refused, through the service; the table in
docs/legal.md matches legal/transitions.py."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from legal import services, transitions
from legal.models import EndedReason, FileState, LegalEvent, OrderFile, ProtectiveOrder
from tests.legal.conftest import open_spo, to_state

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "legal.md"

# Every (state, ended reason) a file can be in.
SITUATIONS = [
    (FileState.CONSIDERING, ""),
    (FileState.PREPARING, ""),
    (FileState.APPLIED, ""),
    (FileState.INTERIM, ""),
    (FileState.IN_FORCE, ""),
    *[(FileState.ENDED, reason) for reason in EndedReason.values],
]
BUTTON_STEPS = [t for t in transitions.TRANSITIONS if not t.by_order]


def _file_in(spo_file: OrderFile, solicitor, state: str, reason: str) -> OrderFile:
    if state != FileState.ENDED:
        return to_state(spo_file, solicitor, state)
    path = {
        EndedReason.NOT_APPLIED: ("considering", "decline"),
        EndedReason.REFUSED: ("applied", "refuse"),
        EndedReason.WITHDRAWN: ("applied", "withdraw"),
        EndedReason.DISCHARGED: ("in_force", "discharge"),
        EndedReason.EXPIRED: ("in_force", "expire"),
    }[EndedReason(reason)]
    file = to_state(spo_file, solicitor, path[0])
    services.transition_file(
        file=file, key=path[1], on=timezone.localdate(), reasons="Evidence too thin", by=solicitor
    )
    file.refresh_from_db()
    return file


@pytest.mark.parametrize(("state", "reason"), SITUATIONS)
@pytest.mark.parametrize("step", BUTTON_STEPS, ids=lambda t: t.key)
def test_every_step_from_every_state(spo_file, solicitor, state, reason, step):
    file = _file_in(spo_file, solicitor, state, reason)
    assert (file.state, file.ended_reason) == (state, reason)
    allowed = transitions.allowed(step, state, reason)
    before = LegalEvent.objects.filter(file=file).count()
    if not allowed:
        with pytest.raises(services.LegalError, match="cannot take the step"):
            services.transition_file(
                file=file, key=step.key, on=timezone.localdate(), reasons="x", by=solicitor
            )
        file.refresh_from_db()
        assert (file.state, file.ended_reason) == (state, reason)
        assert LegalEvent.objects.filter(file=file).count() == before
        return
    services.transition_file(
        file=file, key=step.key, on=timezone.localdate(), reasons="Reasons given", by=solicitor
    )
    file.refresh_from_db()
    assert file.state == step.target
    assert file.ended_reason == (step.ended_reason or "")
    event = LegalEvent.objects.filter(file=file).order_by("-pk").first()
    assert event.to_state == step.target


@pytest.mark.parametrize(("state", "reason"), SITUATIONS)
@pytest.mark.parametrize("kind", ["interim", "full"])
def test_orders_are_made_only_where_the_table_allows(spo_file, solicitor, state, reason, kind):
    file = _file_in(spo_file, solicitor, state, reason)
    allowed = transitions.allowed(transitions.find(kind, is_spo=True), state, reason)
    made = timezone.localdate() - timedelta(days=1)
    call = lambda: services.record_order(  # noqa: E731
        file=file,
        kind=kind,
        made_on=made,
        fixed_end_on=made + timedelta(days=40) if kind == "interim" else None,
        by=solicitor,
    )
    if not allowed:
        with pytest.raises(services.LegalError):
            call()
        return
    call()
    file.refresh_from_db()
    assert file.state == (FileState.INTERIM if kind == "interim" else FileState.IN_FORCE)


def test_a_decision_not_to_apply_needs_its_reasons(spo_file, solicitor):
    with pytest.raises(services.LegalError, match="reasons"):
        services.transition_file(
            file=spo_file, key="decline", on=timezone.localdate(), reasons="  ", by=solicitor
        )
    spo_file.refresh_from_db()
    assert spo_file.state == FileState.CONSIDERING
    services.transition_file(
        file=spo_file,
        key="decline",
        on=timezone.localdate(),
        reasons="The victim moved abroad; a restraining order on conviction covers her.",
        by=solicitor,
    )
    spo_file.refresh_from_db()
    assert spo_file.ended_reason == EndedReason.NOT_APPLIED
    assert "moved abroad" in spo_file.not_applied_reasons


def test_other_orders_run_only_in_force_and_ended(legal_case, solicitor):
    file = open_spo(legal_case, solicitor, kind="restraining")
    assert file.state == FileState.IN_FORCE
    with pytest.raises(services.LegalError):
        services.transition_file(file=file, key="prepare", on=timezone.localdate(), by=solicitor)
    order = services.record_order(
        file=file,
        kind=ProtectiveOrder.Kind.OTHER,
        made_on=timezone.localdate(),
        fixed_end_on=timezone.localdate() + timedelta(days=365),
        by=solicitor,
    )
    with pytest.raises(services.LegalError, match="already records"):
        services.record_order(
            file=file, kind="other", made_on=timezone.localdate(), fixed_end_on=None, by=solicitor
        )
    services.transition_file(file=file, key="discharge", on=timezone.localdate(), by=solicitor)
    order.refresh_from_db()
    assert order.ended_on == timezone.localdate()


def test_the_full_order_ends_the_interim_one_it_replaces(spo_file, solicitor):
    file = to_state(spo_file, solicitor, "interim")
    interim = file.orders.get()
    made = timezone.localdate()
    full = services.record_order(
        file=file, kind="full", made_on=made, fixed_end_on=None, by=solicitor
    )
    interim.refresh_from_db()
    assert interim.ended_on == made
    assert full.replaces == interim


def test_the_docs_table_lists_every_transition():
    text = DOC.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(?P<key>[a-z]+)` \|(?P<rest>.+)\|$", text, flags=re.MULTILINE)
    documented = dict(rows)
    for transition in transitions.TRANSITIONS:
        assert transition.key in documented, transition.key
        for source in transition.sources:
            assert FileState(source).label.lower() in documented[transition.key].lower()
        assert FileState(transition.target).label.lower() in documented[transition.key].lower()
