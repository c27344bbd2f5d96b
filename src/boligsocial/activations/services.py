"""Writes for incidents, requests and the simple steps of an activation. Multi-step work is in flows.py."""

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from boligsocial.core.services import audit_record
from boligsocial.core.validators import cpr_errors, validate_no_cpr
from boligsocial.core.workdays import COPENHAGEN, working_day_after
from boligsocial.directory.models import Department, HousingArea, Person
from boligsocial.notifications.services import notifications_enqueue_for_person
from boligsocial.plans.deadlines import END_OF_DAY, plan_closed_days
from boligsocial.plans.models import IncidentType, Level, Plan

from .models import (
    Activation,
    ActivationRequest,
    ActivationState,
    Answer,
    Evaluation,
    EvaluationState,
    Incident,
    RequestState,
    TimelineEntry,
)
from .selectors import can_activate

# Randers: an evaluation "skal foreligge umiddelbart efter, at beredskabet har været aktiveret". "Immediately" is
# made checkable as two working weeks after closing: long enough for the group to compare notes (a yellow meeting
# alone may take three working days), short enough that memories are fresh and far ahead of the annual status
# meeting. Working days, like the plan's own deadlines, so Easter or Christmas do not eat the time.
EVALUATION_DUE_WORKING_DAYS = 10


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
    errors |= cpr_errors(message=message)
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
    if errors := cpr_errors(decline_reason=reason):
        raise ValidationError(errors)
    request.state = RequestState.DECLINED
    request.decline_reason = reason.strip()
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save()
    return request


def evaluation_due(*, plan: Plan, closed_at: datetime.datetime) -> datetime.datetime:
    """When an evaluation of an activation closed at `closed_at` is due: 23:59 on the 10th working day after."""
    day, _skipped = working_day_after(
        closed_at.astimezone(COPENHAGEN).date(), EVALUATION_DUE_WORKING_DAYS, closed=plan_closed_days(plan)
    )
    return datetime.datetime.combine(day, END_OF_DAY, tzinfo=COPENHAGEN)


def _evaluator(*, activation: Activation, actor: Any) -> Person | None:
    """The plan's coordinator; without one, the member who closed the activation."""
    coordinator = activation.plan.memberships.filter(is_coordinator=True).select_related("person").first()
    if coordinator is not None:
        return coordinator.person
    return Person.objects.filter(user=actor).first() if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def evaluation_request(*, actor: Any, activation: Activation, now: datetime.datetime | None = None) -> Evaluation:
    """Ask the coordinator for an evaluation of a closed activation, with a due date; asking twice gives the first."""
    existing = Evaluation.objects.filter(activation=activation).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    person = _evaluator(activation=activation, actor=actor)
    evaluation = Evaluation(
        activation=activation,
        requested_at=now,
        due_at=evaluation_due(plan=activation.plan, closed_at=now),
        requested_from=person,
    )
    evaluation.full_clean(exclude=["activation", "requested_from"])
    evaluation.save()
    due_text = timezone.localtime(evaluation.due_at, COPENHAGEN).strftime("%d.%m.%Y %H:%M")
    reached = False
    if person is not None:
        incident = activation.incident
        subject = _("Evaluation requested: %(type)s – %(area)s") % {
            "type": incident.incident_type.name,
            "area": incident.area.name,
        }
        body = subject + "\n" + _("Please evaluate the activation by %(due)s:") % {"due": due_text}
        link = settings.SITE_URL + reverse("activations:evaluation", args=[activation.pk])
        reached = bool(
            notifications_enqueue_for_person(recipient=person, subject=subject, body=body, link=link, source=evaluation)
        )
    if person is None:
        text = _("Evaluation requested, due %(due)s. The plan has no coordinator: a fixed member fills it in.")
    elif reached:
        text = _("Evaluation requested from %(person)s, due %(due)s.")
    else:
        text = _("Evaluation requested from %(person)s, due %(due)s. They have no working channel: tell them.")
    timeline_add(
        activation=activation,
        actor=actor,
        kind="evaluation_requested",
        text=text % {"person": person.name if person else "", "due": due_text},
        data={"evaluation": evaluation.pk, "due": evaluation.due_at.isoformat()},
    )
    audit_record(actor=actor, action="evaluation.request", target=evaluation, summary=str(activation))
    return evaluation


EVALUATION_TEXT_FIELDS = ("worked_note", "channels_note", "changes", "notes")


@transaction.atomic
def evaluation_submit(
    *,
    actor: Any,
    evaluation: Evaluation,
    worked: str,
    channels_right: str,
    worked_note: str = "",
    channels_note: str = "",
    changes: str = "",
    notes: str = "",
) -> Evaluation:
    """A fixed member (normally the coordinator) fills in the evaluation; it is then done and on the timeline."""
    evaluation = Evaluation.objects.select_for_update().select_related("activation__plan").get(pk=evaluation.pk)
    activation = evaluation.activation
    if not can_activate(user=actor, plan=activation.plan):
        raise PermissionDenied(_("Only the plan's fixed members can evaluate an activation."))
    if activation.state != ActivationState.CLOSED:
        raise ValidationError(_("The activation must be closed before it is evaluated."))
    if evaluation.state == EvaluationState.DONE:
        raise ValidationError(_("The evaluation has already been submitted."))
    texts = {"worked_note": worked_note, "channels_note": channels_note, "changes": changes, "notes": notes}
    errors: dict[str, list[str]] = {}
    for field, value in texts.items():
        try:
            validate_no_cpr(value)
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
    evaluation.worked = worked
    evaluation.channels_right = channels_right
    for field, value in texts.items():
        setattr(evaluation, field, value.strip())
    evaluation.state = EvaluationState.DONE
    evaluation.submitted_by = actor
    evaluation.submitted_at = timezone.now()
    evaluation.full_clean(exclude=["activation", "requested_from", "submitted_by"])
    evaluation.save()
    timeline_add(
        activation=activation,
        actor=actor,
        kind="evaluation_done",
        text=_("Evaluation submitted. Did the preparedness work: %(worked)s. Right channels used: %(channels)s.")
        % {"worked": Answer(worked).label, "channels": Answer(channels_right).label},
        data={"evaluation": evaluation.pk},
    )
    audit_record(actor=actor, action="evaluation.submit", target=evaluation, summary=str(activation))
    return evaluation
