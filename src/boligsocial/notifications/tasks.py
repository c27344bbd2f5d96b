"""Background tasks (Django Tasks, database backend): the worker side of the outbox."""

from django_tasks import task

from .services import notification_deliver


@task()
def deliver_notification(notification_id: int) -> str:
    """Send one outbox row; temporary failures re-enqueue this task with back-off (in services)."""
    return notification_deliver(notification_id=notification_id)
