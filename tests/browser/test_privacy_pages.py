"""A member on a phone: their own data page, and leaving the group with a successor; accessible, no sideways scroll."""

import pytest
from playwright.sync_api import expect

from tests import factories

from .test_plan_pages import PHONE_WIDTH, _assert_no_horizontal_scroll

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def varde():
    plan = factories.plan(name="Beredskabsplan Varde")
    factories.member(plan=plan, name="Maria Tovholder", is_coordinator=True, contact_priority=1)
    member_login = factories.user(username="medlem")
    member = factories.member(plan=plan, name="Lasse Medlem", login=member_login, role="SSP", contact_priority=2)
    return plan, member, member_login


def test_a_member_sees_their_data_and_leaves_the_group_on_a_phone(page, login, assert_accessible, varde):
    plan, member, member_login = varde
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    login(page, member_login)

    page.get_by_role("link", name="Mine data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dine personoplysninger")
    expect(page.get_by_role("link", name="Hent som JSON")).to_be_visible()
    _assert_no_horizontal_scroll(page)
    assert_accessible(page)

    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("link", name="Jeg forlader gruppen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du forlader gruppen")
    _assert_no_horizontal_scroll(page)
    assert_accessible(page)
    page.get_by_label("Navn").fill("Ny Kollega")
    page.get_by_role("button", name="Registrér fratrædelsen").click()

    page.wait_for_url("**/plans/")
    expect(page.get_by_role("status")).to_contain_text("Ny Kollega har overtaget pladsen")
    assert plan.memberships.get(contact_priority=2).person.organisation == member.person.organisation
