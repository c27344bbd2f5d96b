"""Two members activating the same incident at the same moment make one activation: the database's unique
incident constraint lets one through, and the other is told who activated (issue 3, "Bad input and faults").

Each member runs in a thread with its own database connection, as two web workers would."""

import threading
import time

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from boligsocial.activations import flows
from boligsocial.activations.models import Activation, Seat, TimelineEntry
from boligsocial.notifications.models import Notification

from .conftest import Crisis

# Real transactions (Crisis seeds the incident types again after the flush of an earlier transactional test).
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="Concurrent writers need PostgreSQL: SQLite's shared in-memory test database reports lock "
        "conflicts instead of waiting, so two members activating at the same moment cannot be run there.",
    ),
]


def _activate(crisis, user, incident, level="red"):
    try:
        return flows.activation_activate(
            actor=user,
            incident=incident,
            level=level,
            rationale="Skyderi",
            police_consulted=True,
            police_contact="Vagtchef",
        )
    except flows.AlreadyActivated as already:
        return already


def _in_thread(target, results: dict, key: str) -> threading.Thread:
    def run():
        try:
            results[key] = target()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def _assert_one_activation(crisis, incident, winner, loser):
    assert isinstance(winner, Activation), winner
    assert isinstance(loser, flows.AlreadyActivated), loser
    assert loser.activation.pk == winner.pk
    who = winner.activated_by.get_username()
    assert f"allerede aktiveret for denne hændelse af {who} kl." in loser.messages[0]
    assert Activation.objects.filter(incident=incident).count() == 1
    assert Seat.objects.filter(activation=winner).count() == 3
    assert TimelineEntry.objects.filter(activation=winner, kind="activated").count() == 1
    # The loser's alerts were rolled back with it: each member has one alert per channel.
    police_alerts = Notification.objects.filter(recipient=crisis.police.person, source_id__in=winner.seats.values("pk"))
    assert sorted(police_alerts.values_list("channel", flat=True)) == ["email", "inapp", "sms"]


def test_the_second_member_waits_on_the_constraint_and_is_told_who_activated():
    """Deterministic interleaving: both pass the "already activated?" read before either commits, so only the
    unique constraint stands between them."""
    crisis = Crisis()
    incident = crisis.incident()
    police_inside, release = threading.Event(), threading.Event()
    results: dict = {}

    def police():
        with transaction.atomic():
            activation = _activate(crisis, crisis.police_user, incident)
            police_inside.set()
            release.wait(20)  # hold the transaction open until the coordinator is blocked behind it
        return activation

    def coordinator():
        police_inside.wait(20)
        return _activate(crisis, crisis.coordinator_user, incident, level="yellow")

    threads = [_in_thread(police, results, "police"), _in_thread(coordinator, results, "coordinator")]
    deadline = time.monotonic() + 20
    while not _waiting_for_a_lock():
        assert time.monotonic() < deadline, "the coordinator's insert never waited for the police's transaction"
        time.sleep(0.02)
    release.set()
    for thread in threads:
        thread.join(30)

    _assert_one_activation(crisis, incident, results["police"], results["coordinator"])
    assert Activation.objects.get().level == "red"
    # Delivery tasks were enqueued once per row, on the winner's commit (one row per task, or a batch per task).
    enqueued = []
    for task in DBTaskResult.objects.filter(task_path__contains="deliver_notification"):
        first = task.args_kwargs["args"][0]
        enqueued += first if isinstance(first, list) else [first]
    assert sorted(enqueued) == sorted(Notification.objects.values_list("pk", flat=True))


def test_two_members_pressing_at_the_same_moment_make_one_activation():
    crisis = Crisis()
    for _ in range(3):
        incident = crisis.incident()
        start = threading.Barrier(2)
        results: dict = {}

        def press(user, incident=incident, start=start):
            start.wait(10)
            return _activate(crisis, user, incident)

        threads = [
            _in_thread(lambda: press(crisis.police_user), results, "police"),
            _in_thread(lambda: press(crisis.coordinator_user), results, "coordinator"),
        ]
        for thread in threads:
            thread.join(30)
        winner, loser = sorted(results.values(), key=lambda r: not isinstance(r, Activation))
        _assert_one_activation(crisis, incident, winner, loser)
    assert Activation.objects.count() == 3
