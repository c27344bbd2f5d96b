import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from boligsocial.activations import flows
from boligsocial.activations.models import Activation, Incident, Seat, SeatState
from boligsocial.notifications.models import Notification
from boligsocial.plans import services as plan_services

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
WED_1_APRIL_14 = datetime.datetime(2026, 4, 1, 14, 0, tzinfo=CPH)


def activate(crisis, *, level="red", actor=None, now=WED_1_APRIL_14, incident=None, **extra):
    data = {"rationale": "Skyderi, akut", "police_consulted": True, "police_contact": "Vagtchefen"} | extra
    return flows.activation_activate(
        actor=actor or crisis.police_user,
        incident=incident or crisis.incident(),
        level=level,
        now=now,
        **data,
    )


def test_activation_alerts_every_fixed_member_on_each_channel(crisis, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        activation = activate(crisis)
    seats = list(activation.seats.order_by("position"))
    assert [s.person.name for s in seats] == ["Lasse Politi", "Louise Tovholder", "Uden Kanal"]
    police_channels = set(Notification.objects.filter(recipient=crisis.police.person).values_list("channel", flat=True))
    assert police_channels == {"email", "sms", "inapp"}
    assert callbacks, "delivery and escalation are enqueued on commit (outbox)"
    assert activation.timeline.filter(kind="activated").exists()


def test_alert_text_carries_level_type_area_and_link_only(crisis):
    activate(crisis)
    message = Notification.objects.filter(recipient=crisis.police.person, channel="sms").get()
    assert "RØD" in message.subject and "Skyderi" in message.subject
    assert "fortrolig" not in message.subject + message.body
    assert "/activations/ack/" in message.link


def test_red_deadline_is_24_hours_and_yellow_is_three_working_days_over_easter(crisis):
    red = activate(crisis)
    assert red.meeting_deadline == WED_1_APRIL_14 + datetime.timedelta(hours=24)
    yellow = activate(crisis, level="yellow")
    assert yellow.meeting_deadline.astimezone(CPH) == datetime.datetime(2026, 4, 9, 23, 59, tzinfo=CPH)


def test_only_fixed_members_can_activate_and_nothing_is_saved_otherwise(crisis):
    incident = crisis.incident()
    with pytest.raises(PermissionDenied):
        activate(crisis, actor=crisis.substitute_user, incident=incident)
    assert not Activation.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize(
    ("level", "extra", "field"),
    [
        ("green", {}, "level"),
        ("purple", {}, "level"),
        ("red", {"rationale": " "}, "rationale"),
        ("red", {"police_consulted": False, "police_contact": ""}, "no_police_reason"),
    ],
)
def test_bad_activation_input_names_the_field_in_danish(crisis, level, extra, field):
    with pytest.raises(ValidationError) as exc:
        activate(crisis, level=level, **extra)
    assert field in exc.value.message_dict
    assert not Activation.objects.exists()


def test_without_police_a_reason_is_recorded_on_the_timeline(crisis):
    activation = activate(
        crisis,
        police_consulted=False,
        police_contact="",
        no_police_reason="Politiet var ikke til at få fat på",
    )
    assert activation.timeline.filter(kind="police_not_consulted").exists()


def test_second_activation_of_the_same_incident_says_who_activated(crisis):
    incident = crisis.incident()
    activate(crisis, incident=incident)
    with pytest.raises(flows.AlreadyActivated) as exc:
        activate(crisis, actor=crisis.coordinator_user, incident=incident)
    assert "politi" in exc.value.messages[0]
    assert Activation.objects.count() == 1


def test_member_without_channel_is_unreachable_at_once_and_fallback_is_shown(crisis):
    activation = activate(crisis)
    seat = activation.seats.get(person=crisis.silent.person)
    assert seat.state == SeatState.UNREACHABLE
    kinds = list(activation.timeline.values_list("kind", flat=True))
    assert "unreachable" in kinds and "fallback_shown" in kinds
    fallback = activation.timeline.get(kind="fallback_shown")
    assert "114" in fallback.text
    coordinator_alerts = Notification.objects.filter(
        recipient=crisis.coordinator.person, subject__contains="Uden Kanal"
    )
    assert coordinator_alerts.exists()


def test_unacknowledged_member_is_alerted_again_with_the_substitute_after_the_wait(crisis):
    activation = activate(crisis)
    assert not Notification.objects.filter(recipient=crisis.substitute.person).exists()
    assert (
        flows.activation_escalate(activation_id=activation.pk, now=WED_1_APRIL_14 + datetime.timedelta(minutes=5)) == 0
    )
    later = WED_1_APRIL_14 + datetime.timedelta(minutes=11)
    assert flows.activation_escalate(activation_id=activation.pk, now=later) == 3
    seat = activation.seats.get(person=crisis.police.person)
    assert seat.round == 2 and seat.substitutes_notified
    assert Notification.objects.filter(recipient=crisis.substitute.person, round=2).exists()
    assert Notification.objects.filter(recipient=crisis.police.person, round=2).exists()
    # The same due step run again (a second worker) sends nothing twice.
    before = Notification.objects.count()
    assert flows.activation_escalate(activation_id=activation.pk, now=later) == 0
    assert Notification.objects.count() == before


def test_escalation_keeps_going_until_acknowledged(crisis):
    activation = activate(crisis)
    seat = activation.seats.get(person=crisis.police.person)
    now = WED_1_APRIL_14
    for _round in range(3):
        now += datetime.timedelta(minutes=11)
        flows.activation_escalate(activation_id=activation.pk, now=now)
    seat.refresh_from_db()
    assert seat.round == 4
    flows.seat_acknowledge(seat=seat, person=crisis.substitute.person)
    seat.refresh_from_db()
    assert seat.state == SeatState.ACKNOWLEDGED and seat.acknowledged_by == crisis.substitute.person
    flows.activation_escalate(activation_id=activation.pk, now=now + datetime.timedelta(hours=1))
    seat.refresh_from_db()
    assert seat.round == 4


def test_acknowledging_cancels_pending_alerts_and_is_recorded_once(crisis):
    activation = activate(crisis)
    seat = activation.seats.get(person=crisis.police.person)
    assert flows.seat_acknowledge(seat=seat, person=crisis.police.person) == flows.AckResult.ACKNOWLEDGED
    assert flows.seat_acknowledge(seat=seat, person=crisis.police.person) == flows.AckResult.ALREADY
    assert activation.timeline.filter(kind="acknowledged").count() == 1
    assert not Notification.objects.filter(recipient=crisis.police.person, state="queued").exists()


def test_ack_token_is_signed_and_names_only_the_seat_people(crisis):
    activation = activate(crisis)
    seat = activation.seats.get(person=crisis.police.person)
    token = flows.ack_token(seat=seat, person=crisis.substitute.person)
    assert flows.ack_seat_from_token(token=token) == (seat, crisis.substitute.person)
    with pytest.raises(ValidationError):
        flows.ack_seat_from_token(token=token[:-2] + "xx")
    stranger_token = flows.ack_token(seat=seat, person=crisis.coordinator.person)
    with pytest.raises(ValidationError):
        flows.ack_seat_from_token(token=stranger_token)


def test_raising_the_level_recomputes_the_deadline_and_alerts_again(crisis):
    activation = activate(crisis, level="yellow")
    seat = activation.seats.get(person=crisis.police.person)
    flows.seat_acknowledge(seat=seat, person=crisis.police.person)
    changed = flows.activation_change_level(
        actor=crisis.coordinator_user, activation=activation, level="red", rationale="Optrapning"
    )
    assert changed.level == "red"
    assert changed.meeting_deadline - changed.level_changes.get().changed_at < datetime.timedelta(hours=24, seconds=5)
    seat.refresh_from_db()
    assert seat.state == SeatState.WAITING and seat.round == 2
    assert Notification.objects.filter(recipient=crisis.police.person, round=2, subject__contains="RØD").exists()


def test_closing_twice_is_refused(crisis):
    activation = activate(crisis)
    flows.activation_close(actor=crisis.coordinator_user, activation=activation, summary="Roligt igen")
    with pytest.raises(ValidationError) as exc:
        flows.activation_close(actor=crisis.coordinator_user, activation=activation, summary="Igen")
    assert "allerede lukket" in exc.value.messages[0]
    assert not Seat.objects.filter(activation=activation, next_escalation_at__isnull=False).exists()


def test_editing_the_plan_during_a_crisis_does_not_change_the_running_escalation(crisis):
    activation = activate(crisis)
    plan_services.membership_remove(actor=None, plan=crisis.plan, membership=crisis.substitute)
    flows.activation_escalate(activation_id=activation.pk, now=WED_1_APRIL_14 + datetime.timedelta(minutes=11))
    assert Notification.objects.filter(recipient=crisis.substitute.person, round=2).exists()


def test_request_turned_into_activation(crisis):
    requester = crisis.substitute_user
    incident = crisis.incident(actor=requester)
    request = flows.request_file(actor=requester, incident=incident, proposed_level="red", message="Uro")
    fixed_alerted = Notification.objects.filter(source_id=request.pk, subject__contains="Anmodning")
    assert fixed_alerted.exists()
    activation = flows.request_accept(
        actor=crisis.police_user,
        request=request,
        level="red",
        rationale="Bekræftet",
        police_consulted=True,
        police_contact="Vagtchef",
    )
    request.refresh_from_db()
    assert request.state == "accepted" and Incident.objects.get().activation == activation


def test_incident_text_with_a_cpr_number_is_refused(crisis):
    from boligsocial.activations import services

    with pytest.raises(ValidationError) as exc:
        services.incident_create(
            actor=crisis.police_user,
            plan=crisis.plan,
            incident_type=crisis.plan.incident_types.get(code="arson"),
            area=crisis.area,
            occurred_at=WED_1_APRIL_14,
            description="Brand sat af beboer 010190-1234",
        )
    assert "CPR-nummer" in exc.value.message_dict["description"][0]
    assert not Incident.objects.exists()
