"""An activation's alerts when things go wrong: the mail server down, the SMS gateway failing, a number that does
not exist, every channel of a member failing, a worker killed in the middle of a fan-out, two workers at once.

Real loopback servers (tests/notifications/conftest.py) and the real worker throughout, in this process or as
`boligsocial db_worker` processes; "once" is counted on what the servers received, by Message-ID and userref.
Every wait has a timeout, so each test is bounded in time.
"""

import asyncio
import collections
import contextlib
import datetime
import importlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from boligsocial.activations import flows, services
from boligsocial.activations.models import SeatState
from boligsocial.directory.models import Person
from boligsocial.notifications.models import Channel, ErrorCode, Notification, State
from boligsocial.notifications.tasks import deliver_notification
from boligsocial.notifications.transports import message_id_for
from boligsocial.plans.models import MembershipKind
from tests import factories
from tests.notifications.conftest import RecordingHandler

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[2]
BOLIGSOCIAL = str(Path(sys.executable).with_name("boligsocial"))
POLICE_MSISDN = 4525993249  # the police member's mobile in the Crisis plan (tests/activations/conftest.py)


@pytest.fixture(autouse=True)
def incident_types(transactional_db):
    """The catalogue a data migration seeds, which the flush after a transactional test removes. (Not
    serialized_rollback: after other transactional tests it collides with the content types they recreate.)"""
    seed = importlib.import_module("boligsocial.plans.migrations.0002_incident_types").seed
    seed(django_apps, None)


def activate(crisis, *, actor=None, incident=None):
    return flows.activation_activate(
        actor=actor or crisis.police_user,
        incident=incident or crisis.incident(),
        level="red",
        rationale="Skyderi, akut",
        police_consulted=True,
        police_contact="Vagtchefen",
    )


def alerts(activation, channel=None):
    rows = Notification.objects.filter(source_type__model="seat", source_id__in=activation.seats.values("pk"))
    return rows.filter(channel=channel) if channel else rows


def received_message_ids(smtp_server) -> collections.Counter:
    return collections.Counter(m["Message-ID"].strip() for m in smtp_server.messages)


def accepted_userrefs(gateway) -> collections.Counter:
    return collections.Counter(p["userref"] for p in gateway.accepted)


def once(keys) -> collections.Counter:
    return collections.Counter({key: 1 for key in keys})


@pytest.fixture
def make_due():
    """Let the clock run past every scheduled delivery retry, but not to the next escalation round (which
    would alert everyone again and so add messages)."""

    def due() -> int:
        now = timezone.now()
        return DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, run_after__gt=now, task_path=deliver_notification.module_path
        ).update(run_after=now)

    return due


# --- in this process: django_tasks_db's worker in batch mode ------------------------------------------------


def test_mail_server_down_at_activation_every_email_goes_out_once_when_it_is_back(
    crisis, smtp_server, gateway, run_worker, make_due
):
    activation = activate(crisis)  # nothing listens on the mail port yet
    run_worker()

    emails = list(alerts(activation, Channel.EMAIL))
    assert len(emails) == 3  # the police member, the coordinator, and the coordinator's fallback notice
    assert {(e.state, e.last_error_code) for e in emails} == {(State.FAILED_RETRYING, ErrorCode.UNAVAILABLE)}
    # The SMS do not wait for the mail server.
    sms_keys = alerts(activation, Channel.SMS).values_list("idempotency_key", flat=True)
    assert accepted_userrefs(gateway) == once(sms_keys)

    make_due()
    run_worker()  # still down: tried again, failed again, scheduled again
    assert set(alerts(activation, Channel.EMAIL).values_list("attempts", "state")) == {(2, State.FAILED_RETRYING)}

    smtp_server.start()
    make_due()
    run_worker()
    make_due()
    assert run_worker() == 0  # nothing left to do: nothing is sent again

    assert received_message_ids(smtp_server) == once(message_id_for(e) for e in emails)
    assert set(alerts(activation).values_list("state", flat=True)) == {State.SENT}


def test_sms_gateway_answering_500_at_first_every_sms_goes_out_once(crisis, smtp_server, gateway, run_worker, make_due):
    smtp_server.start()
    gateway.script.extend(["500"] * 4)
    activation = activate(crisis)
    run_worker()

    sms = list(alerts(activation, Channel.SMS))
    assert len(sms) == 3
    assert {(s.state, s.last_error_code) for s in sms} == {(State.FAILED_RETRYING, ErrorCode.UNAVAILABLE)}
    make_due()
    run_worker()  # the gateway answers 500 once more, then 200
    make_due()
    run_worker()
    make_due()
    assert run_worker() == 0

    assert accepted_userrefs(gateway) == once(s.idempotency_key for s in sms)
    assert len(gateway.requests) == 3 + 4  # one request per success, one per 500
    assert sorted(alerts(activation, Channel.SMS).values_list("attempts", flat=True)) == [2, 2, 3]
    assert set(alerts(activation).values_list("state", flat=True)) == {State.SENT}


def test_an_invalid_number_is_not_retried_and_the_coordinator_sees_why(
    crisis, smtp_server, gateway, run_worker, make_due, client
):
    smtp_server.start()
    gateway.invalid.add(POLICE_MSISDN)
    activation = activate(crisis)
    run_worker()
    make_due()
    run_worker()

    bad = alerts(activation, Channel.SMS).get(address=f"+{POLICE_MSISDN}")
    assert (bad.state, bad.last_error_code, bad.attempts) == (State.FAILED_PERMANENT, ErrorCode.INVALID_ADDRESS, 1)
    assert [r["recipients"] for r in gateway.requests].count([{"msisdn": POLICE_MSISDN}]) == 1
    # Email and the inbox reached the member: one failed channel does not make the seat unreachable.
    assert activation.seats.get(person=crisis.police.person).state == SeatState.WAITING

    client.force_login(crisis.coordinator_user)
    page = client.get(reverse("activations:seats", args=[activation.pk])).content.decode()
    assert "Lasse Politi: SMS – Fejlet" in page
    assert '<span class="muted">(Ugyldig adresse: SMS gateway: 400  Invalid recipient: 4525993249)</span>' in page


@pytest.fixture
def unreachable_member(crisis):
    """A fixed member without an account (so no inbox) whose email and phone both fail for good, with a
    substitute who can be reached."""
    member = factories.member(plan=crisis.plan, name="Kim Ukendt", phones=["20 99 41 17"], contact_priority=4)
    Person.objects.filter(pk=member.person_id).update(email="kim@bs.example")
    substitute = factories.member(
        plan=crisis.plan,
        name="Sara Suppleant",
        phones=["20 99 41 18"],
        kind=MembershipKind.SUBSTITUTE,
        substitute_for=member,
    )
    return member.person, substitute.person


def test_a_member_whose_every_channel_fails_for_good_is_unreachable_and_the_substitute_is_alerted_at_once(
    crisis, unreachable_member, smtp_server, gateway, run_worker
):
    member, substitute = unreachable_member
    smtp_server.handler.refuse.add("kim@bs.example")
    smtp_server.start()
    gateway.invalid.add(4520994117)
    activation = activate(crisis)
    seat = activation.seats.get(person=member)
    assert seat.state == SeatState.WAITING and not seat.substitutes_notified
    escalation_at = seat.next_escalation_at

    run_worker()  # both channels fail permanently; the substitute's alerts are sent in the same run

    seat.refresh_from_db()
    assert seat.state == SeatState.UNREACHABLE and seat.substitutes_notified
    assert seat.next_escalation_at == escalation_at  # and the escalation goes on as planned
    [entry] = activation.timeline.filter(kind="unreachable", data__seat=seat.pk)
    reasons = "E-mail: Ugyldig adresse, SMS: Ugyldig adresse"
    assert entry.text == f"Kim Ukendt kan ikke nås: alle kanaler fejlede ({reasons})."
    assert activation.timeline.filter(kind="substitutes_notified", text__contains="Sara Suppleant").count() == 1
    to_substitute = alerts(activation).filter(recipient=substitute)
    assert {(n.channel, n.round, n.state) for n in to_substitute} == {
        (Channel.EMAIL, 1, State.SENT),
        (Channel.SMS, 1, State.SENT),
    }
    assert {n.link for n in to_substitute} == {n.link for n in to_substitute if "/activations/ack/" in n.link}

    # The signal again (a duplicate task, a second worker) changes nothing more.
    failed = alerts(activation).filter(recipient=member).first()
    assert flows.seat_mark_unreachable_if_all_failed(notification=failed) is False
    assert activation.timeline.filter(kind__in=["unreachable", "substitutes_notified"], data__seat=seat.pk).count() == 2
    assert alerts(activation).filter(recipient=substitute).count() == 2


def test_a_channel_still_retrying_keeps_the_seat_waiting(crisis, unreachable_member, smtp_server, gateway, run_worker):
    member, _substitute = unreachable_member
    gateway.invalid.add(4520994117)
    activation = activate(crisis)  # the mail server is down: the email is retrying, not failed for good
    run_worker()

    seat = activation.seats.get(person=member)
    assert seat.state == SeatState.WAITING and not seat.substitutes_notified
    assert not activation.timeline.filter(kind="unreachable", data__seat=seat.pk).exists()


# --- worker processes: `boligsocial db_worker` against the test database -----------------------------------


@contextlib.contextmanager
def shared_database(tmp_path):
    """The test database as a DATABASE_URL a worker process can open. PostgreSQL: the test database itself.
    SQLite: pytest's is in memory, so it is copied to a file (SQLite's backup API) for the processes, and
    their file is copied back when they are done, for the test to read what they did."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        auth = urllib.parse.quote(s["USER"] or "") + (":" + urllib.parse.quote(s["PASSWORD"]) if s["PASSWORD"] else "")
        yield f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
        return
    connection.ensure_connection()
    path = tmp_path / "shared.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
    try:
        yield f"sqlite:///{path}"
    finally:
        with contextlib.closing(sqlite3.connect(path)) as copy:
            copy.backup(connection.connection)


def worker_env(url, smtp_server, gateway, settings, **extra):
    """Settings for the processes: bench/settings.py, pointed at this test's database and loopback servers."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": url,
        "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "src")]),
        "LOOPBACK_SMTP_PORT": str(smtp_server.port),
        "LOOPBACK_SMS_URL": settings.SMS_GATEWAY_URL,
        "LOOPBACK_SMS_TOKEN": gateway.token,
        **extra,
    }


def start_worker(env, tmp_path, name="worker"):
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(  # noqa: S603
        [BOLIGSOCIAL, "db_worker", "--batch", "--interval", "0", "--no-startup-delay", "--no-reload"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def finish(process, tmp_path, name="worker", timeout=120):
    try:
        assert process.wait(timeout) == 0, (tmp_path / f"{name}.log").read_text()[-3000:]
    finally:
        if process.poll() is None:
            process.kill()


def recover(env):
    """What runs after a crash: the every-minute sweep, here with the lease and the grace already run out. It
    re-queues the row the dead worker was sending and gives a task to the rest of the dead worker's batch."""
    subprocess.run(  # noqa: S603
        [BOLIGSOCIAL, "notifications_requeue_stale"],
        cwd=REPO,
        env={**env, "NOTIFICATION_SENDING_LEASE_SECONDS": "0", "NOTIFICATION_LOST_TASK_GRACE_SECONDS": "0"},
        check=True,
        timeout=120,
        capture_output=True,
    )


def wait_for(condition, timeout=90.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def big_plan(members: int):
    """A plan of `members` fixed members with an email address and a mobile each; the first one activates."""
    plan = factories.plan(name="Beredskabsplan Storby")
    login = factories.user(username="aktiverer")
    for i in range(members):
        membership = factories.member(
            plan=plan,
            name=f"Medlem {i}",
            phones=[f"2099{i:04d}"],
            contact_priority=i + 1,
            login=login if i == 0 else None,
        )
        Person.objects.filter(pk=membership.person_id).update(email=f"medlem{i}@bs.example")
    incident = services.incident_create(
        actor=login,
        plan=plan,
        incident_type=plan.incident_types.get(code="shooting"),
        area=plan.areas.get(),
        occurred_at=datetime.datetime(2026, 4, 1, 13, 30, tzinfo=datetime.UTC),
        description="Skud affyret",
    )
    return login, incident


class HoldingHandler(RecordingHandler):
    """Holds the RCPT of the `at`-th email until released: its sender is then stuck mid-conversation, before
    the server has accepted anything (a message is only accepted at the end of DATA)."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at
        self.count = 0
        self.held = threading.Event()
        self.release = threading.Event()
        self.held_address = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.count += 1
        if self.count == self.at:
            self.held_address = address
            self.held.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


def test_a_worker_killed_mid_fan_out_is_recovered_and_every_message_goes_out_once(
    tmp_path, settings, smtp_server, gateway
):
    smtp_server.handler = holding = HoldingHandler(at=12)
    smtp_server.start()
    actor, incident = big_plan(30)
    activation = flows.activation_activate(
        actor=actor, incident=incident, level="red", rationale="Skyderi", police_consulted=True, police_contact="Vagt"
    )
    emails = list(alerts(activation, Channel.EMAIL))
    sms = list(alerts(activation, Channel.SMS))
    assert len(emails) == len(sms) == 30

    with shared_database(tmp_path) as url:
        env = worker_env(url, smtp_server, gateway, settings)
        worker = start_worker(env, tmp_path)
        try:
            assert holding.held.wait(90), (tmp_path / "worker.log").read_text()[-3000:]
            worker.send_signal(signal.SIGKILL)  # in the middle of the 12th email
            worker.wait(10)
        finally:
            holding.release.set()
        delivered_before = len(smtp_server.messages) + len(gateway.accepted)
        recover(env)
        restarted = start_worker(env, tmp_path, "restarted")
        finish(restarted, tmp_path, "restarted")

    assert 11 <= delivered_before < 60  # it really died half-way
    assert received_message_ids(smtp_server) == once(message_id_for(e) for e in emails)
    assert accepted_userrefs(gateway) == once(s.idempotency_key for s in sms)
    assert set(alerts(activation).values_list("state", flat=True)) == {State.SENT}
    interrupted = alerts(activation, Channel.EMAIL).get(address=holding.held_address)
    assert interrupted.attempts == 2  # claimed by the killed worker, sent by the restarted one


def test_a_worker_killed_after_the_gateway_took_an_sms_resends_only_that_one_with_the_same_userref(
    tmp_path, settings, smtp_server, gateway
):
    """The one window at-least-once delivery leaves (docs/notifications.md): the gateway accepted the SMS, the
    worker died before recording it. The resend carries the same userref, so the duplicate is recognisable."""
    smtp_server.start()
    gateway.script.extend(["ok"] * 9 + ["slow_accept"])
    gateway.slow_seconds = 4
    actor, incident = big_plan(20)
    activation = flows.activation_activate(
        actor=actor, incident=incident, level="red", rationale="Skyderi", police_consulted=True, police_contact="Vagt"
    )
    sms = list(alerts(activation, Channel.SMS))

    with shared_database(tmp_path) as url:
        env = worker_env(url, smtp_server, gateway, settings)
        worker = start_worker(env, tmp_path)
        try:
            wait_for(lambda: len(gateway.accepted) >= 10)  # the 10th SMS is taken, its answer is slow
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
        in_flight = gateway.accepted[9]["userref"]
        recover(env)
        restarted = start_worker(env, tmp_path, "restarted")
        finish(restarted, tmp_path, "restarted")

    expected = once(s.idempotency_key for s in sms)
    expected[in_flight] = 2
    assert accepted_userrefs(gateway) == expected
    assert received_message_ids(smtp_server) == once(message_id_for(e) for e in alerts(activation, Channel.EMAIL))
    assert set(alerts(activation).values_list("state", flat=True)) == {State.SENT}


def test_two_worker_processes_on_one_database_send_every_message_once(tmp_path, settings, smtp_server, gateway):
    smtp_server.start()
    actor, incident = big_plan(25)
    activation = flows.activation_activate(
        actor=actor, incident=incident, level="red", rationale="Skyderi", police_consulted=True, police_contact="Vagt"
    )
    rows = list(alerts(activation))
    for row in rows:  # a second task for every row, as a recovery sweep may leave: both workers race for each
        deliver_notification.enqueue(row.pk)

    with shared_database(tmp_path) as url:
        env = worker_env(url, smtp_server, gateway, settings)
        workers = [start_worker(env, tmp_path, f"worker-{i}") for i in range(2)]
        for i, worker in enumerate(workers):
            finish(worker, tmp_path, f"worker-{i}")

    assert received_message_ids(smtp_server) == once(message_id_for(r) for r in rows if r.channel == Channel.EMAIL)
    assert accepted_userrefs(gateway) == once(r.idempotency_key for r in rows if r.channel == Channel.SMS)
    assert set(alerts(activation).values_list("state", flat=True)) == {State.SENT}
    assert sum(alerts(activation).values_list("attempts", flat=True)) == len(rows)
