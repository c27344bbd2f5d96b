"""Sign-in and web security in a real Chromium: two-factor set-up, the confidentiality statement, and pages with
live updates and the API docs running under the Content-Security-Policy (the `page` fixture fails on any refusal).
"""

import base64
import datetime
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from boligsocial.activations import flows
from boligsocial.directory.models import OrganisationKind
from boligsocial.plans import services as plan_services
from boligsocial.plans.models import IncidentType
from tests import factories
from tests.activations.conftest import Crisis

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "x-test-password-1"
PHONE_WIDTH = 375


def test_police_member_sets_up_two_factor_on_a_phone_and_accepts_the_statement(page, assert_accessible):
    plan = factories.plan(name="Beredskabsplan Varde")
    plan_services.plan_update(actor=None, plan=plan, confidentiality_text="Oplysninger deles kun efter § 115.")
    police = factories.user(username="politi")
    factories.member(
        plan=plan, name="Lasse Politi", login=police, org=factories.organisation(kind=OrganisationKind.POLICE)
    )
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})

    page.goto("/accounts/login/")
    page.get_by_label("Brugernavn").fill("politi")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/accounts/two-factor/setup/**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Opsæt totrinsbekræftelse")
    expect(page.locator(".qr svg")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert_accessible(page)

    # What a person does with an app that cannot scan: type the key, read the code.
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    code = f"{totp(base64.b32decode(secret + '=' * (-len(secret) % 8))):06d}"
    page.get_by_label("Kode fra appen").fill(code)
    page.get_by_role("button", name="Slå totrinsbekræftelse til").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reservekoder")
    assert len(re.findall(r"[a-z2-7]{4}-[a-z2-7]{4}", page.locator(".backup-codes").inner_text())) == 10
    page.get_by_role("link", name="Jeg har gemt koderne, fortsæt").click()
    page.wait_for_url("**/plans/")

    page.get_by_role("link", name="Beredskabsplan Varde").click()
    page.wait_for_url("**/access/plans/*/confidentiality/**")
    expect(page.get_by_text("Oplysninger deles kun efter § 115.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Accepter").click()
    expect(page.get_by_text("Sæt kryds for at acceptere erklæringen.")).to_be_visible()
    page.get_by_label("Jeg har læst erklæringen").check()
    page.get_by_role("button", name="Accepter").click()
    page.wait_for_url(f"**/plans/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Beredskabsplan Varde")


def test_the_activation_page_updates_live_under_the_policy(page, login):
    # The catalogue a data migration seeds can be missing here: depending on the order of the suite, the flush after
    # a transactional test is not always undone by serialized_rollback.
    IncidentType.objects.get_or_create(code="shooting", defaults={"name": "Skud"})
    crisis = Crisis()
    activation = flows.activation_activate(
        actor=crisis.police_user,
        incident=crisis.incident(),
        level="red",
        now=datetime.datetime(2026, 4, 1, 14, 0, tzinfo=datetime.UTC),
        rationale="Skyderi",
        police_consulted=True,
        police_contact="Vagtchef",
    )
    login(page, crisis.coordinator_user)
    page.goto(f"/activations/{activation.pk}/")
    # The seats arrive by htmx after the page has loaded.
    expect(page.locator("#seats")).to_contain_text("Lasse Politi")


def test_the_api_docs_page_works_under_the_policy(page, login):
    login(page, factories.user())
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("boligsocial API")
    expect(page.locator(".opblock").first).to_be_visible()


def test_the_admin_works_under_the_policy(page, login):
    admin = factories.user(username="admin", is_staff=True, is_superuser=True)
    login(page, admin)
    for path in (
        "/admin/",
        "/admin/accounts/apitoken/",
        f"/admin/accounts/user/{admin.pk}/change/",
        "/admin/auth/group/add/",
    ):
        page.goto(path)
        expect(page.locator("#site-name")).to_be_visible()
