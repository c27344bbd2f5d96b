"""A coordinator in a real Chromium: log in, open the plan, change a member's phone; also on a phone."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from boligsocial.directory.models import OrganisationKind
from boligsocial.plans import services
from boligsocial.plans.models import FallbackProcedure, MembershipKind
from tests import factories

# live_server makes the tests transactional; serialized_rollback brings back the incident types that a data
# migration seeded, which the flush after each transactional test removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE_WIDTH = 375


@pytest.fixture
def plan_with_members():
    """Like Randers': a coordinator who may edit, a police contact with a substitute, a fallback to 114."""
    coordinator = factories.user(username="tovholder")
    plan = factories.plan(name="Beredskabsplan Randers 2025-2029")
    factories.member(
        plan=plan,
        name="Maria Tovholder",
        login=coordinator,
        role="Boligsocial leder",
        is_coordinator=True,
        contact_priority=1,
        phones=("20 99 55 35",),
    )
    police = factories.member(
        plan=plan,
        name="Peter Politibetjent",
        org=factories.organisation(kind=OrganisationKind.POLICE, name="Østjyllands Politi"),
        role="Forebyggelsesafdelingen, kontaktperson",
        contact_priority=2,
        phones=("72 99 40 76", "+45 41 12 34 56"),
    )
    factories.member(
        plan=plan,
        name="Susanne Stedfortræder",
        org=police.person.organisation,
        kind=MembershipKind.SUBSTITUTE,
        substitute_for=police,
        phones=("72 58 40 77",),
    )
    services.plan_part_save(
        actor=None,
        plan=plan,
        part=FallbackProcedure(
            plan=plan,
            condition="Hvis ingen af politiets kontaktpersoner svarer",
            instruction="Ring til politiets vagtchef",
            phone="114",
        ),
    )
    return plan, coordinator, police


def _member_form(page: Page, name: str) -> None:
    page.get_by_role("link", name=f"Redigér {name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def test_coordinator_changes_a_members_phone_on_accessible_pages(page, login, assert_accessible, plan_with_members):
    plan, coordinator, _ = plan_with_members
    login(page, coordinator, check=assert_accessible)
    expect(page.get_by_role("heading", name="Beredskabsplaner")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=plan.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.name)
    assert_accessible(page)

    _member_form(page, "Peter Politibetjent")
    assert_accessible(page)
    phones = page.get_by_label("Telefonnumre")
    expect(phones).to_have_value("72 99 40 76, 41 12 34 56")
    phones.fill("87 11 14 48, +45 41 12 34 56")
    page.get_by_role("button", name="Gem").click()

    page.wait_for_url(f"**/plans/{plan.pk}/")
    expect(page.get_by_role("status")).to_contain_text("Medlemmet er gemt.")
    participants = page.locator("#participants")
    expect(participants.get_by_role("link", name="87 11 14 48")).to_have_attribute("href", "tel:+4587111448")
    expect(participants.get_by_text("72 99 40 76")).to_have_count(0)
    expect(page.locator("#contact-list").get_by_role("link", name="87 11 14 48")).to_be_visible()

    page.get_by_role("link", name="Redigér plan").click()
    expect(page.get_by_label(re.compile(r"^Navn"))).to_have_value(plan.name)
    assert_accessible(page)


def test_bad_phone_shows_the_danish_error_on_the_field(page, login, assert_accessible, plan_with_members):
    plan, coordinator, police = plan_with_members
    login(page, coordinator)
    page.goto(f"/plans/{plan.pk}/members/{police.pk}/edit/")
    phones = page.get_by_label("Telefonnumre")
    phones.fill("12 34")
    page.get_by_role("button", name="Gem").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Redigér medlem")
    expect(phones).to_have_attribute("aria-invalid", "true")
    expect(phones).to_have_accessible_description(
        re.compile(r"“12 34” er ikke et gyldigt telefonnummer\. Skriv 8 cifre")
    )
    expect(phones).to_have_value("12 34")
    assert_accessible(page)
    page.goto(f"/plans/{plan.pk}/")
    expect(page.locator("#participants").get_by_role("link", name="72 99 40 76")).to_be_visible()


def _assert_no_horizontal_scroll(page: Page) -> None:
    # The DOM can be there before the stylesheet: measure the laid-out page.
    page.wait_for_load_state()
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways on a {PHONE_WIDTH} px phone: {width} px wide"


def _assert_on_screen(box: dict | None, what: str) -> None:
    """Within the phone's width: not hidden in a table that scrolls sideways."""
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, f"{what} is off screen: {box}"


def test_plan_page_and_member_form_fit_a_phone(page, login, assert_accessible, plan_with_members):
    plan, coordinator, police = plan_with_members
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    login(page, coordinator)
    _assert_no_horizontal_scroll(page)
    _assert_on_screen(page.get_by_role("cell", name="Kladde").bounding_box(), "The plan's status")

    page.get_by_role("link", name=plan.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.name)
    _assert_no_horizontal_scroll(page)
    assert_accessible(page)

    numbers = {"20 99 55 35": "+4520995535", "72 99 40 76": "+4572994076", "41 12 34 56": "+4541123456"}
    for shown, e164 in numbers.items():
        for link in page.get_by_role("link", name=shown, exact=True).all():
            expect(link).to_have_attribute("href", f"tel:{e164}")
            box = link.bounding_box()
            assert box and box["width"] >= 24 and box["height"] >= 24, f"{shown} is too small to tap: {box}"
            _assert_on_screen(box, shown)
        assert page.get_by_role("link", name=shown, exact=True).count() >= 2  # participants and contact list
    expect(page.get_by_role("link", name="114", exact=True)).to_have_attribute("href", "tel:114")
    # The participants are laid out as cards on a phone, but stay a table for screen readers.
    expect(page.locator("#participants").get_by_role("columnheader", name="Tlf.")).to_be_attached()

    if os.environ.get("BOLIGSOCIAL_SCREENSHOTS"):
        page.screenshot(path=Path(os.environ["BOLIGSOCIAL_SCREENSHOTS"]) / "plan-375.png", full_page=True)

    _member_form(page, "Peter Politibetjent")
    _assert_no_horizontal_scroll(page)
    _assert_on_screen(page.get_by_label("Telefonnumre").bounding_box(), "The phone field")
    assert_accessible(page)


def test_the_accessibility_check_fails_on_critical_and_prints_the_rest(page, assert_accessible, capsys):
    page.set_content('<html lang="da"><title>Prøve</title><main><input type="text"></main></html>')
    with pytest.raises(AssertionError, match="critical: label"):
        assert_accessible(page)
    assert "moderate: page-has-heading-one" in capsys.readouterr().out
