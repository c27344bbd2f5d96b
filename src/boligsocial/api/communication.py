"""The crisis-communication log and staff outreach of an activation. Reads go through communication.selectors
(which decide who may see what), writes through communication.services (which validate, write the timeline
and notify through the outbox). Nothing here decides permissions."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from boligsocial.communication import selectors, services
from boligsocial.communication.models import (
    Channel,
    CommunicationEntry,
    EntryKind,
    OutreachTask,
    TemplateKind,
)
from boligsocial.plans.models import Audience, Level

from .schemas import READ_ERRORS, WRITE_ERRORS, In, Ref

router = Router(tags=["communication"])


# --- Output ---------------------------------------------------------------------------------------------


class CommunicationEntryOut(Schema):
    id: int
    kind: EntryKind
    audience: Audience
    channel: Channel
    channel_other: str
    sender: str
    text: str
    sent_at: datetime.datetime
    template: str
    confirmed_without_police_statement: bool
    recorded_by: str
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_recorded_by(obj: CommunicationEntry) -> str:
        return obj.recorded_by.get_full_name() or obj.recorded_by.get_username()


class FilledTemplateOut(Schema):
    kind: TemplateKind
    text: str


class ActivationRef(Schema):
    """What a staff member may know of the activation: its level, the type of incident and the area."""

    id: int
    level: Level
    incident_type: str
    area: str


class TargetOut(Schema):
    id: int
    group: int | None
    name: str
    channel: str
    total: int

    @staticmethod
    def resolve_group(obj) -> int | None:
        return obj.group_id


class CountOut(Schema):
    target: int
    contacts: int

    @staticmethod
    def resolve_target(obj) -> int:
        return obj.target_id


class ReportOut(Schema):
    id: int
    reported_at: datetime.datetime
    note: str
    done: bool
    counts: list[CountOut]


class OutreachTaskOut(Schema):
    id: int
    activation: ActivationRef
    staff: Ref
    description: str
    assigned_at: datetime.datetime
    done_at: datetime.datetime | None
    targets: list[TargetOut]
    total: int
    reports: list[ReportOut]

    @staticmethod
    def resolve_activation(obj: OutreachTask) -> dict[str, Any]:
        activation = obj.activation
        return {
            "id": activation.pk,
            "level": activation.level,
            "incident_type": activation.incident.incident_type.name,
            "area": activation.incident.area.name,
        }


# --- Input ----------------------------------------------------------------------------------------------


class CommunicationEntryIn(In):
    kind: EntryKind = EntryKind.MESSAGE
    audience: Audience
    channel: Channel
    channel_other: str = ""
    sender: str | None = Field(None, description="Left out: the person the plan names for the audience.")
    text: str
    sent_at: datetime.datetime | None = Field(None, description="Left out: now.")
    template: TemplateKind | None = None
    confirm_without_police_statement: bool = Field(
        False,
        description="Needed to publish to residents or partners before any police statement is recorded; "
        "without it such an entry is refused with an error on this field.",
    )


class OutreachTaskIn(In):
    staff: int
    groups: list[int]
    description: str


class OutreachTaskPatch(In):
    groups: list[int] | None = None
    description: str | None = None


class CountIn(In):
    target: int
    contacts: int = Field(ge=0, le=100_000)


class ReportIn(In):
    counts: list[CountIn] = []
    note: str = ""
    done: bool = False


# --- Operations: the communication log ------------------------------------------------------------------


@router.get("/activations/{activation_id}/communications", response={200: list[CommunicationEntryOut], **READ_ERRORS})
def communication_list(request: HttpRequest, activation_id: int):
    """The activation's crisis-communication log, newest first (members of the plan and administrators)."""
    activation = selectors.activation_get_for_reader(user=request.auth, activation_id=activation_id)
    return list(selectors.communication_entries(activation=activation))


@router.post("/activations/{activation_id}/communications", response={201: CommunicationEntryOut, **WRITE_ERRORS})
def communication_create(request: HttpRequest, activation_id: int, payload: CommunicationEntryIn):
    """Record a communication or the police statement (`kind: police_statement`); fixed members only.
    To residents or partners before any police statement: refused (422 on `confirm_without_police_statement`)
    unless `confirm_without_police_statement` is true, which is then recorded on the entry and the timeline."""
    user = request.auth
    activation = selectors.activation_get_for_writer(user=user, activation_id=activation_id)
    fields = payload.dict()
    if fields["sender"] is None:
        fields["sender"] = selectors.sender_suggest(plan=activation.plan, audience=payload.audience, kind=payload.kind)
    fields["template"] = fields["template"] or ""
    entry = services.communication_entry_create(actor=user, activation=activation, **fields)
    return Status(201, entry)


@router.get(
    "/activations/{activation_id}/communication-templates/{kind}", response={200: FilledTemplateOut, **READ_ERRORS}
)
def communication_template_filled(request: HttpRequest, activation_id: int, kind: TemplateKind):
    """The plan's resident letter or press line with the activation's level, type, area, date and the latest
    police statement filled in: a starting point for a log entry."""
    activation = selectors.activation_get_for_reader(user=request.auth, activation_id=activation_id)
    return {"kind": kind, "text": selectors.template_filled(activation=activation, kind=kind)}


# --- Operations: outreach -------------------------------------------------------------------------------


@router.get("/activations/{activation_id}/outreach-tasks", response={200: list[OutreachTaskOut], **READ_ERRORS})
def outreach_task_list(request: HttpRequest, activation_id: int):
    """Every outreach task of the activation with the contacts reported (members of the plan, administrators)."""
    activation = selectors.activation_get_for_reader(user=request.auth, activation_id=activation_id)
    return selectors.outreach_tasks_for_activation(activation=activation)


@router.post("/activations/{activation_id}/outreach-tasks", response={201: OutreachTaskOut, **WRITE_ERRORS})
def outreach_task_create(request: HttpRequest, activation_id: int, payload: OutreachTaskIn):
    """Give a staff member (a person with a login) a task towards the plan's target groups; they are notified.
    The plan's coordinator or an administrator only."""
    user = request.auth
    activation = selectors.activation_get_for_assigner(user=user, activation_id=activation_id)
    task = services.outreach_task_assign(
        actor=user,
        activation=activation,
        staff=selectors.staff_get_for_task(plan=activation.plan, person_id=payload.staff),
        groups=selectors.outreach_groups_by_ids(plan=activation.plan, group_ids=payload.groups),
        description=payload.description,
    )
    return Status(201, selectors.outreach_task_get_for_user(user=user, task_id=task.pk))


@router.get("/outreach-tasks/mine", response={200: list[OutreachTaskOut], **READ_ERRORS})
def outreach_task_mine(request: HttpRequest):
    """Your own outreach tasks, newest first."""
    return selectors.outreach_tasks_for_staff(user=request.auth)


@router.get("/outreach-tasks/{task_id}", response={200: OutreachTaskOut, **READ_ERRORS})
def outreach_task_read(request: HttpRequest, task_id: int):
    """One task: your own, or one in an activation you may read."""
    return selectors.outreach_task_get_for_user(user=request.auth, task_id=task_id)


@router.patch("/outreach-tasks/{task_id}", response={200: OutreachTaskOut, **WRITE_ERRORS})
def outreach_task_update(request: HttpRequest, task_id: int, payload: OutreachTaskPatch):
    """Change a task's target groups or description; the staff member is notified again."""
    user = request.auth
    task = selectors.outreach_task_get_for_assigner(user=user, task_id=task_id)
    plan = task.activation.plan
    groups = (
        selectors.outreach_groups_by_ids(plan=plan, group_ids=payload.groups)
        if payload.groups is not None
        else [t.group for t in task.targets.select_related("group") if t.group is not None]
    )
    description = payload.description if payload.description is not None else task.description
    services.outreach_task_update(actor=user, task=task, groups=groups, description=description)
    return selectors.outreach_task_get_for_user(user=user, task_id=task.pk)


@router.post("/outreach-tasks/{task_id}/reports", response={201: ReportOut, **WRITE_ERRORS})
def outreach_report_create(request: HttpRequest, task_id: int, payload: ReportIn):
    """Report back on your own task: contacts made per target (`target` is a target's id from the task) and a
    note. Names or other details of residents are not needed; CPR numbers are refused."""
    user = request.auth
    task = selectors.outreach_task_get_for_staff(user=user, task_id=task_id)
    counts = {c.target: c.contacts for c in payload.counts}
    report = services.outreach_report_add(actor=user, task=task, counts=counts, note=payload.note, done=payload.done)
    return Status(201, report)
