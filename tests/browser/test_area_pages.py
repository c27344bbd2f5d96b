"""Key figures in a real Chromium: the area page with its SVG charts, the follow-up list and the import preview
pass axe-core and fit a 375 px phone."""

import pytest
from playwright.sync_api import Page, expect

from boligsocial.areas import services
from boligsocial.areas.models import AreaResult
from tests.areas.conftest import LAST_YEAR, csv_bytes, make_editor, make_estate, make_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE_WIDTH = 375


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways: {width} px"


def test_area_page_follow_up_and_import_preview_on_a_phone(page, login, assert_accessible):
    # Built here, not with tests/areas' fixtures: those ask for `db`, which does not mix with live_server.
    world = make_world(make_estate(), make_editor())
    AreaResult.objects.filter(area=world.estate.area).update(colour="orange", trend_flag=True)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    login(page, world.editor)

    page.get_by_role("link", name="Områder").click()
    page.get_by_role("link", name="Testparken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Testparken")
    chart = page.get_by_role("img", name="Beboere 18-64 år uden for arbejde eller uddannelse (gennemsnit over 2 år)")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] <= PHONE_WIDTH
    _no_sideways_scroll(page)
    assert_accessible(page)

    page.goto("/areas/follow-up/")
    expect(page.get_by_role("cell", name="Testparken Testby")).to_be_visible()
    _no_sideways_scroll(page)
    assert_accessible(page)

    rows = [["boligorganisation", "afdeling", "år", "beboere"], ["Boligselskabet Test", "77", LAST_YEAR, "x"]]
    batch = services.import_upload(actor=world.editor, level="department", filename="fejl.csv", content=csv_bytes(rows))
    page.goto(f"/areas/import/{batch.pk}/")
    expect(page.get_by_text("Boligselskabet Test har ingen afdeling med nummer 77.")).to_be_visible()
    _no_sideways_scroll(page)
    assert_accessible(page)
