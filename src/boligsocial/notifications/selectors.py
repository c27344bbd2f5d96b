"""Reads of the outbox: delivery status per source, the in-app inbox, and backlog figures for monitoring."""

import dataclasses
import datetime
from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from boligsocial.directory.models import Person

from .models import PENDING_STATES, Channel, Notification, State


@dataclasses.dataclass
class RecipientStatus:
    """One person's notifications for a source, with what the page needs to say about them."""

    person: Person
    notifications: list[Notification]
    acknowledged_at: datetime.datetime | None = None

    @property
    def any_sent(self) -> bool:
        return any(n.state == State.SENT for n in self.notifications)

    @property
    def pending(self) -> bool:
        return any(n.state in PENDING_STATES for n in self.notifications)

    @property
    def unreachable(self) -> bool:
        """Every channel failed for good (or there was none): escalation must not wait for this person."""
        return not any(n.state in (State.SENT, *PENDING_STATES) for n in self.notifications)


def _for_source(source: models.Model) -> QuerySet[Notification]:
    return Notification.objects.filter(
        source_type=ContentType.objects.get_for_model(source, for_concrete_model=False), source_id=source.pk
    )


def notification_status_for_source(
    *,
    source: models.Model,
    acknowledgements: Mapping[int, datetime.datetime] | None = None,
    round: int | None = None,
) -> list[RecipientStatus]:
    """Each recipient of a source's notifications with their rows (newest round first); `acknowledgements`
    maps person id to the time they acknowledged, supplied by the caller that owns acknowledgement."""
    rows = (
        _for_source(source)
        .select_related("recipient__organisation")
        .order_by("recipient__name", "recipient_id", "-round", "channel", "id")
    )
    if round is not None:
        rows = rows.filter(round=round)
    acknowledgements = acknowledgements or {}
    result: dict[int, RecipientStatus] = {}
    for row in rows:
        status = result.get(row.recipient_id)
        if status is None:
            status = result[row.recipient_id] = RecipientStatus(
                person=row.recipient, notifications=[], acknowledged_at=acknowledgements.get(row.recipient_id)
            )
        status.notifications.append(row)
    return list(result.values())


def notifications_unreachable_recipients(*, source: models.Model, round: int | None = None) -> list[Person]:
    """People whose every notification for the source (and round) failed for good."""
    rows = _for_source(source)
    if round is not None:
        rows = rows.filter(round=round)
    alive = rows.filter(state__in=(State.SENT, *PENDING_STATES)).values("recipient_id")
    failed = rows.filter(state=State.FAILED_PERMANENT).exclude(recipient_id__in=alive).values("recipient_id")
    return list(Person.objects.filter(pk__in=failed))


def inbox_for_user(*, user: Any) -> QuerySet[Notification]:
    """The signed-in user's in-app messages, newest first."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(channel=Channel.INAPP, state=State.SENT, recipient__user=user).order_by(
        "-sent_at", "-id"
    )


def inbox_unread_count(*, user: Any) -> int:
    """How many of the user's in-app messages are unread."""
    return inbox_for_user(user=user).filter(read_at__isnull=True).count()


def inbox_message_get(*, user: Any, notification_id: int) -> Notification:
    """One message from the user's own inbox, or 404."""
    notification = inbox_for_user(user=user).select_related("recipient").filter(pk=notification_id).first()
    if notification is None:
        raise Http404(_("No such message in your inbox."))
    return notification


def outbox_stats() -> dict[str, Any]:
    """Backlog figures for monitoring: pending rows, the oldest pending one's creation time, failures."""
    figures = Notification.objects.aggregate(
        pending=Count("id", filter=Q(state__in=PENDING_STATES)),
        oldest_pending_at=Min("created_at", filter=Q(state__in=PENDING_STATES)),
        failed=Count("id", filter=Q(state=State.FAILED_PERMANENT)),
    )
    return figures
