from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from clinic.errors import ClinicError
from foundation.lib.http import AuthenticatedHttpRequest

PAGE_SIZE = 50


def done(request: AuthenticatedHttpRequest, message: str, to: object) -> HttpResponse:
    messages.success(request, message)
    return redirect(to)  # type: ignore[arg-type]


def refused(request: AuthenticatedHttpRequest, error: ClinicError, to: object) -> HttpResponse:
    """A rule broken by a stale page comes back as a message, not an error page."""
    messages.error(request, str(error))
    return redirect(to)  # type: ignore[arg-type]
