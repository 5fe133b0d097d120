"""Errors the clinic's services raise: each message is shown to the user as it is."""


class ClinicError(Exception):
    """A clinic rule was broken; the message says which, and nothing was saved."""


class NotAllowed(ClinicError):
    """The user may not do this (the views answer 404 before it gets here)."""
