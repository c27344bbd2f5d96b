"""Background tasks of operations."""

from django.utils import timezone
from django_tasks import task

from .models import Heartbeat

WORKER = "worker"


@task()
def worker_heartbeat() -> None:
    """Run by a worker: records that the task queue is being processed."""
    Heartbeat.objects.update_or_create(name=WORKER, defaults={"at": timezone.now()})
