"""The meetings API: the same services and permissions as the pages, one error shape, query counts."""

import datetime

import icalendar
import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from boligsocial.activations.selectors import activation_is_overdue
from boligsocial.meetings import services
from boligsocial.meetings.models import Action, Decision, Meeting
from boligsocial.notifications.models import Channel, Notification
from tests.api.conftest import details, token_client

from .conftest import soon

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def api(group):
    """Token clients for the coordinator, the police member, the substitute and an outsider."""

    class Clients:
        coordinator = token_client(group.coordinator_user)
        police = token_client(group.police_user)
        substitute = token_client(group.substitute_user)
        outsider = token_client(group.outsider_user)

    return Clients


def base(group, rest: str) -> str:
    return f"/api/v1/activations/{group.activation.pk}{rest}"


def post(client, url, body):
    return client.post(url, body, content_type=JSON)


def patch(client, url, body):
    return client.patch(url, body, content_type=JSON)


def test_schedule_a_meeting_with_invitations(group, api):
    starts = soon(4)
    response = post(
        api.police,
        base(group, "/meetings"),
        {
            "starts_at": starts.isoformat(),
            "place": "Politistationen",
            "invited": [group.staff.pk],
            "adhoc_resources": [group.fire_pool.pk],
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    meeting = Meeting.objects.get()
    assert body["id"] == meeting.pk and body["state"] == "scheduled" and body["sequence"] == 0
    assert body["calendar_uid"] == f"{meeting.uid}@boligsocial"
    assert datetime.datetime.fromisoformat(body["starts_at"]) == starts
    assert sorted(
        p["person"]["name"] if p["person"] else p["adhoc_resource"]["name"] for p in body["participants"]
    ) == [
        "Brandvæsenet",
        "Lasse Politi",
        "Louise Tovholder",
        "Sofie Medarbejder",
        "Uden Kanal",
    ]
    emails = Notification.objects.filter(source_type=ContentType.objects.get_for_model(Meeting), channel=Channel.EMAIL)
    assert emails.count() == 3
    assert str(icalendar.Calendar.from_ical(emails.first().calendar)["method"]) == "REQUEST"


def test_a_time_without_offset_is_danish_local_time(group, api):
    local = timezone.localtime(soon(4)).replace(tzinfo=None)
    response = post(api.coordinator, base(group, "/meetings"), {"starts_at": local.isoformat(), "place": "Her"})
    assert response.status_code == 201
    assert timezone.localtime(Meeting.objects.get().starts_at).replace(tzinfo=None) == local


def test_schedule_refusals(group, api):
    past = (timezone.now() - datetime.timedelta(hours=2)).isoformat()
    response = post(api.coordinator, base(group, "/meetings"), {"starts_at": past, "place": "Her"})
    assert response.status_code == 422
    assert details(response) == {"starts_at": "Mødet kan ikke indkaldes til et tidspunkt i fortiden."}

    response = post(
        api.coordinator, base(group, "/meetings"), {"starts_at": soon().isoformat(), "invited": [group.stranger.pk]}
    )
    assert response.status_code == 422 and "kan ikke inviteres" in details(response)["invited"]

    response = post(api.substitute, base(group, "/meetings"), {"starts_at": soon().isoformat(), "place": "Her"})
    assert response.status_code == 403
    assert "Kun planens faste medlemmer" in details(response)[None]

    response = post(api.outsider, base(group, "/meetings"), {"starts_at": soon().isoformat(), "place": "Her"})
    assert response.status_code == 404
    assert not Meeting.objects.exists()


def test_reschedule_cancel_and_record(group, api):
    meeting = services.meeting_schedule(
        actor=group.coordinator_user, activation=group.activation, starts_at=soon(), place="Rådhuset"
    )
    url = f"/api/v1/meetings/{meeting.pk}"

    moved = patch(api.coordinator, url, {"place": "Politistationen"})
    assert moved.status_code == 200
    assert moved.json()["place"] == "Politistationen" and moved.json()["sequence"] == 1
    assert patch(api.substitute, url, {"place": "x"}).status_code == 403

    early = post(api.coordinator, f"{url}/record", {"situation": "Roligt"})
    assert early.status_code == 422 and "ikke begyndt" in details(early)["starts_at"]

    meeting.refresh_from_db()
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=30))
    police = meeting.participants.get(person=group.police.person)
    recorded = post(
        api.police,
        f"{url}/record",
        {
            "situation": "Roligt",
            "media": "Stille i pressen",
            "attended": [police.pk],
            "decisions": ["Øget patruljering"],
        },
    )
    assert recorded.status_code == 200, recorded.json()
    body = recorded.json()
    assert body["state"] == "held" and body["record"]["media"] == "Stille i pressen"
    assert [d["text"] for d in body["decisions"]] == ["Øget patruljering"]
    assert {p["person"]["name"]: p["attended"] for p in body["participants"]}["Lasse Politi"] is True
    group.activation.refresh_from_db()
    assert not activation_is_overdue(
        activation=group.activation, now=group.activation.meeting_deadline + datetime.timedelta(hours=1)
    )

    cancelled = post(api.coordinator, f"{url}/cancel", {"cancel_reason": "x"})
    assert cancelled.status_code == 422 and details(cancelled) == {None: "Kun et indkaldt møde kan aflyses."}


def test_cancel_and_list(group, api, django_assert_max_num_queries):
    for i in range(3):
        services.meeting_schedule(
            actor=group.coordinator_user, activation=group.activation, starts_at=soon(2 + i), place=f"Lokale {i}"
        )
    first = Meeting.objects.first()
    cancelled = post(api.coordinator, f"/api/v1/meetings/{first.pk}/cancel", {"cancel_reason": "Afklaret"})
    assert cancelled.json()["state"] == "cancelled" and cancelled.json()["cancel_reason"] == "Afklaret"
    api.substitute.get(base(group, "/meetings"))  # the token's first use is noted once
    with django_assert_max_num_queries(9):
        listed = api.substitute.get(base(group, "/meetings"))
    assert [m["place"] for m in listed.json()] == ["Lokale 0", "Lokale 1", "Lokale 2"]
    assert api.outsider.get(base(group, "/meetings")).status_code == 404


def test_record_a_decision_without_a_meeting(group, api):
    response = post(
        api.coordinator,
        base(group, "/decisions"),
        {
            "text": "Beboerbrev i aften",
            "way": "mail",
            "agreed_by": [group.police.person.pk, group.coordinator.person.pk],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["meeting"] is None and body["way"] == "mail"
    assert sorted(p["name"] for p in body["agreed_by"]) == ["Lasse Politi", "Louise Tovholder"]

    refused = post(api.coordinator, base(group, "/decisions"), {"text": "X", "agreed_by": []})
    assert details(refused) == {"agreed_by": "Vælg de medlemmer, der var enige i beslutningen."}
    refused = post(api.coordinator, base(group, "/decisions"), {"text": "X", "agreed_by": [group.stranger.pk]})
    assert refused.status_code == 422 and "agreed_by" in details(refused)
    refused = post(
        api.coordinator,
        base(group, "/decisions"),
        {"text": "Ring til 010190-1234", "agreed_by": [group.police.person.pk]},
    )
    assert "CPR-nummer" in details(refused)["text"]
    assert Decision.objects.count() == 1
    assert [d["text"] for d in api.substitute.get(base(group, "/decisions")).json()] == ["Beboerbrev i aften"]


def test_actions_create_update_and_list_with_overdue(group, api, django_assert_max_num_queries):
    url = base(group, "/actions")
    no_owner = post(api.coordinator, url, {"title": "Beboerbrev", "deadline": soon().isoformat()})
    assert no_owner.status_code == 422
    assert details(no_owner) == {
        "owner": "Vælg hvem der er ansvarlig for handlingen: et medlem af planen, en medarbejder eller en organisation."
    }
    assert not Action.objects.exists()

    late = post(
        api.coordinator,
        url,
        {
            "title": "Beboerbrev",
            "deadline": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
            "owner_staff": group.staff.pk,
        },
    )
    assert late.status_code == 201, late.json()
    assert late.json()["owner"] == {"kind": "staff", "id": group.staff.pk, "name": "Sofie Medarbejder"}
    assert late.json()["is_overdue"] is True
    decision = services.decision_record(
        actor=group.coordinator_user, activation=group.activation, text="Patruljer", agreed_by=[group.police.person]
    )
    for i in range(3):
        post(
            api.police,
            url,
            {
                "title": f"Patrulje {i}",
                "deadline": soon(5 + i).isoformat(),
                "owner_member": group.police.person.pk,
                "decision": decision.pk,
            },
        )
    wrong = post(api.coordinator, url, {"title": "x", "deadline": soon().isoformat(), "owner_member": group.staff.pk})
    assert wrong.status_code == 422 and "owner_member" in details(wrong)
    assert post(api.substitute, url, {"title": "x", "deadline": soon().isoformat()}).status_code == 403

    api.substitute.get(url)
    with django_assert_max_num_queries(5):
        listed = api.substitute.get(url)
    assert [(a["title"], a["is_overdue"]) for a in listed.json()] == [
        ("Beboerbrev", True),
        ("Patrulje 0", False),
        ("Patrulje 1", False),
        ("Patrulje 2", False),
    ]
    assert {a["decision"] for a in listed.json()[1:]} == {decision.pk}

    action_url = f"/api/v1/actions/{late.json()['id']}"
    done = patch(api.coordinator, action_url, {"status": "done", "owner_organisation": group.fire.pk})
    assert done.status_code == 200, done.json()
    assert done.json()["is_overdue"] is False and done.json()["owner"]["kind"] == "organisation"
    assert done.json()["finished_at"] is not None
    assert patch(api.substitute, action_url, {"status": "open"}).status_code == 403
    assert patch(api.outsider, action_url, {"status": "open"}).status_code == 404
    bad = patch(api.coordinator, action_url, {"status": "later"})
    assert bad.status_code == 422 and "status" in details(bad)


def test_the_operations_are_in_the_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/activations/{activation_id}/meetings" in paths
    assert set(paths["/api/v1/activations/{activation_id}/actions"]) == {"get", "post"}
    assert set(paths["/api/v1/meetings/{meeting_id}"]) == {"get", "patch"}
    assert "/api/v1/meetings/{meeting_id}/record" in paths
    assert "/api/v1/actions/{action_id}" in paths
