import datetime

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from boligsocial.access.models import ConfidentialityPledge
from boligsocial.access.selectors import (
    PLAN_OF_URL_ARGUMENT,
    confidentiality_hash,
    plan_awaiting_pledge,
    plan_lookup_for_url,
)
from boligsocial.accounts.services import api_token_create
from boligsocial.activations import flows
from boligsocial.core.models import AuditEntry
from boligsocial.plans import services as plan_services
from tests import factories
from tests.activations.conftest import Crisis

pytestmark = pytest.mark.django_db

STATEMENT = "Oplysninger om enkeltpersoner må kun deles inden for retsplejelovens § 115."


@pytest.fixture
def crisis():
    crisis = Crisis()
    plan_services.plan_update(actor=None, plan=crisis.plan, confidentiality_text=STATEMENT)
    crisis.plan.refresh_from_db()
    return crisis


def _activation(crisis):
    return flows.activation_activate(
        actor=crisis.police_user,
        incident=crisis.incident(),
        level="red",
        now=datetime.datetime(2026, 4, 1, 14, 0, tzinfo=datetime.UTC),
        rationale="Skyderi",
        police_consulted=True,
        police_contact="Vagtchef",
    )


def pledge_url(plan, next_url: str | None = None) -> str:
    url = reverse("access:pledge", args=[plan.pk])
    return url + (f"?next={next_url.replace('/', '%2F')}" if next_url else "")


def test_every_page_of_the_plan_waits_for_the_statement_to_be_accepted(client, crisis):
    activation = _activation(crisis)
    client.force_login(crisis.coordinator_user)
    plan = crisis.plan
    for path in (
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/pdf/",
        f"/plans/{plan.pk}/edit/",
        f"/plans/{plan.pk}/versions/",
        f"/activations/plan/{plan.pk}/new/",
        f"/activations/{activation.pk}/",
        f"/activations/{activation.pk}/seats/",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == pledge_url(plan, path), path
    # A form post is held back too; afterwards the reader lands on the plan.
    assert client.post(f"/activations/{activation.pk}/close/", {}).url == pledge_url(plan)
    # Pages that name no single plan stay open.
    assert client.get("/plans/").status_code == 200
    assert client.get("/notifications/").status_code == 200


def test_accepting_records_the_wording_and_opens_the_plan(client, crisis):
    client.force_login(crisis.police_user)
    plan = crisis.plan
    page = client.get(pledge_url(plan, f"/plans/{plan.pk}/"))
    assert page.status_code == 200
    assert "Tavshedspligt" in page.text and STATEMENT in page.text
    assert "skal du læse og acceptere" in page.text

    form = {"text_hash": confidentiality_hash(STATEMENT), "next": f"/plans/{plan.pk}/"}
    unticked = client.post(pledge_url(plan), form)
    assert "Sæt kryds for at acceptere erklæringen" in unticked.text
    assert not ConfidentialityPledge.objects.exists()

    accepted = client.post(pledge_url(plan), {**form, "accept": "on"})
    assert accepted.url == f"/plans/{plan.pk}/"
    pledge = ConfidentialityPledge.objects.get()
    assert (pledge.user, pledge.plan, pledge.text_hash) == (crisis.police_user, plan, confidentiality_hash(STATEMENT))
    assert AuditEntry.objects.filter(action="pledge.accept", actor=crisis.police_user, target_id=plan.pk).exists()
    assert client.get(f"/plans/{plan.pk}/").status_code == 200
    assert "Du accepterede denne erklæring" in client.get(pledge_url(plan)).text
    # Each user accepts for themselves.
    other = Client()
    other.force_login(crisis.coordinator_user)
    assert other.get(f"/plans/{plan.pk}/").status_code == 302


def test_a_changed_statement_must_be_accepted_again(client, crisis):
    plan = crisis.plan
    factories.pledge(user=crisis.police_user, plan=plan)
    client.force_login(crisis.police_user)
    assert client.get(f"/plans/{plan.pk}/").status_code == 200
    # Only the wording counts, not line endings or trailing spaces.
    plan_services.plan_update(actor=None, plan=plan, confidentiality_text=STATEMENT.replace(".", ".  \r\n"))
    assert client.get(f"/plans/{plan.pk}/").status_code == 200

    plan_services.plan_update(actor=None, plan=plan, confidentiality_text=STATEMENT + " Også efter aktiveringen.")
    assert client.get(f"/plans/{plan.pk}/").url == pledge_url(plan, f"/plans/{plan.pk}/")
    page = client.get(pledge_url(plan))
    assert "er ændret, siden du accepterede den" in page.text and "Også efter aktiveringen." in page.text
    factories.pledge(user=crisis.police_user, plan=plan)
    assert client.get(f"/plans/{plan.pk}/").status_code == 200
    assert ConfidentialityPledge.objects.filter(user=crisis.police_user).count() == 2, "the history is kept"


def test_a_statement_changed_while_reading_is_shown_again_not_accepted(client, crisis):
    plan = crisis.plan
    client.force_login(crisis.police_user)
    read_hash = confidentiality_hash(STATEMENT)
    plan_services.plan_update(actor=None, plan=plan, confidentiality_text="Ny ordlyd om tavshedspligt.")
    response = client.post(pledge_url(plan), {"text_hash": read_hash, "accept": "on"})
    assert response.status_code == 200
    assert "blev ændret, mens du læste den" in response.text
    assert "Ny ordlyd om tavshedspligt." in response.text
    assert not ConfidentialityPledge.objects.exists()


def test_a_plan_without_a_statement_needs_nothing(client):
    plan = factories.plan()
    user = factories.user()
    factories.member(plan=plan, login=user)
    client.force_login(user)
    assert client.get(f"/plans/{plan.pk}/").status_code == 200
    assert client.get(pledge_url(plan, f"/plans/{plan.pk}/")).url == f"/plans/{plan.pk}/"


def test_a_stranger_gets_404_without_a_hint_that_the_plan_exists(client, crisis):
    client.force_login(factories.user())
    assert client.get(f"/plans/{crisis.plan.pk}/").status_code == 404
    assert client.get(pledge_url(crisis.plan)).status_code == 404


def test_the_acknowledgement_link_is_never_held_back(client, crisis):
    activation = _activation(crisis)
    seat = activation.seats.get(person=crisis.police.person)
    url = reverse("activations:acknowledge", args=[flows.ack_token(seat=seat, person=crisis.police.person)])
    assert client.get(url).status_code == 200
    client.force_login(crisis.police_user)
    assert client.get(url).status_code == 200


def test_htmx_requests_are_redirected_by_header(client, crisis):
    activation = _activation(crisis)
    client.force_login(crisis.coordinator_user)
    response = client.get(f"/activations/{activation.pk}/seats/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("access:pledge", args=[crisis.plan.pk]))


def test_the_api_answers_403_in_danish_until_the_statement_is_accepted_on_the_page(crisis):
    plan = crisis.plan
    _, raw = api_token_create(actor=None, user=crisis.police_user, name="integration")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert [p["name"] for p in api.get("/api/v1/plans").json()] == [plan.name]
    for path in (f"/api/v1/plans/{plan.pk}", f"/api/v1/plans/{plan.pk}/members", f"/api/v1/plans/{plan.pk}/deadline"):
        refused = api.get(path)
        assert refused.status_code == 403, path
        assert "tavshedserklæring" in refused.json()["detail"][0]["message"], path
    session = Client()
    session.force_login(crisis.police_user)
    assert session.get(f"/api/v1/plans/{plan.pk}").status_code == 403
    factories.pledge(user=crisis.police_user, plan=plan)
    assert api.get(f"/api/v1/plans/{plan.pk}").status_code == 200
    assert session.get(f"/api/v1/plans/{plan.pk}").status_code == 200
    stranger = Client(
        headers={"Authorization": f"Bearer {api_token_create(actor=None, user=factories.user(), name='x')[1]}"}
    )
    assert stranger.get(f"/api/v1/plans/{plan.pk}").status_code == 404


def test_the_check_costs_one_query(crisis, django_assert_num_queries):
    activation = _activation(crisis)
    with django_assert_num_queries(1):
        assert (
            plan_awaiting_pledge(user=crisis.police_user, lookup=plan_lookup_for_url({"activation_id": activation.pk}))
            == crisis.plan.pk
        )


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from _patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield namespace.strip(":"), prefix + str(entry.pattern), set(entry.pattern.converters)


# Pages under plans/ and activations/ that take no plan, activation or request: they list, create or need no login.
NOT_ABOUT_ONE_PLAN = {
    "plans/",
    "plans/new/",
    "activations/",
    "activations/ack/<str:token>/",
    "activations/dashboard/live/",  # the dashboard lists several plans, like the activation list
}


def test_every_plan_and_activation_page_names_its_plan_in_a_way_the_check_understands():
    """A new page about one plan must use plan_id, activation_id or request_id (or be added to the check)."""
    seen = 0
    for namespace, route, arguments in _patterns(get_resolver()):
        if namespace not in {"plans", "activations"} or route in NOT_ABOUT_ONE_PLAN:
            continue
        seen += 1
        assert arguments & set(PLAN_OF_URL_ARGUMENT), f"{route} names its plan in a way the pledge check misses"
    assert seen > 20
