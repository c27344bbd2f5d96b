"""The app's settings with their defaults; each can be overridden in the Django settings."""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # channel -> dotted path of a Transport class; merged over DEFAULT_TRANSPORTS in transports.py.
    "NOTIFICATION_TRANSPORTS": {},
    # Exponential back-off for temporary failures: base * 2 ** (attempt - 1), capped.
    "NOTIFICATION_RETRY_BASE_SECONDS": 30,
    "NOTIFICATION_RETRY_MAX_DELAY_SECONDS": 900,
    "NOTIFICATION_MAX_ATTEMPTS": 10,
    # A row claimed longer ago than this is taken to belong to a dead worker.
    "NOTIFICATION_SENDING_LEASE_SECONDS": 120,
    # A queued row whose task has not run this long after it was due gets a new task.
    "NOTIFICATION_LOST_TASK_GRACE_SECONDS": 120,
    # Notifications go before other background work (django_tasks priority, -100..100).
    "NOTIFICATION_TASK_PRIORITY": 50,
    # Rows written together (a fan-out) are sent this many to a task, one after the other: each row is still
    # claimed, sent and recorded on its own, but the task queue's own writes are shared (docs/performance.md).
    "NOTIFICATION_TASK_BATCH": 10,
    "NOTIFICATION_EMAIL_TIMEOUT": 30,
    # A worker keeps its mail connection open between messages, checked with NOOP before each; a connection
    # idle longer than this is closed rather than checked (a silently dropped one would block until timeout).
    "NOTIFICATION_EMAIL_IDLE_SECONDS": 30,
    # ... and replaced after this many messages, as mail servers limit messages per connection.
    "NOTIFICATION_EMAIL_MESSAGES_PER_CONNECTION": 100,
    # Right-hand side of email Message-IDs; default: the domain of DEFAULT_FROM_EMAIL.
    "NOTIFICATION_MESSAGE_ID_DOMAIN": "",
    "SMS_GATEWAY_URL": "https://gatewayapi.eu",
    "SMS_GATEWAY_TOKEN": "",
    "SMS_SENDER": "Beredskab",
    "SMS_GATEWAY_TIMEOUT": 10,
}


def get(name: str) -> Any:
    """The setting `name`, or its default."""
    return getattr(settings, name, DEFAULTS[name])
