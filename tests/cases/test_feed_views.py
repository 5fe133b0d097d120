"""Feed import pages: who may open them, upload, progress and report, query counts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.feed import services
from cases.models import FeedImport, FeedImportError
from tests.factories.cases import FeedImportFactory

pytestmark = pytest.mark.django_db

ALL_ROLES = [
    "coordinator",
    "tactical_lead",
    "solicitor",
    "isac",
    "partner",
    "champion",
    "officer",
    "trainer",
    "auditor",
    "admin_user",
]
ALLOWED = {"coordinator", "tactical_lead"}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def no_broker(monkeypatch):
    published: list[int] = []
    monkeypatch.setattr("cases.tasks.dispatch_import", published.append)
    return published


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("page", ["list", "upload", "detail", "report"])
def test_permission_matrix(client, request, role, page):
    feed_import = FeedImportFactory(file_name="secret-export.csv")
    client.force_login(request.getfixturevalue(role))
    args = [feed_import.pk] if page in {"detail", "report"} else []
    response = client.get(reverse(f"feed:{page}", args=args))
    if role in ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        assert b"secret-export" not in response.content


def test_upload_queues_a_background_import_and_publishes_after_commit(
    client, coordinator, media, no_broker, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("force-export.csv", b"reference,recorded_at\nU1,2026-03-01\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("feed:upload"), {"file": upload, "source": "rms"})
    feed_import = FeedImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("feed:detail", args=[feed_import.pk])
    assert feed_import.status == FeedImport.Status.QUEUED
    assert feed_import.origin == FeedImport.Origin.UPLOAD
    assert feed_import.started_by == coordinator
    assert feed_import.file_name == "force-export.csv"
    assert (media / "feeds" / "uploads").is_dir()
    assert "force-export" not in feed_import.file_path  # stored under a random name
    assert no_broker == [feed_import.pk]
    page = client.get(response["Location"])
    assert b'http-equiv="refresh"' in page.content  # live progress while queued
    assert b"<progress" in page.content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", b"Choose a .csv, .jsonl"),
        ("empty.csv", b"", b"The submitted file is empty"),
    ],
)
def test_upload_refuses_bad_files_with_a_clear_message(
    client, coordinator, media, no_broker, name, content, message
):
    client.force_login(coordinator)
    response = client.post(
        reverse("feed:upload"), {"file": SimpleUploadedFile(name, content), "source": "rms"}
    )
    assert response.status_code == 200
    assert message in response.content
    assert not FeedImport.objects.exists()
    assert no_broker == []


def test_finished_import_shows_counts_and_rejected_rows(client, coordinator):
    feed_import = FeedImportFactory(
        status=FeedImport.Status.DONE, created=5, updated=1, unchanged=3, rejected=1
    )
    FeedImportError.objects.create(
        feed_import=feed_import, row=4, column="recorded_at", message="is in the future"
    )
    client.force_login(coordinator)
    response = client.get(reverse("feed:detail", args=[feed_import.pk]))
    assert b"refresh" not in response.content
    assert b"is in the future" in response.content
    report = client.get(reverse("feed:report", args=[feed_import.pk])).json()
    assert report["errors"] == [{"row": 4, "column": "recorded_at", "message": "is in the future"}]
    assert (report["created"], report["status"]) == (5, "done")


def test_list_query_count_is_flat(client, coordinator, django_assert_max_num_queries):
    client.force_login(coordinator)
    FeedImportFactory.create_batch(3, started_by=coordinator)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("feed:list")).status_code == 200
    FeedImportFactory.create_batch(40, started_by=coordinator)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("feed:list")).status_code == 200


def test_queue_uploaded_feed_service_records_the_uploader(coordinator, media, no_broker):
    upload = SimpleUploadedFile("a.jsonl", b'{"reference": "J", "recorded_at": "2026-01-01"}\n')
    feed_import = services.queue_uploaded_feed(upload=upload, source="rms", by=coordinator)
    assert feed_import.file_format == "jsonl"
    assert feed_import.started_by == coordinator


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (FeedImport.Status.REFUSED, "The file was refused as a whole"),
        (FeedImport.Status.FAILED, "The import stopped before it finished"),
        (FeedImport.Status.DONE, "None: every row imported."),
    ],
)
def test_a_refused_or_failed_import_never_says_every_row_imported(
    client, coordinator, status, says
):
    feed_import = FeedImportFactory(
        status=status, failure="" if status == "done" else "Not a CSV or JSON Lines file."
    )
    client.force_login(coordinator)
    body = client.get(reverse("feed:detail", args=[feed_import.pk])).content.decode()
    assert says in body
    assert ("every row imported" in body) is (status == FeedImport.Status.DONE)
