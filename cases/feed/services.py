"""Starting an import from the web: store the upload, queue the import, publish after commit."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from cases.feed.importer import create_feed_import
from cases.models import FeedImport
from foundation.accounts.models import User


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "feeds" / "uploads"


@transaction.atomic
def queue_uploaded_feed(*, upload: UploadedFile, source: str, by: User) -> FeedImport:
    """Save the uploaded feed under a random name and queue its import in the background."""
    from cases.tasks import dispatch_import

    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(upload.name or "").suffix.lower()
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    feed_import = create_feed_import(
        path=path,
        origin=FeedImport.Origin.UPLOAD,
        source=source,
        by=by,
        file_name=Path(upload.name or path.name).name,
    )
    # If the broker is down the import stays queued and the dispatcher publishes it later.
    transaction.on_commit(lambda: dispatch_import(feed_import.pk))
    return feed_import
