"""A fixed member on a phone: from the activation page, schedule the meeting, add an action, see it flagged."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from boligsocial.meetings import services
from boligsocial.meetings.models import Meeting
from tests.meetings.conftest import Group

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE_WIDTH = 375


def _fits(page: Page) -> None:
    page.wait_for_load_state()
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways on a {PHONE_WIDTH} px phone: {width} px wide"


def _section_accessible(axe, page: Page) -> None:
    """axe on this app's section of the activation page only (the rest of the page belongs to activations)."""
    violations = axe.run(page, context="#follow-up").response["violations"]
    blocking = [f"{v['impact']}: {v['id']}" for v in violations if v["impact"] in ("serious", "critical")]
    assert not blocking, blocking


def test_schedule_and_act_from_the_activation_page_on_a_phone(page, login, assert_accessible, axe):
    group = Group()
    services.action_create(
        actor=group.coordinator_user,
        activation=group.activation,
        title="Beboerbrev til blok 22",
        deadline=timezone.now() - datetime.timedelta(hours=1),
        owner_staff=group.staff,
    )
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    login(page, group.coordinator_user)

    page.goto(f"/activations/{group.activation.pk}/")
    section = page.locator("#follow-up")
    expect(section.get_by_role("heading", name="Møde, beslutninger og handlinger")).to_be_visible()
    expect(section.get_by_text("Overskredet", exact=True)).to_be_visible()
    _fits(page)
    _section_accessible(axe, page)

    section.get_by_role("link", name="Indkald til møde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indkald til beredskabsmøde")
    _fits(page)
    assert_accessible(page)
    starts = timezone.localtime(timezone.now() + datetime.timedelta(hours=3))
    page.get_by_label("Starter").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Sted").fill("Rådhuset, mødelokale 2")
    page.get_by_label("Sofie Medarbejder").check()
    page.get_by_role("button", name="Gem").click()

    expect(page.get_by_role("status")).to_contain_text("Der er indkaldt til mødet")
    expect(page.get_by_text("Rådhuset, mødelokale 2")).to_be_visible()
    assert Meeting.objects.get().participants.count() == 4
    _fits(page)
    # Once more without the flash message: base.html's <ul role="status"> is an axe finding of its own.
    page.reload()
    assert_accessible(page)

    page.goto(f"/meetings/activation/{group.activation.pk}/actions/new/")
    _fits(page)
    assert_accessible(page)
    page.get_by_label("Hvad skal gøres").fill("Opsøgende arbejde ved blok 22")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Vælg hvem der er ansvarlig for handlingen")).to_be_visible()
    page.get_by_label("Ansvarlig").select_option(label="Sofie Medarbejder (Bysekretariatet)")
    page.get_by_label("Frist").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_role("status")).to_contain_text("Handlingen er føjet til handleplanen.")
    expect(page.get_by_text("Opsøgende arbejde ved blok 22")).to_be_visible()
    _fits(page)
