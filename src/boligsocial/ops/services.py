"""The periodic tick: the small jobs that keep delivery and escalation going when something was lost."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boligsocial.activations.services import timeline_add
from boligsocial.activations.tasks import escalate_activation
from boligsocial.notifications.services import notifications_requeue_stale

from .selectors import late_escalations
from .tasks import worker_heartbeat

logger = logging.getLogger(__name__)


def escalation_watchdog_run(*, now: datetime.datetime | None = None) -> list[int]:
    """Re-enqueue escalation for activations whose next step is late, and say so on their timeline once per
    round; returns the activation ids. Escalation itself is idempotent, so an extra run sends nothing twice."""
    now = now or timezone.now()
    by_activation: dict[int, list] = {}
    for seat in late_escalations(now=now):
        by_activation.setdefault(seat.activation_id, []).append(seat)
    for activation_id, seats in sorted(by_activation.items()):
        activation = seats[0].activation
        # One timeline row per late state of the chain, however often the tick finds it.
        round_key = ";".join(sorted(f"{seat.person_id}:{seat.round}" for seat in seats))
        with transaction.atomic():
            if not activation.timeline.filter(kind="watchdog", data__round_key=round_key).exists():
                timeline_add(
                    activation=activation,
                    actor=None,
                    kind="watchdog",
                    text=_("The escalation was late (is a worker running?); it was started again."),
                    data={"round_key": round_key},
                )
            transaction.on_commit(lambda pk=activation_id: escalate_activation.enqueue(pk), robust=True)
        logger.warning("Escalation late for activation %s; re-enqueued", activation_id)
    activation_ids = sorted(by_activation)
    return activation_ids


def tick(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """One periodic round (every minute): heartbeat, stale outbox rows, late escalations."""
    now = now or timezone.now()
    worker_heartbeat.enqueue()
    return {
        "requeued_notifications": notifications_requeue_stale(now=now),
        "late_escalations": len(escalation_watchdog_run(now=now)),
    }
