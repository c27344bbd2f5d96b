import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from boligsocial.activations import flows
from boligsocial.activations.models import Seat
from boligsocial.notifications.models import Notification
from boligsocial.ops import services
from boligsocial.ops.tasks import worker_heartbeat
from tests.activations.conftest import Crisis

pytestmark = pytest.mark.django_db


def _activate(crisis):
    return flows.activation_activate(
        actor=crisis.police_user,
        incident=crisis.incident(),
        level="red",
        rationale="Skyderi",
        police_consulted=True,
        police_contact="Vagtchef",
    )


def test_without_a_worker_heartbeat_the_service_is_unhealthy(client):
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["worker_heartbeat_at"] is None and response.json()["database"] is True


def test_a_worker_running_the_heartbeat_makes_it_healthy(client):
    worker_heartbeat.call()
    body = client.get("/health/").json()
    assert body["ok"] is True and body["worker_heartbeat_age_seconds"] <= 1
    assert body["outbox_pending"] == 0 and body["late_escalations"] == []


def test_an_old_pending_message_makes_it_unhealthy_and_shows_its_age(client):
    crisis = Crisis()
    _activate(crisis)
    worker_heartbeat.call()
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=11))
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["outbox_oldest_pending_age_seconds"] >= 660
    assert response.json()["outbox_pending"] == Notification.objects.count()


def test_watchdog_finds_a_late_escalation_reenqueues_it_and_says_so_once(client, django_capture_on_commit_callbacks):
    crisis = Crisis()
    activation = _activate(crisis)
    worker_heartbeat.call()
    Seat.objects.filter(activation=activation).update(next_escalation_at=timezone.now() - datetime.timedelta(minutes=6))
    assert client.get("/health/").json()["late_escalations"] == [activation.pk]
    escalations = DBTaskResult.objects.filter(task_path__endswith="escalate_activation")
    before = escalations.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalation_watchdog_run() == [activation.pk]
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_watchdog_run()
    assert activation.timeline.filter(kind="watchdog").count() == 1
    assert escalations.count() == before + 2


def test_a_step_less_than_five_minutes_late_is_not_an_alarm():
    crisis = Crisis()
    activation = _activate(crisis)
    Seat.objects.filter(activation=activation).update(next_escalation_at=timezone.now() - datetime.timedelta(minutes=4))
    assert services.escalation_watchdog_run() == []


def test_tick_enqueues_a_heartbeat_and_reports(django_capture_on_commit_callbacks):
    result = services.tick()
    assert result == {"requeued_notifications": 0, "late_escalations": 0}
    assert DBTaskResult.objects.filter(task_path__endswith="worker_heartbeat").exists()
