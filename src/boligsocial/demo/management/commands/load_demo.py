"""`boligsocial load_demo`: the two demo plans and one login per role."""

import base64

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

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
        parser.add_argument(
            "--code", action="store_true", help="Only print the current two-factor code of the demo logins."
        )

    def handle(self, *args, reset: bool, logins: bool, code: bool, **options):
        if code:
            self.stdout.write(self.current_code())
            return
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
    def current_code() -> str:
        """The six digits an authenticator app with the demo secret shows now."""
        return f"{totp(bytes.fromhex(data.TOTP_KEY)):06d}"

    @staticmethod
    def logins_text() -> str:
        rows = [("role", "username", "password", "2FA", "person")] + [
            (
                login.role,
                login.username,
                data.PASSWORD,
                "code" if data.login_needs_two_factor(login) else "-",
                data.PEOPLE[login.person].name if login.person else "",
            )
            for login in data.LOGINS
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = ["Demo logins:"]
        for row in rows:
            lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[4])
        secret = base64.b32encode(bytes.fromhex(data.TOTP_KEY)).decode()
        lines += [
            "Logins marked 'code' also ask for a two-factor code: add the key "
            + " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
            + " to an authenticator app,",
            "or run `.venv/bin/boligsocial load_demo --code` for the current code.",
        ]
        return "\n".join(line.rstrip() for line in lines)
