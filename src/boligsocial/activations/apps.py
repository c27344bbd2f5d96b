from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivationsConfig(AppConfig):
    name = "boligsocial.activations"
    label = "activations"
    verbose_name = _("Activations")
