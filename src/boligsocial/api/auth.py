"""Who is calling: an API client with a bearer token, or a signed-in browser session (with CSRF).

Either way the call acts as that user: selectors and services receive `request.auth` as the user. An operation on a
plan whose confidentiality statement the user has not accepted (on the plan's page) is refused with 403.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from boligsocial.access.selectors import plan_awaiting_pledge, plan_lookup_for_url
from boligsocial.accounts.services import api_token_authenticate


def _pledge_check(request: HttpRequest, user: Any) -> None:
    match = request.resolver_match
    lookup = plan_lookup_for_url(match.kwargs) if match else None
    if lookup is not None and plan_awaiting_pledge(user=user, lookup=lookup) is not None:
        raise PermissionDenied(
            _("Accept the plan's confidentiality statement on the plan's page before using the plan through the API.")
        )


class BearerToken(HttpBearer):
    """`Authorization: Bearer bs_…`: a token created with `boligsocial api_token create`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(raw=token.strip())
        if user is None:
            # A wrong token is refused outright rather than falling back to the session.
            raise AuthenticationError(message=_("The API token is not valid, or it has been revoked."))
        request.user = user
        _pledge_check(request, user)
        return user


class Session(SessionAuth):
    """The signed-in user's session, for same-site pages; writes need the CSRF token (X-CSRFToken)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # Only a signed-in session is checked for CSRF: a call without any credentials must answer 401.
        if not request.user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, _("The CSRF check failed: send the CSRF token in the X-CSRFToken header."))
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user:
            _pledge_check(request, user)
        return user


AUTH = [BearerToken(), Session(csrf=True)]
