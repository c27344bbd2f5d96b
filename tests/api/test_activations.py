"""The activation operations of the API: incidents, activating or requesting, acknowledging, level changes,
closing, reading, and every refusal from issue 3 in the API's one error shape, in Danish, with nothing saved."""

import datetime
import threading
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from boligsocial.activations import flows
from boligsocial.activations.models import (
    Activation,
    ActivationRequest,
    Incident,
    LevelChange,
    Seat,
    TimelineEntry,
)
from boligsocial.notifications.models import Notification
from tests import factories
from tests.activations.conftest import Crisis

from .conftest import details, token_client

pytestmark = pytest.mark.django_db

JSON = "application/json"
CPH = ZoneInfo("Europe/Copenhagen")

# The racing tests run in real transactions (Crisis seeds the incident types again after an earlier flush).
needs_row_locks = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="Concurrent writers need PostgreSQL: SQLite's shared in-memory test database reports lock "
    "conflicts instead of waiting, so two members activating at the same moment cannot be run there.",
)


class Api:
    """The Randers-like crisis plan of tests/activations with an API client for each of its people."""

    def __init__(self) -> None:
        self.crisis = Crisis()
        self.plan = self.crisis.plan
        self.police = token_client(self.crisis.police_user)
        self.coordinator = token_client(self.crisis.coordinator_user)
        self.substitute = token_client(self.crisis.substitute_user)
        self.stranger = token_client(factories.user(username="fremmed"))
        self.admin = token_client(factories.user(username="admin", is_staff=True))

    def incident_data(self, **extra) -> dict:
        return {
            "incident_type": "shooting",
            "area": self.crisis.area.pk,
            "occurred_at": (timezone.now() - datetime.timedelta(minutes=20)).isoformat(),
            "description": "Skud affyret ved blok 22",
            "source": "police",
        } | extra

    def incident(self, client=None, **extra) -> int:
        response = (client or self.police).post(
            f"/api/v1/plans/{self.plan.pk}/incidents", self.incident_data(**extra), content_type=JSON
        )
        assert response.status_code == 201, response.json()
        return response.json()["id"]

    def activate(self, incident_id: int, client=None, **extra):
        data = {"level": "red", "rationale": "Skyderi, akut", "police_consulted": True, "police_contact": "Vagtchef"}
        return (client or self.police).post(
            f"/api/v1/incidents/{incident_id}/activation", data | extra, content_type=JSON
        )

    def activation(self, client=None, **extra) -> dict:
        response = self.activate(self.incident(), client=client, **extra)
        assert response.status_code == 201, response.json()
        return response.json()


@pytest.fixture
def api(db) -> Api:
    return Api()


def nothing_activated() -> bool:
    return not (
        Activation.objects.exists()
        or Seat.objects.exists()
        or TimelineEntry.objects.exists()
        or Notification.objects.filter(source_type__model="seat").exists()
    )


# --- incidents ------------------------------------------------------------------------------------------


def test_member_registers_an_incident(api):
    response = api.substitute.post(
        f"/api/v1/plans/{api.plan.pk}/incidents",
        api.incident_data(police_case_number="3700-80151-00042-26", reported_by="Vagtchefen"),
        content_type=JSON,
    )
    assert response.status_code == 201
    body = response.json()
    incident = Incident.objects.get()
    assert body["id"] == incident.pk and body["plan"] == api.plan.pk
    assert body["incident_type"] == {"code": "shooting", "name": incident.incident_type.name}
    assert body["area"] == {"id": api.crisis.area.pk, "name": api.crisis.area.name}
    assert body["police_case_number"] == "3700-80151-00042-26" and body["source"] == "police"
    assert incident.created_by == api.crisis.substitute_user


def test_a_retried_post_with_the_same_idempotency_key_gives_the_same_incident(api):
    key = str(uuid.uuid4())
    url = f"/api/v1/plans/{api.plan.pk}/incidents"
    first = api.police.post(url, api.incident_data(), content_type=JSON, headers={"Idempotency-Key": key})
    again = api.police.post(url, api.incident_data(), content_type=JSON, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Incident.objects.get().submission_key == uuid.UUID(key)
    other = api.police.post(url, api.incident_data(), content_type=JSON, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert other.json()["id"] != first.json()["id"]
    assert Incident.objects.count() == 2


def test_an_idempotency_key_is_a_uuid_and_belongs_to_its_sender(api):
    url = f"/api/v1/plans/{api.plan.pk}/incidents"
    bad = api.police.post(url, api.incident_data(), content_type=JSON, headers={"Idempotency-Key": "to-gange"})
    assert bad.status_code == 422
    assert details(bad) == {"Idempotency-Key": "Angiv et UUID, fx 6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b."}
    key = str(uuid.uuid4())
    api.police.post(url, api.incident_data(), content_type=JSON, headers={"Idempotency-Key": key})
    reused = api.coordinator.post(url, api.incident_data(), content_type=JSON, headers={"Idempotency-Key": key})
    assert reused.status_code == 422
    assert details(reused) == {"Idempotency-Key": "Denne indsendelsesnøgle er allerede brugt til en anden hændelse."}
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"incident_type": "meteor"}, "incident_type", "“meteor” er ikke en hændelsestype i denne plan."),
        ({"area": 0}, "area", "Der findes intet boligområde med id 0."),
        ({"occurred_at": "2026-04-01T13:30:00"}, "occurred_at", "Angiv et tidspunkt som ISO 8601 med UTC-forskydning"),
        ({"occurred_at": "i går"}, "occurred_at", "Angiv et tidspunkt som ISO 8601"),
        ({"description": "Anmeldt af 010190-1234"}, "description", "CPR-nummer"),
        ({"source": "rygter"}, "source", "Vælg en af"),
        ({"colour": "rød"}, "colour", "Feltet findes ikke."),
    ],
)
def test_bad_incident_input_is_refused_in_danish_and_nothing_saved(api, extra, field, message):
    response = api.police.post(f"/api/v1/plans/{api.plan.pk}/incidents", api.incident_data(**extra), content_type=JSON)
    assert response.status_code == 422
    assert message in details(response)[field]
    assert not Incident.objects.exists()


def test_incident_in_an_area_outside_the_plan_or_in_the_future_is_refused(api):
    other_area = factories.area(name="Ikke i planen")
    outside = api.police.post(
        f"/api/v1/plans/{api.plan.pk}/incidents", api.incident_data(area=other_area.pk), content_type=JSON
    )
    assert details(outside) == {"area": "Boligområdet er ikke omfattet af planen."}
    future = (timezone.now() + datetime.timedelta(hours=2)).isoformat()
    later = api.police.post(
        f"/api/v1/plans/{api.plan.pk}/incidents", api.incident_data(occurred_at=future), content_type=JSON
    )
    assert details(later) == {"occurred_at": "Hændelsen kan ikke være sket ude i fremtiden."}
    assert not Incident.objects.exists()


def test_a_stranger_cannot_register_an_incident_in_a_plan_they_cannot_read(api):
    response = api.stranger.post(f"/api/v1/plans/{api.plan.pk}/incidents", api.incident_data(), content_type=JSON)
    assert response.status_code == 404
    assert not Incident.objects.exists()


# --- activating -----------------------------------------------------------------------------------------


def test_fixed_member_activates_and_every_fixed_member_is_alerted(api):
    incident_id = api.incident()
    response = api.activate(incident_id)
    assert response.status_code == 201
    body = response.json()
    activation = Activation.objects.get()
    assert body["id"] == activation.pk and body["incident"]["id"] == incident_id
    assert body["level"] == "red" and body["state"] == "active" and body["overdue"] is False
    assert body["activated_by"] == "politi"
    activated_at = datetime.datetime.fromisoformat(body["activated_at"])
    assert datetime.datetime.fromisoformat(body["meeting_deadline"]) == activated_at + datetime.timedelta(hours=24)
    seats = [(s["position"], s["person"]["name"], s["state"]) for s in body["seats"]]
    assert seats == [
        (1, "Lasse Politi", "waiting"),
        (2, "Louise Tovholder", "waiting"),
        (3, "Uden Kanal", "unreachable"),
    ]
    assert body["seats"][0]["substitutes"] == [api.crisis.substitute.person.pk]
    channels = set(Notification.objects.filter(recipient=api.crisis.police.person).values_list("channel", flat=True))
    assert channels == {"email", "sms", "inapp"}


def test_a_member_who_is_not_fixed_is_told_to_file_a_request(api):
    incident_id = api.incident(client=api.substitute)
    response = api.activate(incident_id, client=api.substitute)
    assert response.status_code == 403
    assert details(response) == {
        None: "Kun planens faste medlemmer kan aktivere beredskabet. Send i stedet en anmodning."
    }
    assert nothing_activated()


def test_a_stranger_cannot_activate_an_incident_they_cannot_see(api):
    incident_id = api.incident()
    response = api.activate(incident_id, client=api.stranger)
    assert response.status_code == 404
    assert details(response) == {None: "Hændelsen findes ikke, eller du har ikke adgang til den."}
    assert nothing_activated()


def test_a_second_activation_answers_409_with_who_activated_when_and_the_id(api):
    incident_id = api.incident()
    first = api.activate(incident_id).json()
    second = api.activate(incident_id, client=api.coordinator, level="yellow")
    assert second.status_code == 409
    body = second.json()
    assert body["activation_id"] == first["id"]
    when = datetime.datetime.fromisoformat(first["activated_at"]).astimezone(CPH)
    assert details(second) == {
        None: f"Beredskabet er allerede aktiveret for denne hændelse af politi kl. {when:%d.%m.%Y %H:%M}."
    }
    assert Activation.objects.count() == 1 and Activation.objects.get().level == "red"


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"level": "green"}, "level", "Vælg gul eller rød: de niveauer, planen aktiveres på."),
        ({"level": "lilla"}, "level", "Vælg gul eller rød: de niveauer, planen aktiveres på."),
        ({"rationale": None}, "rationale", "Dette felt er påkrævet."),
        ({"rationale": "  "}, "rationale", "Giv en kort begrundelse (én linje) for niveauet."),
        (
            {"police_consulted": False, "police_contact": ""},
            "no_police_reason",
            "Planen foreskriver, at politiet kontaktes først. Sig hvorfor det ikke er sket.",
        ),
        ({"police_contact": ""}, "police_contact", "Skriv, hvem hos politiet der blev kontaktet."),
        ({"rationale": "Beboer 010190-1234 truet"}, "rationale", "CPR-nummer"),
        ({"police_consulted_at": "kl. 14"}, "police_consulted_at", "Angiv et tidspunkt som ISO 8601"),
    ],
)
def test_bad_activation_input_is_refused_in_danish_and_nothing_saved(api, extra, field, message):
    incident_id = api.incident()
    data = {"level": "red", "rationale": "Skyderi", "police_consulted": True, "police_contact": "Vagtchef"} | extra
    data = {k: v for k, v in data.items() if v is not None}
    response = api.police.post(f"/api/v1/incidents/{incident_id}/activation", data, content_type=JSON)
    assert response.status_code == 422
    assert message in details(response)[field]
    assert nothing_activated()


def test_a_level_the_plan_has_no_rule_for_is_refused(api):
    api.plan.level_rules.filter(level="yellow").delete()
    response = api.activate(api.incident(), level="yellow")
    assert details(response) == {"level": "Vælg gul eller rød: de niveauer, planen aktiveres på."}
    assert nothing_activated()


def test_activation_without_police_records_the_reason(api):
    body = api.activation(police_consulted=False, police_contact="", no_police_reason="Vagtchefen tog ikke telefonen")
    assert body["police_consulted"] is False and body["no_police_reason"] == "Vagtchefen tog ikke telefonen"
    assert TimelineEntry.objects.filter(kind="police_not_consulted").exists()


# --- requests -------------------------------------------------------------------------------------------


def test_a_request_is_filed_seen_by_fixed_members_and_accepted(api):
    incident_id = api.incident(client=api.substitute)
    filed = api.substitute.post(
        f"/api/v1/incidents/{incident_id}/request", {"proposed_level": "red", "message": "Uro"}, content_type=JSON
    )
    assert filed.status_code == 201
    request_id = filed.json()["id"]
    assert filed.json()["state"] == "open" and filed.json()["requested_by"] == "suppleant"
    assert Notification.objects.filter(recipient=api.crisis.coordinator.person, subject__contains="Anmodning").exists()

    assert [r["id"] for r in api.coordinator.get("/api/v1/requests").json()] == [request_id]
    assert api.substitute.get("/api/v1/requests").json() == []
    not_fixed = api.substitute.post(
        f"/api/v1/requests/{request_id}/accept", {"level": "red", "rationale": "x"}, content_type=JSON
    )
    assert not_fixed.status_code == 404

    accepted = api.coordinator.post(
        f"/api/v1/requests/{request_id}/accept",
        {"level": "red", "rationale": "Bekræftet", "police_consulted": True, "police_contact": "Vagtchef"},
        content_type=JSON,
    )
    assert accepted.status_code == 201
    assert accepted.json()["incident"]["id"] == incident_id and accepted.json()["activated_by"] == "tovholder"
    assert ActivationRequest.objects.get().state == "accepted"
    assert api.coordinator.get("/api/v1/requests").json() == []


def test_accepting_with_bad_input_saves_nothing_and_leaves_the_request_open(api):
    incident_id = api.incident(client=api.substitute)
    request_id = api.substitute.post(
        f"/api/v1/incidents/{incident_id}/request", {"proposed_level": "yellow"}, content_type=JSON
    ).json()["id"]
    response = api.coordinator.post(
        f"/api/v1/requests/{request_id}/accept", {"level": "red", "rationale": "Ja"}, content_type=JSON
    )
    assert response.status_code == 422 and "no_police_reason" in details(response)
    assert nothing_activated() and ActivationRequest.objects.get().state == "open"


def test_a_request_is_declined_with_a_reason(api):
    incident_id = api.incident(client=api.substitute)
    request_id = api.substitute.post(
        f"/api/v1/incidents/{incident_id}/request", {"proposed_level": "yellow"}, content_type=JSON
    ).json()["id"]
    url = f"/api/v1/requests/{request_id}/decline"
    blank = api.police.post(url, {"decline_reason": " "}, content_type=JSON)
    assert blank.status_code == 422
    assert details(blank) == {"decline_reason": "Giv en begrundelse for afvisningen."}
    assert api.police.post(url, {}, content_type=JSON).status_code == 422
    declined = api.police.post(url, {"decline_reason": "Politiet har situationen"}, content_type=JSON)
    assert declined.status_code == 200
    assert declined.json()["state"] == "declined" and declined.json()["decline_reason"] == "Politiet har situationen"
    assert api.police.post(url, {"decline_reason": "igen"}, content_type=JSON).status_code == 404


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"proposed_level": "green"}, "proposed_level", "Vælg gul eller rød"),
        ({}, "proposed_level", "Dette felt er påkrævet."),
        ({"proposed_level": "red", "message": "Ring til 010190-1234"}, "message", "CPR-nummer"),
    ],
)
def test_bad_request_input_is_refused(api, data, field, message):
    incident_id = api.incident(client=api.substitute)
    response = api.substitute.post(f"/api/v1/incidents/{incident_id}/request", data, content_type=JSON)
    assert response.status_code == 422
    assert message in details(response)[field]
    assert not ActivationRequest.objects.exists() and not Notification.objects.exists()


def test_a_request_for_an_activated_incident_answers_409_with_the_activation(api):
    activation = api.activation()
    response = api.substitute.post(
        f"/api/v1/incidents/{activation['incident']['id']}/request", {"proposed_level": "red"}, content_type=JSON
    )
    assert response.status_code == 409 and response.json()["activation_id"] == activation["id"]
    assert not ActivationRequest.objects.exists()


# --- acknowledging --------------------------------------------------------------------------------------


def test_a_member_acknowledges_their_seat_once(api):
    activation = api.activation()
    url = f"/api/v1/activations/{activation['id']}/acknowledge"
    first = api.police.post(url)
    assert first.status_code == 200
    assert first.json() | {"acknowledged_at": None} == {
        "result": "acknowledged",
        "activation": activation["id"],
        "seat": activation["seats"][0]["id"],
        "member": "Lasse Politi",
        "acknowledged_by": "Lasse Politi",
        "acknowledged_at": None,
    }
    assert first.json()["acknowledged_at"] is not None
    assert api.police.post(url).json()["result"] == "already"
    entry = TimelineEntry.objects.get(kind="acknowledged")
    assert entry.actor == api.crisis.police_user and entry.data["via"] == "api"
    assert not Notification.objects.filter(recipient=api.crisis.police.person, state="queued").exists()


def test_a_substitute_acknowledges_the_seat_they_stand_in_for(api):
    activation = api.activation()
    response = api.substitute.post(f"/api/v1/activations/{activation['id']}/acknowledge")
    assert response.status_code == 200
    assert response.json()["member"] == "Lasse Politi" and response.json()["acknowledged_by"] == "Allan Suppleant"


def test_acknowledging_without_a_seat_or_on_a_closed_activation_is_refused(api):
    activation = api.activation()
    url = f"/api/v1/activations/{activation['id']}/acknowledge"
    no_seat = api.admin.post(url)
    assert no_seat.status_code == 403
    assert "ingen plads" in details(no_seat)[None]
    assert api.stranger.post(url).status_code == 404
    api.coordinator.post(f"/api/v1/activations/{activation['id']}/close", {"summary": "Roligt"}, content_type=JSON)
    closed = api.police.post(url)
    assert closed.status_code == 409
    assert details(closed) == {None: "Aktiveringen er afsluttet."}
    assert not TimelineEntry.objects.filter(kind="acknowledged").exists()


def test_acknowledging_with_the_token_from_the_alert_needs_no_login(api):
    activation = api.activation()
    seat = Seat.objects.get(pk=activation["seats"][0]["id"])
    link = Notification.objects.filter(recipient=api.crisis.police.person, channel="sms").get().link
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert flows.ack_seat_from_token(token=token) == (seat, seat.person)
    anonymous = Client()
    assert anonymous.get(f"/api/v1/ack/{token}").status_code == 405, "a link preview must not acknowledge"
    response = anonymous.post(f"/api/v1/ack/{token}")
    assert response.status_code == 200
    assert response.json()["result"] == "acknowledged" and response.json()["acknowledged_by"] == "Lasse Politi"
    assert anonymous.post(f"/api/v1/ack/{token}").json()["result"] == "already"
    entry = TimelineEntry.objects.get(kind="acknowledged")
    assert entry.actor is None and entry.data["via"] == "link"


def test_a_substitutes_token_acknowledges_as_substitute(api):
    activation = api.activation()
    seat = Seat.objects.get(pk=activation["seats"][0]["id"])
    token = flows.ack_token(seat=seat, person=api.crisis.substitute.person)
    response = Client().post(f"/api/v1/ack/{token}")
    assert response.json()["acknowledged_by"] == "Allan Suppleant"


def test_a_forged_or_expired_token_is_refused_in_danish(api, settings):
    activation = api.activation()
    seat = Seat.objects.get(pk=activation["seats"][0]["id"])
    token = flows.ack_token(seat=seat, person=seat.person)
    forged = Client().post(f"/api/v1/ack/{token[:-3]}xyz")
    assert forged.status_code == 422
    assert details(forged) == {"token": "Linket er ikke gyldigt."}
    stranger_token = flows.ack_token(seat=seat, person=api.crisis.coordinator.person)
    assert details(Client().post(f"/api/v1/ack/{stranger_token}")) == {"token": "Linket er ikke gyldigt."}
    from django.core import signing

    old = signing.TimestampSigner(salt=flows.ACK_SALT)
    old.timestamp = lambda: signing.b62_encode(int((timezone.now() - datetime.timedelta(days=8)).timestamp()))
    expired = Client().post(f"/api/v1/ack/{old.sign_object({'s': seat.pk, 'p': seat.person_id})}")
    assert details(expired) == {"token": "Linket er udløbet. Log ind for at kvittere."}
    assert not TimelineEntry.objects.filter(kind="acknowledged").exists()


# --- level and closing ----------------------------------------------------------------------------------


def test_changing_the_level_gives_a_new_deadline_and_alerts_again(api):
    activation = api.activation(level="yellow")
    api.police.post(f"/api/v1/activations/{activation['id']}/acknowledge")
    response = api.coordinator.post(
        f"/api/v1/activations/{activation['id']}/level", {"level": "red", "rationale": "Optrapning"}, content_type=JSON
    )
    assert response.status_code == 200
    body = response.json()
    assert body["level"] == "red"
    [change] = body["level_changes"]
    assert (change["from_level"], change["to_level"], change["changed_by"]) == ("yellow", "red", "tovholder")
    changed_at = datetime.datetime.fromisoformat(change["changed_at"])
    deadline = datetime.datetime.fromisoformat(body["meeting_deadline"])
    assert abs(deadline - changed_at - datetime.timedelta(hours=24)) < datetime.timedelta(seconds=5)
    police_seat = body["seats"][0]
    assert police_seat["state"] == "waiting" and police_seat["round"] == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"level": "red", "rationale": "x"}, "level", "Aktiveringen er allerede på dette niveau."),
        ({"level": "green", "rationale": "x"}, "level", "Vælg gul eller rød"),
        ({"level": "purple", "rationale": "x"}, "level", "Vælg gul eller rød"),
        ({"level": "yellow", "rationale": " "}, "rationale", "Giv en kort begrundelse"),
        ({"level": "yellow"}, "rationale", "Dette felt er påkrævet."),
    ],
)
def test_bad_level_change_is_refused_and_nothing_changes(api, data, field, message):
    activation = api.activation()
    before = Notification.objects.count()
    response = api.coordinator.post(f"/api/v1/activations/{activation['id']}/level", data, content_type=JSON)
    assert response.status_code == 422
    assert message in details(response)[field]
    assert Activation.objects.get().level == "red" and not LevelChange.objects.exists()
    assert Notification.objects.count() == before


def test_only_fixed_members_change_the_level_or_close(api):
    activation = api.activation()
    level = api.substitute.post(
        f"/api/v1/activations/{activation['id']}/level", {"level": "yellow", "rationale": "x"}, content_type=JSON
    )
    close = api.substitute.post(f"/api/v1/activations/{activation['id']}/close", {"summary": "x"}, content_type=JSON)
    assert level.status_code == close.status_code == 403
    assert details(close) == {None: "Kun planens faste medlemmer kan gøre dette."}
    assert (
        api.stranger.post(
            f"/api/v1/activations/{activation['id']}/close", {"summary": "x"}, content_type=JSON
        ).status_code
        == 404
    )
    assert Activation.objects.get().state == "active"


def test_closing_and_closing_twice(api):
    activation = api.activation()
    url = f"/api/v1/activations/{activation['id']}/close"
    missing = api.coordinator.post(url, {"summary": ""}, content_type=JSON)
    assert details(missing) == {"summary": "Skriv et kort resumé, før du afslutter."}
    cpr = api.coordinator.post(url, {"summary": "Beboer 010190-1234 flyttet"}, content_type=JSON)
    assert "CPR-nummer" in details(cpr)["summary"]
    assert Activation.objects.get().state == "active"

    closed = api.coordinator.post(url, {"summary": "Roligt igen"}, content_type=JSON)
    assert closed.status_code == 200
    body = closed.json()
    assert body["state"] == "closed" and body["closed_by"] == "tovholder" and body["summary"] == "Roligt igen"
    assert all(seat["next_escalation_at"] is None for seat in body["seats"])

    again = api.coordinator.post(url, {"summary": "Igen"}, content_type=JSON)
    assert again.status_code == 422
    assert details(again) == {None: "Aktiveringen er allerede lukket."}
    assert Activation.objects.get().summary == "Roligt igen"
    assert TimelineEntry.objects.filter(kind="closed").count() == 1
    level = api.coordinator.post(
        url.replace("close", "level"), {"level": "yellow", "rationale": "x"}, content_type=JSON
    )
    assert details(level) == {None: "Aktiveringen er afsluttet."}


# --- reading --------------------------------------------------------------------------------------------


def test_reading_an_activation_shows_seats_deadline_and_overdue(api, django_assert_max_num_queries):
    for i in range(5):  # more seats cost no more queries
        factories.member(plan=api.plan, name=f"Ekstra {i}")
    incident = api.crisis.incident()
    activated_at = (timezone.now() - datetime.timedelta(hours=30)).replace(microsecond=0)
    activation = flows.activation_activate(
        actor=api.crisis.police_user,
        incident=incident,
        level="red",
        rationale="Skyderi",
        police_consulted=True,
        police_contact="Vagtchef",
        now=activated_at,
    )
    api.substitute.get("/api/v1/activations")  # the token's first use is noted once
    # The token, the activation with its incident, then seats, timeline and level changes.
    with django_assert_max_num_queries(6):
        response = api.substitute.get(f"/api/v1/activations/{activation.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["overdue"] is True
    assert datetime.datetime.fromisoformat(body["meeting_deadline"]) == activated_at + datetime.timedelta(hours=24)
    assert body["incident"]["description"] == "Skud affyret ved blok 22, en person såret (fortrolig detalje)"
    assert [s["state"] for s in body["seats"]] == ["waiting", "waiting", "unreachable"] + ["waiting"] * 5
    assert api.stranger.get(f"/api/v1/activations/{activation.pk}").status_code == 404


def test_listing_activations_filters_by_state_and_plan_in_constant_queries(api, django_assert_max_num_queries):
    first = api.activation()
    for _ in range(4):
        api.activation(level="yellow")
    api.coordinator.post(f"/api/v1/activations/{first['id']}/close", {"summary": "Slut"}, content_type=JSON)
    other_plan = factories.plan(name="Anden plan")
    outsider = factories.user(username="andenplan")
    factories.member(plan=other_plan, name="Anne Anden", login=outsider)
    api.police.get("/api/v1/activations")  # the token's first use is noted once
    # The token and one query for the activations with plan, incident, type, area and who activated.
    with django_assert_max_num_queries(2):
        response = api.police.get("/api/v1/activations")
    rows = response.json()
    assert len(rows) == 5
    assert rows[0]["plan"] == {"id": api.plan.pk, "name": api.plan.name}
    assert rows[0]["incident"]["incident_type"]["code"] == "shooting" and rows[0]["overdue"] is False
    assert [r["id"] for r in api.police.get("/api/v1/activations?state=closed").json()] == [first["id"]]
    assert len(api.police.get("/api/v1/activations?state=active").json()) == 4
    assert len(api.police.get(f"/api/v1/activations?plan={api.plan.pk}").json()) == 5
    assert api.police.get(f"/api/v1/activations?plan={other_plan.pk}").json() == []
    assert token_client(outsider).get("/api/v1/activations").json() == []
    assert api.stranger.get("/api/v1/activations").json() == []
    assert len(api.admin.get("/api/v1/activations").json()) == 5
    bad = api.police.get("/api/v1/activations?state=slut")
    assert bad.status_code == 422 and "Vælg en af" in details(bad)["state"]


def test_the_timeline_lists_every_step_in_order(api):
    activation = api.activation()
    api.police.post(f"/api/v1/activations/{activation['id']}/acknowledge")
    api.coordinator.post(
        f"/api/v1/activations/{activation['id']}/level", {"level": "yellow", "rationale": "Roligere"}, content_type=JSON
    )
    api.coordinator.post(f"/api/v1/activations/{activation['id']}/close", {"summary": "Slut"}, content_type=JSON)
    response = api.substitute.get(f"/api/v1/activations/{activation['id']}/timeline")
    assert response.status_code == 200
    entries = response.json()
    kinds = [e["kind"] for e in entries]
    assert kinds[0] == "activated" and kinds[-2:] == ["closed", "evaluation_requested"]
    assert kinds.index("acknowledged") < kinds.index("level_changed")
    assert "unreachable" in kinds and "fallback_shown" in kinds
    assert entries[0]["actor"] == "politi" and entries[0]["text"].startswith("Aktiveret på niveau")
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
    assert api.stranger.get(f"/api/v1/activations/{activation['id']}/timeline").status_code == 404


# --- two members at the same moment ---------------------------------------------------------------------


def _at_once(*calls):
    """Run each call in its own thread with its own database connection, released together."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            start.wait(5)
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_members_activating_at_the_same_moment_through_the_api_make_one_activation():
    api = Api()
    for _ in range(3):
        incident_id = api.incident()
        police, coordinator = _at_once(
            lambda incident_id=incident_id: api.activate(incident_id),
            lambda incident_id=incident_id: api.activate(incident_id, client=api.coordinator, level="yellow"),
        )
        answers = sorted([police, coordinator], key=lambda r: r.status_code)
        assert [r.status_code for r in answers] == [201, 409]
        created, refused = answers[0].json(), answers[1].json()
        assert refused["activation_id"] == created["id"]
        assert f"af {created['activated_by']} kl." in refused["detail"][0]["message"]
        activation = Activation.objects.get(incident_id=incident_id)
        assert activation.pk == created["id"] and activation.seats.count() == 3
        assert activation.timeline.filter(kind="activated").count() == 1
    assert Activation.objects.count() == 3


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_a_retried_incident_post_racing_the_first_gives_the_same_incident():
    api = Api()
    key = str(uuid.uuid4())
    data = api.incident_data()

    def post():
        return api.police.post(
            f"/api/v1/plans/{api.plan.pk}/incidents", data, content_type=JSON, headers={"Idempotency-Key": key}
        )

    first, second = _at_once(post, post)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Incident.objects.count() == 1
