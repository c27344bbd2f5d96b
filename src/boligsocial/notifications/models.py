"""The outbox: one row per message to one person on one channel, written in the caller's transaction."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from boligsocial.core.phones import format_phone
from boligsocial.directory.models import Person


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    INAPP = "inapp", _("In-app")
    CONSOLE = "console", _("Console")


class State(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED_RETRYING = "failed_retrying", _("Failed, retrying")
    FAILED_PERMANENT = "failed_permanent", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# A worker may claim a row only in these states; everything else is finished or in flight.
CLAIMABLE_STATES = (State.QUEUED, State.FAILED_RETRYING)
PENDING_STATES = (State.QUEUED, State.SENDING, State.FAILED_RETRYING)
FINAL_STATES = (State.SENT, State.FAILED_PERMANENT, State.CANCELLED)


class ErrorCode(models.TextChoices):
    INVALID_ADDRESS = "invalid_address", _("Invalid address")
    REJECTED = "rejected", _("Rejected by the provider")
    UNAVAILABLE = "unavailable", _("Provider unavailable")
    TIMEOUT = "timeout", _("No answer in time")
    MISCONFIGURED = "misconfigured", _("Channel not configured")
    INTERRUPTED = "interrupted", _("Delivery interrupted")
    GAVE_UP = "gave_up", _("Gave up after repeated failures")
    ERROR = "error", _("Error")


class Notification(models.Model):
    """One message to one person on one channel; the worker sends it and records the outcome here."""

    recipient = models.ForeignKey(
        Person, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="notifications"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # Copied when enqueued: a later edit of the person does not redirect a message already decided.
    address = models.CharField(_("address"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    link = models.URLField(_("link"), max_length=500, blank=True)
    # An iCalendar text (RFC 5545) that the email channel attaches as text/calendar; other channels ignore it.
    calendar = models.TextField(_("calendar attachment"), blank=True)

    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)

    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    last_error_code = models.CharField(_("error"), max_length=20, choices=ErrorCode.choices, blank=True)
    last_error = models.TextField(_("error detail"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=200, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["source_type", "source_id", "round"], name="notification_source"),
            models.Index(fields=["state", "next_attempt_at"], name="notification_state_due"),
            models.Index(fields=["recipient", "channel", "state"], name="notification_inbox"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="sent") | models.Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address}: {self.subject}"

    @property
    def address_display(self) -> str:
        """The address as people read it: phone numbers in pairs; nothing for the in-app inbox."""
        if self.channel == Channel.SMS:
            return format_phone(self.address)
        if self.channel == Channel.INAPP:
            return ""
        return self.address

    @property
    def state_class(self) -> str:
        """The CSS class that colours the state: green sent, red failed, yellow still on its way."""
        if self.state == State.SENT:
            return "level-green"
        if self.state == State.FAILED_PERMANENT:
            return "level-red"
        if self.state in PENDING_STATES:
            return "level-yellow"
        return "muted"

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES

    @property
    def is_failed(self) -> bool:
        return self.state == State.FAILED_PERMANENT
