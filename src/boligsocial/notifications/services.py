"""Writes to the outbox: enqueue in the caller's transaction, deliver from the worker, retry, recover.

Delivery is at-least-once with an idempotency key. A worker claims a row in a short transaction
(queued/failed_retrying -> sending, with claimed_at and a claim token), sends outside any transaction, and
records the outcome in another short transaction. Two workers can never both claim a row. The one window left
is a worker that dies after the provider accepted the message but before the outcome was recorded: after the
lease the row is re-queued and sent again with the same key (email Message-ID, SMS userref), so the duplicate
is recognisable by the receiving side and in the provider's records.
"""

import dataclasses
import datetime
import hashlib
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boligsocial.directory.models import Person, PhoneKind

from . import conf
from .models import CLAIMABLE_STATES, Channel, ErrorCode, Notification, State
from .signals import notification_finished
from .transports import TransportError, transport_for

logger = logging.getLogger(__name__)


def idempotency_key_for(
    *, source: models.Model | None, recipient: Person, channel: str, address: str, round: int
) -> str:
    """The key that makes a message unique: same source, person, channel, address and round = same message."""
    if source is None:
        origin = "none:0"
    else:
        meta = source._meta
        origin = f"{meta.app_label}.{meta.model_name}:{source.pk}"
    if len(address) > 64:
        # Keeps the key within its column for any email address; the digest is as unique as the address.
        address = "sha256-" + hashlib.sha256(address.encode()).hexdigest()[:40]
    return f"{origin}:{recipient.pk}:{channel}:{address}:{round}"


def _address_for(*, recipient: Person, channel: str) -> str:
    """The address a channel uses for a person, read now (it is copied into the row)."""
    if channel == Channel.EMAIL:
        return recipient.email
    if channel == Channel.SMS:
        phones = list(recipient.phones.all())
        mobiles = [p for p in phones if p.kind == PhoneKind.MOBILE]
        return (mobiles or phones)[0].number if phones else ""
    if channel == Channel.INAPP:
        return str(recipient.user_id) if recipient.user_id else ""
    return recipient.name


# Tasks are written after the commit in transactions of this many rows: one transaction per task made the
# enqueueing of a 1,000-member activation (2,000+ tasks) cost more than writing the activation.
ENQUEUE_CHUNK = 100


class _TaskBatch:
    """The delivery tasks one transaction asked for, enqueued together once it commits."""

    def __init__(self, hooks: list) -> None:
        # The connection's list of on-commit hooks: Django replaces it on commit, on rollback and on a
        # savepoint rollback, so a batch whose list is no longer the connection's belongs to a finished
        # transaction (or to a rolled-back part of one) and takes no new tasks.
        self.hooks = hooks
        self.items: list[tuple[int, str, datetime.datetime | None]] = []
        self.flushed = False

    def flush(self) -> None:
        from .tasks import deliver_notification, deliver_notifications

        self.flushed = True
        per_task = max(1, conf.get("NOTIFICATION_TASK_BATCH"))
        for start in range(0, len(self.items), ENQUEUE_CHUNK):
            chunk = self.items[start : start + ENQUEUE_CHUNK]
            try:
                with transaction.atomic():
                    # A row written in a savepoint that was rolled back is gone: it needs no task. (By key too:
                    # SQLite gives a rolled-back row's id to the next row.)
                    existing = set(
                        Notification.objects.filter(pk__in=[pk for pk, _, _ in chunk]).values_list(
                            "pk", "idempotency_key"
                        )
                    )
                    due: dict[datetime.datetime | None, list[int]] = {}
                    for pk, key, run_after in chunk:
                        if (pk, key) in existing:
                            due.setdefault(run_after, []).append(pk)
                    for run_after, ids in due.items():
                        for first in range(0, len(ids), per_task):
                            batch = ids[first : first + per_task]
                            single = len(batch) == 1
                            task = (deliver_notification if single else deliver_notifications).using(
                                priority=conf.get("NOTIFICATION_TASK_PRIORITY")
                            )
                            if run_after is not None:
                                task = task.using(run_after=run_after)
                            task.enqueue(batch[0] if single else batch)
            except Exception:
                # The rows are committed; notifications_requeue_stale gives them a task after the grace time.
                logger.exception("Could not enqueue delivery tasks for notifications %s", [i[0] for i in chunk])


def _schedule(notification: Notification, *, run_after: datetime.datetime | None = None) -> None:
    """Enqueue a delivery task once the current transaction commits (nothing is sent for a rollback).
    The tasks of one transaction are enqueued together, a few transactions in all (ENQUEUE_CHUNK)."""
    db = transaction.get_connection()
    batch = getattr(db, "_notification_tasks", None)
    if batch is None or batch.flushed or batch.hooks is not db.run_on_commit or not db.in_atomic_block:
        batch = _TaskBatch(db.run_on_commit)
        db._notification_tasks = batch
        batch.items.append((notification.pk, notification.idempotency_key, run_after))
        # Registered after the first item: outside a transaction on_commit runs it at once.
        transaction.on_commit(batch.flush, robust=True)
        return
    batch.items.append((notification.pk, notification.idempotency_key, run_after))


@transaction.atomic
def notification_enqueue(
    *,
    recipient: Person,
    channel: str,
    subject: str,
    body: str,
    link: str = "",
    source: models.Model | None = None,
    round: int = 0,
    address: str | None = None,
    idempotency_key: str | None = None,
    calendar: str = "",
) -> Notification:
    """Write one outbox row and enqueue its delivery on commit; the same key twice returns the first row.
    `calendar` (an .ics text) travels only by email: other channels drop it."""
    notification = notification_build(
        recipient=recipient,
        channel=channel,
        subject=subject,
        body=body,
        link=link,
        source=source,
        round=round,
        address=address,
        idempotency_key=idempotency_key,
        calendar=calendar,
    )
    existing = Notification.objects.filter(idempotency_key=notification.idempotency_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        # Another transaction wrote the same key between our read and our insert: theirs is the message.
        return Notification.objects.get(idempotency_key=notification.idempotency_key)
    _schedule(notification)
    return notification


def notification_build(
    *,
    recipient: Person,
    channel: str,
    subject: str,
    body: str,
    link: str = "",
    source: models.Model | None = None,
    round: int = 0,
    address: str | None = None,
    idempotency_key: str | None = None,
    calendar: str = "",
) -> Notification:
    """A validated, unsaved outbox row (ValidationError naming the field if it cannot be one)."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel “%(channel)s”.") % {"channel": channel}})
    if address is None:
        address = _address_for(recipient=recipient, channel=channel)
    if not address:
        raise ValidationError(
            {
                "address": _("%(person)s has no address for %(channel)s.")
                % {"person": recipient.name, "channel": Channel(channel).label}
            }
        )
    key = idempotency_key or idempotency_key_for(
        source=source, recipient=recipient, channel=channel, address=address, round=round
    )
    notification = Notification(
        recipient=recipient,
        channel=channel,
        address=address,
        subject=subject[:200],
        body=body,
        link=link,
        calendar=calendar if channel == Channel.EMAIL else "",
        source_type=(
            ContentType.objects.get_for_model(source, for_concrete_model=False) if source is not None else None
        ),
        source_id=source.pk if source is not None else None,
        round=round,
        idempotency_key=key,
        next_attempt_at=timezone.now(),
    )
    # The foreign keys are objects the caller holds; checking that they exist would cost two queries a row.
    # The key's uniqueness is the insert's business, and the one check constraint (a sent row has a time)
    # cannot fail for a new queued row: validating it would cost a query per row.
    notification.full_clean(exclude=["recipient", "source_type"], validate_unique=False, validate_constraints=False)
    return notification


# Rows per query when many are written at once.
BULK_CHUNK = 500


@transaction.atomic
def notifications_enqueue_many(*, notifications: Iterable[Notification]) -> list[Notification]:
    """Write many rows made by `notification_build` in a few queries and enqueue their deliveries on commit; as with
    notification_enqueue, a key that is already there gives the row that is there. Rows in input order."""
    wanted = list(notifications)
    found: dict[str, Notification] = {}
    keys = list(dict.fromkeys(n.idempotency_key for n in wanted))
    for start in range(0, len(keys), BULK_CHUNK):
        found.update(
            (n.idempotency_key, n)
            for n in Notification.objects.filter(idempotency_key__in=keys[start : start + BULK_CHUNK])
        )
    new = list({n.idempotency_key: n for n in wanted if n.idempotency_key not in found}.values())
    if new and connection.features.can_return_rows_from_bulk_insert:
        try:
            with transaction.atomic():
                Notification.objects.bulk_create(new, batch_size=BULK_CHUNK)
        except IntegrityError:
            new = []  # a concurrent writer took some of the keys: settle them one by one, below
        for notification in new:
            _schedule(notification)
            found[notification.idempotency_key] = notification
    for notification in wanted:
        if notification.idempotency_key not in found:
            found[notification.idempotency_key] = notification_enqueue(
                recipient=notification.recipient,
                channel=notification.channel,
                address=notification.address,
                subject=notification.subject,
                body=notification.body,
                link=notification.link,
                source=notification.source,
                round=notification.round,
                idempotency_key=notification.idempotency_key,
            )
    return [found[n.idempotency_key] for n in wanted]


def person_channels(*, recipient: Person) -> list[tuple[str, str]]:
    """The (channel, address) pairs a person can be reached on: email, SMS to each mobile (else the first
    phone), in-app if they have an active user account."""
    pairs: list[tuple[str, str]] = []
    if recipient.email:
        pairs.append((Channel.EMAIL, recipient.email))
    phones = list(recipient.phones.all())
    mobiles = [p for p in phones if p.kind == PhoneKind.MOBILE]
    for phone in mobiles or phones[:1]:
        if phone.number.startswith("+"):
            pairs.append((Channel.SMS, phone.number))
    if recipient.user_id and recipient.user.is_active:
        pairs.append((Channel.INAPP, str(recipient.user_id)))
    return pairs


@transaction.atomic
def notifications_enqueue_for_person(
    *,
    recipient: Person,
    subject: str,
    body: str,
    link: str = "",
    source: models.Model | None = None,
    round: int = 0,
    calendar: str = "",
) -> list[Notification]:
    """Enqueue the message on every channel the person has; an empty list means they cannot be reached."""
    alert = Alert(
        recipient=recipient, subject=subject, body=body, link=link, source=source, round=round, calendar=calendar
    )
    return notifications_enqueue_alerts(alerts=[alert])[0]


@dataclasses.dataclass(frozen=True)
class Alert:
    """One message for one person, to go out on every channel they have."""

    recipient: Person
    subject: str
    body: str
    link: str = ""
    source: models.Model | None = None
    round: int = 0
    calendar: str = ""  # an .ics text, sent by email only


@transaction.atomic
def notifications_enqueue_alerts(*, alerts: Iterable[Alert]) -> list[list[Notification]]:
    """Enqueue many alerts, each on every channel of its person, in a few queries for all of them; for each
    alert its rows (an empty list: that person cannot be reached). Read the people with their phones and
    account (`phones` prefetched, `user` selected) or it costs queries per person."""
    alerts = list(alerts)
    built = [
        [
            notification_build(
                recipient=alert.recipient,
                channel=channel,
                address=address,
                subject=alert.subject,
                body=alert.body,
                link=alert.link,
                source=alert.source,
                round=alert.round,
                calendar=alert.calendar,
            )
            for channel, address in person_channels(recipient=alert.recipient)
        ]
        for alert in alerts
    ]
    written = iter(notifications_enqueue_many(notifications=[n for rows in built for n in rows]))
    return [[next(written) for _ in rows] for rows in built]


@dataclasses.dataclass
class FanOut:
    """What a fan-out wrote, and who could not be reached on any channel."""

    notifications: list[Notification]
    unreachable: list[Person]


@transaction.atomic
def notifications_enqueue_for_people(
    *,
    recipients: Iterable[Person],
    subject: str,
    body: str,
    link: str = "",
    source: models.Model | None = None,
    round: int = 0,
) -> FanOut:
    """Enqueue the message for several people on all their channels; report those with no channel."""
    people = Person.objects.filter(pk__in=[p.pk for p in recipients]).select_related("user")
    people = people.prefetch_related("phones")
    people = list(people)
    written = notifications_enqueue_alerts(
        alerts=[Alert(recipient=p, subject=subject, body=body, link=link, source=source, round=round) for p in people]
    )
    return FanOut(
        notifications=[n for rows in written for n in rows],
        unreachable=[person for person, rows in zip(people, written, strict=True) if not rows],
    )


@transaction.atomic
def notifications_cancel(*, source: models.Model, recipient: Person | None = None, round: int | None = None) -> int:
    """Cancel what is still waiting for a source (e.g. the member acknowledged); returns how many."""
    rows = Notification.objects.filter(
        source_type=ContentType.objects.get_for_model(source, for_concrete_model=False),
        source_id=source.pk,
        state__in=CLAIMABLE_STATES,
    )
    if recipient is not None:
        rows = rows.filter(recipient=recipient)
    if round is not None:
        rows = rows.filter(round=round)
    return rows.update(state=State.CANCELLED, next_attempt_at=None, updated_at=timezone.now())


def notification_claim(*, notification_id: int) -> Notification | None:
    """Take a row for sending in a short transaction; None if it is finished, in flight or locked."""
    now = timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        rows = Notification.objects.filter(pk=notification_id, state__in=CLAIMABLE_STATES)
        if connection.features.has_select_for_update_skip_locked:
            # PostgreSQL: a row another worker is claiming right now is skipped, not waited for.
            # of=self: locking the joined person would block deliveries of the person's other messages.
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        # SQLite has no row locks; its IMMEDIATE transactions serialise writers, and the conditional
        # UPDATE below is the guard on every database.
        # No ORDER BY (.first() would add one): the key is the primary key.
        notification = next(iter(rows.select_related("recipient").order_by()[:1]), None)
        if notification is None:
            return None
        claimed = Notification.objects.filter(pk=notification.pk, state__in=CLAIMABLE_STATES).update(
            state=State.SENDING,
            attempts=models.F("attempts") + 1,
            claimed_at=now,
            claim_token=token,
            updated_at=now,
        )
        if not claimed:
            return None
    notification.state = State.SENDING
    notification.attempts += 1
    notification.claimed_at = now
    notification.claim_token = token
    return notification


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: 30 s, 1, 2, 4, 8 min ... capped."""
    base = conf.get("NOTIFICATION_RETRY_BASE_SECONDS")
    return float(min(base * 2 ** max(attempts - 1, 0), conf.get("NOTIFICATION_RETRY_MAX_DELAY_SECONDS")))


def _finished(notification: Notification) -> None:
    """Tell listeners after commit; `notification` carries the fields just written (no second read)."""

    def send() -> None:
        for receiver, result in notification_finished.send_robust(sender=Notification, notification=notification):
            if isinstance(result, Exception):
                # The outcome is recorded; a listener's failure must not undo it, but must not go unseen.
                logger.error("%r failed for notification %s", receiver, notification.pk, exc_info=result)

    if notification_finished.has_listeners(Notification):
        transaction.on_commit(send, robust=True)


def _record_sent(notification: Notification, provider_id: str) -> None:
    now = timezone.now()
    fields: dict[str, Any] = {
        "state": State.SENT,
        "sent_at": now,
        "provider_message_id": provider_id[:200],
        "next_attempt_at": None,
        "last_error_code": "",
        "last_error": "",
        "updated_at": now,
    }
    with transaction.atomic():
        # A success counts even if the lease ran out meanwhile: the message is out.
        updated = Notification.objects.filter(pk=notification.pk).exclude(state=State.SENT).update(**fields)
        if updated:
            for name, value in fields.items():
                setattr(notification, name, value)
            _finished(notification)


def _record_failure(notification: Notification, error: TransportError) -> str:
    now = timezone.now()
    permanent = error.permanent
    code, detail = error.code, error.message
    if not permanent and notification.attempts >= conf.get("NOTIFICATION_MAX_ATTEMPTS"):
        permanent = True
        code = ErrorCode.GAVE_UP
        detail = f"{notification.attempts} attempts; last: {detail}"
    fields: dict[str, Any] = {"last_error_code": code, "last_error": detail[:2000], "updated_at": now}
    if permanent:
        fields.update(state=State.FAILED_PERMANENT, next_attempt_at=None)
    else:
        delay = retry_delay(notification.attempts)
        if error.retry_after:
            delay = min(max(delay, error.retry_after), conf.get("NOTIFICATION_RETRY_MAX_DELAY_SECONDS"))
        fields.update(state=State.FAILED_RETRYING, next_attempt_at=now + datetime.timedelta(seconds=delay))
    with transaction.atomic():
        # Only the holder of the claim records a failure: after a lease expiry another worker owns the row.
        updated = Notification.objects.filter(
            pk=notification.pk, state=State.SENDING, claim_token=notification.claim_token
        ).update(**fields)
        if not updated:
            return "superseded"
        for name, value in fields.items():
            setattr(notification, name, value)
        if permanent:
            _finished(notification)
        else:
            _schedule(notification, run_after=fields["next_attempt_at"])
    return fields["state"]


def notification_deliver(*, notification_id: int) -> str:
    """Send one outbox row unless it is finished or being sent elsewhere; record and return the state."""
    notification = notification_claim(notification_id=notification_id)
    if notification is None:
        return "skipped"
    try:
        provider_id = transport_for(notification.channel).send(notification)
    except TransportError as error:
        logger.warning("Notification %s failed: %s", notification.pk, error.message)
        return _record_failure(notification, error)
    except Exception as exc:  # a bug in a transport must not leave the row stuck in "sending"
        logger.exception("Notification %s: unexpected error in transport", notification.pk)
        return _record_failure(notification, TransportError(repr(exc)))
    _record_sent(notification, provider_id)
    return State.SENT


@transaction.atomic
def notifications_requeue_stale(*, now: datetime.datetime | None = None) -> int:
    """Recover rows no worker will finish: `sending` past the lease (worker killed) and due rows whose task
    was lost (process stopped between commit and enqueue). Run it periodically; returns how many."""
    now = now or timezone.now()
    lease = datetime.timedelta(seconds=conf.get("NOTIFICATION_SENDING_LEASE_SECONDS"))
    grace = datetime.timedelta(seconds=conf.get("NOTIFICATION_LOST_TASK_GRACE_SECONDS"))
    count = 0
    stale = Notification.objects.select_for_update().filter(state=State.SENDING, claimed_at__lt=now - lease)
    for notification in stale:
        gave_up = notification.attempts >= conf.get("NOTIFICATION_MAX_ATTEMPTS")
        notification.state = State.FAILED_PERMANENT if gave_up else State.FAILED_RETRYING
        notification.last_error_code = ErrorCode.GAVE_UP if gave_up else ErrorCode.INTERRUPTED
        notification.last_error = f"No outcome recorded within {lease.seconds} s of attempt {notification.attempts}"
        notification.next_attempt_at = None if gave_up else now
        notification.claim_token = ""
        notification.save(
            update_fields=[
                "state",
                "last_error_code",
                "last_error",
                "next_attempt_at",
                "claim_token",
                "updated_at",
            ]
        )
        if gave_up:
            _finished(notification)
        else:
            _schedule(notification)
        count += 1
    lost = Notification.objects.select_for_update().filter(state__in=CLAIMABLE_STATES, next_attempt_at__lt=now - grace)
    for notification in lost:
        # A duplicate task is harmless (only one can claim the row); moving the due time on keeps a long
        # worker outage from piling up one more task per row at every sweep.
        notification.next_attempt_at = now
        notification.save(update_fields=["next_attempt_at", "updated_at"])
        _schedule(notification)
        count += 1
    return count


@transaction.atomic
def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    """Mark one in-app message of the actor's as read."""
    if notification.channel != Channel.INAPP or notification.recipient.user_id != actor.pk:
        raise ValidationError(_("That message is not in your inbox."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: Any) -> int:
    """Mark every unread in-app message of the actor's as read; returns how many."""
    return Notification.objects.filter(
        channel=Channel.INAPP, recipient__user=actor, state=State.SENT, read_at__isnull=True
    ).update(read_at=timezone.now())
