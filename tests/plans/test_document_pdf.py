import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from boligsocial.plans.models import CommunicationRole
from tests import factories

pytestmark = pytest.mark.django_db

SECTION_HEADINGS = [
    "Formål",
    "Beredskabsniveauer",
    "Deltagere i beredskabet",
    "Organisering",
    "Kompetencer/handlemuligheder i beredskabssituationer",
    "Hvis der ikke opnås kontakt",
    "Håndtering af omverdenen og krisekommunikation",
    "Forebyggelse",
    "Tavshedspligt",
    "Underskrifter",
    "Kontaktliste",
]


def pdf_pages(content: bytes) -> list[str]:
    """Each page's text with whitespace collapsed, so a name wrapped in a table cell still reads whole."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def randers():
    plan = factories.randers_plan()
    reader = factories.user(username="menigt-medlem")
    member = plan.memberships.get(person__name="Karsten Holm")
    member.person.user = reader
    member.person.save(update_fields=["user"])
    factories.pledge(user=reader, plan=plan)
    return plan, reader


def test_plan_pdf_holds_every_member_phone_and_section_in_the_page_order(client, randers):
    plan, reader = randers
    client.force_login(reader)
    response = client.get(reverse("plans:pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="boligsocial-beredskabsplan-randers-2025-2029-v1.pdf"'
    text = " ".join(pdf_pages(response.content))

    members = list(plan.memberships.select_related("person").prefetch_related("person__phones"))
    assert len(members) == 8
    press = [r.person for r in CommunicationRole.objects.filter(plan=plan).select_related("person")]
    assert len(press) == 4
    for person in [m.person for m in members] + press:
        assert person.name in text
        for phone in person.phones.all():
            assert phone.display in text, phone.display
    assert "72 99 40 76" not in text  # a number nobody has: the check above can fail
    assert "Ring til Østjyllands Politis vagtchef" in text and "114" in text
    assert "inden for 3 arbejdsdage" in text and "inden for 24 timer" in text
    assert "Suppleant for Lene Bach" in text
    positions = [text.index(heading) for heading in SECTION_HEADINGS]
    assert positions == sorted(positions)
    assert "Rediger" not in text  # the edit links of the web page are left out


def test_plan_pdf_is_a4_with_the_plan_name_and_page_numbers_on_every_page(client, randers):
    plan, reader = randers
    client.force_login(reader)
    content = client.get(reverse("plans:pdf", args=[plan.pk])).content
    reader_pdf = PdfReader(io.BytesIO(content))
    pages = pdf_pages(content)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert plan.name in page
        assert f"Side {number} af {len(pages)}" in page
    width, height = (float(v) for v in reader_pdf.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    assert reader_pdf.metadata.title == plan.name


def test_pdf_is_danish_even_when_the_reader_chose_english(client, randers):
    plan, reader = randers
    client.force_login(reader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Participants" in client.get(reverse("plans:detail", args=[plan.pk])).text
    text = " ".join(pdf_pages(client.get(reverse("plans:pdf", args=[plan.pk])).content))
    assert "Deltagere i beredskabet" in text
    assert "Participants" not in text


def _add_contacts(plan, count: int) -> None:
    start = plan.memberships.filter(contact_priority__isnull=False).count() + 1
    for priority in range(start, start + count):
        factories.member(
            plan=plan,
            name=f"Ekstra Kontaktperson {priority}",
            role=f"Boligsocial medarbejder, opsøgende team {priority}",
            phones=[f"61 23 45 {priority:02d}", f"86 42 10 {priority:02d}"],
            contact_priority=priority,
        )


def test_contact_list_pdf_is_one_page_with_twelve_contacts_in_priority_order(client, randers):
    plan, reader = randers
    _add_contacts(plan, 4)
    client.force_login(reader)
    response = client.get(reverse("plans:contact_list_pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('inline; filename="kontaktliste-')
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    text = pages[0]

    contacts = list(
        plan.memberships.filter(contact_priority__isnull=False).select_related("person").order_by("contact_priority")
    )
    assert len(contacts) == 12
    for m in contacts:
        assert m.person.name in text
        assert (m.role or "Suppleant for Lene Bach") in text
        assert m.person.email in text
        for phone in m.person.phones.all():
            assert phone.display in text
    names = [text.index(m.person.name) for m in contacts]
    assert names == sorted(names)
    fallback = text.index("Ring til Østjyllands Politis vagtchef – 114")
    assert fallback > names[-1]
    assert plan.name in text
    assert f"Udskrevet {date_format(timezone.localdate(), 'j. F Y')}" in text


def test_a_longer_contact_list_is_set_tighter_to_stay_on_one_page(client, randers):
    plan, reader = randers
    _add_contacts(plan, 10)
    client.force_login(reader)
    pages = pdf_pages(client.get(reverse("plans:contact_list_pdf", args=[plan.pk])).content)
    assert len(pages) == 1
    assert "Ekstra Kontaktperson 18" in pages[0]


@pytest.mark.parametrize("name", ["plans:pdf", "plans:contact_list_pdf", "plans:versions"])
def test_documents_of_another_group_are_not_found(client, randers, name):
    plan, _ = randers
    client.force_login(factories.user())
    assert client.get(reverse(name, args=[plan.pk])).status_code == 404


def test_documents_need_a_login(client, randers):
    plan, _ = randers
    response = client.get(reverse("plans:pdf", args=[plan.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_plan_page_links_to_both_pdfs(client, randers):
    plan, reader = randers
    client.force_login(reader)
    text = client.get(reverse("plans:detail", args=[plan.pk])).text
    assert reverse("plans:pdf", args=[plan.pk]) in text
    assert reverse("plans:contact_list_pdf", args=[plan.pk]) in text
    assert "Udskriv kontaktlisten til lommen (PDF)" in text
    assert reverse("plans:versions", args=[plan.pk]) not in text  # no earlier versions yet
