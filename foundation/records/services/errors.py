"""The domain error of information management."""


class RecordsError(ValueError):
    """A broken rule of information management (shown to the user as is)."""
