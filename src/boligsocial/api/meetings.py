"""Meetings, decisions and the action plan of an activation. Reads go through meetings.selectors (404 for what
the caller cannot read), writes through meetings.services (403 for a non-member, 422 for bad input, audited,
on the activation's timeline, invitations through the outbox). Nothing here decides permissions."""

import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import AfterValidator

from boligsocial.core.workdays import COPENHAGEN
from boligsocial.meetings import selectors, services
from boligsocial.meetings.ics import meeting_uid
from boligsocial.meetings.models import (
    Action,
    ActionStatus,
    DecisionWay,
    Meeting,
    MeetingKind,
    MeetingState,
    OwnerKind,
    ParticipantKind,
)

from . import lookups
from .schemas import READ_ERRORS, WRITE_ERRORS, In, Ref

router = Router(tags=["meetings"])


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """A time without an offset is Danish local time."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, COPENHAGEN)
    return value


Time = Annotated[datetime.datetime, AfterValidator(_aware)]


# --- Output ---------------------------------------------------------------------------------------------


class ParticipantOut(Schema):
    id: int
    kind: ParticipantKind
    person: Ref | None
    adhoc_resource: Ref | None
    attended: bool | None


class RecordOut(Schema):
    situation: str
    media: str
    recorded_at: datetime.datetime


class DecisionOut(Schema):
    id: int
    activation: int | None
    meeting: int | None
    text: str
    way: DecisionWay
    agreed_by: list[Ref]
    decided_at: datetime.datetime

    @staticmethod
    def resolve_activation(obj) -> int | None:
        return obj.activation_id

    @staticmethod
    def resolve_meeting(obj) -> int | None:
        return obj.meeting_id


class MeetingOut(Schema):
    id: int
    plan: int
    activation: int | None
    kind: MeetingKind
    state: MeetingState
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    place: str
    video_link: str
    calendar_uid: str
    sequence: int
    cancel_reason: str
    participants: list[ParticipantOut]
    record: RecordOut | None
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_plan(obj: Meeting) -> int:
        return obj.plan_id

    @staticmethod
    def resolve_activation(obj: Meeting) -> int | None:
        return obj.activation_id

    @staticmethod
    def resolve_calendar_uid(obj: Meeting) -> str:
        return meeting_uid(obj)

    @staticmethod
    def resolve_record(obj: Meeting):
        return getattr(obj, "record", None)


class OwnerOut(Schema):
    kind: OwnerKind
    id: int
    name: str


class ActionOut(Schema):
    id: int
    activation: int | None
    decision: int | None
    title: str
    owner: OwnerOut
    deadline: datetime.datetime
    status: ActionStatus
    notes: str
    is_overdue: bool
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_activation(obj: Action) -> int | None:
        return obj.activation_id

    @staticmethod
    def resolve_decision(obj: Action) -> int | None:
        return obj.decision_id

    @staticmethod
    def resolve_owner(obj: Action) -> dict[str, Any]:
        owner = obj.owner
        return {"kind": obj.owner_kind, "id": owner.pk, "name": getattr(owner, "name", str(owner))}


# --- Input ----------------------------------------------------------------------------------------------


class MeetingIn(In):
    starts_at: Time
    ends_at: Time | None = None
    place: str = ""
    video_link: str = ""
    adhoc_resources: list[int] = []
    invited: list[int] = []


class MeetingPatch(In):
    starts_at: Time | None = None
    ends_at: Time | None = None
    place: str | None = None
    video_link: str | None = None


class CancelIn(In):
    cancel_reason: str


class RecordIn(In):
    situation: str
    media: str = ""
    attended: list[int] = []
    decisions: list[str] = []


class DecisionIn(In):
    text: str
    way: Literal["phone", "mail", "other"] = "phone"
    agreed_by: list[int] = []
    decided_at: Time | None = None


class ActionFields(In):
    title: str | None = None
    deadline: Time | None = None
    owner_member: int | None = None
    owner_staff: int | None = None
    owner_organisation: int | None = None
    status: ActionStatus | None = None
    notes: str | None = None


class ActionIn(ActionFields):
    title: str
    deadline: Time
    status: ActionStatus = ActionStatus.OPEN
    notes: str = ""
    decision: int | None = None


# --- Lookups: ids in a body to objects, through the selectors (unknown id = 422 on that field) ---------


def _pick(queryset, ids: list[int], *, field: str, message: str) -> list:
    found = {obj.pk: obj for obj in queryset.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({field: message % {"id": missing[0]}})
    return [found[i] for i in dict.fromkeys(ids)]


def _owners(user: Any, plan, data: dict[str, Any]) -> dict[str, Any]:
    """Owner ids in `data` to objects; only the owner fields that were sent."""
    owners: dict[str, Any] = {}
    if "owner_member" in data:
        ids = [data["owner_member"]] if data["owner_member"] is not None else []
        found = _pick(
            selectors.plan_member_people(plan=plan),
            ids,
            field="owner_member",
            message=_("%(id)s is not a member of this plan."),
        )
        owners["owner_member"] = found[0] if found else None
    if "owner_staff" in data:
        ids = [data["owner_staff"]] if data["owner_staff"] is not None else []
        found = _pick(
            selectors.plan_staff_people(plan=plan),
            ids,
            field="owner_staff",
            message=_("%(id)s is not housing-social staff of this plan."),
        )
        owners["owner_staff"] = found[0] if found else None
    if "owner_organisation" in data:
        value = data["owner_organisation"]
        owners["owner_organisation"] = (
            lookups.organisation(user=user, organisation_id=value, field="owner_organisation")
            if value is not None
            else None
        )
    return owners


# --- Meetings -------------------------------------------------------------------------------------------


@router.get("/activations/{activation_id}/meetings", response={200: list[MeetingOut], **READ_ERRORS})
def activation_meeting_list(request: HttpRequest, activation_id: int):
    """The meetings of an activation, in time order, with participants, record and decisions."""
    activation = selectors.activation_for_user(user=request.auth, activation_id=activation_id)
    return list(selectors.meeting_list_for_activation(activation=activation))


@router.post("/activations/{activation_id}/meetings", response={201: MeetingOut, **WRITE_ERRORS})
def meeting_schedule(request: HttpRequest, activation_id: int, payload: MeetingIn):
    """Schedule the preparedness meeting (fixed members). Every fixed member and each `invited` person gets an
    invitation through the outbox, the email with an .ics (METHOD:REQUEST). `adhoc_resources` are ids from the
    plan's ad hoc pool; a time in the past is refused."""
    user = request.auth
    activation = selectors.activation_for_user(user=user, activation_id=activation_id)
    plan = activation.plan
    selectors.meetings_check_can_manage(user=user, plan=plan)
    invited = _pick(
        selectors.meeting_invitee_choices(plan=plan),
        payload.invited,
        field="invited",
        message=_("%(id)s cannot be invited: not named in the plan, its staff or its ad hoc pool."),
    )
    resources = _pick(
        plan.adhoc_resources.all(),
        payload.adhoc_resources,
        field="adhoc_resources",
        message=_("%(id)s is not in the plan's ad hoc pool."),
    )
    meeting = services.meeting_schedule(
        actor=user,
        activation=activation,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        place=payload.place,
        video_link=payload.video_link,
        invited=invited,
        adhoc_resources=resources,
    )
    return Status(201, selectors.meeting_get_for_user(user=user, meeting_id=meeting.pk))


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **READ_ERRORS})
def meeting_read(request: HttpRequest, meeting_id: int):
    """One meeting with participants, record and decisions."""
    return selectors.meeting_get_for_user(user=request.auth, meeting_id=meeting_id)


@router.patch("/meetings/{meeting_id}", response={200: MeetingOut, **WRITE_ERRORS})
def meeting_reschedule(request: HttpRequest, meeting_id: int, payload: MeetingPatch):
    """Move a scheduled meeting or change its place; everyone invited gets an update (SEQUENCE + 1)."""
    user = request.auth
    meeting = selectors.meeting_get_for_member(user=user, meeting_id=meeting_id)
    fields = {
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "video_link": meeting.video_link,
    } | payload.dict(exclude_unset=True)
    services.meeting_reschedule(actor=user, meeting=meeting, **fields)
    return selectors.meeting_get_for_user(user=user, meeting_id=meeting_id)


@router.post("/meetings/{meeting_id}/cancel", response={200: MeetingOut, **WRITE_ERRORS})
def meeting_cancel(request: HttpRequest, meeting_id: int, payload: CancelIn):
    """Cancel a scheduled meeting; everyone invited gets a cancellation (METHOD:CANCEL)."""
    user = request.auth
    meeting = selectors.meeting_get_for_member(user=user, meeting_id=meeting_id)
    services.meeting_cancel(actor=user, meeting=meeting, reason=payload.cancel_reason)
    return selectors.meeting_get_for_user(user=user, meeting_id=meeting_id)


@router.post("/meetings/{meeting_id}/record", response={200: MeetingOut, **WRITE_ERRORS})
def meeting_record(request: HttpRequest, meeting_id: int, payload: RecordIn):
    """Record the meeting as held: situation picture, how the media describe it, who attended (participant
    ids) and its decisions. For an activation this sets when the meeting was held (no longer overdue)."""
    user = request.auth
    meeting = selectors.meeting_get_for_member(user=user, meeting_id=meeting_id)
    attended = _pick(
        meeting.participants.all(),
        payload.attended,
        field="attended",
        message=_("%(id)s is not a participant of this meeting."),
    )
    services.meeting_record_held(
        actor=user,
        meeting=meeting,
        situation=payload.situation,
        media=payload.media,
        attended=attended,
        decisions=payload.decisions,
    )
    return selectors.meeting_get_for_user(user=user, meeting_id=meeting_id)


# --- Decisions ------------------------------------------------------------------------------------------


@router.get("/activations/{activation_id}/decisions", response={200: list[DecisionOut], **READ_ERRORS})
def activation_decision_list(request: HttpRequest, activation_id: int):
    """The decisions of an activation, at meetings and without, oldest first."""
    activation = selectors.activation_for_user(user=request.auth, activation_id=activation_id)
    return list(selectors.decision_list_for_activation(activation=activation))


@router.post("/activations/{activation_id}/decisions", response={201: DecisionOut, **WRITE_ERRORS})
def decision_record(request: HttpRequest, activation_id: int, payload: DecisionIn):
    """Record a decision agreed without a meeting (by phone, mail or otherwise), with the members who agreed
    (`agreed_by`: person ids of plan members)."""
    user = request.auth
    activation = selectors.activation_for_user(user=user, activation_id=activation_id)
    selectors.meetings_check_can_manage(user=user, plan=activation.plan)
    agreed_by = _pick(
        selectors.plan_member_people(plan=activation.plan),
        payload.agreed_by,
        field="agreed_by",
        message=_("%(id)s is not a member of this plan."),
    )
    decision = services.decision_record(
        actor=user,
        activation=activation,
        text=payload.text,
        way=payload.way,
        agreed_by=agreed_by,
        decided_at=payload.decided_at,
    )
    return Status(201, selectors.decision_list_for_activation(activation=activation).get(pk=decision.pk))


# --- Actions --------------------------------------------------------------------------------------------


@router.get("/activations/{activation_id}/actions", response={200: list[ActionOut], **READ_ERRORS})
def activation_action_list(request: HttpRequest, activation_id: int):
    """The action plan of an activation by deadline; `is_overdue` flags a passed deadline on an open action."""
    activation = selectors.activation_for_user(user=request.auth, activation_id=activation_id)
    return list(selectors.action_list_for_activation(activation=activation))


@router.post("/activations/{activation_id}/actions", response={201: ActionOut, **WRITE_ERRORS})
def action_create(request: HttpRequest, activation_id: int, payload: ActionIn):
    """Add an action, owned by exactly one of `owner_member` (a plan member's person id), `owner_staff` (a
    housing-social staff person's id) or `owner_organisation`; optionally from a `decision` of the activation."""
    user = request.auth
    activation = selectors.activation_for_user(user=user, activation_id=activation_id)
    selectors.meetings_check_can_manage(user=user, plan=activation.plan)
    data = payload.dict(exclude_unset=True)
    decision = None
    if payload.decision is not None:
        [decision] = _pick(
            selectors.decision_list_for_activation(activation=activation),
            [payload.decision],
            field="decision",
            message=_("%(id)s is not a decision of this activation."),
        )
    action = services.action_create(
        actor=user,
        activation=activation,
        decision=decision,
        title=payload.title,
        deadline=payload.deadline,
        status=payload.status,
        notes=payload.notes,
        **_owners(user, activation.plan, data),
    )
    return Status(201, selectors.action_get_for_user(user=user, action_id=action.pk))


@router.patch("/actions/{action_id}", response={200: ActionOut, **WRITE_ERRORS})
def action_update(request: HttpRequest, action_id: int, payload: ActionFields):
    """Change an action's title, deadline, status or notes; sending an owner field replaces the owner."""
    user = request.auth
    action = selectors.action_get_for_member(user=user, action_id=action_id)
    data = payload.dict(exclude_unset=True)
    fields = {k: v for k, v in data.items() if k in ("title", "deadline", "status", "notes")}
    services.action_update(actor=user, action=action, **fields, **_owners(user, action.plan, data))
    return selectors.action_get_for_user(user=user, action_id=action_id)
