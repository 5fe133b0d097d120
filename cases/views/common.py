"""What the case file's pages share."""

from __future__ import annotations

from foundation.lib.http import AuthenticatedHttpRequest

PAGE_SIZE = 50


def query_without_page(request: AuthenticatedHttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
