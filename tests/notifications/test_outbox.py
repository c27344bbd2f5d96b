"""The outbox itself: written with the caller's transaction, one row per key, one send per row, recovery."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from boligsocial.directory.models import Phone, PhoneKind
from boligsocial.notifications import services
from boligsocial.notifications.models import Channel, ErrorCode, Notification, State
from boligsocial.notifications.signals import notification_finished
from boligsocial.notifications.tasks import deliver_notification
from boligsocial.plans import services as plan_services
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

needs_row_locks = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="Concurrent writers need PostgreSQL: SQLite's shared in-memory test database reports lock "
    "conflicts instead of waiting, so racing claims cannot be run there.",
)


def _sms(person, source, **extra):
    return services.notification_enqueue(
        recipient=person,
        channel=Channel.SMS,
        subject="Beredskab aktiveret",
        body="Beredskab RØD: skyderi, Vestparken.",
        source=source,
        **extra,
    )


def _in_thread(target, *args):
    """Run `target` in a thread with its own database connection, as a second worker process would."""
    results = []

    def run():
        try:
            results.append(target(*args))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, results


# --- enqueue ------------------------------------------------------------------------------------------------


def test_rollback_enqueues_and_sends_nothing(gateway, person, source, run_worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        _sms(person, source)
        raise RuntimeError("the activation failed")

    assert Notification.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    assert run_worker() == 0
    assert gateway.requests == []


def test_the_task_is_enqueued_only_when_the_transaction_commits(person, source):
    with transaction.atomic():
        notification = _sms(person, source)
        assert DBTaskResult.objects.count() == 0
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs == {"args": [notification.pk], "kwargs": {}}
    assert task.priority == 50


@pytest.mark.django_db
def test_same_key_twice_gives_one_row_and_one_task(person, source, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _sms(person, source)
        second = _sms(person, source)

    assert second.pk == first.pk
    assert Notification.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    # A new escalation round is a new message.
    assert _sms(person, source, round=1).pk != first.pk


@pytest.mark.django_db
def test_no_address_is_refused_naming_the_field(source):
    nobody = plan_services.person_create(actor=None, name="Uden Telefon", organisation=factories.organisation())
    with pytest.raises(ValidationError) as exc:
        _sms(nobody, source)
    assert "Uden Telefon" in exc.value.message_dict["address"][0]
    assert "ingen adresse" in exc.value.message_dict["address"][0]


@pytest.mark.django_db
@pytest.mark.django_db
def test_unknown_channel_is_refused(person, source):
    with pytest.raises(ValidationError) as exc:
        services.notification_enqueue(recipient=person, channel="fax", subject="x", body="x", source=source)
    assert "Ukendt kanal" in exc.value.message_dict["channel"][0]


@pytest.mark.django_db
def test_a_very_long_email_address_still_gives_a_key_that_fits(person, source, django_capture_on_commit_callbacks):
    address = "a" * 60 + "@" + "b" * 180 + ".dk"
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notification_enqueue(
            recipient=person, channel=Channel.EMAIL, address=address, subject="x", body="x", source=source
        )
    assert len(notification.idempotency_key) <= 200
    assert notification.address == address


def test_fan_out_uses_every_working_channel_and_reports_the_unreachable(
    person, source, django_capture_on_commit_callbacks
):
    Phone.objects.create(person=person, number="+4524997225", kind=PhoneKind.MOBILE, position=1)
    landline_only = plan_services.person_create(
        actor=None, name="Fastnet", organisation=factories.organisation(), phones=["72 99 40 76"]
    )
    landline_only.phones.update(kind=PhoneKind.WORK)
    nobody = plan_services.person_create(actor=None, name="Ingen Kanal", organisation=factories.organisation())

    with django_capture_on_commit_callbacks(execute=True):
        result = services.notifications_enqueue_for_people(
            recipients=[person, landline_only, nobody],
            subject="Beredskab aktiveret",
            body="Rød",
            link="https://beredskab.example/k/1",
            source=source,
        )

    sent_to = sorted((n.recipient.name, n.channel, n.address) for n in result.notifications)
    assert sent_to == [
        ("Fastnet", "sms", "+4572994076"),
        ("Maria Hansen", "email", "maria@bs.example"),
        ("Maria Hansen", "inapp", str(person.user_id)),
        ("Maria Hansen", "sms", "+4520995535"),
        ("Maria Hansen", "sms", "+4524997225"),
    ]
    assert result.unreachable == [nobody]
    # One task sends the five, each row claimed and recorded on its own (NOTIFICATION_TASK_BATCH).
    [task] = DBTaskResult.objects.all()
    assert sorted(task.args_kwargs["args"][0]) == sorted(n.pk for n in result.notifications)


# --- delivery -----------------------------------------------------------------------------------------------


def test_retry_delays_double_from_30_seconds_and_are_capped(settings):
    settings.NOTIFICATION_RETRY_MAX_DELAY_SECONDS = 900
    assert [services.retry_delay(n) for n in range(1, 8)] == [30, 60, 120, 240, 480, 900, 900]


def test_a_second_delivery_while_the_first_is_sending_sends_nothing(gateway, person, source):
    notification = _sms(person, source)
    gateway.hold.clear()  # the gateway keeps the first request waiting

    first, results = _in_thread(lambda: services.notification_deliver(notification_id=notification.pk))
    assert gateway.arrived.wait(5)
    assert services.notification_deliver(notification_id=notification.pk) == "skipped"
    gateway.hold.set()
    first.join(5)

    assert results == [State.SENT]
    assert len(gateway.accepted) == 1
    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert notification.attempts == 1


@needs_row_locks
def test_racing_deliveries_of_one_row_send_once(gateway, person, source):
    notification = _sms(person, source)
    start = threading.Barrier(6)

    def deliver():
        start.wait(5)
        return services.notification_deliver(notification_id=notification.pk)

    threads = [_in_thread(deliver) for _ in range(6)]
    for thread, _ in threads:
        thread.join(10)

    outcomes = sorted(r for _, results in threads for r in results)
    assert outcomes == ["sent"] + ["skipped"] * 5
    assert len(gateway.accepted) == 1


@needs_row_locks
def test_two_workers_on_one_database_send_every_message_once(gateway, source, run_worker):
    people = [
        plan_services.person_create(
            actor=None,
            name=f"Medlem {i}",
            organisation=factories.organisation(),
            phones=[f"+45201300{i:02d}"],
        )
        for i in range(20)
    ]
    with transaction.atomic():
        notifications = [_sms(p, source) for p in people]
        # A duplicate task for every row, as a recovery sweep may leave behind.
        for n in notifications:
            transaction.on_commit(lambda n=n: deliver_notification.enqueue(n.pk))

    workers = [_in_thread(run_worker), _in_thread(run_worker)]
    for thread, _ in workers:
        thread.join(30)

    # Every task ran: the two batch tasks of the fan-out (ten rows each) and the twenty duplicates.
    assert sum(r for _, results in workers for r in results) == DBTaskResult.objects.count() == 22
    assert sorted(p["userref"] for p in gateway.accepted) == sorted(n.idempotency_key for n in notifications)
    assert set(Notification.objects.values_list("state", flat=True)) == {State.SENT}


def test_an_error_inside_a_transport_is_retried_not_left_sending(person, source, run_worker, settings):
    settings.NOTIFICATION_TRANSPORTS = {"sms": "tests.notifications.test_outbox.BrokenTransport"}
    notification = _sms(person, source)

    run_worker()

    notification.refresh_from_db()
    assert notification.state == State.FAILED_RETRYING
    assert "KeyError" in notification.last_error


class BrokenTransport:
    def send(self, notification):
        return {}["bug"]


def test_cancelled_rows_are_not_sent(gateway, person, source, run_worker):
    notification = _sms(person, source)
    other = _sms(person, source, round=1)

    assert services.notifications_cancel(source=source, recipient=person, round=0) == 1
    run_worker()

    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.state == State.CANCELLED
    assert other.state == State.SENT
    assert len(gateway.accepted) == 1


def test_finished_signal_after_sent_and_after_permanent_failure(gateway, person, source, run_worker):
    seen = []

    def listener(sender, notification, **kwargs):
        seen.append((notification.address, notification.state))

    notification_finished.connect(listener)
    try:
        gateway.invalid.add(4524997225)
        _sms(person, source)
        _sms(person, source, address="+4524997225")
        run_worker()
    finally:
        notification_finished.disconnect(listener)

    assert sorted(seen) == [("+4520995535", State.SENT), ("+4524997225", State.FAILED_PERMANENT)]


# --- recovery -----------------------------------------------------------------------------------------------


def test_row_of_a_killed_worker_is_requeued_after_the_lease_and_sent_once(
    gateway, person, source, run_worker, settings
):
    settings.NOTIFICATION_SENDING_LEASE_SECONDS = 120
    notification = _sms(person, source)
    # A worker claims the row and is killed before it sends anything.
    claimed = services.notification_claim(notification_id=notification.pk)
    assert claimed.state == State.SENDING
    assert run_worker() == 1  # the original task finds the row taken and leaves it
    assert gateway.requests == []

    assert services.notifications_requeue_stale() == 0  # within the lease: maybe still sending
    later = claimed.claimed_at + datetime.timedelta(seconds=121)
    assert services.notifications_requeue_stale(now=later) == 1

    notification.refresh_from_db()
    assert notification.state == State.FAILED_RETRYING
    assert notification.last_error_code == ErrorCode.INTERRUPTED
    run_worker()
    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert notification.attempts == 2
    assert len(gateway.accepted) == 1


def test_a_late_failure_from_a_worker_whose_lease_ran_out_does_not_overwrite(gateway, person, source, run_worker):
    notification = _sms(person, source)
    stale = services.notification_claim(notification_id=notification.pk)
    services.notifications_requeue_stale(now=stale.claimed_at + datetime.timedelta(hours=1))
    run_worker()  # the re-queued row is sent

    from boligsocial.notifications.transports import TransportError

    assert services._record_failure(stale, TransportError("late")) == "superseded"
    notification.refresh_from_db()
    assert notification.state == State.SENT


def test_a_due_row_whose_task_was_lost_gets_a_new_one(gateway, person, source, run_worker, settings):
    settings.NOTIFICATION_LOST_TASK_GRACE_SECONDS = 120
    notification = _sms(person, source)
    DBTaskResult.objects.all().delete()  # the process stopped between the commit and the enqueue
    assert run_worker() == 0

    assert services.notifications_requeue_stale() == 0
    later = notification.next_attempt_at + datetime.timedelta(seconds=121)
    assert services.notifications_requeue_stale(now=later) == 1
    run_worker()

    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert len(gateway.accepted) == 1


def test_requeue_command_runs_the_service(person, source, settings):
    from django.core.management import call_command

    settings.NOTIFICATION_SENDING_LEASE_SECONDS = 0
    notification = _sms(person, source)
    services.notification_claim(notification_id=notification.pk)

    call_command("notifications_requeue_stale", verbosity=0)

    notification.refresh_from_db()
    assert notification.state == State.FAILED_RETRYING
