"""Closed activations are pseudonymised when their plan's retention period has passed: texts and names go,
figures stay, and the timeline's hash chain still verifies."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from boligsocial.activations import flows
from boligsocial.activations.models import Activation, ActivationRequest, Incident, LevelChange, SeatState
from boligsocial.core.chain import REDACTED_KEY
from boligsocial.core.models import AuditEntry
from boligsocial.core.selectors import chains_verify
from boligsocial.notifications.models import Notification
from boligsocial.privacy.selectors import activations_due_for_retention, retention_cutoff
from boligsocial.privacy.services import retention_apply
from boligsocial.privacy.tasks import apply_retention

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2032, 6, 1, 3, 0, tzinfo=datetime.UTC)


def _closed_activation(crisis, *, closed_years_ago: float, hour: int = 10) -> Activation:
    """A requested, accepted, escalated and closed activation, closed `closed_years_ago` before NOW."""
    incident = crisis.incident(
        actor=crisis.substitute_user, occurred_at=datetime.datetime(2026, 4, 1, hour, tzinfo=datetime.UTC)
    )
    Incident.objects.filter(pk=incident.pk).update(reported_by="Beboer Hansen, blok 22", police_case_number="4100-1")
    request = flows.request_file(
        actor=crisis.substitute_user, incident=incident, proposed_level="yellow", message="Hansen i blok 22 truede"
    )
    activation = flows.request_accept(
        actor=crisis.police_user,
        request=request,
        level="yellow",
        rationale="Trusler mod Hansen",
        police_consulted=True,
        police_contact="Vagtchef Nielsen",
        police_advice="Hold afstand til Hansen",
    )
    flows.activation_change_level(
        actor=crisis.police_user, activation=activation, level="red", rationale="Hansen har et våben"
    )
    seat = activation.seats.get(person=crisis.police.person)
    flows.seat_acknowledge(seat=seat, person=crisis.police.person, actor=crisis.police_user)
    flows.activation_close(actor=crisis.police_user, activation=activation, summary="Hansen blev anholdt")
    closed_at = NOW - datetime.timedelta(days=365.25 * closed_years_ago)
    Activation.objects.filter(pk=activation.pk).update(closed_at=closed_at)
    activation.refresh_from_db()
    return activation


def _figures(activation: Activation) -> dict:
    activation.refresh_from_db()
    incident = activation.incident
    return {
        "level": activation.level,
        "state": activation.state,
        "activated_at": activation.activated_at,
        "closed_at": activation.closed_at,
        "meeting_deadline": activation.meeting_deadline,
        "incident": (incident.incident_type_id, incident.area_id, incident.occurred_at, incident.source),
        "seats": sorted((s.position, s.role, s.state, s.round, s.acknowledged_at) for s in activation.seats.all()),
        "level_changes": list(activation.level_changes.values_list("from_level", "to_level", "changed_at")),
        "timeline": list(activation.timeline.values_list("kind", "at", "actor_id")),
        "messages": sorted(
            Notification.objects.filter(recipient__memberships__plan=activation.plan).values_list(
                "pk", "channel", "state", "round", "created_at"
            )
        ),
    }


def test_an_activation_past_its_retention_loses_texts_and_names_but_keeps_its_figures(crisis):
    activation = _closed_activation(crisis, closed_years_ago=5.1)
    before = _figures(activation)
    timeline_rows = activation.timeline.count()

    result = retention_apply(now=NOW)

    assert result.done == [activation.pk] and result.failed == []
    activation.refresh_from_db()
    assert activation.pseudonymised_at == NOW
    texts = (activation.rationale, activation.police_contact, activation.police_advice, activation.summary)
    assert texts == ("", "", "", "")
    incident = activation.incident
    assert (incident.description, incident.reported_by, incident.police_case_number) == ("", "", "")
    request = ActivationRequest.objects.get(incident=incident)
    assert request.message == "" and request.state == "accepted"
    assert list(LevelChange.objects.values_list("rationale", flat=True)) == [""]
    old_rows = activation.timeline.exclude(kind="pseudonymised")
    assert set(old_rows.values_list("text", flat=True)) == {""}
    assert old_rows.filter(redacted_at=NOW).count() == timeline_rows
    assert not Notification.objects.exclude(body="").filter(recipient__memberships__plan=activation.plan).exists()
    assert not Notification.objects.exclude(address="").filter(recipient__memberships__plan=activation.plan).exists()
    # Nothing that names Hansen (the resident) or Nielsen (the officer) is left anywhere.
    for model, fields in (
        (Incident, ["description", "reported_by"]),
        (Activation, ["rationale", "police_contact", "police_advice", "summary"]),
    ):
        for values in model.objects.values_list(*fields):
            assert not any("Hansen" in v or "Nielsen" in v for v in values)

    after = _figures(activation)
    assert after["timeline"][:-1] == before["timeline"]
    assert after["timeline"][-1][0] == "pseudonymised"
    assert {k: v for k, v in after.items() if k != "timeline"} == {k: v for k, v in before.items() if k != "timeline"}
    assert any(seat[2] == SeatState.ACKNOWLEDGED for seat in after["seats"])

    record = activation.timeline.get(kind="pseudonymised")
    assert sorted(record.data[REDACTED_KEY]) == sorted(old_rows.values_list("pk", flat=True))
    assert "5 år" in record.text
    audit = AuditEntry.objects.get(action="activation.pseudonymise")
    assert audit.target_id == activation.pk and audit.data["timeline_rows"] == timeline_rows
    assert chains_verify().ok


def test_each_plan_has_its_own_retention_and_open_or_recent_activations_stay(crisis):
    recent = _closed_activation(crisis, closed_years_ago=4.9, hour=9)
    old = _closed_activation(crisis, closed_years_ago=5.1, hour=10)
    still_open = flows.activation_activate(
        actor=crisis.police_user,
        incident=crisis.incident(occurred_at=datetime.datetime(2026, 4, 1, 11, tzinfo=datetime.UTC)),
        level="red",
        rationale="Stadig i gang",
        police_consulted=True,
        police_contact="Vagtchefen",
    )
    Activation.objects.filter(pk=still_open.pk).update(activated_at=NOW - datetime.timedelta(days=3000))

    assert list(activations_due_for_retention(now=NOW)) == [old]

    crisis.plan.retention_years = 3
    crisis.plan.save()
    assert retention_apply(now=NOW).done == [old.pk, recent.pk]  # oldest first
    still_open.refresh_from_db()
    assert still_open.pseudonymised_at is None and still_open.rationale == "Stadig i gang"
    # A second run finds nothing left to do.
    assert retention_apply(now=NOW).done == []
    assert AuditEntry.objects.filter(action="activation.pseudonymise").count() == 2


def test_the_cutoff_counts_whole_years_and_29_february_goes_to_28(crisis):
    leap = datetime.datetime(2028, 2, 29, 12, tzinfo=datetime.UTC)
    assert retention_cutoff(years=5, now=leap) == datetime.datetime(2023, 2, 28, 12, tzinfo=datetime.UTC)
    assert retention_cutoff(years=4, now=leap) == datetime.datetime(2024, 2, 29, 12, tzinfo=datetime.UTC)


def test_the_command_lists_in_a_dry_run_and_pseudonymises_otherwise(crisis):
    # The command runs at the real time: closed 20 years before NOW is long enough ago for that too.
    activation = _closed_activation(crisis, closed_years_ago=20)
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert f"{activation.pk}\t{crisis.plan.name}" in out.getvalue() and "1 activation(s) due." in out.getvalue()
    activation.refresh_from_db()
    assert activation.pseudonymised_at is None

    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "1 activation(s) pseudonymised." in out.getvalue()
    activation.refresh_from_db()
    assert activation.pseudonymised_at is not None and activation.summary == ""


def test_the_scheduled_task_applies_the_rule(crisis):
    activation = _closed_activation(crisis, closed_years_ago=20)
    assert apply_retention.call() == {"done": [activation.pk], "failed": []}


def test_the_activation_page_says_it_was_pseudonymised_and_shows_no_old_text(client, crisis):
    activation = _closed_activation(crisis, closed_years_ago=10)
    retention_apply(now=NOW)
    client.force_login(crisis.police_user)
    page = client.get(reverse("activations:detail", args=[activation.pk])).text
    assert "Pseudonymiseret" in page and "(tekst fjernet)" in page
    assert "Hansen" not in page and "Nielsen" not in page


def test_the_retention_period_is_a_plan_setting_shown_in_the_plan(client, crisis):
    client.force_login(crisis.coordinator_user)
    page = client.get(reverse("plans:detail", args=[crisis.plan.pk])).text
    assert "opbevares fuldt ud i 5 år" in page


def test_the_coordinator_sets_the_retention_period_on_the_plan_form(client, crisis):
    from boligsocial.plans.forms import PlanForm

    client.force_login(crisis.coordinator_user)
    url = reverse("plans:edit", args=[crisis.plan.pk])
    data = {k: v for k, v in PlanForm(instance=crisis.plan).initial.items() if v not in (None, False)}
    data["areas"] = [a.pk for a in crisis.plan.areas.all()]
    refused = client.post(url, {**data, "retention_years": "0"})
    assert refused.status_code == 200 and "skal være større end eller lig 1" in refused.text
    assert client.post(url, {**data, "retention_years": "3"}).status_code == 302
    crisis.plan.refresh_from_db()
    assert crisis.plan.retention_years == 3
