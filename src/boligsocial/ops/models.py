"""What operations needs to know that no domain row says: when a worker last proved it was running."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a named background job ran; the worker's heartbeat proves the queue is being worked."""

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
