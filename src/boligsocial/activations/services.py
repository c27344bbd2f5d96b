"""Writes for incidents, requests and the simple steps of an activation. Multi-step work is in flows.py."""

import datetime
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boligsocial.core.validators import validate_no_cpr
from boligsocial.directory.models import Department, HousingArea
from boligsocial.plans.models import IncidentType, Level, Plan

from .models import ActivationRequest, Incident, RequestState, TimelineEntry
from .selectors import can_activate


def validate_no_cpr_in(**texts: str) -> None:
    """Refuse any of the named free texts that carries a CPR number, each under its own field."""
    errors = {}
    for field, text in texts.items():
        try:
            validate_no_cpr(text)
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)


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
        existing = _incident_for_key(actor=actor, plan=plan, submission_key=submission_key)
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
    try:
        validate_no_cpr(description)
    except ValidationError as exc:
        errors["description"] = exc.messages
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
    incident.full_clean(exclude=["submission_key"])
    try:
        with transaction.atomic():
            incident.save()
    except IntegrityError:
        # The same key sent twice at the same moment (a client retrying before the first answer came back):
        # the unique key let one through, and the other gets that incident.
        existing = _incident_for_key(actor=actor, plan=plan, submission_key=submission_key)
        if submission_key is None or existing is None:
            raise
        return existing
    return incident


def _incident_for_key(*, actor: Any, plan: Plan, submission_key: uuid.UUID) -> Incident | None:
    """The incident this actor registered in this plan with this key; a key used by anyone else is refused."""
    existing = Incident.objects.filter(submission_key=submission_key).first()
    if existing is not None and (existing.plan_id != plan.pk or existing.created_by_id != getattr(actor, "pk", None)):
        raise ValidationError({"submission_key": _("This submission key was already used for another incident.")})
    return existing


@transaction.atomic
def request_create(*, actor: Any, incident: Incident, proposed_level: str, message: str = "") -> ActivationRequest:
    """File a request (henvendelse) for a fixed member to activate the plan."""
    errors = {}
    if proposed_level not in (Level.YELLOW, Level.RED):
        errors["proposed_level"] = _("Choose yellow or red: the levels at which this plan is activated.")
    try:
        validate_no_cpr(message)
    except ValidationError as exc:
        errors["message"] = exc.messages
    if errors:
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
    validate_no_cpr_in(decline_reason=reason)
    request.state = RequestState.DECLINED
    request.decline_reason = reason.strip()
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save()
    return request
