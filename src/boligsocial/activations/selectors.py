"""Reads of incidents and activations. Who may see and do what is decided here."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from boligsocial.directory.models import Person
from boligsocial.plans.models import Membership, MembershipKind, Plan
from boligsocial.plans.selectors import person_for_user, plan_list_for_user

from .models import (
    Activation,
    ActivationRequest,
    ActivationState,
    Evaluation,
    EvaluationState,
    Incident,
    LevelChange,
    Seat,
    SeatState,
    TimelineEntry,
)


def can_activate(*, user: Any, plan: Plan) -> bool:
    """Only the plan's fixed members (the coordinator is one) may activate it."""
    return (
        user.is_authenticated
        and Membership.objects.filter(plan=plan, person__user=user, kind=MembershipKind.FIXED).exists()
    )


def activation_list_for_user(
    *, user: Any, state: str | None = None, plan_id: int | None = None
) -> QuerySet[Activation]:
    """Activations of the plans the user may read, newest first, ready for list pages; optionally one state
    or one plan."""
    activations = (
        Activation.objects.filter(plan__in=plan_list_for_user(user=user).values("pk"))
        .select_related("plan", "incident__incident_type", "incident__area", "activated_by", "evaluation")
        .order_by("-activated_at")
    )
    if state is not None:
        activations = activations.filter(state=state)
    if plan_id is not None:
        activations = activations.filter(plan_id=plan_id)
    return activations


def activation_get_for_user(*, user: Any, activation_id: int) -> Activation:
    """One readable activation with its seats and timeline, or 404."""
    activation = (
        activation_list_for_user(user=user)
        .select_related("incident__department", "closed_by")
        .prefetch_related(
            Prefetch("seats", queryset=Seat.objects.select_related("person__organisation", "acknowledged_by")),
            Prefetch("timeline", queryset=TimelineEntry.objects.select_related("actor")),
            Prefetch("level_changes", queryset=LevelChange.objects.select_related("changed_by")),
        )
        .filter(pk=activation_id)
        .first()
    )
    if activation is None:
        raise Http404(_("No such activation, or you do not have access to it."))
    return activation


def activation_get_for_member(*, user: Any, activation_id: int) -> Activation:
    """An activation the user may act on as a fixed member (raise level, close): 404 or 403 otherwise."""
    activation = activation_get_for_user(user=user, activation_id=activation_id)
    if not can_activate(user=user, plan=activation.plan):
        raise PermissionDenied(_("Only the plan's fixed members can do this."))
    return activation


def seat_get_for_acknowledge(*, user: Any, activation: Activation) -> tuple[Seat, Person]:
    """The seat the signed-in user answers for in `activation` and the person they are: their own seat, else
    the first seat (in contact order) they stand in for as substitute, preferring one not yet acknowledged.
    403 if they have none."""
    person = person_for_user(user=user)
    if person is not None:
        seats = list(activation.seats.all())
        own = [seat for seat in seats if seat.person_id == person.pk]
        standing_in = sorted(
            (seat for seat in seats if person.pk in seat.substitute_ids),
            key=lambda seat: (seat.state == SeatState.ACKNOWLEDGED, seat.position),
        )
        if own or standing_in:
            return (own + standing_in)[0], person
    raise PermissionDenied(
        _("You have no place in this activation's contact list, so there is nothing to acknowledge.")
    )


def activation_is_overdue(*, activation: Activation, now=None) -> bool:
    """No meeting held by the deadline while the activation is open."""
    now = now or timezone.now()
    return (
        activation.state == ActivationState.ACTIVE
        and activation.meeting_held_at is None
        and activation.meeting_deadline is not None
        and activation.meeting_deadline < now
    )


def incident_get_for_user(*, user: Any, incident_id: int) -> Incident:
    """One incident of a readable plan, or 404."""
    incident = (
        Incident.objects.filter(plan__in=plan_list_for_user(user=user).values("pk"), pk=incident_id)
        .select_related("plan", "incident_type", "area", "department")
        .first()
    )
    if incident is None:
        raise Http404(_("No such incident, or you do not have access to it."))
    return incident


def request_list_open_for_member(*, user: Any) -> QuerySet[ActivationRequest]:
    """Open requests in plans where the user is a fixed member, for them to accept or decline."""
    plans = Membership.objects.filter(person__user=user, kind=MembershipKind.FIXED).values("plan")
    return ActivationRequest.objects.filter(Q(state="open") & Q(incident__plan__in=plans)).select_related(
        "incident__plan", "incident__incident_type", "incident__area", "requested_by"
    )


def request_get_for_member(*, user: Any, request_id: int) -> ActivationRequest:
    """An open request in a plan where the user is a fixed member, or 404."""
    found = request_list_open_for_member(user=user).filter(pk=request_id).first()
    if found is None:
        raise Http404(_("No such open request, or you cannot decide on it."))
    return found


def activation_seats_with_deliveries(*, activation: Activation) -> list[Seat]:
    """The seats of an activation, each with `.deliveries`: its alerts, newest round first."""
    from boligsocial.notifications.models import Notification

    seats = list(activation.seats.all())
    rows = (
        Notification.objects.filter(
            source_type=ContentType.objects.get_for_model(Seat), source_id__in=[seat.pk for seat in seats]
        )
        .select_related("recipient")
        .order_by("-round", "recipient__name", "channel")
    )
    by_seat: dict[int, list] = {seat.pk: [] for seat in seats}
    for row in rows:
        by_seat[row.source_id].append(row)
    for seat in seats:
        seat.deliveries = by_seat[seat.pk]
    return seats


# --- Evaluations ----------------------------------------------------------------------------------------

_EVALUATION_RELATED = (
    "activation__plan",
    "activation__incident__incident_type",
    "activation__incident__area",
    "requested_from",
    "submitted_by",
)


def evaluation_list_for_user(*, user: Any) -> QuerySet[Evaluation]:
    """Evaluations of the plans the user may read, oldest due first."""
    return (
        Evaluation.objects.filter(activation__plan__in=plan_list_for_user(user=user).values("pk"))
        .select_related(*_EVALUATION_RELATED)
        .order_by("due_at", "pk")
    )


def evaluation_list_for_plan(*, plan: Plan) -> QuerySet[Evaluation]:
    """A plan's evaluations (the caller has read the plan through plan_get_for_user), open ones first."""
    return (
        Evaluation.objects.filter(activation__plan=plan)
        .select_related(*_EVALUATION_RELATED)
        .order_by(
            Case(When(state=EvaluationState.REQUESTED, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "-requested_at",
        )
    )


def plan_evaluations_for_user(
    *, user: Any, plan_id: int, now: datetime.datetime | None = None
) -> tuple[Plan, list[Evaluation]]:
    """A readable plan and its evaluations, each with `.overdue`; 404 for a plan the user may not read."""
    plan = plan_list_for_user(user=user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404(_("No such plan, or you do not have access to it."))
    now = now or timezone.now()
    evaluations = list(evaluation_list_for_plan(plan=plan))
    for evaluation in evaluations:
        evaluation.overdue = evaluation.is_overdue_at(now)
    return plan, evaluations


def evaluation_list_overdue(*, user: Any, now: datetime.datetime | None = None) -> QuerySet[Evaluation]:
    """Evaluations of the user's plans still not done after their due time."""
    return evaluation_list_for_user(user=user).filter(state=EvaluationState.REQUESTED, due_at__lt=now or timezone.now())


def evaluation_get_for_user(*, user: Any, activation_id: int) -> Evaluation:
    """The evaluation of a readable activation, or 404 (also while the activation is open)."""
    evaluation = evaluation_list_for_user(user=user).filter(activation_id=activation_id).first()
    if evaluation is None:
        raise Http404(_("No evaluation for this activation, or you do not have access to it."))
    return evaluation


def evaluation_can_submit(*, user: Any, evaluation: Evaluation) -> bool:
    """The plan's fixed members (the coordinator is one) may fill in an evaluation that is not yet done."""
    return evaluation.state == EvaluationState.REQUESTED and can_activate(user=user, plan=evaluation.activation.plan)


# --- Dashboard ------------------------------------------------------------------------------------------

LEVEL_RANK = Case(
    When(level="red", then=Value(0)), When(level="yellow", then=Value(1)), default=Value(2), output_field=IntegerField()
)
# A dashboard that lists more than this many running activations has a bigger problem than paging.
DASHBOARD_MAX_ACTIVE = 50


@dataclass
class Dashboard:
    """What a signed-in user should look at now, across the plans they may read."""

    now: datetime.datetime
    active: list[Activation]  # each with .pending_seats (waiting or unreachable) and .overdue
    overdue_meetings: list[Activation]
    open_evaluations: list[Evaluation]  # requested, oldest due first; overdue ones have .overdue
    open_requests: list[ActivationRequest]

    @property
    def overdue_evaluations(self) -> list[Evaluation]:
        return [e for e in self.open_evaluations if e.overdue]

    @property
    def unacknowledged_count(self) -> int:
        return sum(len(a.pending_seats) for a in self.active)


def dashboard_for_user(*, user: Any, now: datetime.datetime | None = None) -> Dashboard:
    """The user's dashboard in a fixed number of queries, whatever the number of activations."""
    now = now or timezone.now()
    pending = Seat.objects.filter(state__in=[SeatState.WAITING, SeatState.UNREACHABLE]).select_related("person")
    active = list(
        activation_list_for_user(user=user)
        .filter(state=ActivationState.ACTIVE)
        .prefetch_related(Prefetch("seats", queryset=pending, to_attr="pending_seats"))
        .order_by(LEVEL_RANK, "meeting_deadline", "activated_at")[:DASHBOARD_MAX_ACTIVE]
    )
    for activation in active:
        activation.overdue = activation_is_overdue(activation=activation, now=now)
    evaluations = list(evaluation_list_for_user(user=user).filter(state=EvaluationState.REQUESTED)[:100])
    for evaluation in evaluations:
        evaluation.overdue = evaluation.is_overdue_at(now)
    return Dashboard(
        now=now,
        active=active,
        overdue_meetings=[a for a in active if a.overdue],
        open_evaluations=evaluations,
        open_requests=list(request_list_open_for_member(user=user)),
    )
