"""Reads of the audit trail."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def audit_entries_for(*, target: models.Model) -> models.QuerySet[AuditEntry]:
    """The audit rows of one object, newest first, with their actors."""
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False), target_id=target.pk
    ).select_related("actor")
