"""The audit trail every service writes to, the log of reads of confidential entries, and the machinery that makes
both (and the activation timeline) append-only and tamper-evident."""

import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .chain import GENESIS, content_digest, row_hash


class AppendOnlyError(ValueError):
    """A chained row was to be changed or deleted outside the sanctioned redaction."""


class ChainHead(models.Model):
    """The last row of one chain. Its row is locked while a row is appended, which orders the writers of a chain;
    it also lets the verifier notice rows removed from the end, which no later row would betray."""

    key = models.CharField(max_length=100, primary_key=True)
    last_id = models.PositiveBigIntegerField(null=True, blank=True)
    last_hash = models.CharField(max_length=64, default=GENESIS)
    length = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("chain head")
        verbose_name_plural = _("chain heads")

    def __str__(self) -> str:
        return f"{self.key}: {self.length}"


def chain_head_lock(key: str) -> ChainHead:
    """The head of chain `key`, created if new, locked until the caller's transaction ends."""
    head = ChainHead.objects.select_for_update().filter(key=key).first()
    if head is None:
        # Two first writers may race here: the conflict is ignored and both then lock the one row.
        ChainHead.objects.bulk_create([ChainHead(key=key)], ignore_conflicts=True)
        head = ChainHead.objects.select_for_update().get(key=key)
    return head


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk writes would skip the chain: refused. Redaction calls models.QuerySet.update explicitly."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only.")

    def delete(self) -> tuple[int, dict]:
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list:
        raise AppendOnlyError(f"{self.model._meta.label} rows are appended one by one, through save().")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only.")


class ChainedModel(models.Model):
    """An append-only table whose rows each carry the hash of the row before them in their chain.

    Subclasses name the fields the hash covers (CHAINED_FIELDS, by attname), the free-text fields that may later be
    removed by pseudonymisation (REDACTABLE_FIELDS: hashed through a salted digest), and optionally a field that
    splits the table into one chain per value (CHAIN_PARTITION), so writers of different chains do not wait for
    each other.
    """

    CHAINED_FIELDS: ClassVar[tuple[str, ...]] = ()
    REDACTABLE_FIELDS: ClassVar[tuple[str, ...]] = ()
    CHAIN_PARTITION: ClassVar[str | None] = None

    chain_prev = models.CharField(max_length=64, editable=False, default="")
    chain_hash = models.CharField(max_length=64, editable=False, default="")
    # Emptied when the text is removed, so the digest can no longer be checked against guessed names.
    content_salt = models.CharField(max_length=32, editable=False, blank=True, default="")
    content_digest = models.CharField(max_length=64, editable=False, blank=True, default="")
    redacted_at = models.DateTimeField(_("text removed"), null=True, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} rows are append-only.")
        # Outside a transaction this opens one; on SQLite it is BEGIN IMMEDIATE (settings), which alone orders
        # the writers, and on PostgreSQL the head row's lock does.
        with transaction.atomic(using=kwargs.get("using")):
            head = chain_head_lock(self.chain_key())
            if self.REDACTABLE_FIELDS:
                self.content_salt = secrets.token_hex(16)
                self.content_digest = content_digest(salt=self.content_salt, texts=self.chain_texts())
            self.chain_prev = head.last_hash
            self.chain_hash = row_hash(content=self.chain_content(), prev=self.chain_prev)
            super().save(*args, **kwargs)
            ChainHead.objects.filter(key=head.key).update(
                last_id=self.pk, last_hash=self.chain_hash, length=models.F("length") + 1
            )

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict]:
        raise AppendOnlyError(f"{self._meta.label} rows are append-only.")

    @classmethod
    def chain_key_for(cls, partition: Any = None) -> str:
        label = cls._meta.label_lower
        return label if cls.CHAIN_PARTITION is None else f"{label}:{partition}"

    def chain_key(self) -> str:
        return self.chain_key_for(getattr(self, self.CHAIN_PARTITION) if self.CHAIN_PARTITION else None)

    def chain_texts(self) -> dict:
        return {name: getattr(self, name) for name in self.REDACTABLE_FIELDS}

    def chain_content(self) -> dict:
        content = {name: getattr(self, name) for name in self.CHAINED_FIELDS}
        if self.REDACTABLE_FIELDS:
            content["content_digest"] = self.content_digest
        return content


class AuditEntry(ChainedModel):
    """One append-only row per change made through a service."""

    CHAINED_FIELDS = ("at", "actor_id", "action", "target_type_id", "target_id", "data")
    REDACTABLE_FIELDS = ("summary",)

    at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    # PROTECT: the chain covers who acted, so an account that has acted is deactivated, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class AccessLog(ChainedModel):
    """One append-only row per read of a confidential entry: who read what, when, and through which page."""

    CHAINED_FIELDS = ("at", "user_id", "target_type_id", "target_id", "context")

    at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    # The page or API operation the entry was read through, and why if the reader gave a reason.
    context = models.CharField(_("read through"), max_length=300)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"]),
            models.Index(fields=["user", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.context}"
