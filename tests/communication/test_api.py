import pytest

from boligsocial.activations.models import TimelineEntry
from boligsocial.communication.models import CommunicationEntry, OutreachReport, OutreachTask
from boligsocial.notifications.models import Notification
from tests import factories
from tests.api.conftest import details
from tests.api.conftest import token_client as new_token_client

pytestmark = pytest.mark.django_db

_clients: dict = {}


def token_client(user):
    """One token client per user and test (a user cannot hold two active tokens with the same name)."""
    if user.pk not in _clients:
        _clients[user.pk] = new_token_client(user)
    return _clients[user.pk]


@pytest.fixture(autouse=True)
def _fresh_clients():
    _clients.clear()


def _base(outreach):
    return f"/api/v1/activations/{outreach.activation.pk}"


def test_entry_to_residents_is_refused_without_confirmation_and_recorded_with_it(outreach):
    client = token_client(outreach.coordinator_user)
    body = {"audience": "residents", "channel": "letter", "text": "Kære beboer. Politiet er i området."}
    refused = client.post(f"{_base(outreach)}/communications", body, content_type="application/json")
    assert refused.status_code == 422
    assert details(refused)["confirm_without_police_statement"].startswith(
        "Der er endnu ingen udtalelse fra politiet. Vil du alligevel"
    )
    assert not CommunicationEntry.objects.exists()
    created = client.post(
        f"{_base(outreach)}/communications",
        body | {"confirm_without_police_statement": True},
        content_type="application/json",
    )
    assert created.status_code == 201
    data = created.json()
    assert data["confirmed_without_police_statement"] is True
    # No sender given: the plan's person for residents.
    assert data["sender"].startswith("Louise Tovholder (")
    assert TimelineEntry.objects.filter(kind="published_before_police_statement", data__entry=data["id"]).exists()


def test_police_statement_then_residents_and_the_list(outreach):
    police = token_client(outreach.police_user)
    statement = police.post(
        f"{_base(outreach)}/communications",
        {"kind": "police_statement", "audience": "press", "channel": "press_release", "text": "Politiet efterforsker."},
        content_type="application/json",
    )
    assert statement.status_code == 201 and statement.json()["sender"] == "Lasse Politi (Østjyllands Politi)"
    letter = police.post(
        f"{_base(outreach)}/communications",
        {"audience": "partners", "channel": "email", "sender": "Lasse Politi", "text": "Til orientering."},
        content_type="application/json",
    )
    assert letter.status_code == 201 and letter.json()["confirmed_without_police_statement"] is False
    listed = token_client(outreach.substitute_user).get(f"{_base(outreach)}/communications")
    assert [e["kind"] for e in listed.json()] == ["message", "police_statement"]


def test_log_permissions_in_the_api(outreach):
    body = {"audience": "press", "channel": "phone", "sender": "X", "text": "Y"}
    url = f"{_base(outreach)}/communications"
    substitute = token_client(outreach.substitute_user).post(url, body, content_type="application/json")
    assert substitute.status_code == 403
    assert token_client(outreach.staff_user).get(url).status_code == 404
    assert token_client(factories.user()).post(url, body, content_type="application/json").status_code == 404
    bad = token_client(outreach.police_user).post(
        url, body | {"channel": "pigeon", "text": "CPR 010190-1234"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "channel" in details(bad)
    cpr = token_client(outreach.police_user).post(
        url, body | {"text": "CPR 010190-1234"}, content_type="application/json"
    )
    assert cpr.status_code == 422 and "CPR-nummer" in details(cpr)["text"]
    assert not CommunicationEntry.objects.exists()


def test_filled_template(outreach):
    response = token_client(outreach.coordinator_user).get(f"{_base(outreach)}/communication-templates/press_line")
    assert response.status_code == 200
    assert response.json()["text"].startswith(f"Det boligsociale beredskab for {outreach.area.name} er aktiveret")


def test_outreach_through_the_api(outreach):
    coordinator = token_client(outreach.coordinator_user)
    staff = token_client(outreach.staff_user)
    body = {
        "staff": outreach.staff.pk,
        "groups": [outreach.groups[0].pk, outreach.groups[1].pk],
        "description": "Ring til varmemestrene.",
    }
    assert (
        token_client(outreach.police_user)
        .post(f"{_base(outreach)}/outreach-tasks", body, content_type="application/json")
        .status_code
        == 403
    )
    created = coordinator.post(f"{_base(outreach)}/outreach-tasks", body, content_type="application/json")
    assert created.status_code == 201
    task = created.json()
    assert task["staff"]["name"] == "Oskar Medarbejder"
    assert [t["name"] for t in task["targets"]] == ["Varmemestre", "Fædregruppe"]
    assert Notification.objects.filter(recipient=outreach.staff).exists()

    mine = staff.get("/api/v1/outreach-tasks/mine").json()
    assert [t["id"] for t in mine] == [task["id"]]
    # Of the activation the staff member learns the level, type and area only.
    assert mine[0]["activation"] == {
        "id": outreach.activation.pk,
        "level": "red",
        "incident_type": "Skyderi",
        "area": outreach.area.name,
    }
    assert staff.get(f"{_base(outreach)}/outreach-tasks").status_code == 404
    assert token_client(outreach.other_staff_user).get("/api/v1/outreach-tasks/mine").json() == []
    assert token_client(outreach.other_staff_user).get(f"/api/v1/outreach-tasks/{task['id']}").status_code == 404

    caretakers, fathers = (t["id"] for t in task["targets"])
    report_url = f"/api/v1/outreach-tasks/{task['id']}/reports"
    report = staff.post(
        report_url,
        {"counts": [{"target": caretakers, "contacts": 4}, {"target": fathers, "contacts": 1}], "note": "Roligt"},
        content_type="application/json",
    )
    assert report.status_code == 201
    assert sorted((c["target"], c["contacts"]) for c in report.json()["counts"]) == [(caretakers, 4), (fathers, 1)]
    negative = staff.post(
        report_url, {"counts": [{"target": caretakers, "contacts": -1}]}, content_type="application/json"
    )
    assert negative.status_code == 422 and "counts.0.contacts" in details(negative)
    assert coordinator.post(report_url, {"note": "Hej"}, content_type="application/json").status_code == 403
    assert OutreachReport.objects.count() == 1

    read = staff.get(f"/api/v1/outreach-tasks/{task['id']}").json()
    assert read["total"] == 5 and [t["total"] for t in read["targets"]] == [4, 1]
    listed = coordinator.get(f"{_base(outreach)}/outreach-tasks").json()
    assert listed[0]["reports"][0]["note"] == "Roligt"

    changed = coordinator.patch(
        f"/api/v1/outreach-tasks/{task['id']}", {"groups": [outreach.groups[2].pk]}, content_type="application/json"
    )
    assert changed.status_code == 200
    # Targets with reported contacts stay; Unge i Blok 22 is added.
    assert [t["name"] for t in changed.json()["targets"]] == ["Varmemestre", "Fædregruppe", "Unge i Blok 22"]
    assert changed.json()["description"] == "Ring til varmemestrene."


def test_bad_assignment_ids_answer_on_the_field(outreach):
    coordinator = token_client(outreach.coordinator_user)
    url = f"{_base(outreach)}/outreach-tasks"
    unknown_staff = coordinator.post(
        url, {"staff": 999999, "groups": [outreach.groups[0].pk], "description": "X"}, content_type="application/json"
    )
    assert unknown_staff.status_code == 422
    assert details(unknown_staff) == {"staff": "Der findes ingen person med id 999999, som kan få en opgave."}
    unknown_group = coordinator.post(
        url, {"staff": outreach.staff.pk, "groups": [999999], "description": "X"}, content_type="application/json"
    )
    assert details(unknown_group) == {"groups": "999999 er ikke en af planens målgrupper."}
    assert not OutreachTask.objects.exists()
