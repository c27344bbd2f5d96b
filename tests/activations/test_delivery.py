"""End to end: an activation through the API reaches every fixed member by email and SMS.

Nothing is mocked: the alerts the activation writes to the outbox are sent by django_tasks_db's own worker to a
real SMTP server on loopback (aiosmtpd) and to an HTTP server on loopback that speaks GatewayAPI's /rest/mtsms;
a member then acknowledges with the link from their SMS, without signing in."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from boligsocial.activations.models import Activation, Seat, SeatState
from boligsocial.notifications.models import Channel, Notification, State
from boligsocial.plans import services as plan_services
from tests import factories
from tests.api.conftest import token_client

from .conftest import seed_incident_types

# Transactional, so the outbox's on-commit enqueueing happens.
pytestmark = pytest.mark.django_db(transaction=True)

JSON = "application/json"
MEMBERS = 4
ACK_LINK = re.compile(r"https?://\S+/activations/ack/(?P<token>[^/\s]+)/")


def _plan_with_fixed_members():
    """A plan whose fixed members each have an email address, a mobile phone and a login; the first coordinates."""
    seed_incident_types()  # an earlier transactional test's flush removed them
    plan = factories.plan(name="Beredskabsplan Vestby")
    members = []
    for i in range(MEMBERS):
        person = plan_services.person_create(
            actor=None,
            name=f"Medlem {i}",
            organisation=factories.organisation(),
            email=f"medlem{i}@bs.example",
            phones=[f"20 99 41 {i:02d}"],
        )
        person.user = factories.user(username=f"medlem{i}")
        person.save(update_fields=["user"])
        plan_services.membership_save(
            actor=None, plan=plan, person=person, contact_priority=i + 1, is_coordinator=i == 0
        )
        members.append(person)
    return plan, members


def _activate_through_the_api(plan, member) -> int:
    client = token_client(member.user)
    incident = client.post(
        f"/api/v1/plans/{plan.pk}/incidents",
        {
            "incident_type": "shooting",
            "area": plan.areas.get().pk,
            "occurred_at": timezone.now().isoformat(),
            "description": "Skud affyret ved blok 3",
        },
        content_type=JSON,
    )
    assert incident.status_code == 201, incident.json()
    activation = client.post(
        f"/api/v1/incidents/{incident.json()['id']}/activation",
        {"level": "red", "rationale": "Skyderi", "police_consulted": True, "police_contact": "Vagtchefen"},
        content_type=JSON,
    )
    assert activation.status_code == 201, activation.json()
    return activation.json()["id"]


def _alerts(channel: str):
    return Notification.objects.filter(source_type__model="seat", channel=channel)


def _assert_every_member_reached_once(members, smtp_server, gateway):
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(p.email for p in members)
    assert sorted(r["msisdn"] for p in gateway.accepted for r in p["recipients"]) == [
        4520994100 + i for i in range(MEMBERS)
    ]
    assert set(_alerts(Channel.EMAIL).values_list("state", flat=True)) == {State.SENT}
    assert set(_alerts(Channel.SMS).values_list("state", flat=True)) == {State.SENT}
    assert set(_alerts(Channel.INAPP).values_list("state", flat=True)) == {State.SENT}


def test_activation_reaches_every_fixed_member_by_email_and_sms(smtp_server, gateway, run_worker):
    smtp_server.start()
    plan, members = _plan_with_fixed_members()
    activation_id = _activate_through_the_api(plan, members[1])
    assert not smtp_server.messages and not gateway.requests, "nothing is sent inside the request"

    run_worker()

    _assert_every_member_reached_once(members, smtp_server, gateway)
    for message in smtp_server.messages:
        assert message["Subject"].strip().startswith("Beredskab aktiveret: RØD")
        assert ACK_LINK.search(message.get_content())
        assert "blok 3" not in message.get_content(), "details stay behind sign-in"
    for payload in gateway.accepted:
        assert "RØD" in payload["message"] and ACK_LINK.search(payload["message"])
        assert "blok 3" not in payload["message"]

    # A member acknowledges with the link from their SMS, on a phone, without signing in.
    sms = next(p for p in gateway.accepted if p["recipients"][0]["msisdn"] == 4520994102)
    token = ACK_LINK.search(sms["message"])["token"]
    answer = Client().post(f"/api/v1/ack/{token}")
    assert answer.status_code == 200 and answer.json()["acknowledged_by"] == "Medlem 2"
    seat = Seat.objects.get(activation_id=activation_id, person=members[2])
    assert seat.state == SeatState.ACKNOWLEDGED
    assert Activation.objects.get().seats.filter(state=SeatState.WAITING).count() == MEMBERS - 1


def test_mail_server_down_and_sms_gateway_answering_500_deliver_everything_once_later(
    smtp_server, gateway, run_worker, make_due
):
    gateway.script.append("500")  # the first SMS request is refused; the mail server is not started yet
    plan, members = _plan_with_fixed_members()
    _activate_through_the_api(plan, members[0])

    run_worker()

    assert set(_alerts(Channel.EMAIL).values_list("state", flat=True)) == {State.FAILED_RETRYING}
    [refused] = _alerts(Channel.SMS).filter(state=State.FAILED_RETRYING)
    assert "500" in refused.last_error
    assert _alerts(Channel.SMS).filter(state=State.SENT).count() == MEMBERS - 1
    assert len(gateway.accepted) == MEMBERS - 1 and not smtp_server.messages

    smtp_server.start()
    make_due()
    run_worker()

    _assert_every_member_reached_once(members, smtp_server, gateway)
    assert len(gateway.requests) == MEMBERS + 1
    refused.refresh_from_db()
    assert refused.attempts == 2
    # Nothing more is sent when the worker runs again (the activation's escalation check finds nothing due yet).
    make_due()
    run_worker()
    assert len(smtp_server.messages) == MEMBERS and len(gateway.accepted) == MEMBERS
