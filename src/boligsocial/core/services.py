"""Writes to the audit trail and the access log, and the one sanctioned change of a chained row: removing text."""

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .chain import REDACTED_KEY
from .models import AccessLog, AuditEntry, ChainedModel

__all__ = ["REDACTED_KEY", "access_log_record", "audit_record", "chain_redact"]


def audit_record(
    *, actor: Any, action: str, target: models.Model, summary: str = "", data: dict | None = None
) -> AuditEntry:
    """Append one audit row for a change made by `actor` to `target`."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=target.pk,
        summary=summary[:500],
        data=data or {},
    )


def access_log_record(*, user: Any, target: models.Model, context: str) -> AccessLog | None:
    """Append one access-log row: `user` read the confidential `target` through `context` (page, API call, why).

    Anonymous reads are not logged here: they never reach confidential content.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    return AccessLog.objects.create(
        user=user,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=target.pk,
        context=context[:300],
    )


@transaction.atomic
def chain_redact(*, rows: models.QuerySet, now: datetime.datetime | None = None) -> list[int]:
    """Blank the removable text of chained rows (pseudonymisation) and return their ids.

    The hashes stay valid: the chain covers a salted digest of the text, and the salt goes with the text. The
    caller must append a row to the same chain whose `data[REDACTED_KEY]` lists the returned ids, in the same
    transaction; verify_chain reports a blanked row that no such row sanctions.
    """
    model = rows.model
    if not (issubclass(model, ChainedModel) and model.REDACTABLE_FIELDS):
        raise TypeError(f"{model._meta.label} has no removable text.")
    ids = list(rows.filter(redacted_at__isnull=True).order_by("pk").values_list("pk", flat=True))
    blank = {name: "" for name in model.REDACTABLE_FIELDS}
    models.QuerySet.update(
        model.objects.filter(pk__in=ids), content_salt="", redacted_at=now or timezone.now(), **blank
    )
    return ids
