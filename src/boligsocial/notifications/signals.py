"""Signals other apps listen to, e.g. escalation reacting at once when a channel fails for good."""

from django.dispatch import Signal

# Sent after commit when a notification reaches `sent` or `failed_permanent`; kwargs: notification.
notification_finished = Signal()
