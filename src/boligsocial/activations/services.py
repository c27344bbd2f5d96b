"""Writes for incidents, requests and the simple steps of an activation. Multi-step work is in flows.py."""

import datetime
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boligsocial.core.validators import cpr_errors
from boligsocial.directory.models import Department, HousingArea
from boligsocial.plans.models import IncidentType, Plan

from .models import ActivationRequest, Incident, RequestState, TimelineEntry
from .selectors import can_activate


def timeline_add(*, activation, actor: Any, kind: str, text: str, data: dict | None = None) -> TimelineEntry:
    """Append one row to an activation's timeline."""
    return TimelineEntry.objects.create(
        activation=activation,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        text=text,
        data=data or {},
    )


@transaction.atomic
def incident_create(
    *,
    actor: Any,
    plan: Plan,
    incident_type: IncidentType,
    area: HousingArea,
    occurred_at: datetime.datetime,
    description: str,
    department: Department | None = None,
    police_case_number: str = "",
    reported_by: str = "",
    source: str = "other",
    submission_key: uuid.UUID | None = None,
) -> Incident:
    """Register an incident in one of the plan's areas; the same submission key twice gives the first incident."""
    if submission_key is not None:
        existing = Incident.objects.filter(submission_key=submission_key, plan=plan).first()
        if existing is not None:
            return existing
    errors = {}
    if not plan.incident_types.filter(pk=incident_type.pk).exists():
        errors["incident_type"] = _("This incident type is not in the plan's catalogue.")
    if not plan.areas.filter(pk=area.pk).exists():
        errors["area"] = _("The housing area is not covered by this plan.")
    if department is not None and department.area_id != area.pk:
        errors["department"] = _("The department is not in the chosen housing area.")
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["occurred_at"] = _("The incident cannot have happened in the future.")
    errors.update(cpr_errors(description=description, reported_by=reported_by))
    if errors:
        raise ValidationError(errors)
    incident = Incident(
        plan=plan,
        incident_type=incident_type,
        area=area,
        department=department,
        occurred_at=occurred_at,
        description=description,
        police_case_number=police_case_number,
        reported_by=reported_by,
        source=source,
        created_by=actor,
        submission_key=submission_key,
    )
    incident.full_clean()
    incident.save()
    return incident


@transaction.atomic
def request_create(*, actor: Any, incident: Incident, proposed_level: str, message: str = "") -> ActivationRequest:
    """File a request (henvendelse) for a fixed member to activate the plan."""
    if errors := cpr_errors(message=message):
        raise ValidationError(errors)
    request = ActivationRequest(incident=incident, proposed_level=proposed_level, message=message, requested_by=actor)
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def request_decline(*, actor: Any, request: ActivationRequest, reason: str) -> ActivationRequest:
    """A fixed member declines a request, with a reason."""
    request = ActivationRequest.objects.select_for_update().get(pk=request.pk)
    if not can_activate(user=actor, plan=request.incident.plan):
        raise PermissionDenied(_("Only the plan's fixed members can decide on a request."))
    if request.state != RequestState.OPEN:
        raise ValidationError(_("The request has already been decided."))
    if not reason.strip():
        raise ValidationError({"decline_reason": _("Give a reason for declining.")})
    if errors := cpr_errors(decline_reason=reason):
        raise ValidationError(errors)
    request.state = RequestState.DECLINED
    request.decline_reason = reason.strip()
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save()
    return request
