"""Background tasks (Django Tasks, database backend): the worker side of the outbox."""

import collections
import logging

from django_tasks import task

from .services import notification_deliver

logger = logging.getLogger(__name__)


@task()
def deliver_notification(notification_id: int) -> str:
    """Send one outbox row; temporary failures re-enqueue it with back-off (in services)."""
    return notification_deliver(notification_id=notification_id)


@task()
def deliver_notifications(notification_ids: list[int]) -> dict[str, int]:
    """Send several outbox rows one after the other, each claimed, sent and recorded on its own exactly as
    deliver_notification does; one task for a handful of rows spares the task queue's own writes for each
    (docs/performance.md). Returns how many ended in which state."""
    outcomes: collections.Counter[str] = collections.Counter()
    for notification_id in notification_ids:
        try:
            outcomes[notification_deliver(notification_id=notification_id)] += 1
        except Exception:
            # Say so and go on with the others; this row's recovery is notifications_requeue_stale's.
            logger.exception("Notification %s: delivery failed in the worker", notification_id)
            outcomes["error"] += 1
    return dict(outcomes)
