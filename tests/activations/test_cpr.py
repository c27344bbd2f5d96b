"""Every free text written in an activation is checked for CPR numbers, with a Danish refusal on the field."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from boligsocial.activations import flows, services
from boligsocial.activations.models import Activation, ActivationRequest, Incident, LevelChange, TimelineEntry

pytestmark = pytest.mark.django_db

CPR = "Beboeren 010190-1234 var involveret"
WHEN = datetime.datetime(2026, 4, 1, 14, 0, tzinfo=datetime.UTC)


def _refusal(exc: pytest.ExceptionInfo, field: str) -> str:
    message = exc.value.message_dict[field][0]
    assert "CPR-nummer" in message and "010190-****" in message and "1234" not in message
    return message


def _activate(crisis, **extra):
    data = {"rationale": "Skyderi", "police_consulted": True, "police_contact": "Vagtchefen"} | extra
    return flows.activation_activate(actor=crisis.police_user, incident=crisis.incident(), level="red", **data)


@pytest.mark.parametrize(
    "field, extra",
    [
        ("rationale", {"rationale": CPR}),
        ("police_contact", {"police_contact": CPR}),
        ("police_advice", {"police_advice": CPR}),
        ("no_police_reason", {"police_consulted": False, "police_contact": "", "no_police_reason": CPR}),
    ],
)
def test_activating_with_a_cpr_number_is_refused_on_the_field(crisis, field, extra):
    with pytest.raises(ValidationError) as exc:
        _activate(crisis, **extra)
    _refusal(exc, field)
    assert not Activation.objects.exists() and not TimelineEntry.objects.exists()


def test_a_level_change_rationale_with_a_cpr_number_is_refused(crisis):
    activation = _activate(crisis)
    with pytest.raises(ValidationError) as exc:
        flows.activation_change_level(actor=crisis.police_user, activation=activation, level="yellow", rationale=CPR)
    _refusal(exc, "rationale")
    activation.refresh_from_db()
    assert activation.level == "red" and not LevelChange.objects.exists()


def test_a_closing_summary_with_a_cpr_number_is_refused(crisis):
    activation = _activate(crisis)
    with pytest.raises(ValidationError) as exc:
        flows.activation_close(actor=crisis.police_user, activation=activation, summary=CPR)
    _refusal(exc, "summary")
    activation.refresh_from_db()
    assert activation.state == "active" and activation.summary == ""


def test_a_request_message_with_a_cpr_number_is_refused(crisis):
    incident = crisis.incident(actor=crisis.substitute_user)
    with pytest.raises(ValidationError) as exc:
        flows.request_file(actor=crisis.substitute_user, incident=incident, proposed_level="red", message=CPR)
    _refusal(exc, "message")
    assert not ActivationRequest.objects.exists()


def test_a_decline_reason_with_a_cpr_number_is_refused(crisis):
    incident = crisis.incident(actor=crisis.substitute_user)
    request = flows.request_file(actor=crisis.substitute_user, incident=incident, proposed_level="red", message="Hjælp")
    with pytest.raises(ValidationError) as exc:
        services.request_decline(actor=crisis.police_user, request=request, reason=CPR)
    _refusal(exc, "decline_reason")
    request.refresh_from_db()
    assert request.state == "open"


def test_reported_by_with_a_cpr_number_is_refused(crisis):
    with pytest.raises(ValidationError) as exc:
        services.incident_create(
            actor=crisis.police_user,
            plan=crisis.plan,
            incident_type=crisis.plan.incident_types.get(code="arson"),
            area=crisis.area,
            occurred_at=WHEN,
            description="Brand i kælderen",
            reported_by=CPR,
        )
    _refusal(exc, "reported_by")
    assert not Incident.objects.exists()


def test_the_activation_page_shows_the_refusal_at_the_field_and_saves_nothing(client, crisis):
    client.force_login(crisis.police_user)
    url = reverse("activations:incident_new", args=[crisis.plan.pk])
    response = client.post(
        url,
        {
            "incident_type": crisis.plan.incident_types.get(code="shooting").pk,
            "area": crisis.area.pk,
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "description": "Skud ved blok 22",
            "source": "police",
            "level": "red",
            "rationale": "Skyderi",
            "police_consulted": "on",
            "police_contact": "Vagtchefen",
            "police_advice": CPR,
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 200
    assert "Skriv ikke CPR-numre her" in response.text
    assert response.context["form"].errors["police_advice"]
    assert not Incident.objects.exists() and not Activation.objects.exists()
