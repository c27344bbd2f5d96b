"""Incidents and activations: register an incident, activate or ask a member to, acknowledge, change the level,
close, and read activations with their seats and timeline.

Reads go through activations.selectors (404 for what the caller may not read, 403 for what they may read but
not do); writes through activations.services and activations.flows, which validate and write the timeline and
the notification outbox in the same transaction. Nothing here decides permissions."""

import datetime
import uuid
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status
from pydantic import AwareDatetime

from boligsocial.activations import flows, selectors, services
from boligsocial.activations.models import (
    Activation,
    ActivationState,
    IncidentSource,
    RequestState,
    Seat,
    SeatState,
)
from boligsocial.plans.models import Level
from boligsocial.plans.selectors import plan_get_for_user

from . import lookups
from .errors import ErrorOut
from .schemas import READ_ERRORS, WRITE_ERRORS, In, Ref

router = Router(tags=["activations"])

LEVEL_HELP = "yellow or red; the plan must have a rule for it"


def _name(user: Any) -> str | None:
    return (user.get_full_name() or user.get_username()) if user is not None else None


# --- Output ---------------------------------------------------------------------------------------------


class IncidentTypeOut(Schema):
    code: str
    name: str


class IncidentBrief(Schema):
    id: int
    incident_type: IncidentTypeOut
    area: Ref
    occurred_at: datetime.datetime


class IncidentOut(IncidentBrief):
    plan: int
    department: Ref | None
    description: str
    police_case_number: str
    reported_by: str
    source: IncidentSource
    created_at: datetime.datetime

    @staticmethod
    def resolve_plan(obj) -> int:
        return obj.plan_id


class SeatOut(Schema):
    id: int
    position: int
    person: Ref
    role: str
    state: SeatState
    round: int = Field(description="alert round: 1 at activation, one more at each re-alert or level change")
    substitutes: list[int] = Field(description="ids of the people who stand in for this member")
    acknowledged_at: datetime.datetime | None
    acknowledged_by: Ref | None
    next_escalation_at: datetime.datetime | None

    @staticmethod
    def resolve_substitutes(obj: Seat) -> list[int]:
        return list(obj.substitute_ids)


class LevelChangeOut(Schema):
    from_level: Level
    to_level: Level
    rationale: str
    changed_by: str
    changed_at: datetime.datetime
    meeting_deadline: datetime.datetime | None

    @staticmethod
    def resolve_changed_by(obj) -> str:
        return _name(obj.changed_by)


class ActivationSummary(Schema):
    id: int
    plan: Ref
    incident: IncidentBrief
    level: Level
    state: ActivationState
    activated_by: str
    activated_at: datetime.datetime
    meeting_deadline: datetime.datetime | None
    meeting_held_at: datetime.datetime | None
    overdue: bool = Field(description="open, and no meeting held by the meeting deadline")

    @staticmethod
    def resolve_activated_by(obj: Activation) -> str:
        return _name(obj.activated_by)

    @staticmethod
    def resolve_overdue(obj: Activation) -> bool:
        return selectors.activation_is_overdue(activation=obj)


class ActivationOut(ActivationSummary):
    incident: IncidentOut
    rationale: str
    police_consulted: bool
    police_contact: str
    police_consulted_at: datetime.datetime | None
    police_advice: str
    no_police_reason: str
    closed_at: datetime.datetime | None
    closed_by: str | None
    summary: str
    seats: list[SeatOut]
    level_changes: list[LevelChangeOut]

    @staticmethod
    def resolve_closed_by(obj: Activation) -> str | None:
        return _name(obj.closed_by)


class TimelineEntryOut(Schema):
    id: int
    at: datetime.datetime
    kind: str
    text: str
    actor: str | None
    data: dict

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return _name(obj.actor)


class RequestOut(Schema):
    id: int
    incident: IncidentBrief
    plan: Ref
    proposed_level: Level
    message: str
    requested_by: str
    requested_at: datetime.datetime
    state: RequestState
    decided_at: datetime.datetime | None
    decline_reason: str

    @staticmethod
    def resolve_plan(obj) -> Any:
        return obj.incident.plan

    @staticmethod
    def resolve_requested_by(obj) -> str:
        return _name(obj.requested_by)


class AcknowledgementOut(Schema):
    result: str = Field(description="`acknowledged`, or `already` when the seat was acknowledged before")
    activation: int
    seat: int
    member: str = Field(description="the member whose seat it is")
    acknowledged_by: str | None = Field(description="who acknowledged: the member or a substitute")
    acknowledged_at: datetime.datetime | None


class AlreadyActivatedOut(ErrorOut):
    activation_id: int = Field(description="the activation that already exists for the incident")


ACTIVATE_ERRORS = {**WRITE_ERRORS, 409: AlreadyActivatedOut}


# --- Input ----------------------------------------------------------------------------------------------


class IncidentIn(In):
    incident_type: str = Field(description="a code from the plan's incident types (`GET /plans/{id}`)")
    area: int = Field(description="a housing area of the plan")
    department: int | None = None
    occurred_at: AwareDatetime = Field(description="ISO 8601 with offset, e.g. 2026-04-01T13:30:00+02:00")
    description: str
    police_case_number: str = ""
    reported_by: str = ""
    source: IncidentSource = IncidentSource.OTHER


class ActivationIn(In):
    level: str = Field(description=LEVEL_HELP)
    rationale: str = Field(description="one line: why this level")
    police_consulted: bool = False
    police_contact: str = Field("", description="who at the police; required when police_consulted")
    police_consulted_at: AwareDatetime | None = None
    police_advice: str = ""
    no_police_reason: str = Field("", description="required when the police were not consulted")


class RequestIn(In):
    proposed_level: str = Field(description=LEVEL_HELP)
    message: str = ""


class DeclineIn(In):
    decline_reason: str


class LevelChangeIn(In):
    level: str = Field(description=LEVEL_HELP)
    rationale: str


class CloseIn(In):
    summary: str


# --- Incidents and requests -----------------------------------------------------------------------------


@router.post("/plans/{plan_id}/incidents", response={201: IncidentOut, **WRITE_ERRORS})
def incident_create(
    request: HttpRequest,
    plan_id: int,
    payload: IncidentIn,
    idempotency_key: Annotated[
        uuid.UUID | None,
        Header(
            alias="Idempotency-Key",
            description="a UUID chosen by the client; the same key again answers the incident it registered",
        ),
    ] = None,
):
    """Register an incident in a plan you can read. Send an `Idempotency-Key` so that a retried request
    registers one incident, not two. Then activate it (fixed members) or file a request (everyone else)."""
    user = request.auth
    plan = plan_get_for_user(user=user, plan_id=plan_id)
    fields = payload.dict()
    fields["incident_type"] = lookups.incident_type(plan=plan, code=fields["incident_type"])
    fields["area"] = lookups.area(user=user, area_id=fields["area"])
    if fields["department"] is not None:
        fields["department"] = lookups.department(user=user, department_id=fields["department"])
    try:
        incident = services.incident_create(actor=user, plan=plan, submission_key=idempotency_key, **fields)
    except ValidationError as error:
        raise _renamed(error, {"submission_key": "Idempotency-Key"}) from error
    return Status(201, selectors.incident_get_for_user(user=user, incident_id=incident.pk))


@router.post("/incidents/{incident_id}/activation", response={201: ActivationOut, **ACTIVATE_ERRORS})
def incident_activate(request: HttpRequest, incident_id: int, payload: ActivationIn):
    """Activate the plan for an incident (the plan's fixed members; anyone else files a request). Every fixed
    member is alerted at once on each channel. If the incident is already activated, 409 says by whom and when,
    with the activation's id."""
    user = request.auth
    incident = selectors.incident_get_for_user(user=user, incident_id=incident_id)
    try:
        activation = flows.activation_activate(actor=user, incident=incident, **payload.dict())
    except flows.AlreadyActivated as already:
        return _already(already)
    return Status(201, selectors.activation_get_for_user(user=user, activation_id=activation.pk))


@router.post("/incidents/{incident_id}/request", response={201: RequestOut, **ACTIVATE_ERRORS})
def incident_request(request: HttpRequest, incident_id: int, payload: RequestIn):
    """File a request (henvendelse): ask the plan's fixed members to activate; they are alerted, and one of
    them accepts (activates) or declines it."""
    user = request.auth
    incident = selectors.incident_get_for_user(user=user, incident_id=incident_id)
    try:
        filed = flows.request_file(actor=user, incident=incident, **payload.dict())
    except flows.AlreadyActivated as already:
        return _already(already)
    return Status(201, filed)


@router.get("/requests", response={200: list[RequestOut], **READ_ERRORS})
def request_list(request: HttpRequest):
    """Open requests in the plans where you are a fixed member, waiting for you to accept or decline."""
    return list(selectors.request_list_open_for_member(user=request.auth))


@router.post("/requests/{request_id}/accept", response={201: ActivationOut, **ACTIVATE_ERRORS})
def request_accept(request: HttpRequest, request_id: int, payload: ActivationIn):
    """Turn an open request into an activation (fixed members), with the level and the police consultation."""
    user = request.auth
    open_request = selectors.request_get_for_member(user=user, request_id=request_id)
    try:
        activation = flows.request_accept(actor=user, request=open_request, **payload.dict())
    except flows.AlreadyActivated as already:
        return _already(already)
    return Status(201, selectors.activation_get_for_user(user=user, activation_id=activation.pk))


@router.post("/requests/{request_id}/decline", response={200: RequestOut, **WRITE_ERRORS})
def request_decline(request: HttpRequest, request_id: int, payload: DeclineIn):
    """Decline an open request, with a reason (fixed members)."""
    user = request.auth
    open_request = selectors.request_get_for_member(user=user, request_id=request_id)
    return services.request_decline(actor=user, request=open_request, reason=payload.decline_reason)


# --- Activations ----------------------------------------------------------------------------------------


@router.get("/activations", response={200: list[ActivationSummary], **READ_ERRORS})
def activation_list(request: HttpRequest, state: ActivationState | None = None, plan: int | None = None):
    """Activations of the plans you can read, newest first; optionally only `active` or `closed`, or one plan."""
    return list(selectors.activation_list_for_user(user=request.auth, state=state, plan_id=plan))


@router.get("/activations/{activation_id}", response={200: ActivationOut, **READ_ERRORS})
def activation_read(request: HttpRequest, activation_id: int):
    """One activation: the incident, level, police consultation, meeting deadline and whether it is overdue,
    and each seat of the contact list with its state."""
    return selectors.activation_get_for_user(user=request.auth, activation_id=activation_id)


@router.get("/activations/{activation_id}/timeline", response={200: list[TimelineEntryOut], **READ_ERRORS})
def activation_timeline(request: HttpRequest, activation_id: int):
    """Who did what when in the activation, oldest first."""
    activation = selectors.activation_get_for_user(user=request.auth, activation_id=activation_id)
    return list(activation.timeline.all())


@router.post(
    "/activations/{activation_id}/acknowledge", response={200: AcknowledgementOut, 409: ErrorOut, **WRITE_ERRORS}
)
def activation_acknowledge(request: HttpRequest, activation_id: int):
    """Acknowledge the alert as the signed-in member for your seat (or, as a substitute, for the seat you stand
    in for). Acknowledging again changes nothing (`already`); a closed activation answers 409."""
    user = request.auth
    activation = selectors.activation_get_for_user(user=user, activation_id=activation_id)
    seat, person = selectors.seat_get_for_acknowledge(user=user, activation=activation)
    return _acknowledge(seat=seat, person=person, actor=user, via="api")


@router.post("/ack/{token}", response={200: AcknowledgementOut, 409: ErrorOut, 422: ErrorOut}, auth=None)
def acknowledge_with_token(request: HttpRequest, token: str):
    """Acknowledge with the signed token from an alert's link (`…/activations/ack/{token}/`), without signing
    in. The token names the seat and the person; it expires after a week."""
    try:
        seat, person = flows.ack_seat_from_token(token=token)
    except ValidationError as error:
        raise ValidationError({"token": error.messages}) from error
    return _acknowledge(seat=seat, person=person, actor=request.user, via="link")


@router.post("/activations/{activation_id}/level", response={200: ActivationOut, **WRITE_ERRORS})
def activation_change_level(request: HttpRequest, activation_id: int, payload: LevelChangeIn):
    """Raise or lower the level (fixed members): a new meeting deadline from the plan's rule, and everyone is
    alerted again."""
    user = request.auth
    activation = selectors.activation_get_for_member(user=user, activation_id=activation_id)
    flows.activation_change_level(actor=user, activation=activation, **payload.dict())
    return selectors.activation_get_for_user(user=user, activation_id=activation.pk)


@router.post("/activations/{activation_id}/close", response={200: ActivationOut, **WRITE_ERRORS})
def activation_close(request: HttpRequest, activation_id: int, payload: CloseIn):
    """Close the activation (back to green) with a summary (fixed members); pending alerts are cancelled."""
    user = request.auth
    activation = selectors.activation_get_for_member(user=user, activation_id=activation_id)
    flows.activation_close(actor=user, activation=activation, summary=payload.summary)
    return selectors.activation_get_for_user(user=user, activation_id=activation.pk)


# --- Helpers --------------------------------------------------------------------------------------------


def _already(already: flows.AlreadyActivated) -> Status:
    return Status(
        409,
        {"detail": [{"field": None, "message": already.messages[0]}], "activation_id": already.activation.pk},
    )


def _acknowledge(*, seat: Seat, person: Any, actor: Any, via: str) -> Any:
    result = flows.seat_acknowledge(seat=seat, person=person, actor=actor, via=via)
    if result == flows.AckResult.CLOSED:
        return Status(409, {"detail": [{"field": None, "message": _("The activation is closed.")}]})
    seat.refresh_from_db()
    return {
        "result": result,
        "activation": seat.activation_id,
        "seat": seat.pk,
        "member": seat.person.name,
        "acknowledged_by": seat.acknowledged_by.name if seat.acknowledged_by else None,
        "acknowledged_at": seat.acknowledged_at,
    }


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """The same errors with some fields named as the request names them (e.g. a header)."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(field, field): messages for field, messages in error.message_dict.items()})
