"""On a 375 px phone: a staff member reports back on their outreach task; the coordinator writes a resident
letter from the template and confirms publishing it before the police statement."""

import re

import pytest
from playwright.sync_api import Page, expect

from boligsocial.communication import services
from boligsocial.communication.models import CommunicationEntry, OutreachReport
from boligsocial.plans.models import IncidentType
from tests.communication.conftest import Outreach

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE_WIDTH = 375


def _fits_a_phone(page: Page) -> None:
    page.wait_for_load_state()
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways on a {PHONE_WIDTH} px phone: {width} px wide"


@pytest.fixture
def outreach():
    # serialized_rollback does not bring back the migration-seeded catalogue here once an earlier test in the
    # session has used the database: the connection these tests see then has no `_test_serialized_contents`
    # (observed; likely Playwright's greenlet getting its own connection object). The activation needs one type.
    IncidentType.objects.get_or_create(code="shooting", defaults={"name": "Skyderi"})
    return Outreach()


def test_staff_member_reports_on_a_phone(page, login, assert_accessible, outreach):
    task = services.outreach_task_assign(
        actor=outreach.coordinator_user,
        activation=outreach.activation,
        staff=outreach.staff,
        groups=outreach.groups,
        description="Ring til varmemestrene og besøg fædregruppen i aften.",
    )
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    login(page, outreach.staff_user)
    page.get_by_role("link", name="Mine opgaver").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine opgaver")
    _fits_a_phone(page)
    assert_accessible(page)

    page.get_by_role("link", name="Åbn opgaven og meld tilbage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Din opsøgende opgave")
    _fits_a_phone(page)
    assert_accessible(page)
    expect(page.get_by_text("Beboernes navne er ikke nødvendige")).to_be_visible()
    page.get_by_label("Kontakter: Varmemestre").fill("3")
    page.get_by_label("Kontakter: Unge i Blok 22").fill("6")
    page.get_by_label("Note").fill("Rolig stemning, mange spørgsmål om politiets tilstedeværelse.")
    page.get_by_role("button", name="Send tilbagemelding").click()

    expect(page.get_by_role("status")).to_contain_text("Din tilbagemelding er registreret.")
    expect(page.get_by_text("Varmemestre").first).to_be_visible()
    report = OutreachReport.objects.get(task=task)
    assert sorted(c.contacts for c in report.counts.all()) == [3, 6]


def test_coordinator_confirms_a_resident_letter_before_the_police_statement(page, login, assert_accessible, outreach):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    login(page, outreach.coordinator_user)
    page.goto(f"/activations/{outreach.activation.pk}/")
    section = page.locator("#communication")
    expect(section).to_contain_text("Endnu ingen udtalelse fra politiet.")
    _fits_a_phone(page)
    section.get_by_role("link", name="Brev til beboerne").click()

    expect(page.get_by_label("Tekst")).to_have_value(re.compile(r"^Kære beboer"))
    _fits_a_phone(page)
    assert_accessible(page)
    page.get_by_role("button", name="Gem i loggen").click()

    confirm = page.get_by_label("Ja, offentliggør det før politiets udtalelse")
    expect(page.get_by_text("Der er endnu ingen udtalelse fra politiet. Vil du alligevel")).to_be_visible()
    assert not CommunicationEntry.objects.exists()
    assert_accessible(page)
    confirm.check()
    page.get_by_role("button", name="Gem i loggen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kommunikationslog")
    expect(page.get_by_text("Sendt før politiets udtalelse")).to_be_visible()
    _fits_a_phone(page)
    assert_accessible(page)
    assert CommunicationEntry.objects.get().confirmed_without_police_statement
