"""Evaluations of closed activations. Reads go through activations.selectors
(404 for what the caller may not read), the submit through activations.services (403 for a non-member, 422 for
bad input). Nothing here decides permissions."""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from boligsocial.activations import selectors, services
from boligsocial.activations.models import (
    Answer,
    Evaluation,
    EvaluationState,
    SeatState,
)

from .schemas import READ_ERRORS, WRITE_ERRORS, In, Ref

router = Router(tags=["evaluations"])


def _user_name(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user else None


class EvaluationOut(Schema):
    activation: int
    plan: Ref
    incident: str
    state: EvaluationState
    requested_at: datetime.datetime
    due_at: datetime.datetime
    overdue: bool
    requested_from: Ref | None
    worked: Answer | None
    worked_note: str
    channels_right: Answer | None
    channels_note: str
    changes: str
    notes: str
    submitted_at: datetime.datetime | None
    submitted_by: str | None
    can_submit: bool

    @staticmethod
    def resolve_activation(obj: Evaluation) -> int:
        return obj.activation_id

    @staticmethod
    def resolve_plan(obj: Evaluation):
        return obj.activation.plan

    @staticmethod
    def resolve_incident(obj: Evaluation) -> str:
        incident = obj.activation.incident
        return f"{incident.incident_type.name} – {incident.area.name}"

    @staticmethod
    def resolve_overdue(obj: Evaluation) -> bool:
        return obj.overdue if hasattr(obj, "overdue") else obj.is_overdue

    @staticmethod
    def resolve_worked(obj: Evaluation) -> str | None:
        return obj.worked or None

    @staticmethod
    def resolve_channels_right(obj: Evaluation) -> str | None:
        return obj.channels_right or None

    @staticmethod
    def resolve_submitted_by(obj: Evaluation) -> str | None:
        return _user_name(obj.submitted_by)

    @staticmethod
    def resolve_can_submit(obj: Evaluation, context: dict) -> bool:
        # A list sets it once for the whole plan rather than asking the database per row.
        if hasattr(obj, "can_submit"):
            return obj.can_submit
        return selectors.evaluation_can_submit(user=context["request"].auth, evaluation=obj)


class EvaluationIn(In):
    worked: Answer
    channels_right: Answer
    worked_note: str = ""
    channels_note: str = ""
    changes: str = ""
    notes: str = ""


class SeatOut(Schema):
    position: int
    person: Ref
    role: str
    state: SeatState
    acknowledged_at: datetime.datetime | None
    acknowledged_by: Ref | None


@router.get("/activations/{activation_id}/evaluation", response={200: EvaluationOut, **READ_ERRORS})
def evaluation_read(request: HttpRequest, activation_id: int):
    """The evaluation of a closed activation: requested (with its due time and whether it is overdue) or done."""
    return selectors.evaluation_get_for_user(user=request.auth, activation_id=activation_id)


@router.post("/activations/{activation_id}/evaluation", response={200: EvaluationOut, **WRITE_ERRORS})
def evaluation_submit(request: HttpRequest, activation_id: int, payload: EvaluationIn):
    """Submit the evaluation (a fixed member of the plan, normally the coordinator); it can be submitted once."""
    evaluation = selectors.evaluation_get_for_user(user=request.auth, activation_id=activation_id)
    services.evaluation_submit(actor=request.auth, evaluation=evaluation, **payload.dict())
    return selectors.evaluation_get_for_user(user=request.auth, activation_id=activation_id)


@router.get("/plans/{plan_id}/evaluations", response={200: list[EvaluationOut], **READ_ERRORS})
def evaluation_list(request: HttpRequest, plan_id: int):
    """The evaluations of a plan's activations, open ones first."""
    plan, evaluations = selectors.plan_evaluations_for_user(user=request.auth, plan_id=plan_id)
    member = selectors.can_activate(user=request.auth, plan=plan)
    for evaluation in evaluations:
        evaluation.can_submit = member and evaluation.state == EvaluationState.REQUESTED
    return evaluations
