"""`boligsocial load_demo`: the two demo plans and one login per role."""

from django.core.management.base import BaseCommand, CommandError

from boligsocial.demo import data
from boligsocial.demo.services import DemoResetRefused, demo_load


class Command(BaseCommand):
    help = (
        "Load the demo data: the Varde and Randers plans and one login per role. "
        "If the demo data is already there, it is kept and only the demo passwords are restored "
        "(use --reset to rebuild it)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo plans, people and logins (and changes to them), then build them again.",
        )
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins.")

    def handle(self, *args, reset: bool, logins: bool, **options):
        if not logins:
            try:
                result = demo_load(reset=reset)
            except DemoResetRefused as exc:
                raise CommandError(str(exc)) from exc
            names = ", ".join(plan.name for plan in result.plans)
            if result.created:
                self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {names}."))
            else:
                self.stdout.write(
                    f"Demo data already present ({names}); kept as it is, with the demo passwords "
                    "restored. Run `boligsocial load_demo --reset` to rebuild it."
                )
        self.stdout.write(self.logins_text())

    @staticmethod
    def logins_text() -> str:
        rows = [("role", "username", "password", "person")] + [
            (
                login.role,
                login.username,
                data.PASSWORD,
                data.PEOPLE[login.person].name if login.person else "",
            )
            for login in data.LOGINS
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = ["Demo logins:"]
        for row in rows:
            lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[3])
        return "\n".join(line.rstrip() for line in lines)
