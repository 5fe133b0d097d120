"""Domain errors of the training app. Messages are shown to users: never personal data."""


class TrainingError(Exception):
    """A write breaks a rule of the training programme."""


class SessionFull(TrainingError):
    """The session has no place left."""


class NotAllowed(TrainingError):
    """The acting user may not do this (views show 404 before a service ever says so)."""
