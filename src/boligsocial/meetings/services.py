"""Writes for meetings, meeting records, decisions and actions.

Each write checks that the actor is a fixed member of the plan, refuses bad input with Danish messages naming
the field, audits, and for an activation appends its timeline row in the same transaction. Invitations go
through the notification outbox with an .ics attached to the email.
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from boligsocial.activations.models import Activation, ActivationState
from boligsocial.activations.services import timeline_add
from boligsocial.core.services import audit_record
from boligsocial.core.validators import validate_no_cpr
from boligsocial.directory.models import Organisation, Person
from boligsocial.notifications.services import notifications_enqueue_for_person
from boligsocial.plans.models import AdHocResource, Plan

from . import selectors
from .ics import meeting_ics, meeting_location, meeting_title, meeting_url
from .models import (
    Action,
    ActionStatus,
    Decision,
    DecisionWay,
    Meeting,
    MeetingRecord,
    MeetingState,
    Participant,
    ParticipantKind,
)

# A meeting set for "now" is not refused because the form took a minute to send.
PAST_GRACE = datetime.timedelta(minutes=5)


def _when(at: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(at), "l j. F Y H:i")


def _no_cpr(errors: dict, field: str, text: str) -> None:
    try:
        validate_no_cpr(text)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _plan_and_activation(*, plan: Plan | None, activation: Activation | None) -> tuple[Plan, Activation | None]:
    if activation is not None:
        if plan is not None and plan.pk != activation.plan_id:
            raise ValidationError({"activation": _("The activation belongs to another plan.")})
        # Read again: the caller's copy may predate a close or a level change by another member.
        activation = Activation.objects.select_related("plan", "incident__incident_type", "incident__area").get(
            pk=activation.pk
        )
        return activation.plan, activation
    if plan is None:
        raise ValueError("Give a plan or an activation.")
    return plan, None


def _timeline(*, activation: Activation | None, actor: Any, kind: str, text: str, data: dict | None = None) -> None:
    """Preventive meetings have no activation and so no timeline."""
    if activation is not None:
        timeline_add(activation=activation, actor=actor, kind=kind, text=text, data=data)


# --- Meetings ---------------------------------------------------------------------------------------------


def _check_time(errors: dict, *, starts_at: datetime.datetime, ends_at: datetime.datetime | None, now) -> None:
    if starts_at < now - PAST_GRACE:
        errors["starts_at"] = [_("The meeting cannot be scheduled in the past.")]
    if ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = [_("The meeting must end after it starts.")]


def _check_place(errors: dict, *, place: str, video_link: str) -> None:
    if not place.strip() and not video_link.strip():
        errors["place"] = [_("Give a place or a video link.")]
    _no_cpr(errors, "place", place)


def _invitation_text(meeting: Meeting, *, heading: str) -> tuple[str, str]:
    """Subject and body: what, when and where; the details are behind sign-in."""
    when = _when(meeting.starts_at)
    subject = f"{heading}: {meeting_title(meeting)}"
    lines = [subject, _("When: %(when)s") % {"when": when}]
    if meeting.place.strip():
        lines.append(_("Where: %(place)s") % {"place": meeting.place.strip()})
    if meeting.video_link:
        lines.append(_("Video meeting: the link is in the calendar invitation and on the meeting page."))
    return subject, "\n".join(lines)


def _send(*, meeting: Meeting, people: Iterable[Person], method: str, heading: str) -> list[Person]:
    """Send the current version of the meeting to `people`; returns those with no channel at all."""
    subject, body = _invitation_text(meeting, heading=heading)
    link = meeting_url(meeting)
    unreachable = []
    for person in people:
        written = notifications_enqueue_for_person(
            recipient=person,
            subject=subject,
            body=body,
            link=link,
            source=meeting,
            # One round per version sent: an update or a cancellation is a new message, a retry is not.
            round=meeting.sequence,
            calendar=meeting_ics(meeting=meeting, method=method, attendee=person),
        )
        if not written:
            unreachable.append(person)
    return unreachable


def _invited_people(meeting: Meeting) -> list[Person]:
    return [
        p.person
        for p in meeting.participants.filter(person__isnull=False)
        .select_related("person__user", "person__organisation")
        .prefetch_related("person__phones")
    ]


def _add_participants(
    *,
    meeting: Meeting,
    plan: Plan,
    invited: Sequence[Person],
    adhoc_resources: Sequence[AdHocResource],
    with_fixed_members: bool,
) -> list[Person]:
    """Add the fixed members (first time), invited people and ad hoc resources; returns the new people."""
    errors: dict[str, list[str]] = {}
    allowed = set(selectors.meeting_invitee_choices(plan=plan).values_list("pk", flat=True))
    fixed = selectors.plan_fixed_member_people(plan=plan)
    fixed_ids = {p.pk for p in fixed}
    for person in invited:
        if person.pk not in allowed and person.pk not in fixed_ids:
            errors.setdefault("invited", []).append(
                _("%(person)s cannot be invited: they are not named in the plan, its staff or its ad hoc pool.")
                % {"person": person.name}
            )
    pool = set(plan.adhoc_resources.values_list("pk", flat=True))
    for resource in adhoc_resources:
        if resource.pk not in pool:
            errors.setdefault("adhoc_resources", []).append(
                _("%(name)s is not in the plan's ad hoc pool.") % {"name": resource.name}
            )
    _raise(errors)
    present_people = set(meeting.participants.exclude(person=None).values_list("person_id", flat=True))
    present_resources = set(
        meeting.participants.exclude(adhoc_resource=None).values_list("adhoc_resource_id", flat=True)
    )
    new_people: list[Person] = []
    rows: list[Participant] = []
    if with_fixed_members:
        for person in fixed:
            if person.pk not in present_people:
                rows.append(Participant(meeting=meeting, kind=ParticipantKind.MEMBER, person=person))
                present_people.add(person.pk)
                new_people.append(person)
    for person in invited:
        if person.pk not in present_people:
            rows.append(Participant(meeting=meeting, kind=ParticipantKind.INVITED, person=person))
            present_people.add(person.pk)
            new_people.append(person)
    for resource in adhoc_resources:
        if resource.pk not in present_resources:
            rows.append(Participant(meeting=meeting, kind=ParticipantKind.ADHOC, adhoc_resource=resource))
            present_resources.add(resource.pk)
    Participant.objects.bulk_create(rows)
    # The notification fan-out reads phones and the user account of each person: fetch them once.
    ids = [p.pk for p in new_people]
    loaded = Person.objects.select_related("user", "organisation").prefetch_related("phones").in_bulk(ids)
    return [loaded[i] for i in ids]


@transaction.atomic
def meeting_schedule(
    *,
    actor: Any,
    starts_at: datetime.datetime,
    plan: Plan | None = None,
    activation: Activation | None = None,
    ends_at: datetime.datetime | None = None,
    place: str = "",
    video_link: str = "",
    adhoc_resources: Sequence[AdHocResource] = (),
    invited: Sequence[Person] = (),
    now: datetime.datetime | None = None,
) -> Meeting:
    """Schedule a meeting and invite every fixed member and invited person, with an .ics by email."""
    plan, activation = _plan_and_activation(plan=plan, activation=activation)
    selectors.meetings_check_can_manage(user=actor, plan=plan)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if activation is not None and activation.state != ActivationState.ACTIVE:
        errors["activation"] = [_("The activation is closed: no more meetings can be scheduled in it.")]
    _check_time(errors, starts_at=starts_at, ends_at=ends_at, now=now)
    _check_place(errors, place=place, video_link=video_link)
    _raise(errors)
    meeting = Meeting(
        plan=plan,
        activation=activation,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        video_link=video_link.strip(),
        scheduled_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    people = _add_participants(
        meeting=meeting, plan=plan, invited=invited, adhoc_resources=adhoc_resources, with_fixed_members=True
    )
    unreachable = _send(meeting=meeting, people=people, method="REQUEST", heading=_("Invitation"))
    audit_record(actor=actor, action="meeting.schedule", target=meeting, summary=str(meeting))
    text = _("Preparedness meeting scheduled for %(when)s, %(where)s; %(n)s people invited.") % {
        "when": _when(meeting.starts_at),
        "where": meeting_location(meeting),
        "n": len(people),
    }
    if unreachable:
        text += " " + _("No phone or email for: %(names)s.") % {"names": ", ".join(p.name for p in unreachable)}
    _timeline(
        activation=activation,
        actor=actor,
        kind="meeting_scheduled",
        text=text,
        data={"meeting": meeting.pk, "unreachable": [p.pk for p in unreachable]},
    )
    return meeting


def _lock(meeting: Meeting) -> Meeting:
    # of=self: PostgreSQL cannot lock the nullable side of the join to the activation, and need not.
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("plan", "activation__incident__incident_type", "activation__incident__area")
        .get(pk=meeting.pk)
    )


@transaction.atomic
def meeting_reschedule(
    *,
    actor: Any,
    meeting: Meeting,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None = None,
    place: str = "",
    video_link: str = "",
    now: datetime.datetime | None = None,
) -> Meeting:
    """Move a scheduled meeting or change its place; everyone invited gets the update (SEQUENCE + 1)."""
    meeting = _lock(meeting)
    selectors.meetings_check_can_manage(user=actor, plan=meeting.plan)
    if meeting.state != MeetingState.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be changed."))
    errors: dict[str, list[str]] = {}
    _check_time(errors, starts_at=starts_at, ends_at=ends_at, now=now or timezone.now())
    _check_place(errors, place=place, video_link=video_link)
    _raise(errors)
    before = {"starts_at": meeting.starts_at, "where": meeting_location(meeting)}
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place, meeting.video_link = place.strip(), video_link.strip()
    meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    _send(meeting=meeting, people=_invited_people(meeting), method="REQUEST", heading=_("Changed"))
    audit_record(
        actor=actor,
        action="meeting.reschedule",
        target=meeting,
        summary=str(meeting),
        data={"before": {"starts_at": before["starts_at"].isoformat(), "where": before["where"]}},
    )
    _timeline(
        activation=meeting.activation,
        actor=actor,
        kind="meeting_rescheduled",
        text=_("Preparedness meeting moved from %(old)s to %(when)s, %(where)s; everyone invited is told.")
        % {"old": _when(before["starts_at"]), "when": _when(meeting.starts_at), "where": meeting_location(meeting)},
        data={"meeting": meeting.pk, "sequence": meeting.sequence},
    )
    return meeting


@transaction.atomic
def meeting_invite(
    *,
    actor: Any,
    meeting: Meeting,
    invited: Sequence[Person] = (),
    adhoc_resources: Sequence[AdHocResource] = (),
) -> Meeting:
    """Invite more people or ad hoc resources to a scheduled meeting; only the new people are sent the invitation."""
    meeting = _lock(meeting)
    selectors.meetings_check_can_manage(user=actor, plan=meeting.plan)
    if meeting.state != MeetingState.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be changed."))
    people = _add_participants(
        meeting=meeting, plan=meeting.plan, invited=invited, adhoc_resources=adhoc_resources, with_fixed_members=False
    )
    _send(meeting=meeting, people=people, method="REQUEST", heading=_("Invitation"))
    audit_record(actor=actor, action="meeting.invite", target=meeting, data={"people": [p.pk for p in people]})
    names = [p.name for p in people] + [r.name for r in adhoc_resources]
    if names:
        _timeline(
            activation=meeting.activation,
            actor=actor,
            kind="meeting_invited",
            text=_("Also invited to the preparedness meeting: %(names)s.") % {"names": ", ".join(names)},
            data={"meeting": meeting.pk},
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a scheduled meeting; everyone invited gets a cancellation that removes it from their calendar."""
    meeting = _lock(meeting)
    selectors.meetings_check_can_manage(user=actor, plan=meeting.plan)
    if meeting.state != MeetingState.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be cancelled."))
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["cancel_reason"] = [_("Give a reason for cancelling.")]
    _no_cpr(errors, "cancel_reason", reason)
    _raise(errors)
    meeting.state = MeetingState.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.cancel_reason = reason.strip()
    meeting.sequence += 1
    meeting.save()
    _send(meeting=meeting, people=_invited_people(meeting), method="CANCEL", heading=pgettext("meeting", "Cancelled"))
    audit_record(actor=actor, action="meeting.cancel", target=meeting, summary=meeting.cancel_reason)
    _timeline(
        activation=meeting.activation,
        actor=actor,
        kind="meeting_cancelled",
        text=_("Preparedness meeting on %(when)s cancelled: %(reason)s")
        % {"when": _when(meeting.starts_at), "reason": meeting.cancel_reason},
        data={"meeting": meeting.pk},
    )
    return meeting


# --- The meeting record -----------------------------------------------------------------------------------


def _record(
    *,
    actor: Any,
    meeting: Meeting,
    situation: str,
    media: str,
    attended: Sequence[Participant],
    decisions: Sequence[str],
    now: datetime.datetime,
) -> Meeting:
    errors: dict[str, list[str]] = {}
    if meeting.state == MeetingState.CANCELLED:
        raise ValidationError(_("The meeting was cancelled."))
    if meeting.starts_at > now:
        errors["starts_at"] = [_("The meeting has not started yet: record it when it has been held.")]
    if not situation.strip():
        errors["situation"] = [_("Describe the situation picture.")]
    _no_cpr(errors, "situation", situation)
    _no_cpr(errors, "media", media)
    participant_ids = {p.pk for p in meeting.participants.all()}
    if any(p.pk not in participant_ids for p in attended):
        errors["attended"] = [_("Only those invited to the meeting can be recorded as attending.")]
    decisions = [d.strip() for d in decisions if d.strip()]
    for text in decisions:
        _no_cpr(errors, "decisions", text)
    _raise(errors)
    first_time = meeting.state != MeetingState.HELD
    MeetingRecord.objects.update_or_create(
        meeting=meeting,
        defaults={"situation": situation.strip(), "media": media.strip(), "recorded_by": actor},
    )
    attended_ids = {p.pk for p in attended}
    meeting.participants.filter(pk__in=attended_ids).update(attended=True)
    meeting.participants.exclude(pk__in=attended_ids).update(attended=False)
    meeting.state = MeetingState.HELD
    meeting.save(update_fields=["state"])
    activation = meeting.activation
    if activation is not None:
        activation = Activation.objects.select_for_update().get(pk=activation.pk)
        if activation.meeting_held_at is None or meeting.starts_at < activation.meeting_held_at:
            activation.meeting_held_at = meeting.starts_at
            activation.save(update_fields=["meeting_held_at"])
    audit_record(actor=actor, action="meeting.record", target=meeting, summary=situation.strip()[:200])
    if first_time:
        within = (
            activation is None
            or activation.meeting_deadline is None
            or meeting.starts_at <= activation.meeting_deadline
        )
        text = _("Preparedness meeting held %(when)s: %(n)s of %(total)s invited attended.") % {
            "when": _when(meeting.starts_at),
            "n": len(attended_ids),
            "total": len(participant_ids),
        }
        if not within:
            text += " " + _("Held after the deadline.")
        _timeline(
            activation=activation,
            actor=actor,
            kind="meeting_held",
            text=text,
            data={"meeting": meeting.pk, "within_deadline": within, "attended": sorted(attended_ids)},
        )
    else:
        _timeline(
            activation=activation,
            actor=actor,
            kind="meeting_record_updated",
            text=_("The record of the preparedness meeting on %(when)s was updated.")
            % {"when": _when(meeting.starts_at)},
            data={"meeting": meeting.pk},
        )
    for text in decisions:
        _decision_create(
            actor=actor,
            plan=meeting.plan,
            activation=activation,
            meeting=meeting,
            text=text,
            way=DecisionWay.MEETING,
            agreed_by=[],
            decided_at=meeting.starts_at,
        )
    return meeting


@transaction.atomic
def meeting_record_held(
    *,
    actor: Any,
    meeting: Meeting,
    situation: str,
    media: str = "",
    attended: Sequence[Participant] = (),
    decisions: Sequence[str] = (),
    now: datetime.datetime | None = None,
) -> Meeting:
    """Record a scheduled meeting as held: situation picture, media picture, who attended and the decisions.

    For an activation this sets when the meeting was held, so the activation is no longer overdue. Recording
    again updates the record and adds any new decisions.
    """
    meeting = _lock(meeting)
    selectors.meetings_check_can_manage(user=actor, plan=meeting.plan)
    return _record(
        actor=actor,
        meeting=meeting,
        situation=situation,
        media=media,
        attended=attended,
        decisions=decisions,
        now=now or timezone.now(),
    )


@transaction.atomic
def meeting_record_unscheduled(
    *,
    actor: Any,
    starts_at: datetime.datetime,
    situation: str,
    plan: Plan | None = None,
    activation: Activation | None = None,
    place: str = "",
    video_link: str = "",
    attended: Sequence[Person] = (),
    media: str = "",
    decisions: Sequence[str] = (),
    now: datetime.datetime | None = None,
) -> Meeting:
    """Record a meeting that was held without being scheduled here (called at short notice); nobody is invited
    afterwards. The fixed members are its participants, with those in `attended` marked as attending."""
    plan, activation = _plan_and_activation(plan=plan, activation=activation)
    selectors.meetings_check_can_manage(user=actor, plan=plan)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if starts_at > now:
        errors["starts_at"] = [_("The meeting has not started yet: schedule it instead.")]
    _check_place(errors, place=place, video_link=video_link)
    _raise(errors)
    meeting = Meeting(
        plan=plan,
        activation=activation,
        starts_at=starts_at,
        place=place.strip(),
        video_link=video_link.strip(),
        scheduled_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    _add_participants(meeting=meeting, plan=plan, invited=attended, adhoc_resources=(), with_fixed_members=True)
    present = {p.pk for p in attended}
    participants = [p for p in meeting.participants.all() if p.person_id in present]
    return _record(
        actor=actor,
        meeting=meeting,
        situation=situation,
        media=media,
        attended=participants,
        decisions=decisions,
        now=now,
    )


# --- Decisions --------------------------------------------------------------------------------------------


def _decision_create(
    *,
    actor: Any,
    plan: Plan,
    activation: Activation | None,
    meeting: Meeting | None,
    text: str,
    way: str,
    agreed_by: Sequence[Person],
    decided_at: datetime.datetime,
) -> Decision:
    decision = Decision(
        plan=plan,
        activation=activation,
        meeting=meeting,
        text=text.strip(),
        way=way,
        decided_at=decided_at,
        recorded_by=actor,
    )
    decision.full_clean()
    decision.save()
    if agreed_by:
        decision.agreed_by.set(agreed_by)
    audit_record(actor=actor, action="decision.record", target=decision, summary=decision.text[:200])
    if meeting is not None:
        text = _("Decision at the meeting: %(text)s") % {"text": decision.text}
    else:
        text = _("Decision agreed %(way)s by %(names)s: %(text)s") % {
            "way": decision.get_way_display().lower(),
            "names": ", ".join(p.name for p in agreed_by),
            "text": decision.text,
        }
    _timeline(
        activation=activation,
        actor=actor,
        kind="decision",
        text=text,
        data={"decision": decision.pk, "meeting": meeting.pk if meeting else None},
    )
    return decision


@transaction.atomic
def decision_record(
    *,
    actor: Any,
    text: str,
    plan: Plan | None = None,
    activation: Activation | None = None,
    meeting: Meeting | None = None,
    way: str = DecisionWay.PHONE,
    agreed_by: Sequence[Person] = (),
    decided_at: datetime.datetime | None = None,
) -> Decision:
    """Record a decision: at a held meeting, or agreed without one (by phone or mail) with the members who agreed."""
    if meeting is not None:
        plan, activation = meeting.plan, meeting.activation
    plan, activation = _plan_and_activation(plan=plan, activation=activation)
    selectors.meetings_check_can_manage(user=actor, plan=plan)
    now = timezone.now()
    decided_at = decided_at or now
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = [_("Write the decision.")]
    _no_cpr(errors, "text", text)
    if decided_at > now + PAST_GRACE:
        errors["decided_at"] = [_("A decision cannot be dated in the future.")]
    if meeting is not None:
        way = DecisionWay.MEETING
        if meeting.state != MeetingState.HELD:
            errors["meeting"] = [_("Record the meeting as held before adding its decisions.")]
    else:
        if way not in (DecisionWay.PHONE, DecisionWay.MAIL, DecisionWay.OTHER):
            errors["way"] = [_("A decision without a meeting is agreed by phone, by mail or otherwise.")]
        if not agreed_by:
            errors["agreed_by"] = [_("Choose the members who agreed to the decision.")]
        members = set(selectors.plan_member_people(plan=plan).values_list("pk", flat=True))
        strangers = [p.name for p in agreed_by if p.pk not in members]
        if strangers:
            errors["agreed_by"] = [
                _("Only members of the plan can agree to a decision: %(names)s is not.")
                % {"names": ", ".join(strangers)}
            ]
    _raise(errors)
    return _decision_create(
        actor=actor,
        plan=plan,
        activation=activation,
        meeting=meeting,
        text=text,
        way=way,
        agreed_by=list(agreed_by) if meeting is None else [],
        decided_at=decided_at,
    )


# --- Actions ----------------------------------------------------------------------------------------------


def _check_owner(
    errors: dict,
    *,
    plan: Plan,
    owner_member: Person | None,
    owner_staff: Person | None,
    owner_organisation: Organisation | None,
) -> None:
    owners = [o for o in (owner_member, owner_staff, owner_organisation) if o is not None]
    if not owners:
        errors["owner"] = [_("Choose who owns the action: a plan member, a staff person or an organisation.")]
        return
    if len(owners) > 1:
        errors["owner"] = [_("An action has exactly one owner: a plan member, a staff person or an organisation.")]
        return
    if owner_member is not None and not selectors.plan_member_people(plan=plan).filter(pk=owner_member.pk).exists():
        errors["owner_member"] = [_("%(person)s is not a member of the plan.") % {"person": owner_member.name}]
    if owner_staff is not None and not selectors.plan_staff_people(plan=plan).filter(pk=owner_staff.pk).exists():
        errors["owner_staff"] = [
            _("%(person)s is not housing-social staff of the plan.") % {"person": owner_staff.name}
        ]


def _check_action_texts(errors: dict, *, title: str, notes: str) -> None:
    if not title.strip():
        errors["title"] = [_("Write what is to be done.")]
    _no_cpr(errors, "title", title)
    _no_cpr(errors, "notes", notes)


def _deadline_text(action: Action) -> str:
    return _when(action.deadline)


@transaction.atomic
def action_create(
    *,
    actor: Any,
    title: str,
    deadline: datetime.datetime | None,
    plan: Plan | None = None,
    activation: Activation | None = None,
    decision: Decision | None = None,
    owner_member: Person | None = None,
    owner_staff: Person | None = None,
    owner_organisation: Organisation | None = None,
    status: str = ActionStatus.OPEN,
    notes: str = "",
) -> Action:
    """Add an action to the action plan, owned by exactly one plan member, staff person or organisation."""
    if decision is not None and activation is None and plan is None:
        plan, activation = decision.plan, decision.activation
    plan, activation = _plan_and_activation(plan=plan, activation=activation)
    selectors.meetings_check_can_manage(user=actor, plan=plan)
    errors: dict[str, list[str]] = {}
    _check_action_texts(errors, title=title, notes=notes)
    _check_owner(
        errors, plan=plan, owner_member=owner_member, owner_staff=owner_staff, owner_organisation=owner_organisation
    )
    if deadline is None:
        errors["deadline"] = [_("Give the deadline.")]
    if status not in ActionStatus.values:
        errors["status"] = [_("Choose open, in progress, done or dropped.")]
    if decision is not None and (
        decision.plan_id != plan.pk or decision.activation_id != getattr(activation, "pk", None)
    ):
        errors["decision"] = [_("The decision belongs to another activation.")]
    _raise(errors)
    action = Action(
        plan=plan,
        activation=activation,
        decision=decision,
        title=title.strip(),
        owner_member=owner_member,
        owner_staff=owner_staff,
        owner_organisation=owner_organisation,
        deadline=deadline,
        status=status,
        notes=notes.strip(),
        created_by=actor,
        finished_at=timezone.now() if status in (ActionStatus.DONE, ActionStatus.DROPPED) else None,
    )
    action.full_clean()
    action.save()
    audit_record(actor=actor, action="action.create", target=action, summary=action.title)
    _timeline(
        activation=activation,
        actor=actor,
        kind="action_created",
        text=_("Action: %(title)s – owner %(owner)s, deadline %(deadline)s.")
        % {"title": action.title, "owner": action.owner, "deadline": _deadline_text(action)},
        data={"action": action.pk},
    )
    return action


_UNSET: Any = object()


@transaction.atomic
def action_update(
    *,
    actor: Any,
    action: Action,
    title: str = _UNSET,
    deadline: datetime.datetime = _UNSET,
    status: str = _UNSET,
    notes: str = _UNSET,
    owner_member: Person | None = _UNSET,
    owner_staff: Person | None = _UNSET,
    owner_organisation: Organisation | None = _UNSET,
) -> Action:
    """Change an action; giving any owner replaces the owner (the other two become empty)."""
    action = Action.objects.select_for_update(of=("self",)).select_related("plan", "activation").get(pk=action.pk)
    selectors.meetings_check_can_manage(user=actor, plan=action.plan)
    before = {
        "title": action.title,
        "deadline": action.deadline,
        "status": action.status,
        "owner": str(action.owner),
    }
    new_owner = [v for v in (owner_member, owner_staff, owner_organisation) if v is not _UNSET]
    if new_owner:
        action.owner_member = None if owner_member is _UNSET else owner_member
        action.owner_staff = None if owner_staff is _UNSET else owner_staff
        action.owner_organisation = None if owner_organisation is _UNSET else owner_organisation
    if title is not _UNSET:
        action.title = title
    if deadline is not _UNSET:
        action.deadline = deadline
    if notes is not _UNSET:
        action.notes = notes
    if status is not _UNSET:
        action.status = status
    errors: dict[str, list[str]] = {}
    _check_action_texts(errors, title=action.title, notes=action.notes)
    if new_owner:
        _check_owner(
            errors,
            plan=action.plan,
            owner_member=action.owner_member,
            owner_staff=action.owner_staff,
            owner_organisation=action.owner_organisation,
        )
    if action.deadline is None:
        errors["deadline"] = [_("Give the deadline.")]
    if action.status not in ActionStatus.values:
        errors["status"] = [_("Choose open, in progress, done or dropped.")]
    _raise(errors)
    action.title, action.notes = action.title.strip(), action.notes.strip()
    if action.is_finished and before["status"] not in (ActionStatus.DONE, ActionStatus.DROPPED):
        action.finished_at = timezone.now()
    elif not action.is_finished:
        action.finished_at = None
    action.full_clean()
    action.save()
    changes = []
    if action.status != before["status"]:
        changes.append(
            _("status %(old)s → %(new)s")
            % {"old": ActionStatus(before["status"]).label, "new": action.get_status_display()}
        )
    if str(action.owner) != before["owner"]:
        changes.append(_("owner %(old)s → %(new)s") % {"old": before["owner"], "new": action.owner})
    if action.deadline != before["deadline"]:
        changes.append(_("deadline %(new)s") % {"new": _deadline_text(action)})
    if action.title != before["title"]:
        changes.append(_("now: %(title)s") % {"title": action.title})
    audit_record(
        actor=actor,
        action="action.update",
        target=action,
        summary=action.title,
        data={"status": action.status, "before_status": before["status"]},
    )
    if changes:
        _timeline(
            activation=action.activation,
            actor=actor,
            kind="action_updated",
            text=_("Action %(title)s: %(changes)s.") % {"title": before["title"], "changes": "; ".join(changes)},
            data={"action": action.pk, "status": action.status},
        )
    return action
