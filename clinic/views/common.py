from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from clinic.errors import ClinicError
from foundation.lib.http import AuthenticatedHttpRequest

PAGE_SIZE = 50


def done(request: AuthenticatedHttpRequest, message: str, to: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect(to)


def refused(request: AuthenticatedHttpRequest, error: ClinicError, to: Any) -> HttpResponse:
    """A rule broken by a stale page comes back as a message, not an error page."""
    messages.error(request, str(error))
    return redirect(to)
