"""`boligsocial api_token create|revoke|list`: manage the bearer tokens API clients use."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from boligsocial.accounts import selectors, services


class Command(BaseCommand):
    help = "Create, revoke or list a user's API tokens. A new token is shown once and never again."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token for a user and print it once.")
        create.add_argument("username")
        create.add_argument("name", help="What the token is used for, e.g. 'Varde kommune integration'.")
        revoke = actions.add_parser("revoke", help="Revoke the user's active token with this name.")
        revoke.add_argument("username")
        revoke.add_argument("name")
        listing = actions.add_parser("list", help="List the user's tokens (never the secrets).")
        listing.add_argument("username")

    def handle(self, *args, action: str, username: str, **options) -> None:
        user = selectors.user_get_by_username(username=username)
        if user is None:
            raise CommandError(_("No user is called “%(username)s”.") % {"username": username})
        getattr(self, f"_{action}")(user, **options)

    def _create(self, user, *, name: str, **options) -> None:
        try:
            token, raw = services.api_token_create(actor=None, user=user, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            _("Token “%(name)s” for %(user)s. It is shown only now; store it safely:")
            % {"name": token.name, "user": user.username}
        )
        self.stdout.write(raw)

    def _revoke(self, user, *, name: str, **options) -> None:
        token = selectors.api_token_active_by_name(user=user, name=name)
        if token is None:
            raise CommandError(
                _("%(user)s has no active token called “%(name)s”.") % {"user": user.username, "name": name}
            )
        services.api_token_revoke(actor=None, token=token)
        message = _("Token “%(name)s” for %(user)s is revoked.")
        self.stdout.write(message % {"name": name, "user": user.username})

    def _list(self, user, **options) -> None:
        for token in selectors.api_token_list(user=user):
            state = (
                _("revoked %(at)s") % {"at": f"{token.revoked_at:%Y-%m-%d %H:%M}"} if token.revoked_at else _("active")
            )
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "-"
            self.stdout.write(f"{token.prefix}…  {token.name}  {state}  {_('last used')}: {used}")
