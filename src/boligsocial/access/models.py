"""Who may see what. For now: each user's acceptance of a plan's confidentiality statement (tavshedspligt)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from boligsocial.plans.models import Plan


class ConfidentialityPledge(models.Model):
    """A user accepted the confidentiality statement of a plan, as it read then (identified by its hash).

    Rows are only added: a changed statement is accepted again as a new row, and the history shows who accepted
    which wording when.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="pledges"
    )
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="pledges")
    # SHA-256 of the statement's text (access.selectors.confidentiality_hash).
    text_hash = models.CharField(_("hash of the statement"), max_length=64)
    accepted_at = models.DateTimeField(_("accepted"), auto_now_add=True)

    class Meta:
        verbose_name = _("confidentiality pledge")
        verbose_name_plural = _("confidentiality pledges")
        ordering = ["plan", "user", "-accepted_at"]
        indexes = [models.Index(fields=["user", "plan", "-accepted_at"], name="pledge_user_plan_latest")]

    def __str__(self) -> str:
        return f"{self.user} · {self.plan} · {self.accepted_at:%Y-%m-%d %H:%M}"
