"""Reads for monitoring: the database, the worker, the outbox and escalations that are late."""

import datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from boligsocial.activations.models import Activation, ActivationState, Seat, SeatState
from boligsocial.notifications.selectors import outbox_stats

from .models import Heartbeat
from .tasks import WORKER

# An escalation step more than this late means no worker is running the queue (or one is stuck).
ESCALATION_GRACE = datetime.timedelta(minutes=5)
# The tick enqueues a heartbeat every minute; three missed ones are an alarm.
HEARTBEAT_MAX_AGE = datetime.timedelta(minutes=3)
# A message waiting longer than this is an alarm, whatever the reason.
OUTBOX_MAX_AGE = datetime.timedelta(minutes=10)


def late_escalations(*, now: datetime.datetime | None = None) -> QuerySet[Seat]:
    """Seats of open activations whose next escalation step is more than the grace period overdue."""
    now = now or timezone.now()
    return Seat.objects.filter(
        activation__state=ActivationState.ACTIVE,
        state__in=[SeatState.WAITING, SeatState.UNREACHABLE],
        next_escalation_at__lt=now - ESCALATION_GRACE,
    ).select_related("activation__plan", "person")


def activations_with_late_escalation(*, now: datetime.datetime | None = None) -> QuerySet[Activation]:
    """Open activations with at least one late escalation step (for the health endpoint and dashboards)."""
    return Activation.objects.filter(pk__in=late_escalations(now=now).values("activation")).select_related("plan")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any database failure is "not ok" for monitoring
        return False


def health_report(*, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Figures for monitoring, with `ok` false when something needs a person's attention."""
    now = now or timezone.now()
    if not _database_ok():
        return {"ok": False, "database": False}
    beat = Heartbeat.objects.filter(name=WORKER).values_list("at", flat=True).first()
    outbox = outbox_stats()
    oldest = outbox["oldest_pending_at"]
    late = list(activations_with_late_escalation(now=now).values_list("pk", flat=True))
    report = {
        "database": True,
        "worker_heartbeat_at": beat.isoformat() if beat else None,
        "worker_heartbeat_age_seconds": round((now - beat).total_seconds()) if beat else None,
        "outbox_pending": outbox["pending"],
        "outbox_failed_permanently": outbox["failed"],
        "outbox_oldest_pending_age_seconds": round((now - oldest).total_seconds()) if oldest else None,
        "late_escalations": late,
    }
    report["ok"] = bool(
        beat is not None
        and now - beat <= HEARTBEAT_MAX_AGE
        and (oldest is None or now - oldest <= OUTBOX_MAX_AGE)
        and not late
    )
    return report
