"""The fast path of the outbox (docs/performance.md): many rows in a few queries, the tasks of a transaction
enqueued together, a worker's mail connection kept between messages. Each keeps the guarantees: one row per
key, no task for a row that was rolled back, a message only on a connection that answers."""

import contextlib

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from boligsocial.notifications import services
from boligsocial.notifications.models import Channel, ErrorCode, Notification, State
from boligsocial.plans import services as plan_services
from tests import factories
from tests.notifications.conftest import RecordingHandler


def _sms(person, source, **extra):
    return services.notification_enqueue(
        recipient=person, channel=Channel.SMS, subject="Beredskab aktiveret", body="Rød", source=source, **extra
    )


def _task_targets() -> list[int]:
    """The rows the queued tasks will deliver (a task takes one row or a list of them)."""
    targets = []
    for args in DBTaskResult.objects.values_list("args_kwargs", flat=True):
        target = args["args"][0]
        targets += target if isinstance(target, list) else [target]
    return sorted(targets)


# --- many rows at once --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_many_rows_are_written_in_a_few_queries_and_a_key_already_there_gives_that_row(person, source):
    existing = _sms(person, source, round=0)
    built = [
        services.notification_build(recipient=person, channel="sms", subject="s", body="b", source=source, round=r)
        for r in range(600)
    ]
    built.append(services.notification_build(recipient=person, channel=Channel.SMS, subject="s", body="b", round=7))
    built.append(built[7])  # the same key twice in one call

    with CaptureQueriesContext(connection) as queries:
        rows = services.notifications_enqueue_many(notifications=built)

    # Reads of the keys (500 a query) and inserts (as many rows a query as the database takes parameters:
    # 58 on SQLite, 500 on PostgreSQL), and savepoints: not one query per row.
    assert len(queries) <= 20
    assert rows[0].pk == existing.pk
    assert rows[-1].pk == rows[7].pk
    assert [r.idempotency_key for r in rows] == [b.idempotency_key for b in built]
    assert Notification.objects.count() == 601
    assert all(r.pk for r in rows) and {r.state for r in rows} == {State.QUEUED}


@pytest.mark.django_db
def test_a_key_a_concurrent_transaction_wrote_after_the_read_is_settled_row_by_row(person, source, monkeypatch):
    taken = _sms(person, source, round=3)
    built = [
        services.notification_build(recipient=person, channel="sms", subject="s", body="b", source=source, round=r)
        for r in range(6)
    ]
    read = Notification.objects.filter

    def read_missing_the_concurrent_row(*args, **kwargs):
        # The read runs just before the other transaction commits round 3: the bulk insert then hits the key.
        rows = read(*args, **kwargs)
        return rows.exclude(pk=taken.pk) if "idempotency_key__in" in kwargs else rows

    monkeypatch.setattr(Notification.objects, "filter", read_missing_the_concurrent_row)
    rows = services.notifications_enqueue_many(notifications=built)

    assert rows[3].pk == taken.pk
    assert Notification.objects.count() == 6


@pytest.mark.django_db
def test_alerts_give_each_person_their_rows_and_an_empty_list_to_whom_has_no_channel(person, source):
    nobody = plan_services.person_create(actor=None, name="Ingen Kanal", organisation=factories.organisation())
    written = services.notifications_enqueue_alerts(
        alerts=[
            services.Alert(recipient=person, subject="s", body="b", source=source),
            services.Alert(recipient=nobody, subject="s", body="b", source=source),
        ]
    )
    assert [sorted(n.channel for n in rows) for rows in written] == [["email", "inapp", "sms"], []]


# --- the tasks of a transaction, together -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_tasks_of_a_transaction_are_enqueued_by_one_callback_ten_rows_a_task(
    person, source, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        rows = [_sms(person, source, round=r) for r in range(255)]
    assert len(callbacks) == 1
    assert DBTaskResult.objects.count() == 0  # nothing before the commit

    with CaptureQueriesContext(connection) as queries:
        callbacks[0]()

    assert _task_targets() == sorted(r.pk for r in rows)
    tasks = list(DBTaskResult.objects.values_list("task_path", "args_kwargs"))
    assert len(tasks) == 26  # 25 of ten rows, one of five
    assert {path for path, _ in tasks} == {"boligsocial.notifications.tasks.deliver_notifications"}
    checks = [q for q in queries if q["sql"].startswith('SELECT "notifications_notification"."id"')]
    assert len(checks) == 3  # one look at which rows exist per chunk of 100


@pytest.mark.django_db(transaction=True)
def test_a_task_of_several_rows_sends_each_once_and_goes_on_past_a_failure(gateway, person, source, run_worker):
    gateway.invalid.add(4520990002)
    with transaction.atomic():
        rows = [_sms(person, source, address=f"+452099000{i}") for i in range(5)]
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["args"] == [[r.pk for r in rows]]

    run_worker()

    task.refresh_from_db()
    assert task.return_value == {"sent": 4, "failed_permanent": 1}
    assert sorted(p["recipients"][0]["msisdn"] for p in gateway.accepted) == [
        4520990000,
        4520990001,
        4520990003,
        4520990004,
    ]


@pytest.mark.django_db
def test_a_row_rolled_back_with_its_savepoint_gets_no_task(person, source, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kept = _sms(person, source, round=0)
        with contextlib.suppress(RuntimeError), transaction.atomic():
            _sms(person, source, round=1)
            raise RuntimeError("this part is undone")
        later = _sms(person, source, round=2)  # on SQLite, with the id the rolled-back row had

    assert Notification.objects.count() == 2
    assert _task_targets() == sorted([kept.pk, later.pk])


@pytest.mark.django_db(transaction=True)
def test_tasks_of_a_rolled_back_transaction_do_not_leak_into_the_next(person, source):
    with pytest.raises(RuntimeError), transaction.atomic():
        _sms(person, source, round=0)
        raise RuntimeError("the activation failed")
    with transaction.atomic():
        row = _sms(person, source, round=1)
        other = _sms(person, source, round=2)

    assert _task_targets() == sorted([row.pk, other.pk])


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_task_is_enqueued_at_once(person, source):
    row = _sms(person, source)
    assert _task_targets() == [row.pk]


# --- a kept mail connection ---------------------------------------------------------------------------------


class PeerRecordingHandler(RecordingHandler):
    """Also records which client connection each message came over."""

    def __init__(self) -> None:
        super().__init__()
        self.peers: list = []

    async def handle_DATA(self, server, session, envelope):
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def mail(smtp_server):
    smtp_server.handler = PeerRecordingHandler()
    smtp_server.start()
    return smtp_server


def _emails(person, source, count, start=0):
    return [
        services.notification_enqueue(
            recipient=person,
            channel=Channel.EMAIL,
            address=f"medlem{i}@bs.example",
            subject="Beredskab aktiveret",
            body="Rød",
            source=source,
        )
        for i in range(start, start + count)
    ]


pytestmark_mail = pytest.mark.django_db(transaction=True)


@pytestmark_mail
def test_a_worker_sends_its_emails_over_one_kept_connection(mail, person, source, run_worker):
    _emails(person, source, 5)
    run_worker()
    assert len(mail.messages) == 5
    assert len(set(mail.handler.peers)) == 1


@pytestmark_mail
def test_the_connection_is_replaced_after_the_messages_per_connection_limit(mail, person, source, run_worker, settings):
    settings.NOTIFICATION_EMAIL_MESSAGES_PER_CONNECTION = 2
    _emails(person, source, 5)
    run_worker()
    peers = mail.handler.peers
    assert len(peers) == 5
    assert peers[0] == peers[1] != peers[2] == peers[3] != peers[4]


@pytestmark_mail
def test_a_connection_idle_too_long_is_not_reused(mail, person, source, run_worker, settings):
    settings.NOTIFICATION_EMAIL_IDLE_SECONDS = 0
    _emails(person, source, 3)
    run_worker()
    assert len(set(mail.handler.peers)) == 3


@pytestmark_mail
def test_a_connection_the_server_dropped_is_replaced_without_a_failed_attempt(mail, person, source, run_worker):
    _emails(person, source, 1)
    run_worker()
    mail.stop()
    mail.start()  # a restarted mail server: the kept connection is dead, which NOOP finds out

    [second] = _emails(person, source, 1, start=1)
    run_worker()

    second.refresh_from_db()
    assert (second.state, second.attempts, second.last_error_code) == (State.SENT, 1, "")
    assert len(mail.messages) == 2 and len(set(mail.handler.peers)) == 2


@pytestmark_mail
def test_after_a_refused_recipient_the_next_email_goes_out_on_a_new_connection(mail, person, source, run_worker):
    mail.handler.refuse.add("medlem1@bs.example")
    rows = _emails(person, source, 3)
    run_worker()

    states = [(r.address, r.state, r.last_error_code) for r in Notification.objects.filter(pk__in=[r.pk for r in rows])]
    assert sorted(states) == [
        ("medlem0@bs.example", State.SENT, ""),
        ("medlem1@bs.example", State.FAILED_PERMANENT, ErrorCode.INVALID_ADDRESS),
        ("medlem2@bs.example", State.SENT, ""),
    ]
    assert len(set(mail.handler.peers)) == 2
