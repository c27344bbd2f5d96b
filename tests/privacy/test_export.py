"""A person's data export: everything held about them, for an administrator or the person themselves."""

import json

import pytest
from django.urls import reverse

from boligsocial.activations import flows
from boligsocial.core.models import AccessLog
from boligsocial.core.services import access_log_record, audit_record
from boligsocial.plans import services as plan_services
from boligsocial.plans.models import CommunicationRole
from boligsocial.privacy.selectors import person_export
from tests import factories
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(crisis):
    """The police member, with a press role, an acknowledged alert, an audit row, a timeline step and a read."""
    person = crisis.police.person
    role = CommunicationRole(plan=crisis.plan, audience="press", person=person, is_spokesperson=True, position=1)
    plan_services.plan_part_save(actor=crisis.coordinator_user, plan=crisis.plan, part=role)
    activation = flows.activation_activate(
        actor=crisis.police_user,
        incident=crisis.incident(),
        level="red",
        rationale="Skyderi",
        police_consulted=True,
        police_contact="Vagtchefen",
    )
    seat = activation.seats.get(person=person)
    flows.seat_acknowledge(seat=seat, person=person, actor=crisis.police_user)
    audit_record(actor=crisis.police_user, action="test.change", target=crisis.plan, summary="Rettede noget")
    access_log_record(user=crisis.police_user, target=activation, context="page activations:detail")
    return person


def test_the_export_holds_everything_about_the_person(crisis, police, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        data = person_export(person=police)

    assert data["format"] == "boligsocial-person-export/1"
    assert data["person"] == {
        "id": police.pk,
        "name": "Lasse Politi",
        "title": "",
        "organisation": "Østjyllands Politi",
        "email": "a@bs.example",
    }
    assert data["phones"] == [{"number": "+4525993249", "kind": "mobile"}]
    (membership,) = data["memberships"]
    assert membership["plan"]["name"] == "Beredskabsplan Randers" and membership["role"] == "Politikommissær"
    assert membership["contact_priority"] == 1
    assert data["plan_roles"] == [
        {
            "plan": {"id": crisis.plan.pk, "name": "Beredskabsplan Randers"},
            "kind": "communication",
            "audience": "press",
            "spokesperson": True,
            "description": "",
        }
    ]
    assert {n["channel"] for n in data["notifications"]} == {"email", "sms", "inapp"}
    assert all("RØD" in n["subject"] for n in data["notifications"])
    (seat,) = data["activation_seats"]
    assert seat["as"] == "member" and seat["state"] == "acknowledged" and seat["acknowledged_at"]
    assert data["account"]["username"] == "politi"
    assert [e["action"] for e in data["audit"]] == ["test.change"]
    assert {t["kind"] for t in data["timeline"]} == {"activated", "acknowledged"}
    assert [a["context"] for a in data["access_log"]] == ["page activations:detail"]
    json.dumps(data)  # plain data all the way down


def test_a_substitutes_acknowledgement_is_in_their_export(crisis):
    activation = flows.activation_activate(
        actor=crisis.police_user,
        incident=crisis.incident(),
        level="red",
        rationale="Skyderi",
        police_consulted=True,
        police_contact="Vagtchefen",
    )
    seat = activation.seats.get(person=crisis.police.person)
    flows.seat_acknowledge(seat=seat, person=crisis.substitute.person, actor=crisis.substitute_user)

    seats = person_export(person=crisis.substitute.person)["activation_seats"]

    assert [(s["as"], s["state"], bool(s["acknowledged_at"])) for s in seats] == [("substitute", "acknowledged", True)]
    assert person_export(person=crisis.police.person)["activation_seats"][0]["acknowledged_at"] is None


def test_the_person_downloads_their_own_data_and_the_download_is_logged(client, crisis, police):
    client.force_login(crisis.police_user)
    page = client.get(reverse("privacy:my_data"))
    assert page.status_code == 200
    assert "Dine personoplysninger" in page.text and "Hent som JSON" in page.text
    url = reverse("privacy:person_export", args=[police.pk])
    assert url in page.text

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert 'attachment; filename="persondata-lasse-politi-' in response["Content-Disposition"]
    assert response.json()["person"]["name"] == "Lasse Politi"
    logged = AccessLog.objects.filter(user=crisis.police_user, target_id=police.pk).get()
    assert logged.context == "page privacy:person_export"


def test_an_administrator_may_export_anyone_a_coordinator_may_not(client, crisis, police):
    url = reverse("privacy:person_export", args=[police.pk])
    client.force_login(factories.user(username="admin", is_staff=True))
    assert client.get(url).status_code == 200
    page = client.get(reverse("privacy:person_data", args=[police.pk])).text
    assert "Personoplysninger: Lasse Politi" in page
    # The coordinator can see the person in the plan, but their data export is not the coordinator's to take.
    client.force_login(crisis.coordinator_user)
    assert client.get(url).status_code == 403
    client.force_login(factories.user())
    assert client.get(url).status_code == 404


def test_a_login_without_a_person_is_told_so(client):
    client.force_login(factories.user())
    page = client.get(reverse("privacy:my_data")).text
    assert "ikke knyttet til en person" in page


def test_the_api_exports_for_the_person_and_for_administrators_only(crisis, police):
    me = token_client(crisis.police_user).get("/api/v1/me/export")
    assert me.status_code == 200 and me.json()["person"]["id"] == police.pk
    admin = token_client(factories.user(username="admin", is_staff=True))
    assert admin.get(f"/api/v1/people/{police.pk}/export").json()["account"]["username"] == "politi"
    refused = token_client(crisis.coordinator_user).get(f"/api/v1/people/{police.pk}/export")
    assert refused.status_code == 403
    assert "administrator" in refused.json()["detail"][0]["message"]
    stranger = token_client(factories.user()).get("/api/v1/me/export")
    assert stranger.status_code == 404
    assert AccessLog.objects.filter(context="api my_export").count() == 1
    assert AccessLog.objects.filter(context="api person_export").count() == 1
