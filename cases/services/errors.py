"""The case file's domain errors: messages safe to show, with no personal data."""

from __future__ import annotations


class CaseError(Exception):
    """A write breaks a rule of the case file. The message is safe to show: no personal data."""


class ReviewError(CaseError):
    """A log review breaks a rule (e.g. possible stalking without advice)."""
