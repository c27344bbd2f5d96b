"""The in-app inbox, and the delivery-status fragment other pages include. Thin: selectors and services."""

import datetime
from collections.abc import Mapping

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import selectors, services


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox_for_user(user=request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": selectors.inbox_unread_count(user=request.user)},
    )


@login_required
@require_POST
def message_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = selectors.inbox_message_get(user=request.user, notification_id=notification_id)
    services.notification_mark_read(actor=request.user, notification=notification)
    # The link is ours (an acknowledgement or activation page); anything else stays in the inbox.
    if notification.link and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(actor=request.user)
    return redirect("notifications:inbox")


def render_source_status(
    request: HttpRequest,
    *,
    source: models.Model,
    poll_url: str | None = None,
    acknowledgements: Mapping[int, datetime.datetime] | None = None,
    poll_seconds: int = 5,
) -> HttpResponse:
    """The delivery-status fragment for a source, for a view that has already checked the user may see it.

    With `poll_url` the fragment reloads itself through htmx every `poll_seconds`.
    """
    return render(
        request,
        "notifications/_source_status.html",
        {
            "recipients": selectors.notification_status_for_source(source=source, acknowledgements=acknowledgements),
            "poll_url": poll_url,
            "poll_seconds": poll_seconds,
        },
    )
