"""PDFs from Django templates, with WeasyPrint: one helper for every printable document
(training certificates, clinic packs, legal packs).

WeasyPrint lays text out with the system's Pango and fonts (fontconfig): templates name
families such as "DejaVu Sans" or "Liberation Sans" and fall back to `sans-serif`.

The renderer fetches nothing from the network. A template may reference the hub's own static
files (`{% static %}`, resolved against `base_url`) and `data:` URIs; any other address
(another host, a `file:` path, an address a user typed into a record) is refused, so a PDF
can neither leak a request to a third party nor read files from the server.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class ResourceRefused(ValueError):
    """A template asked for a resource outside the hub's static files."""


@cache
def _fetcher_class() -> type[Any]:
    # WeasyPrint is imported on first use: loading it takes seconds (it parses its own
    # stylesheets), which no other page should pay for.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves `data:` URIs and the hub's static files under `base_url`; refuses the rest."""

        def __init__(self, *, base_url: str) -> None:
            super().__init__(allowed_protocols=("data", "http", "https"), allow_redirects=False)
            split = urlsplit(base_url)
            self._origin = (split.scheme, split.netloc)
            self._static_prefix = "/" + settings.STATIC_URL.lstrip("/")

        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            split = urlsplit(url)
            if (split.scheme, split.netloc) != self._origin or not split.path.startswith(
                self._static_prefix
            ):
                logger.warning("PDF resource refused (not a static file of the hub)")
                raise ResourceRefused("only the hub's static files may be used in a PDF")
            relative = unquote(split.path.removeprefix(self._static_prefix))
            found = finders.find(relative) if ".." not in Path(relative).parts else None
            if not found or isinstance(found, list):
                raise ResourceRefused("no such static file")
            mime_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, Path(found).read_bytes(), headers={"Content-Type": mime_type}
            )

    return StaticOnlyFetcher


def static_only_fetcher(*, base_url: str) -> Any:
    """A WeasyPrint URL fetcher for `data:` URIs and the hub's static files only."""
    return _fetcher_class()(base_url=base_url)


def render_pdf(template_name: str, context: Mapping[str, Any], *, base_url: str) -> bytes:
    """The template rendered to HTML, then laid out as a PDF. `base_url` is the site's address
    (e.g. `request.build_absolute_uri("/")`), against which relative links resolve."""
    from weasyprint import HTML

    html = render_to_string(template_name, dict(context))
    document = HTML(
        string=html, base_url=base_url, url_fetcher=static_only_fetcher(base_url=base_url)
    )
    pdf = document.write_pdf()
    assert pdf is not None  # write_pdf returns bytes when no target is given
    return pdf
