"""Reads of meetings, decisions and actions. Who may see and do what is decided here.

Everyone who may read a plan (and so its activations) reads its meetings, decisions and actions; the plan's
fixed members (the coordinator is one) schedule, record and manage them, as they activate.
"""

import dataclasses
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from boligsocial.activations.models import Activation
from boligsocial.activations.selectors import activation_list_for_user, can_activate
from boligsocial.directory.models import Organisation, OrganisationKind, Person
from boligsocial.plans.models import Membership, MembershipKind, Plan
from boligsocial.plans.selectors import plan_list_for_user

from .models import FINISHED_STATUSES, Action, Decision, Meeting, MeetingState, Participant


def meetings_can_manage(*, user: Any, plan: Plan) -> bool:
    """The plan's fixed members (the coordinator is one) schedule meetings and record decisions and actions."""
    return can_activate(user=user, plan=plan)


def meetings_check_can_manage(*, user: Any, plan: Plan) -> None:
    """Raise PermissionDenied unless `user` may schedule, record and manage for `plan`."""
    if not meetings_can_manage(user=user, plan=plan):
        raise PermissionDenied(
            _("Only the plan's fixed members can schedule meetings and record decisions and actions.")
        )


def activation_for_user(*, user: Any, activation_id: int) -> Activation:
    """A readable activation without its seats and timeline (for the meetings API), or 404."""
    activation = activation_list_for_user(user=user).filter(pk=activation_id).first()
    if activation is None:
        raise Http404(_("No such activation, or you do not have access to it."))
    return activation


# --- Who can be invited and who can own an action ---------------------------------------------------------


def plan_member_people(*, plan: Plan) -> QuerySet[Person]:
    """People who are members of the plan (fixed members and substitutes)."""
    return Person.objects.filter(memberships__plan=plan).select_related("organisation").distinct()


def plan_fixed_member_people(*, plan: Plan) -> list[Person]:
    """The plan's fixed members, coordinator first, then in contact-list order; ready for notifying."""
    memberships = (
        Membership.objects.filter(plan=plan, kind=MembershipKind.FIXED)
        .select_related("person__organisation", "person__user")
        .prefetch_related("person__phones")
    )
    ordered = sorted(
        memberships, key=lambda m: (not m.is_coordinator, m.contact_priority is None, m.contact_priority or 0, m.pk)
    )
    return [m.person for m in ordered]


def plan_staff_people(*, plan: Plan) -> QuerySet[Person]:
    """Housing-social staff for the plan: people of a housing-social secretariat that takes part in the plan
    (through a member) or who are named in it (e.g. as a target group's contact)."""
    member_orgs = Membership.objects.filter(plan=plan).values("person__organisation")
    named = Q(organisation__in=member_orgs) | Q(outreachgroup__plan=plan) | Q(communicationrole__plan=plan)
    return (
        Person.objects.filter(organisation__kind=OrganisationKind.SECRETARIAT)
        .filter(pk__in=Person.objects.filter(named).values("pk"))
        .select_related("organisation")
        .order_by("name")
    )


def meeting_invitee_choices(*, plan: Plan) -> QuerySet[Person]:
    """People who can be invited on top of the fixed members (who always are): substitutes, people named in
    the plan, its housing-social staff, and people of the organisations in its ad hoc pool."""
    staff = plan_staff_people(plan=plan).values("pk")
    named = (
        Q(memberships__plan=plan)
        | Q(communicationrole__plan=plan)
        | Q(outreachgroup__plan=plan)
        | Q(pk__in=staff)
        | Q(organisation__in=plan.adhoc_resources.exclude(organisation=None).values("organisation"))
    )
    fixed = Membership.objects.filter(plan=plan, kind=MembershipKind.FIXED).values("person")
    return (
        Person.objects.filter(pk__in=Person.objects.filter(named).values("pk"))
        .exclude(pk__in=fixed)
        .select_related("organisation")
        .order_by("name")
    )


def action_owner_organisations() -> QuerySet[Organisation]:
    """Organisations that can own an action: any in the directory."""
    return Organisation.objects.order_by("name")


# --- Meetings ---------------------------------------------------------------------------------------------


def _meetings() -> QuerySet[Meeting]:
    participants = Participant.objects.select_related("person__organisation", "adhoc_resource__organisation")
    return Meeting.objects.select_related(
        "plan",
        "activation__incident__incident_type",
        "activation__incident__area",
        "record",
        "scheduled_by",
    ).prefetch_related(
        Prefetch("participants", queryset=participants),
        Prefetch("decisions", queryset=Decision.objects.prefetch_related("agreed_by")),
    )


def meeting_list_for_activation(*, activation: Activation) -> QuerySet[Meeting]:
    """The meetings of an activation the caller already may read, in time order."""
    return _meetings().filter(activation=activation)


def meeting_get_for_user(*, user: Any, meeting_id: int) -> Meeting:
    """One meeting of a plan the user may read, with participants, record and decisions; or 404."""
    meeting = (
        _meetings().filter(plan__in=plan_list_for_user(user=user).values("pk"), pk=meeting_id).first()
        if user.is_authenticated
        else None
    )
    if meeting is None:
        raise Http404(_("No such meeting, or you do not have access to it."))
    return meeting


def meeting_get_for_member(*, user: Any, meeting_id: int) -> Meeting:
    """A meeting the user may change (a fixed member of its plan): 404 or 403 otherwise."""
    meeting = meeting_get_for_user(user=user, meeting_id=meeting_id)
    meetings_check_can_manage(user=user, plan=meeting.plan)
    return meeting


def meeting_next_for_activation(*, activation: Activation) -> Meeting | None:
    """The next scheduled meeting of an activation, if any."""
    return Meeting.objects.filter(activation=activation, state=MeetingState.SCHEDULED).order_by("starts_at").first()


# --- Decisions --------------------------------------------------------------------------------------------


def decision_list_for_activation(*, activation: Activation) -> QuerySet[Decision]:
    """The decisions of an activation (at meetings or without), oldest first, with who agreed."""
    return (
        Decision.objects.filter(activation=activation)
        .select_related("meeting", "recorded_by")
        .prefetch_related(Prefetch("agreed_by", queryset=Person.objects.select_related("organisation")))
    )


def decision_get_for_member(*, user: Any, decision_id: int) -> Decision:
    """A decision in a plan where the user is a fixed member, or 404/403."""
    decision = (
        Decision.objects.select_related("plan", "activation", "meeting")
        .filter(plan__in=plan_list_for_user(user=user).values("pk"), pk=decision_id)
        .first()
        if user.is_authenticated
        else None
    )
    if decision is None:
        raise Http404(_("No such decision, or you do not have access to it."))
    meetings_check_can_manage(user=user, plan=decision.plan)
    return decision


# --- Actions ----------------------------------------------------------------------------------------------


def _actions() -> QuerySet[Action]:
    return Action.objects.select_related(
        "plan",
        "activation",
        "decision",
        "owner_member__organisation",
        "owner_staff__organisation",
        "owner_organisation",
    )


def action_list_for_activation(*, activation: Activation) -> QuerySet[Action]:
    """The action plan of an activation, by deadline."""
    return _actions().filter(activation=activation).order_by("deadline", "id")


def action_list_for_user(*, user: Any) -> QuerySet[Action]:
    """Actions in the plans the user may read, by deadline."""
    if not user.is_authenticated:
        return Action.objects.none()
    return _actions().filter(plan__in=plan_list_for_user(user=user).values("pk")).order_by("deadline", "id")


def action_list_overdue_for_user(*, user: Any, now: datetime.datetime | None = None) -> QuerySet[Action]:
    """Actions past their deadline and neither done nor dropped, in the plans the user may read."""
    return (
        action_list_for_user(user=user).filter(deadline__lt=now or timezone.now()).exclude(status__in=FINISHED_STATUSES)
    )


def action_get_for_user(*, user: Any, action_id: int) -> Action:
    """One action of a readable plan, or 404."""
    action = action_list_for_user(user=user).filter(pk=action_id).first()
    if action is None:
        raise Http404(_("No such action, or you do not have access to it."))
    return action


def action_get_for_member(*, user: Any, action_id: int) -> Action:
    """An action the user may change (a fixed member of its plan): 404 or 403 otherwise."""
    action = action_get_for_user(user=user, action_id=action_id)
    meetings_check_can_manage(user=user, plan=action.plan)
    return action


def action_is_overdue(*, action: Action, now: datetime.datetime | None = None) -> bool:
    """The deadline has passed and the action is neither done nor dropped."""
    return action.is_overdue_at(now or timezone.now())


# --- The activation page's section ------------------------------------------------------------------------


@dataclasses.dataclass
class FollowUp:
    """What the activation page shows about meetings, decisions and actions."""

    meetings: list[Meeting]
    decisions: list[Decision]
    actions: list[Action]
    may_manage: bool

    @property
    def overdue_actions(self) -> list[Action]:
        now = timezone.now()
        return [a for a in self.actions if a.is_overdue_at(now)]

    @property
    def next_meeting(self) -> Meeting | None:
        return next((m for m in self.meetings if m.state == MeetingState.SCHEDULED), None)


def activation_follow_up(*, user: Any, activation: Activation) -> FollowUp:
    """Meetings, decisions and actions of an activation the user may read (the caller has checked that)."""
    return FollowUp(
        meetings=list(
            Meeting.objects.filter(activation=activation).select_related("record").order_by("starts_at", "id")
        ),
        decisions=list(decision_list_for_activation(activation=activation)),
        actions=list(action_list_for_activation(activation=activation)),
        may_manage=meetings_can_manage(user=user, plan=activation.plan),
    )
