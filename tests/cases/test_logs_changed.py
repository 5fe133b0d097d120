"""The one entry point for new or changed logs: every path reaches the registered handlers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cases.hooks import register_logs_changed, unregister_logs_changed
from cases.services.people import merge_persons
from tests.factories import CrimeLogFactory, LogPartyFactory, PersonFactory

pytestmark = pytest.mark.django_db

from tests.cases.test_import import HEADER, row  # noqa: E402

CSV = HEADER + row("NS/26/1") + row("NS/26/2")


def test_a_person_merge_reaches_the_handlers_with_every_log_of_both_people(coordinator, seen):
    keep, merge = PersonFactory(), PersonFactory()
    first, second = CrimeLogFactory(), CrimeLogFactory()
    LogPartyFactory(log=first, victim=True, person=keep)
    LogPartyFactory(log=second, victim=True, person=merge)
    merge_persons(keep=keep, merge=merge, reason="Same PNC number on both", by=coordinator)
    assert seen == [{first.pk, second.pk}]


def test_an_import_reaches_the_handlers_inside_its_batch(coordinator, seen, tmp_path):
    from cases.feed.importer import create_feed_import, run_import
    from cases.models import FeedImport

    feed = tmp_path / "feed.csv"
    feed.write_text(CSV, encoding="utf-8")
    run_import(
        create_feed_import(path=feed, origin=FeedImport.Origin.COMMAND),
        now=datetime(2026, 3, 6, tzinfo=UTC),
    )
    assert len(seen) == 1
    assert len(seen[0]) == 2


def test_a_failing_handler_fails_the_batch(coordinator):
    def boom(*, log_ids, now):
        raise RuntimeError("handler failed")

    register_logs_changed(boom)
    try:
        keep, merge = PersonFactory(), PersonFactory()
        LogPartyFactory(log=CrimeLogFactory(), victim=True, person=merge)
        with pytest.raises(RuntimeError):
            merge_persons(keep=keep, merge=merge, reason="Same PNC number on both", by=coordinator)
        merge.refresh_from_db()
        assert merge.merged_into_id is None  # the merge rolled back with its handler
    finally:
        unregister_logs_changed(boom)
