"""Sign-in state checked on every request: inactivity expiry, and the second factor before any other page."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

# Set at sign-in (accounts.signals) and removed once the second factor is given: "verify" or "enrol".
PENDING_SESSION_KEY = "boligsocial_2fa_pending"
LAST_SEEN_SESSION_KEY = "boligsocial_last_seen"
# Saving the session on every request would write on every page; a minute's precision is enough.
LAST_SEEN_RESOLUTION = 60

PENDING_VIEWS = {"verify": "accounts:two_factor_verify", "enrol": "accounts:two_factor_enrol"}
# What a half-signed-in user may still open besides their own pending page (never the other one: set-up must not
# replace an authenticator the user has not proved): log out, the language switch, and the acknowledgement link
# from a message (it needs no sign-in at all).
ALLOWED_WHILE_PENDING = {"accounts:logout", "set_language", "activations:acknowledge"}


def session_touch(request: HttpRequest) -> None:
    """Note the time of the request in the session (also at sign-in, so a new session starts counting)."""
    request.session[LAST_SEEN_SESSION_KEY] = int(time.time())


class IdleSessionMiddleware:
    """Ends a session after SESSION_IDLE_MINUTES without a request; each request pushes the end further."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_SESSION_KEY, 0)
            if now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
                # The database session expires by itself (SESSION_COOKIE_AGE); this also covers other backends.
                logout(request)
                messages.info(request, _("You were logged out after a period of inactivity. Please log in again."))
            elif now - last_seen >= LAST_SEEN_RESOLUTION:
                session_touch(request)  # a modified session is saved with a new expiry date
        return self.get_response(request)


class TwoFactorMiddleware:
    """Until the second factor is given, a signed-in user is sent to the code page (or to set-up) from everywhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending = request.session.get(PENDING_SESSION_KEY) if request.user.is_authenticated else None
        if pending is None or self._allowed(request, pending):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            if "HTTP_AUTHORIZATION" in request.META:
                return self.get_response(request)  # an API token is its own credential; the session is ignored
            message = _("Finish signing in with your two-factor code before using the API.")
            return JsonResponse({"detail": [{"field": None, "message": message}]}, status=401)
        url = reverse(PENDING_VIEWS.get(pending, PENDING_VIEWS["verify"]))
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)

    @staticmethod
    def _allowed(request: HttpRequest, pending: str) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in ALLOWED_WHILE_PENDING or match.view_name == PENDING_VIEWS.get(pending)
