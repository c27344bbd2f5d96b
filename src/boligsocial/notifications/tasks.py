"""Background tasks (Django Tasks, database backend): the worker side of the outbox."""

from django_tasks import task


@task()
def deliver_notification(notification_id: int) -> str:
    """Send one outbox row; temporary failures re-enqueue this task with back-off (in services)."""
    from .services import notification_deliver

    return notification_deliver(notification_id=notification_id)


@task()
def requeue_stale_notifications() -> int:
    """Recover rows stuck in `sending` past the lease and due rows whose task was lost."""
    from .services import notifications_requeue_stale

    return notifications_requeue_stale()
