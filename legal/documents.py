"""The SPO application pack: an editable Word document (.docx) and a PDF.

The pack can reach the respondent, so **it never carries a victim's or protected person's
address or contact details**. Its context is built here from named fields only — the case
reference, the applying force and its basis, the respondent's and protected persons' names,
the current risk level, and the text the solicitor wrote for the pack (summary, acts, proposed
terms). No narrative enters by itself, no address, phone or e-mail field is ever read, and the
solicitor's text has anything shaped like a UK postcode, phone number or e-mail address
withheld before it is laid out. The caller opened the file with `LegalNeed.DISCLOSE`, which
records each generation as a disclosure.

The .docx is written directly as WordprocessingML (a zip of three XML parts, with the standard
library's escaping): the document needs headings, paragraphs and lists only, and this keeps
the XML parser out of the dependencies (docs/legal.md, "Documents").
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone

from foundation.accounts.models import User
from foundation.lib.pdf import render_pdf
from foundation.lib.redaction import redact
from legal.models import ForceBasis, OrderFile


def _lines(text: str) -> list[str]:
    return [redact(line.strip(" -•\t")) for line in text.splitlines() if line.strip(" -•\t")]


@dataclass(frozen=True)
class Pack:
    case_reference: str
    applying_force: str
    force_basis: str
    respondent: str
    protected: list[str]
    risk: str
    risk_since: str
    summary: list[str]
    acts: list[str]
    proposed_terms: list[str]
    generated_at: datetime
    generated_by: str


class PackNotReady(ValueError):
    """The solicitor has not written the pack's text yet."""


def pack_for(file: OrderFile, user: User) -> Pack:
    """The pack's content, from named fields only (see the module's docstring)."""
    if not (file.pack_summary.strip() and file.pack_acts.strip()):
        raise PackNotReady("Write the case summary and the acts for the pack first.")
    case = file.case
    return Pack(
        case_reference=case.reference,
        applying_force=file.applying_force or "Not recorded",
        force_basis=ForceBasis(file.force_basis).label if file.force_basis else "Not recorded",
        respondent=file.respondent.name,
        protected=list(file.protected_persons.order_by("name").values_list("name", flat=True)),
        risk=case.get_current_risk_display() or "Not assessed",
        risk_since=(
            f"{timezone.localtime(case.current_risk_at):%d %B %Y}" if case.current_risk_at else ""
        ),
        summary=[redact(p.strip()) for p in file.pack_summary.split("\n\n") if p.strip()],
        acts=_lines(file.pack_acts),
        proposed_terms=_lines(file.pack_proposed_terms),
        generated_at=timezone.now(),
        generated_by=user.full_name,
    )


def pack_pdf(pack: Pack) -> bytes:
    return render_pdf(
        "legal/pdf/application_pack.html", {"pack": pack}, base_url=settings.HUB_SITE_URL
    )


# --- .docx ----------------------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _paragraph(text: str, *, size: int = 22, bold: bool = False, bullet: bool = False) -> str:
    props = f'<w:rPr>{"<w:b/>" if bold else ""}<w:sz w:val="{size}"/></w:rPr>'
    if bullet:
        text = "• " + text
    spacing = '<w:pPr><w:spacing w:after="120"/></w:pPr>'
    return f'<w:p>{spacing}<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def pack_docx(pack: Pack) -> bytes:
    """The pack as an editable Word document."""
    body: list[str] = [
        _paragraph("Application for a Stalking Protection Order", size=32, bold=True),
        _paragraph("Stalking Protection Act 2019, section 1", size=20),
        _paragraph(f"Case reference: {pack.case_reference}"),
        _paragraph(f"Applying chief officer's force: {pack.applying_force}"),
        _paragraph(f"Basis (s.1): {pack.force_basis}"),
        _paragraph(f"Respondent: {pack.respondent}"),
        _paragraph("Protected persons", size=26, bold=True),
        *[_paragraph(name, bullet=True) for name in pack.protected or ["None recorded"]],
        _paragraph("Case summary", size=26, bold=True),
        *[_paragraph(paragraph) for paragraph in pack.summary],
        _paragraph("Acts associated with stalking", size=26, bold=True),
        *[_paragraph(act, bullet=True) for act in pack.acts],
        _paragraph("The risk", size=26, bold=True),
        _paragraph(
            f"Current risk level: {pack.risk}"
            + (f" (assessed {pack.risk_since})" if pack.risk_since else "")
        ),
        _paragraph("Proposed prohibitions and requirements", size=26, bold=True),
        *[_paragraph(term, bullet=True) for term in pack.proposed_terms or ["None proposed yet"]],
        _paragraph(f"Prepared by {pack.generated_by} on {pack.generated_at:%d %B %Y}.", size=18),
    ]
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{_W}"><w:body>{"".join(body)}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" '
        'w:footer="708" w:gutter="0"/></w:sectPr></w:body></w:document>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()
