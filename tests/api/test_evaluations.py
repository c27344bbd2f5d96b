import datetime

import pytest
from django.utils import timezone

from boligsocial.activations import flows
from boligsocial.activations.models import Evaluation, TimelineEntry
from tests import factories
from tests.activations.conftest import Crisis

from .conftest import details, token_client

pytestmark = pytest.mark.django_db

ANSWERS = {
    "worked": "yes",
    "channels_right": "partly",
    "channels_note": "Beboerne fik brevet for sent.",
    "changes": "Brev samme aften.",
}


@pytest.fixture
def crisis(db):
    return Crisis()


def activate(crisis, level="red"):
    return flows.activation_activate(
        actor=crisis.police_user,
        incident=crisis.incident(),
        level=level,
        rationale="Skyderi",
        police_consulted=True,
        police_contact="Vagtchefen",
    )


def closed(crisis, level="red"):
    return flows.activation_close(actor=crisis.police_user, activation=activate(crisis, level), summary="Slut")


def url(activation, what="evaluation"):
    return f"/api/v1/activations/{activation.pk}/{what}"


def test_read_a_requested_evaluation(crisis):
    activation = closed(crisis)
    body = token_client(crisis.coordinator_user).get(url(activation)).json()
    assert body["activation"] == activation.pk and body["state"] == "requested"
    assert body["plan"] == {"id": crisis.plan.pk, "name": "Beredskabsplan Randers"}
    assert body["requested_from"]["name"] == "Louise Tovholder"
    assert body["overdue"] is False and body["can_submit"] is True and body["worked"] is None
    assert datetime.datetime.fromisoformat(body["due_at"]) == activation.evaluation.due_at


def test_submit_and_read_back(crisis):
    activation = closed(crisis)
    client = token_client(crisis.coordinator_user)
    response = client.post(url(activation), ANSWERS, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "done" and body["worked"] == "yes" and body["channels_right"] == "partly"
    assert body["submitted_by"] == "tovholder" and body["can_submit"] is False
    assert TimelineEntry.objects.filter(activation=activation, kind="evaluation_done").count() == 1
    again = client.post(url(activation), ANSWERS, content_type="application/json")
    assert again.status_code == 422 and "allerede indsendt" in details(again)[None]


def test_submit_by_a_reader_who_is_not_a_fixed_member_is_403_and_a_stranger_404(crisis):
    activation = closed(crisis)
    response = token_client(crisis.substitute_user).post(url(activation), ANSWERS, content_type="application/json")
    assert response.status_code == 403
    stranger = token_client(factories.user())
    assert stranger.post(url(activation), ANSWERS, content_type="application/json").status_code == 404
    assert stranger.get(url(activation)).status_code == 404
    assert Evaluation.objects.get().state == "requested"


@pytest.mark.parametrize(
    ("change", "field", "danish"),
    [
        ({"worked": "maybe"}, "worked", "Vælg en af"),
        ({"notes": "Beboer 010190-1234"}, "notes", "CPR-nummer"),
        ({"extra": 1}, "extra", "Feltet findes ikke."),
    ],
)
def test_bad_input_is_422_on_the_field_in_danish(crisis, change, field, danish):
    activation = closed(crisis)
    response = token_client(crisis.coordinator_user).post(
        url(activation), ANSWERS | change, content_type="application/json"
    )
    assert response.status_code == 422
    errors = details(response)
    assert field in errors
    assert danish in errors[field]
    assert Evaluation.objects.get().state == "requested"


def test_an_open_activation_has_no_evaluation(crisis):
    activation = activate(crisis)
    assert token_client(crisis.coordinator_user).get(url(activation)).status_code == 404


def test_list_per_plan_with_overdue_flag_and_bounded_queries(crisis, django_assert_max_num_queries):
    late = closed(crisis)
    Evaluation.objects.filter(activation=late).update(due_at=timezone.now() - datetime.timedelta(days=1))
    for _ in range(4):
        closed(crisis, "yellow")
    client = token_client(crisis.police_user)
    with django_assert_max_num_queries(12):
        response = client.get(f"/api/v1/plans/{crisis.plan.pk}/evaluations")
    rows = response.json()
    assert len(rows) == 5
    assert [r["activation"] for r in rows if r["overdue"]] == [late.pk]
    assert all(r["can_submit"] for r in rows)
    assert token_client(factories.user()).get(f"/api/v1/plans/{crisis.plan.pk}/evaluations").status_code == 404


def test_operations_are_in_the_schema(crisis):
    paths = token_client(crisis.coordinator_user).get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/activations/{activation_id}/evaluation"]) == {"get", "post"}
    assert "get" in paths["/api/v1/plans/{plan_id}/evaluations"]
    assert "get" in paths["/api/v1/activations/{activation_id}/timeline"]
