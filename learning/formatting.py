"""Simple formatting for bulletins, rendered safely: the text is escaped first, so markup or
script in it shows as text; only these marks become HTML (docs/learning.md):

- a blank line starts a new paragraph;
- a line starting "- " or "* " is a bullet point;
- a line starting "## " is a heading;
- **bold** inside a line.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(line: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", escape(line.strip()))


def render_bulletin(text: str) -> SafeString:
    html: list[str] = []
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if paragraph:
            html.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()
        if bullets:
            html.append("<ul>" + "".join(f"<li>{item}</li>" for item in bullets) + "</ul>")
            bullets.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith(("- ", "* ")):
            if paragraph:
                flush()
            bullets.append(_inline(line[2:]))
        elif line.startswith("## "):
            flush()
            html.append(f'<h3 class="h6 mt-3">{_inline(line[3:])}</h3>')
        else:
            if bullets:
                flush()
            paragraph.append(_inline(line))
    flush()
    # Every piece above was escaped before the few tags were added.
    return mark_safe("".join(html))  # noqa: S308
