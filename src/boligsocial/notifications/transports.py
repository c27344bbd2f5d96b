"""Channels as plug-ins: one Transport class per channel, chosen per channel by NOTIFICATION_TRANSPORTS.

A transport sends one notification and returns the provider's message id, or raises TransportError saying
whether trying again can help. Retrying is not a transport's business: the delivery service does it.
"""

import contextlib
import email.utils
import hashlib
import logging
import re
import smtplib
import socket
import threading
import time
from email.mime.text import MIMEText
from functools import cache

import httpx
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from . import conf
from .models import Channel, ErrorCode, Notification

logger = logging.getLogger(__name__)

DEFAULT_TRANSPORTS = {
    Channel.EMAIL: "boligsocial.notifications.transports.EmailTransport",
    Channel.SMS: "boligsocial.notifications.transports.SmsTransport",
    Channel.INAPP: "boligsocial.notifications.transports.InAppTransport",
    Channel.CONSOLE: "boligsocial.notifications.transports.ConsoleTransport",
}


class TransportError(Exception):
    """A failed send. `permanent` means the same message will never succeed, so do not retry."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        code: str = ErrorCode.ERROR,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.code = code
        self.retry_after = retry_after


class Transport:
    """Sends one notification on one channel."""

    def send(self, notification: Notification) -> str:
        """Deliver `notification`; return the provider's message id or raise TransportError."""
        raise NotImplementedError

    @staticmethod
    def text(notification: Notification, separator: str = "\n\n") -> str:
        """The message text with the link appended (the link is what the recipient acts on)."""
        if notification.link and notification.link not in notification.body:
            return f"{notification.body}{separator}{notification.link}"
        return notification.body


CALENDAR_METHOD = re.compile(r"^METHOD:([A-Za-z-]+)\r?$", re.MULTILINE)


def calendar_part(calendar: str) -> MIMEText:
    """An .ics attachment as text/calendar with the iTIP method (REQUEST, CANCEL ...) that mail clients read."""
    part = MIMEText(calendar, "calendar", "utf-8")
    method = CALENDAR_METHOD.search(calendar)
    if method:
        part.set_param("method", method.group(1).upper())
    part.add_header("Content-Disposition", "attachment", filename="invitation.ics")
    return part


def message_id_for(notification: Notification) -> str:
    """A Message-ID fixed by the idempotency key: a resend after an unknown outcome carries the same id."""
    digest = hashlib.sha256(notification.idempotency_key.encode()).hexdigest()[:32]
    domain = conf.get("NOTIFICATION_MESSAGE_ID_DOMAIN") or (
        email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    )
    return f"<{digest}.notification@{domain}>"


class EmailTransport(Transport):
    """Email through Django's mail API (the SMTP backend in production).

    Each thread keeps its mail connection open between messages: opening one per message (TCP, greeting, EHLO,
    STARTTLS in production) cost more than the message itself (docs/performance.md). A kept connection is
    only used again if it answers NOOP, was used in the last NOTIFICATION_EMAIL_IDLE_SECONDS and has carried
    fewer than NOTIFICATION_EMAIL_MESSAGES_PER_CONNECTION messages; otherwise it is closed and a new one opened.
    After any error the connection is dropped, so the next message starts afresh.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def _backend(self):
        backend = getattr(self._local, "backend", None)
        if backend is not None:
            if self._local.messages >= conf.get("NOTIFICATION_EMAIL_MESSAGES_PER_CONNECTION"):
                self._drop(polite=True)
                backend = None
            elif not self._alive(backend):
                self._drop()
                backend = None
        if backend is None:
            backend = get_connection(fail_silently=False, timeout=conf.get("NOTIFICATION_EMAIL_TIMEOUT"))
            backend.open()
            self._local.backend, self._local.messages = backend, 0
        self._local.used_at = time.monotonic()
        return backend

    def _alive(self, backend) -> bool:
        if not isinstance(backend, SmtpBackend):
            return True  # console, locmem: nothing to keep alive
        if backend.connection is None:
            return False
        if time.monotonic() - self._local.used_at > conf.get("NOTIFICATION_EMAIL_IDLE_SECONDS"):
            return False
        try:
            return backend.connection.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def _drop(self, *, polite: bool = False) -> None:
        """Forget this thread's connection; QUIT only if it is known to be healthy (a broken one could make
        QUIT wait for the whole timeout)."""
        backend = getattr(self._local, "backend", None)
        self._local.backend = None
        if isinstance(backend, SmtpBackend) and backend.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                if polite:
                    backend.connection.quit()
                backend.connection.close()
            backend.connection = None

    def send(self, notification: Notification) -> str:
        message_id = message_id_for(notification)
        try:
            backend = self._backend()
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise self._error(exc) from exc
        message = EmailMessage(
            subject=notification.subject,
            body=self.text(notification),
            to=[notification.address],
            headers={
                "Message-ID": message_id,
                # RFC 3834: tells vacation responders not to answer an alert.
                "Auto-Submitted": "auto-generated",
            },
            connection=backend,
        )
        if notification.calendar:
            message.attach(calendar_part(notification.calendar))
        try:
            message.send()
        except BaseException as exc:
            # The connection's state is unknown after an error: the next message opens a new one.
            self._drop()
            error = self._error(exc)
            if error is None:
                raise
            raise error from exc
        self._local.messages += 1
        return message_id

    @staticmethod
    def _error(exc: BaseException) -> TransportError | None:
        """What the mail server's answer (or the way to it) means for this message; None for anything else."""
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            codes = [code for code, _reply in exc.recipients.values()]
            detail = "; ".join(f"{code} {reply.decode(errors='replace')}" for code, reply in exc.recipients.values())
            permanent = all(500 <= code < 600 for code in codes)
            return TransportError(
                f"Recipient refused: {detail}",
                permanent=permanent,
                code=ErrorCode.INVALID_ADDRESS if permanent else ErrorCode.UNAVAILABLE,
            )
        if isinstance(exc, smtplib.SMTPSenderRefused):
            # Our own sender address is refused: a configuration fault an operator can fix, so keep trying.
            return TransportError(f"Sender refused: {exc.smtp_code} {exc.smtp_error!r}", code=ErrorCode.MISCONFIGURED)
        if isinstance(exc, smtplib.SMTPDataError):
            permanent = 500 <= exc.smtp_code < 600
            return TransportError(
                f"Message refused: {exc.smtp_code} {exc.smtp_error.decode(errors='replace')}",
                permanent=permanent,
                code=ErrorCode.REJECTED if permanent else ErrorCode.UNAVAILABLE,
            )
        if isinstance(exc, smtplib.SMTPException | OSError):
            code = ErrorCode.TIMEOUT if isinstance(exc, socket.timeout | TimeoutError) else ErrorCode.UNAVAILABLE
            return TransportError(f"Mail server: {exc!r}", code=code)
        return None


class SmsTransport(Transport):
    """SMS through GatewayAPI's REST API (gatewayapi.com / gatewayapi.eu, Danish).

    POST {SMS_GATEWAY_URL}/rest/mtsms with JSON {"sender", "message", "recipients": [{"msisdn"}], "userref"},
    the API token as the HTTP Basic user name. 200 answers {"ids": [...], "usage": {...}}; an error answers
    {"code", "incident_uuid", "message", "variables"} with 400 (invalid arguments, e.g. recipient), 401 (bad
    token), 403 (IP not allowed), 422 (invalid JSON) or 500. The idempotency key goes in "userref", which the
    gateway returns in its delivery reports, so a resend after an unknown outcome can be recognised.
    """

    def __init__(self) -> None:
        self.url = conf.get("SMS_GATEWAY_URL").rstrip("/") + "/rest/mtsms"
        self.token = conf.get("SMS_GATEWAY_TOKEN")
        self.sender = conf.get("SMS_SENDER")
        self.client = httpx.Client(timeout=conf.get("SMS_GATEWAY_TIMEOUT"))

    def send(self, notification: Notification) -> str:
        if not self.token:
            raise TransportError("SMS_GATEWAY_TOKEN is not set", permanent=True, code=ErrorCode.MISCONFIGURED)
        msisdn = notification.address.lstrip("+")
        if not msisdn.isdigit():
            raise TransportError(
                f"Not an E.164 number: {notification.address}", permanent=True, code=ErrorCode.INVALID_ADDRESS
            )
        payload = {
            "sender": self.sender,
            "message": self.text(notification, separator=" "),
            "recipients": [{"msisdn": int(msisdn)}],
            "userref": notification.idempotency_key,
        }
        try:
            response = self.client.post(self.url, json=payload, auth=(self.token, ""))
        except httpx.TimeoutException as exc:
            raise TransportError(f"SMS gateway timeout: {exc!r}", code=ErrorCode.TIMEOUT) from exc
        except httpx.HTTPError as exc:
            raise TransportError(f"SMS gateway unreachable: {exc!r}", code=ErrorCode.UNAVAILABLE) from exc
        if response.status_code == 200:
            try:
                return str(response.json()["ids"][0])
            except (ValueError, KeyError, IndexError, TypeError):
                # Accepted (200) is what matters; a missing id must not cause a second send.
                logger.warning("SMS gateway accepted %s without a message id: %r", notification.pk, response.text)
                return ""
        raise self._error(response)

    @staticmethod
    def _error(response: httpx.Response) -> TransportError:
        status = response.status_code
        try:
            body = response.json()
            message = body.get("message", "")
            for i, value in enumerate(body.get("variables") or [], start=1):
                message = message.replace(f"%{i}", str(value))
            detail = f"{status} {body.get('code', '')} {message}".strip()
        except (ValueError, AttributeError):
            detail = f"{status} {response.text[:200]}"
        if status == 429 or status == 408 or status >= 500:
            retry_after = response.headers.get("Retry-After", "")
            return TransportError(
                f"SMS gateway: {detail}",
                code=ErrorCode.UNAVAILABLE,
                retry_after=float(retry_after) if retry_after.isdigit() else None,
            )
        code = {401: ErrorCode.MISCONFIGURED, 403: ErrorCode.MISCONFIGURED, 400: ErrorCode.INVALID_ADDRESS}
        return TransportError(f"SMS gateway: {detail}", permanent=True, code=code.get(status, ErrorCode.REJECTED))


class ConsoleTransport(Transport):
    """Writes the message to the log instead of sending it: for the demo and development."""

    def send(self, notification: Notification) -> str:
        logger.info(
            "[%s to %s] %s\n%s",
            notification.get_channel_display(),
            notification.address,
            notification.subject,
            # The text as the real channel would carry it: an SMS has the link on the same line.
            self.text(notification, separator=" " if notification.channel == Channel.SMS else "\n\n"),
        )
        return f"console:{notification.pk}"


class InAppTransport(Transport):
    """Puts the message in the recipient's in-app inbox: a sent in-app row is what the inbox shows."""

    def send(self, notification: Notification) -> str:
        if notification.recipient.user_id is None:
            raise TransportError("The person has no user account", permanent=True, code=ErrorCode.INVALID_ADDRESS)
        return f"inapp:{notification.pk}"


@cache
def _transport(path: str) -> Transport:
    # One instance per class and process, so the SMS transport keeps its HTTP connections open.
    return import_string(path)()


def transport_for(channel: str) -> Transport:
    """The configured transport for `channel` (NOTIFICATION_TRANSPORTS over the defaults)."""
    paths = {**DEFAULT_TRANSPORTS, **conf.get("NOTIFICATION_TRANSPORTS")}
    return _transport(paths[channel])


def _reset(*, setting: str, **kwargs) -> None:
    if setting.startswith(("NOTIFICATION_", "SMS_", "EMAIL_")):
        _transport.cache_clear()


def connect_setting_changes() -> None:
    """Forget cached transports when a test changes their settings."""
    setting_changed.connect(_reset, dispatch_uid="notifications-transports")
