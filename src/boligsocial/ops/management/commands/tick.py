"""`boligsocial tick`: the periodic round; run it every minute (systemd timer, cron, or --every 60)."""

import time

from django.core.management.base import BaseCommand

from boligsocial.ops.services import tick


class Command(BaseCommand):
    help = "Run the periodic round: worker heartbeat, stale outbox rows, late escalations."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds until stopped.")

    def handle(self, *args, every: int, **options) -> None:
        while True:
            result = tick()
            self.stdout.write(" ".join(f"{k}={v}" for k, v in result.items()))
            if not every:
                return
            time.sleep(every)
