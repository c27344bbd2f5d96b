"""Reads of incidents and activations. Who may see and do what is decided here."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
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
        .select_related("plan", "incident__incident_type", "incident__area", "activated_by")
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
