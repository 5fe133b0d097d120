"""Typing helpers for views."""

from django.http import HttpRequest

from foundation.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind LoginRequiredMiddleware: `user` is always a signed-in User."""

    user: User
