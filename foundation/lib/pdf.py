"""PDFs from Django templates with WeasyPrint (which uses the system's pango).

Callers record the disclosure themselves (a PDF is a disclosure: DESIGN.md §4); this only
renders.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML


def render_pdf(
    template_name: str, context: dict[str, object], *, base_url: str | None = None
) -> bytes:
    """Render `template_name` with `context` to PDF bytes."""
    return bytes(
        HTML(string=render_to_string(template_name, context), base_url=base_url).write_pdf()
    )
