"""Sign-in accounts. A user is linked to at most one person in the directory."""

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in; their roles come from the plans they are members of."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
