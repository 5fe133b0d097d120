"""The agenda pack and minutes PDFs: no party's address, phone or e-mail, no postcode or phone
pattern; each generation recorded as a disclosure."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases.models import PersonAddress
from clinic.services.agenda import record_research
from foundation.audit.models import AccessRecord
from foundation.lib.redaction import PHONE, POSTCODE
from tests.clinic.conftest import VICTIM_ADDRESS, VICTIM_POSTCODE

pytestmark = pytest.mark.django_db

LEAKY_RESEARCH = (
    "Victim moved to 3 Mill Row, NT9 2AB; call her on 07700 900123 "
    "or e-mail v.synthetic@mail.example."
)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def assert_no_contact_details(text: str) -> None:
    for address in PersonAddress.objects.all():
        assert address.address not in text
        assert address.postcode not in text
    assert VICTIM_ADDRESS not in text
    assert VICTIM_POSTCODE not in text
    assert not POSTCODE.search(text), POSTCODE.search(text)
    assert not PHONE.search(text), PHONE.search(text)
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text)


@pytest.mark.parametrize("url_name", ["clinic:agenda_pdf", "clinic:minutes_pdf"])
def test_packs_carry_no_contact_details(client, published, partner, coordinator, url_name):
    record_research(item=published, summary=LEAKY_RESEARCH, by=partner)
    published.discussion = LEAKY_RESEARCH
    published.save()
    from clinic.services.minutes import minutes_for

    minutes_for(published.meeting, by=coordinator)
    client.force_login(coordinator)
    response = client.get(reverse(url_name, args=[published.meeting_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert published.case.reference in text
    assert "withheld" in text
    assert_no_contact_details(text)
    disclosures = AccessRecord.objects.filter(action=AccessRecord.Action.DISCLOSE)
    assert disclosures.filter(object_type="clinic.clinicmeeting").exists()
    assert disclosures.filter(object_type="cases.case", object_id=str(published.case_id)).exists()
