"""What the case file's pages share."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator

from cases import selectors
from foundation.lib.http import AuthenticatedHttpRequest

PAGE_SIZE = 50


def query_without_page(request: AuthenticatedHttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class CappedPaginator(Paginator):
    """A paginator told its count (capped: selectors.queue_count) instead of counting again.

    When capped, the count is one past the cap, so the last page known has a next page."""

    def __init__(self, object_list: Any, per_page: int, *, counted: selectors.CappedCount):
        super().__init__(object_list, per_page)
        self.capped = counted.capped
        self.cap = counted.value
        self.__dict__["count"] = counted.value + 1 if counted.capped else counted.value


def page_number(value: str | None) -> int:
    return int(value) if value and value.isdecimal() and len(value) < 7 else 1
