"""The application pack (.docx and PDF): parsed back, it carries what the solicitor wrote and
the names, and never any party's address, phone or e-mail, nor anything shaped like a UK
postcode or phone number — even when the solicitor's text holds one."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases.models import PersonAddress
from legal import services
from tests.legal.conftest import (
    SISTER_NAME,
    SUSPECT_NAME,
    VICTIM_EMAIL,
    VICTIM_NAME,
    VICTIM_PHONE,
    to_state,
)

pytestmark = pytest.mark.django_db

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)
PHONE = re.compile(r"(?:(?:\+|00)44\s?|\b0)(?:\d[\s-]?){9,10}\b")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= set(
            archive.namelist()
        )
        # Our own generated document, parsed in a test: not untrusted input.
        root = ElementTree.fromstring(archive.read("word/document.xml"))  # noqa: S314
    return "\n".join(
        "".join(node.text or "" for node in paragraph.iter(f"{W}t"))
        for paragraph in root.iter(f"{W}p")
    )


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def pack_file(spo_file, solicitor):
    file = to_state(spo_file, solicitor, "preparing")
    services.update_file(
        file=file,
        by=solicitor,
        pack_summary=(
            "Since March the respondent has followed the victim to work and home.\n\n"
            f"She can be reached on {VICTIM_PHONE} or {VICTIM_EMAIL}; she lives at NT4 7QX."
        ),
        pack_acts="Waited outside her workplace on 12 occasions\nCall +44 7700 900456 anytime",
        pack_proposed_terms="Not to contact the protected persons\nNot to enter Quarry Lane",
    )
    return file


def _forbidden_values(file) -> list[str]:
    """Every address, postcode, phone and e-mail of every party of the case."""
    values = [VICTIM_PHONE, VICTIM_EMAIL]
    for address in PersonAddress.objects.filter(person__case_parties__case=file.case):
        values += [address.address, address.postcode]
    return [value for value in values if value]


@pytest.mark.parametrize("url_name", ["legal:pack_docx", "legal:pack_pdf"])
def test_the_pack_has_no_address_or_contact_details(client, solicitor, pack_file, url_name):
    client.force_login(solicitor)
    response = client.get(reverse(url_name, args=[pack_file.pk]))
    assert response.status_code == 200
    text = docx_text(response.content) if url_name.endswith("docx") else pdf_text(response.content)
    flat = " ".join(text.split())
    # What it should carry.
    for expected in (
        pack_file.case.reference,
        SUSPECT_NAME,
        VICTIM_NAME,
        SISTER_NAME,
        "Waited outside her workplace",
        "Not to contact the protected persons",
        "High",
    ):
        assert expected in flat, expected
    # What it never may.
    for value in _forbidden_values(pack_file):
        assert value not in flat, value
    assert not POSTCODE.search(flat), POSTCODE.search(flat)
    assert not PHONE.search(flat), PHONE.search(flat)
    assert not EMAIL.search(flat), EMAIL.search(flat)
    assert "[contact details withheld]" in flat


def test_no_pack_before_the_text_is_written(client, solicitor, spo_file):
    client.force_login(solicitor)
    response = client.get(reverse("legal:pack_docx", args=[spo_file.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("legal:pack", args=[spo_file.pk])


def test_the_docx_escapes_markup(client, solicitor, pack_file):
    services.update_file(
        file=pack_file, by=solicitor, pack_summary="He wrote <b>&amp;</b> on her car."
    )
    client.force_login(solicitor)
    text = docx_text(client.get(reverse("legal:pack_docx", args=[pack_file.pk])).content)
    assert "He wrote <b>&amp;</b> on her car." in text
