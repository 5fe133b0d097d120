"""Session engine: Django's DB store, with the signed-in user's id kept in its own column.

The idle limit (SESSION_COOKIE_AGE) moves on with each request (SESSION_SAVE_EVERY_REQUEST),
but a session whose data did not change is written again at most once every
`RENEW_AFTER_SECONDS`: otherwise every page, read-only or not, pays a transaction and an
UPDATE just to push the expiry on by a few seconds. The idle limit is then between 29 and 30
minutes after the last request instead of exactly 30."""

from datetime import datetime, timedelta
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DBStore

RENEW_AFTER_SECONDS = 60


class SessionStore(DBStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        # The expiry as stored when the session was read (None: not read, or not found).
        self._stored_expiry: datetime | None = None

    @classmethod
    def get_model_class(cls) -> Any:
        from foundation.accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        obj = super().create_model_instance(data)
        user_id = data.get("_auth_user_id")
        obj.user_id = int(user_id) if user_id else None  # type: ignore[attr-defined]
        return obj

    def _get_session_from_db(self) -> Any:
        stored = super()._get_session_from_db()  # type: ignore[misc]
        self._stored_expiry = stored.expire_date if stored is not None else None
        return stored

    def save(self, must_create: bool = False) -> None:
        if (
            not must_create
            and not self.modified
            and self.session_key is not None
            and self._stored_expiry is not None
            and self.get_expiry_date() - self._stored_expiry
            < timedelta(seconds=RENEW_AFTER_SECONDS)
        ):
            return  # unchanged, and its expiry was pushed on less than a minute ago
        super().save(must_create)
        self._stored_expiry = None if must_create else self.get_expiry_date()
