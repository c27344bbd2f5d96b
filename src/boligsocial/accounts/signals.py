"""At every sign-in (login page, admin login, anything calling django.contrib.auth.login) decide whether the
session still needs a second factor. Deciding here, not in the login view, keeps every way in covered."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from . import selectors
from .middleware import PENDING_SESSION_KEY, session_touch


@receiver(user_logged_in, dispatch_uid="boligsocial.accounts.two_factor_pending")
def two_factor_pending(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    session_touch(request)
    if selectors.two_factor_enabled(user=user):
        request.session[PENDING_SESSION_KEY] = "verify"
    elif selectors.user_requires_two_factor(user=user):
        request.session[PENDING_SESSION_KEY] = "enrol"
    else:
        request.session.pop(PENDING_SESSION_KEY, None)
