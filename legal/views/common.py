"""What every legal page shares: the form page and running a service on a valid POST."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from foundation.lib.http import AuthenticatedHttpRequest
from legal import services


def form_page(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    back: str,
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        "legal/form.html",
        {"form": form, "title": title, "submit": submit, "cancel_url": back, "intro": intro},
    )


def handle(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    action: Callable[[dict[str, Any]], object],
    *,
    success: str,
    then: str,
) -> HttpResponse | None:
    """Run the service on a valid POST; its refusal becomes the form's error. None: render."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except services.LegalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, success)
            return redirect(then)
    return None
