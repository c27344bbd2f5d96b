"""The dashboard and the evaluation form in a real Chromium on a 375 px phone: readable, accessible, usable."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from boligsocial.activations import flows
from boligsocial.activations.models import Evaluation
from tests.activations.conftest import Crisis

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE_WIDTH = 375


def _activate(crisis: Crisis, level: str):
    return flows.activation_activate(
        actor=crisis.police_user,
        incident=crisis.incident(),
        level=level,
        rationale="Skud affyret ved blok 22",
        police_consulted=True,
        police_contact="Vagtchefen",
    )


def _assert_fits(page: Page) -> None:
    page.wait_for_load_state()
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways on a {PHONE_WIDTH} px phone: {width} px wide"


def test_coordinator_sees_the_dashboard_and_evaluates_on_a_phone(page, login, assert_accessible):
    crisis = Crisis()
    running = _activate(crisis, "red")
    closed = flows.activation_close(actor=crisis.police_user, activation=_activate(crisis, "yellow"), summary="Roligt")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    login(page, crisis.coordinator_user)

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overblik")
    expect(page.get_by_role("link", name="Skyderi – " + crisis.area.name).first).to_be_visible()
    expect(page.get_by_text("Kan ikke nås").first).to_be_visible()
    _assert_fits(page)
    assert_accessible(page)
    if os.environ.get("BOLIGSOCIAL_SCREENSHOTS"):
        page.screenshot(path=Path(os.environ["BOLIGSOCIAL_SCREENSHOTS"]) / "dashboard-375.png", full_page=True)

    page.goto(f"/activations/{closed.pk}/evaluation/")
    _assert_fits(page)
    assert_accessible(page)
    page.get_by_role("group", name="Fungerede beredskabet, som det skulle?").get_by_label("Delvist").check()
    page.get_by_role("group", name="Blev de rigtige informationskanaler brugt?").get_by_label("Nej").check()
    page.get_by_label("Hvad bør ændres i planen eller i måden, vi arbejder på?").fill("Beboerbrev samme aften.")
    page.get_by_role("button", name="Indsend evalueringen").click()
    expect(page.get_by_text("Tak: evalueringen er gemt")).to_be_visible()
    expect(page.get_by_text("Beboerbrev samme aften.")).to_be_visible()
    _assert_fits(page)
    assert_accessible(page)
    assert Evaluation.objects.get(activation=closed).state == "done"

    page.goto(f"/activations/{running.pk}/")
    expect(page.get_by_role("link", name="Tidslinjen som PDF")).to_be_visible()
    _assert_fits(page)
