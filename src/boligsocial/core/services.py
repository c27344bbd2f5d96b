"""Writes to the audit trail."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


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
