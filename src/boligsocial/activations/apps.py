from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivationsConfig(AppConfig):
    name = "boligsocial.activations"
    label = "activations"
    verbose_name = _("Activations")

    def ready(self) -> None:
        from boligsocial.notifications.models import Notification
        from boligsocial.notifications.signals import notification_finished

        from .flows import on_notification_finished

        # A member whose every channel failed for good is unreachable at once, and the substitutes are alerted.
        notification_finished.connect(
            on_notification_finished, sender=Notification, dispatch_uid="activations-seat-unreachable"
        )
