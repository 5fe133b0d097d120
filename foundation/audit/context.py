"""The current request's id, for access records and log lines, without passing requests down."""

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
