"""Instruments in the database: the data migration, sync_instruments, admin, deploy checks."""

from __future__ import annotations

import importlib
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from risk.checks import check_instrument_files
from risk.definitions import INSTRUMENTS_DIR, load_instruments
from risk.models import Instrument, RiskAssessment
from risk.sync import definition_of, sync_instruments
from tests.factories import RiskAssessmentFactory


@pytest.fixture
def files(tmp_path: Path) -> Path:
    directory = tmp_path / "instruments"
    shutil.copytree(INSTRUMENTS_DIR, directory)
    return directory


def rewrite(path: Path, **changes: object) -> None:
    raw = json.loads(path.read_text())
    raw.update(changes)
    path.write_text(json.dumps(raw, indent=1))


def test_the_data_migration_loads_every_shipped_instrument():
    Instrument.objects.all().delete()
    migration = importlib.import_module("risk.migrations.0002_sync_shipped_instruments")
    migration.sync_shipped(django_apps, None)
    assert set(Instrument.objects.values_list("key", flat=True)) == {
        "four",
        "sdash",
        "dash",
        "srp",
        "sam",
    }
    srp = Instrument.objects.get(key="srp")
    assert srp.kind == "spj"
    assert srp.side == "perpetrator"
    assert srp.licensed
    assert srp.requires_trained_assessor
    assert srp.checksum == load_instruments()["srp"].checksum
    assert definition_of(srp).item_keys == load_instruments()["srp"].item_keys


def test_sync_is_idempotent():
    report = sync_instruments()
    assert not report.changed
    assert sorted(report.unchanged) == ["dash", "four", "sam", "sdash", "srp"]


def test_a_changed_file_is_updated_and_an_unbumped_version_is_reported(files):
    rewrite(files / "four.json", description="A new description.")
    report = sync_instruments(definitions=load_instruments(files))
    assert report.updated == ["four"]
    assert len(report.warnings) == 1
    assert "bump the version" in report.warnings[0]
    four = Instrument.objects.get(key="four")
    assert four.definition["description"] == "A new description."
    assert four.checksum == load_instruments(files)["four"].checksum


def test_a_bumped_version_updates_without_a_warning(files):
    rewrite(files / "dash.json", version="2")
    report = sync_instruments(definitions=load_instruments(files))
    assert report.updated == ["dash"]
    assert report.warnings == []
    assert Instrument.objects.get(key="dash").version == "2"


def test_reformatting_a_file_changes_nothing(files):
    path = files / "sam.json"
    path.write_text(json.dumps(json.loads(path.read_text()), indent=8))
    assert not sync_instruments(definitions=load_instruments(files)).changed


def test_a_removed_file_deactivates_and_keeps_its_assessments(files, coordinator):
    assessment = RiskAssessmentFactory(assessor=coordinator)  # a FOUR screening
    (files / "four.json").unlink()
    report = sync_instruments(definitions=load_instruments(files))
    assert report.deactivated == ["four"]
    four = Instrument.objects.get(key="four")
    assert not four.is_active
    assert RiskAssessment.objects.filter(pk=assessment.pk).exists()
    # Back again: active again.
    assert sync_instruments().updated == ["four"]
    assert Instrument.objects.get(key="four").is_active


def test_an_invalid_file_fails_the_command_and_changes_nothing(files, monkeypatch):
    rewrite(files / "dash.json", kind="guesswork")
    rewrite(files / "four.json", version="9")
    monkeypatch.setattr("risk.sync.load_instruments", lambda: load_instruments(files))
    with pytest.raises(CommandError, match=r"Nothing synced: .*dash\.json: kind"):
        call_command("sync_instruments", stdout=StringIO())
    assert Instrument.objects.get(key="four").version == "1"


def test_the_command_reports_what_it_did():
    out = StringIO()
    call_command("sync_instruments", stdout=out)
    assert "already up to date" in out.getvalue()
    Instrument.objects.filter(key="four").update(checksum="0" * 64)
    out = StringIO()
    call_command("sync_instruments", stdout=out, stderr=StringIO())
    assert "updated: four" in out.getvalue()


def test_one_current_assessment_per_case(coordinator):
    first = RiskAssessmentFactory(assessor=coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskAssessment.objects.create(
            case=first.case,
            instrument=first.instrument,
            instrument_version="1",
            answers=first.answers,
            result=first.result,
            final_level="medium",
            review_date=first.review_date,
            assessor=coordinator,
            completed_at=first.completed_at,
        )


def test_str_carries_no_personal_data(coordinator):
    assessment = RiskAssessmentFactory(assessor=coordinator, rationale="Private detail")
    assert str(assessment) == f"Risk assessment #{assessment.pk}"


# -- admin -----------------------------------------------------------------------------------


def test_admin_sees_instruments_read_only(client, admin_user):
    client.force_login(admin_user)
    four = Instrument.objects.get(key="four")
    assert client.get(reverse("admin:risk_instrument_changelist")).status_code == 200
    page = client.get(reverse("admin:risk_instrument_change", args=[four.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:risk_instrument_add")).status_code == 403


def test_admin_lists_assessments_without_personal_data_and_cannot_open_one(
    client, admin_user, coordinator
):
    assessment = RiskAssessmentFactory(
        assessor=coordinator, rationale="Private rationale", plan_note="Private plan"
    )
    client.force_login(admin_user)
    listing = client.get(reverse("admin:risk_riskassessment_changelist"))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "Private rationale" not in body
    assert "Private plan" not in body
    assert coordinator.full_name not in body
    change = client.get(reverse("admin:risk_riskassessment_change", args=[assessment.pk]))
    assert change.status_code == 403


# -- deploy checks --------------------------------------------------------------------------


def test_check_passes_without_wording_and_fails_on_a_broken_wording_file(settings, tmp_path):
    settings.HUB_INSTRUMENT_WORDING_DIR = ""
    assert check_instrument_files() == []
    (tmp_path / "dash.json").write_text('{"instrument": "dash", "items": {"dash_99": "x"}}')
    settings.HUB_INSTRUMENT_WORDING_DIR = str(tmp_path)
    messages = check_instrument_files()
    assert [m.id for m in messages] == ["risk.E002"]
    assert "dash_99" in messages[0].msg


def test_check_warns_about_items_without_wording(settings, tmp_path):
    (tmp_path / "sdash.json").write_text(
        json.dumps({"instrument": "sdash", "version": "1", "items": {"sdash_01": "Q one"}})
    )
    settings.HUB_INSTRUMENT_WORDING_DIR = str(tmp_path)
    messages = check_instrument_files()
    assert [m.id for m in messages] == ["risk.W002"]
    assert "sdash_02" in messages[0].msg
