"""`boligsocial verify_chain`: check every hash chain (audit trail, access log, each activation's timeline)."""

from django.core.management.base import BaseCommand, CommandError

from boligsocial.core.selectors import chains_verify


class Command(BaseCommand):
    help = (
        "Verify the hash chains of the append-only tables and report the first broken row of each chain. "
        "Exits with 1 if any chain is broken."
    )

    def handle(self, *args, **options) -> None:
        report = chains_verify()
        for broken in report.breaks:
            self.stderr.write(f"BROKEN {broken}")
        summary = f"{report.chains} chains, {report.rows} rows checked"
        if not report.ok:
            raise CommandError(f"{len(report.breaks)} broken chain(s); {summary}.", returncode=1)
        self.stdout.write(f"OK: {summary}.")
