"""The shared PDF helper: a template becomes a PDF whose text can be read back; it fetches
nothing but the hub's own static files."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from foundation.lib.pdf import ResourceRefused, render_pdf, static_only_fetcher


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_render_pdf_lays_out_the_template(settings, tmp_path):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    (tmp_path / "probe.html").write_text(
        "<html><body><h1>Certificate for {{ who }}</h1>"
        '<img src="http://example.invalid/tracker.png" alt="">'
        '<link rel="stylesheet" href="/static/css/hub.css"></body></html>',
        encoding="utf-8",
    )
    data = render_pdf("probe.html", {"who": "Ada Lovelace"}, base_url="http://testserver/")
    assert data.startswith(b"%PDF")
    assert "Certificate for Ada Lovelace" in pdf_text(data)


def test_the_fetcher_serves_static_files_and_refuses_the_rest():
    fetcher = static_only_fetcher(base_url="http://testserver/")
    served = fetcher.fetch("http://testserver/static/css/hub.css")
    assert b".bg-hub" in served.read()
    assert served.content_type == "text/css"
    for url in (
        "http://example.invalid/static/css/hub.css",  # another host
        "http://testserver/media/secret.pdf",  # not a static file
        "http://testserver/static/../manage.py",
        "file:///etc/passwd",
    ):
        with pytest.raises((ResourceRefused, ValueError)):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
