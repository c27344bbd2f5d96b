"""Run from a timer (systemd, cron) every minute: recovers notifications no worker will finish."""

from django.core.management.base import BaseCommand

from boligsocial.notifications.services import notifications_requeue_stale


class Command(BaseCommand):
    help = "Re-queue notifications stuck in 'sending' past the lease, and due ones whose task was lost."

    def handle(self, *args, **options) -> None:
        count = notifications_requeue_stale()
        if options["verbosity"]:
            self.stdout.write(f"Re-queued {count} notification(s).")
