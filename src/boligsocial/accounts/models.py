"""Sign-in accounts. A user is linked to at most one person in the directory."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in; their roles come from the plans they are members of."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class ApiToken(models.Model):
    """A bearer token for an API client acting as `user`. Only a hash of the secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is used for."))
    # The first characters of the token, so a user can tell their tokens apart without the secret.
    prefix = models.CharField(_("beginning of the token"), max_length=12, editable=False)
    # SHA-256 of the whole token. The token carries 256 random bits, so a slow password hash adds nothing.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["user", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_active_name_unique_per_user",
                violation_error_message=_("The user already has an active token with this name."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.name} ({self.prefix}…)"

    def clean(self) -> None:
        taken = ApiToken.objects.filter(user_id=self.user_id, name=self.name, revoked_at__isnull=True)
        if self.revoked_at is None and self.user_id and taken.exclude(pk=self.pk).exists():
            raise ValidationError({"name": _("The user already has an active token with this name.")})

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
