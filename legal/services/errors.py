from foundation.accounts.models import User
from legal.permissions import can_manage_legal


class LegalError(Exception):
    """A write breaks a rule of the legal workflow. The message is safe to show."""


class NotAllowed(LegalError):
    """The acting user may not do this (the views answer 404 before a service says so)."""


def require_solicitor(by: User) -> None:
    if not can_manage_legal(by):
        raise NotAllowed("Only the hub's solicitor may do this.")
