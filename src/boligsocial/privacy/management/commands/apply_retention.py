"""`boligsocial apply_retention`: run the retention rule now, for a cron job or a systemd timer."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from boligsocial.privacy.selectors import activations_due_for_retention
from boligsocial.privacy.services import retention_apply
from boligsocial.privacy.tasks import apply_retention


class Command(BaseCommand):
    help = (
        "Pseudonymise closed activations whose plan's retention period (years) has passed: free text and names "
        "are removed, figures kept. Run daily."
    )

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--dry-run", action="store_true", help="List the activations that are due; change nothing.")
        group.add_argument("--enqueue", action="store_true", help="Hand the work to the task worker instead.")

    def handle(self, *args, dry_run: bool, enqueue: bool, **options) -> None:
        if dry_run:
            due = list(activations_due_for_retention(now=timezone.now()))
            for activation in due:
                self.stdout.write(f"{activation.pk}\t{activation.plan.name}\tclosed {activation.closed_at:%Y-%m-%d}")
            self.stdout.write(f"{len(due)} activation(s) due.")
            return
        if enqueue:
            apply_retention.enqueue()
            self.stdout.write("Enqueued.")
            return
        result = retention_apply()
        self.stdout.write(f"{len(result.done)} activation(s) pseudonymised.")
        if result.failed:
            raise CommandError(f"Failed for activation(s) {', '.join(map(str, result.failed))}; see the log.")
