from __future__ import annotations

from django.http import HttpRequest

PAGE_SIZE = 50


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
