"""What an activation costs as the plan grows (docs/performance.md), and when a permanently failed alert makes a
seat unreachable and when it does not."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boligsocial.activations import flows
from boligsocial.activations.models import SeatState
from boligsocial.notifications.models import ErrorCode, Notification, State
from tests import factories

pytestmark = pytest.mark.django_db


def _activate(crisis, incident=None):
    return flows.activation_activate(
        actor=crisis.police_user,
        incident=incident or crisis.incident(),
        level="red",
        rationale="Skyderi",
        police_consulted=True,
        police_contact="Vagtchefen",
    )


def _queries_to_activate(crisis) -> int:
    with CaptureQueriesContext(connection) as queries:
        _activate(crisis)
    return len(queries)


def test_the_queries_of_an_activation_do_not_grow_with_the_members(crisis):
    few = _queries_to_activate(crisis)
    for i in range(30):
        factories.member(plan=crisis.plan, name=f"Ekstra {i}", phones=[f"2099{i:04d}"], contact_priority=10 + i)
    many = _queries_to_activate(crisis)
    # 30 more members, 60 more messages: the same reads and bulk writes (the tasks follow on commit, batched).
    assert many - few <= 2, (few, many)


def _alerts(person, seat, **extra):
    return Notification.objects.filter(recipient=person, source_type__model="seat", source_id=seat.pk, **extra)


def _fail(notification, code=ErrorCode.INVALID_ADDRESS):
    Notification.objects.filter(pk=notification.pk).update(state=State.FAILED_PERMANENT, last_error_code=code)
    notification.refresh_from_db()
    return notification


def test_one_failed_channel_of_several_leaves_the_seat_waiting(crisis):
    activation = _activate(crisis)
    seat = activation.seats.get(person=crisis.police.person)
    sms = _alerts(crisis.police.person, seat).get(channel="sms")
    assert flows.seat_mark_unreachable_if_all_failed(notification=_fail(sms)) is False
    seat.refresh_from_db()
    assert seat.state == SeatState.WAITING


def test_only_the_members_own_alerts_of_the_current_round_count(crisis):
    activation = _activate(crisis)
    seat = activation.seats.get(person=crisis.police.person)
    police_rows = list(_alerts(crisis.police.person, seat))
    for row in police_rows:
        _fail(row)
    # An older round failing says nothing about the current one.
    seat.round = 2
    seat.save(update_fields=["round"])
    assert flows.seat_mark_unreachable_if_all_failed(notification=police_rows[0]) is False
    seat.round = 1
    seat.save(update_fields=["round"])
    # A sent row is not a failure, whatever the others did.
    sent = police_rows[0]
    sent.state = State.SENT
    assert flows.seat_mark_unreachable_if_all_failed(notification=sent) is False
    assert flows.seat_mark_unreachable_if_all_failed(notification=police_rows[1]) is True
    seat.refresh_from_db()
    assert seat.state == SeatState.UNREACHABLE and seat.substitutes_notified
    assert _alerts(crisis.substitute.person, seat, round=1).exists()


def test_an_acknowledged_seat_or_a_closed_activation_is_left_alone(crisis):
    activation = _activate(crisis)
    seat = activation.seats.get(person=crisis.police.person)
    rows = [_fail(n) for n in _alerts(crisis.police.person, seat)]
    flows.seat_acknowledge(seat=seat, person=crisis.police.person)
    assert flows.seat_mark_unreachable_if_all_failed(notification=rows[0]) is False

    other = _activate(crisis, incident=crisis.incident(occurred_at=timezone.now() - datetime.timedelta(hours=1)))
    other_seat = other.seats.get(person=crisis.police.person)
    other_rows = [_fail(n) for n in _alerts(crisis.police.person, other_seat)]
    flows.activation_close(actor=crisis.police_user, activation=other, summary="Afblæst")
    assert flows.seat_mark_unreachable_if_all_failed(notification=other_rows[0]) is False
    other_seat.refresh_from_db()
    assert other_seat.state == SeatState.WAITING


def test_a_substitutes_failed_alert_does_not_make_the_seat_unreachable(crisis):
    activation = _activate(crisis)
    seat = activation.seats.get(person=crisis.police.person)
    flows.activation_escalate(activation_id=activation.pk, now=timezone.now() + datetime.timedelta(hours=1))
    seat.refresh_from_db()
    for row in _alerts(crisis.substitute.person, seat):
        assert flows.seat_mark_unreachable_if_all_failed(notification=_fail(row)) is False
    seat.refresh_from_db()
    assert seat.state == SeatState.WAITING
