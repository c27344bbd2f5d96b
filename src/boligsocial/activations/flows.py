"""Multi-step work of an activation: activate, acknowledge, escalate, change level, close.

Each step writes its timeline row in the same transaction as its change, and every message goes through the
notification outbox, so a crash between steps loses nothing and a retried step sends nothing twice.
"""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from boligsocial.core.validators import cpr_errors
from boligsocial.directory.models import Person
from boligsocial.notifications.models import Notification, State
from boligsocial.notifications.services import (
    Alert,
    notifications_cancel,
    notifications_enqueue_alerts,
    notifications_enqueue_for_person,
)
from boligsocial.plans.deadlines import deadline_for
from boligsocial.plans.models import Level, MembershipKind
from boligsocial.plans.selectors import plan_reload

from .models import (
    Activation,
    ActivationRequest,
    ActivationState,
    Incident,
    LevelChange,
    RequestState,
    Seat,
    SeatState,
)
from .selectors import can_activate
from .services import evaluation_request, request_create, timeline_add

logger = logging.getLogger(__name__)

ACK_SALT = "boligsocial.activations.ack"
# An acknowledgement link works for a week; after that the member signs in to acknowledge.
ACK_MAX_AGE = datetime.timedelta(days=7)


class AlreadyActivated(ValidationError):
    """The incident is already activated; carries the activation so the caller can say by whom."""

    def __init__(self, activation: Activation) -> None:
        who = activation.activated_by.get_full_name() or activation.activated_by.get_username()
        super().__init__(
            _("The plan was already activated for this incident by %(who)s at %(time)s.")
            % {"who": who, "time": timezone.localtime(activation.activated_at).strftime("%d.%m.%Y %H:%M")},
            code="already_activated",
        )
        self.activation = activation


def ack_token(*, seat: Seat, person: Person) -> str:
    """A signed token that lets `person` acknowledge `seat` without signing in."""
    return signing.TimestampSigner(salt=ACK_SALT).sign_object({"s": seat.pk, "p": person.pk})


def ack_url(*, seat: Seat, person: Person) -> str:
    """The absolute path of the acknowledgement page for `person` on `seat`."""
    return reverse("activations:acknowledge", args=[ack_token(seat=seat, person=person)])


def _message(activation: Activation) -> tuple[str, str]:
    """Subject and body of an alert: level, type and area only; details are behind sign-in."""
    incident = activation.incident
    subject = _("Preparedness activated: %(level)s – %(type)s – %(area)s") % {
        "level": activation.get_level_display().upper(),
        "type": incident.incident_type.name,
        "area": incident.area.name,
    }
    return subject, subject + "\n" + _("Acknowledge that you have received this:")


def _alert(*, activation: Activation, seat: Seat, person: Person, round: int) -> Alert:
    """The alert to one person for one seat, with their own acknowledgement link."""
    subject, body = _message(activation)
    link = settings.SITE_URL + ack_url(seat=seat, person=person)
    return Alert(recipient=person, subject=subject, body=body, link=link, source=seat, round=round)


def _notify(*, activation: Activation, seat: Seat, person: Person, round: int) -> bool:
    """Alert one person for one seat on all their channels; False if they have no channel."""
    alert = _alert(activation=activation, seat=seat, person=person, round=round)
    return bool(notifications_enqueue_alerts(alerts=[alert])[0])


def _substitutes(seat: Seat) -> list[Person]:
    people = Person.objects.in_bulk(seat.substitute_ids)
    return [people[i] for i in seat.substitute_ids if i in people]


def _wait(activation: Activation) -> datetime.timedelta:
    # From the plan's prefetched rules where the caller loaded them: this runs once per seat.
    rule = next((r for r in activation.plan.level_rules.all() if r.level == activation.level), None)
    return datetime.timedelta(minutes=rule.acknowledge_wait_minutes if rule else 240)


def _show_fallback(*, activation: Activation, seat: Seat) -> None:
    """Tell the coordinator the contact list is exhausted for a seat and what the plan says to do then."""
    fallbacks = list(activation.plan.fallbacks.all())
    lines = [f"{f.condition}: {f.instruction} {f.phone_display}".strip() for f in fallbacks] or [
        _("The plan has no fallback procedure: call the member's organisation.")
    ]
    timeline_add(
        activation=activation,
        actor=None,
        kind="fallback_shown",
        text=_("Nobody for %(person)s has acknowledged; fallback shown to the coordinator: %(fallback)s")
        % {"person": seat.person.name, "fallback": " / ".join(lines)},
        data={"seat": seat.pk, "round": seat.round},
    )
    coordinator = activation.plan.memberships.filter(is_coordinator=True).select_related("person").first()
    if coordinator is not None:
        notifications_enqueue_for_person(
            recipient=coordinator.person,
            subject=_("Fallback needed: %(person)s is not reached") % {"person": seat.person.name},
            body=" / ".join(lines),
            link=settings.SITE_URL + reverse("activations:detail", args=[activation.pk]),
            source=seat,
            round=1000 + seat.round,  # keeps these apart from the seat's own alert rounds
        )


def _reach_seat(
    *, activation: Activation, seat: Seat, now: datetime.datetime, member_reachable: bool | None = None
) -> None:
    """One round for a seat: alert the member; alert substitutes after the first round or at once if the
    member has no channel; when nobody is left to try, show the fallback. Then wait again.
    `member_reachable`: the caller has written the member's alert already and says if it had a channel."""
    if member_reachable is None:
        member_reachable = _notify(activation=activation, seat=seat, person=seat.person, round=seat.round)
    if not member_reachable and seat.state == SeatState.WAITING:
        seat.state = SeatState.UNREACHABLE
        timeline_add(
            activation=activation,
            actor=None,
            kind="unreachable",
            text=_("%(person)s cannot be reached: no working phone or email.") % {"person": seat.person.name},
            data={"seat": seat.pk},
        )
    if seat.round > 1 or not member_reachable:
        _alert_substitutes(activation=activation, seat=seat)
    seat.next_escalation_at = now + _wait(activation)
    seat.save()


def _alert_substitutes(*, activation: Activation, seat: Seat) -> None:
    """Alert the seat's substitutes in its current round (the first time with a timeline row); when none can be
    reached, show the coordinator the fallback. The caller saves the seat."""
    substitutes = _substitutes(seat)
    reached = [s for s in substitutes if _notify(activation=activation, seat=seat, person=s, round=seat.round)]
    if substitutes and not seat.substitutes_notified:
        timeline_add(
            activation=activation,
            actor=None,
            kind="substitutes_notified",
            text=_("Substitute for %(person)s notified: %(subs)s")
            % {"person": seat.person.name, "subs": ", ".join(s.name for s in substitutes)},
            data={"seat": seat.pk},
        )
        seat.substitutes_notified = True
    if not reached:
        _show_fallback(activation=activation, seat=seat)


@transaction.atomic
def seat_mark_unreachable_if_all_failed(*, notification: Notification) -> bool:
    """When the last of a waiting member's alerts in the seat's current round has failed for good, mark the seat
    unreachable and alert the substitutes at once, rather than when the acknowledgement wait runs out. Called
    from the outbox's `notification_finished` signal; True if it marked the seat."""
    if notification.state != State.FAILED_PERMANENT or notification.source_type_id != _seat_type().pk:
        return False
    seat = (
        Seat.objects.select_for_update(of=("self",))
        .select_related("person", "activation__plan", "activation__incident__incident_type")
        .select_related("activation__incident__area")
        .filter(pk=notification.source_id)
        .first()
    )
    if (
        seat is None
        or seat.state != SeatState.WAITING
        or seat.activation.state != ActivationState.ACTIVE
        or notification.recipient_id != seat.person_id
        or notification.round != seat.round
    ):
        return False
    alerts = list(
        Notification.objects.filter(
            source_type=notification.source_type_id, source_id=seat.pk, recipient=seat.person_id, round=seat.round
        ).order_by("channel", "pk")
    )
    if any(a.state != State.FAILED_PERMANENT for a in alerts):
        return False  # a channel is still trying, or got through
    reasons = ", ".join(f"{a.get_channel_display()}: {a.get_last_error_code_display()}" for a in alerts)
    seat.state = SeatState.UNREACHABLE
    timeline_add(
        activation=seat.activation,
        actor=None,
        kind="unreachable",
        text=_("%(person)s cannot be reached: every channel failed (%(reasons)s).")
        % {"person": seat.person.name, "reasons": reasons},
        data={"seat": seat.pk, "round": seat.round, "notifications": [a.pk for a in alerts]},
    )
    _alert_substitutes(activation=seat.activation, seat=seat)
    seat.save()
    return True


def _seat_type() -> ContentType:
    return ContentType.objects.get_for_model(Seat, for_concrete_model=False)


def on_notification_finished(sender: Any, notification: Notification, **kwargs: Any) -> None:
    """Receiver of notifications' `notification_finished`: a permanent failure may leave a seat unreachable."""
    if notification.state == State.FAILED_PERMANENT:
        seat_mark_unreachable_if_all_failed(notification=notification)


def _fixed_members_in_order(plan) -> list:
    fixed = [m for m in plan.memberships.all() if m.kind == MembershipKind.FIXED]
    # Whether a member has an active account decides the in-app channel: one query for all, not one each.
    # (Not prefetch_related_objects: on SQLite Django 5.2 writes that as one OR per person, too deep past 1,000.)
    users = get_user_model().objects.in_bulk({m.person.user_id for m in fixed if m.person.user_id})
    for membership in fixed:
        if membership.person.user_id in users:
            membership.person.user = users[membership.person.user_id]
    return sorted(fixed, key=lambda m: (m.contact_priority is None, m.contact_priority or 0, m.pk))


def _substitute_ids(plan) -> dict[int, list[int]]:
    """Each fixed membership's substitutes' person ids, from the plan's prefetched memberships."""
    substitutes: dict[int, list[int]] = {}
    for membership in plan.memberships.all():  # ordered by contact priority, as membership.substitutes is
        if membership.substitute_for_id is not None:
            substitutes.setdefault(membership.substitute_for_id, []).append(membership.person_id)
    return substitutes


def _schedule_escalation(activation: Activation) -> None:
    """Enqueue the next escalation check at the earliest waiting seat's time, after commit."""
    from .tasks import escalate_activation

    next_at = (
        activation.seats.filter(state__in=[SeatState.WAITING, SeatState.UNREACHABLE])
        .order_by("next_escalation_at")
        .values_list("next_escalation_at", flat=True)
        .first()
    )
    if next_at is None:
        return
    transaction.on_commit(lambda: escalate_activation.using(run_after=next_at).enqueue(activation.pk), robust=True)


def activation_activate(
    *,
    actor: Any,
    incident: Incident,
    level: str,
    rationale: str,
    police_consulted: bool,
    police_contact: str = "",
    police_consulted_at: datetime.datetime | None = None,
    police_advice: str = "",
    no_police_reason: str = "",
    now: datetime.datetime | None = None,
) -> Activation:
    """Activate the plan for an incident: deadline, escalation chain snapshot, alerts to every fixed member."""
    try:
        with transaction.atomic():
            return _activate(
                actor=actor,
                incident=incident,
                level=level,
                rationale=rationale,
                police_consulted=police_consulted,
                police_contact=police_contact,
                police_consulted_at=police_consulted_at,
                police_advice=police_advice,
                no_police_reason=no_police_reason,
                now=now or timezone.now(),
            )
    except IntegrityError:
        # Two members pressed at the same moment: the unique incident constraint let only one through.
        existing = Activation.objects.select_related("activated_by").filter(incident=incident).first()
        if existing is None:
            raise
        raise AlreadyActivated(existing) from None


def _activate(
    *,
    actor,
    incident,
    level,
    rationale,
    police_consulted,
    police_contact,
    police_consulted_at,
    police_advice,
    no_police_reason,
    now,
) -> Activation:
    plan = plan_reload(plan=incident.plan)
    if not can_activate(user=actor, plan=plan):
        raise PermissionDenied(_("Only the plan's fixed members can activate the plan. File a request instead."))
    existing = Activation.objects.select_related("activated_by").filter(incident=incident).first()
    if existing is not None:
        raise AlreadyActivated(existing)
    errors = {}
    rule = next((r for r in plan.level_rules.all() if r.level == level), None)
    if level not in (Level.YELLOW, Level.RED) or rule is None:
        errors["level"] = _("Choose yellow or red: the levels at which this plan is activated.")
    if not rationale.strip():
        errors["rationale"] = _("Give a one-line rationale for the level.")
    if police_consulted and not police_contact.strip():
        errors["police_contact"] = _("Write who at the police was consulted.")
    if not police_consulted and not no_police_reason.strip():
        errors["no_police_reason"] = _("The plan asks that the police are consulted first. Say why they were not.")
    for field, messages in cpr_errors(
        rationale=rationale,
        police_contact=police_contact,
        police_advice=police_advice,
        no_police_reason=no_police_reason,
    ).items():
        errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)
    deadline = deadline_for(rule=rule, activated_at=now)
    activation = Activation.objects.create(
        plan=plan,
        incident=incident,
        level=level,
        rationale=rationale.strip(),
        activated_by=actor,
        activated_at=now,
        police_consulted=police_consulted,
        police_contact=police_contact.strip(),
        police_consulted_at=police_consulted_at if police_consulted else None,
        police_advice=police_advice.strip(),
        no_police_reason="" if police_consulted else no_police_reason.strip(),
        meeting_deadline=deadline.at,
    )
    ActivationRequest.objects.filter(incident=incident, state=RequestState.OPEN).update(
        state=RequestState.ACCEPTED, decided_by=actor, decided_at=now
    )
    timeline_add(
        activation=activation,
        actor=actor,
        kind="activated",
        text=_("Activated at level %(level)s: %(rationale)s")
        % {"level": activation.get_level_display(), "rationale": activation.rationale},
        data={"deadline": deadline.at.isoformat() if deadline.at else None},
    )
    if not police_consulted:
        timeline_add(
            activation=activation,
            actor=actor,
            kind="police_not_consulted",
            text=_("Activated without consulting the police: %(reason)s") % {"reason": activation.no_police_reason},
        )
    substitutes = _substitute_ids(plan)
    next_escalation_at = now + _wait(activation)
    seats = Seat.objects.bulk_create(
        Seat(
            activation=activation,
            position=position,
            person=membership.person,
            role=membership.role,
            substitute_ids=substitutes.get(membership.pk, []),
            next_escalation_at=next_escalation_at,
        )
        for position, membership in enumerate(_fixed_members_in_order(plan), start=1)
    )
    # Every member's alert in one write (a few queries for any number of members), then what follows for
    # a member with no channel at all: unreachable, and the substitutes alerted at once.
    written = notifications_enqueue_alerts(
        alerts=[_alert(activation=activation, seat=seat, person=seat.person, round=seat.round) for seat in seats]
    )
    for seat, rows in zip(seats, written, strict=True):
        if not rows:
            _reach_seat(activation=activation, seat=seat, now=now, member_reachable=False)
    _schedule_escalation(activation)
    return activation


@transaction.atomic
def activation_escalate(*, activation_id: int, now: datetime.datetime | None = None) -> int:
    """Run every escalation step that is due; safe to run twice or on two workers at once."""
    now = now or timezone.now()
    activation = (
        Activation.objects.select_for_update()
        .select_related("plan", "incident__incident_type", "incident__area")
        .prefetch_related("plan__level_rules")
        .filter(pk=activation_id)
        .first()
    )
    if activation is None or activation.state != ActivationState.ACTIVE:
        return 0
    due = list(
        # of=self: the person and account are read, not locked (and an account may be missing).
        activation.seats.select_for_update(of=("self",))
        .filter(state__in=[SeatState.WAITING, SeatState.UNREACHABLE], next_escalation_at__lte=now)
        .select_related("person__user")
        .prefetch_related("person__phones")
    )
    for seat in due:
        seat.round += 1
        timeline_add(
            activation=activation,
            actor=None,
            kind="escalated",
            text=_("%(person)s has not acknowledged: alerted again (round %(round)s).")
            % {"person": seat.person.name, "round": seat.round},
            data={"seat": seat.pk, "round": seat.round},
        )
        _reach_seat(activation=activation, seat=seat, now=now)
    _schedule_escalation(activation)
    return len(due)


@transaction.atomic
def request_file(*, actor: Any, incident: Incident, proposed_level: str, message: str) -> ActivationRequest:
    """File a request to activate and alert the plan's fixed members that it is waiting for them."""
    existing = Activation.objects.select_related("activated_by").filter(incident=incident).first()
    if existing is not None:
        raise AlreadyActivated(existing)
    request = request_create(actor=actor, incident=incident, proposed_level=proposed_level, message=message)
    plan = incident.plan
    subject = _("Request to activate the preparedness: %(type)s – %(area)s") % {
        "type": incident.incident_type.name,
        "area": incident.area.name,
    }
    link = settings.SITE_URL + reverse("activations:list")
    for membership in plan.memberships.filter(kind=MembershipKind.FIXED).select_related("person"):
        notifications_enqueue_for_person(
            recipient=membership.person, subject=subject, body=subject, link=link, source=request
        )
    return request


@transaction.atomic
def request_accept(*, actor: Any, request: ActivationRequest, **activation: Any) -> Activation:
    """A fixed member turns a request into an activation."""
    if request.state != RequestState.OPEN:
        raise ValidationError(_("The request has already been decided."))
    return activation_activate(actor=actor, incident=request.incident, **activation)


class AckResult:
    ACKNOWLEDGED = "acknowledged"
    ALREADY = "already"
    CLOSED = "closed"


def ack_seat_from_token(*, token: str) -> tuple[Seat, Person]:
    """The seat and person a token names; ValidationError if it is forged or expired."""
    try:
        data = signing.TimestampSigner(salt=ACK_SALT).unsign_object(token, max_age=ACK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(_("The link has expired. Sign in to acknowledge."), code="expired") from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("The link is not valid."), code="invalid") from exc
    seat = (
        Seat.objects.select_related(
            "activation__incident__incident_type", "activation__incident__area", "activation__plan", "person"
        )
        .filter(pk=data["s"])
        .first()
    )
    person = Person.objects.filter(pk=data["p"]).first()
    if seat is None or person is None or (person.pk != seat.person_id and person.pk not in seat.substitute_ids):
        raise ValidationError(_("The link is not valid."), code="invalid")
    return seat, person


@transaction.atomic
def seat_acknowledge(*, seat: Seat, person: Person, actor: Any = None, via: str = "link") -> str:
    """Record that `person` (the member or a substitute) has the alert for `seat`; a second time changes nothing."""
    seat = Seat.objects.select_for_update().select_related("activation").get(pk=seat.pk)
    if seat.state == SeatState.ACKNOWLEDGED:
        return AckResult.ALREADY
    if seat.activation.state != ActivationState.ACTIVE:
        return AckResult.CLOSED
    seat.state = SeatState.ACKNOWLEDGED
    seat.acknowledged_at = timezone.now()
    seat.acknowledged_by = person
    seat.next_escalation_at = None
    seat.save()
    cancelled = notifications_cancel(source=seat)
    timeline_add(
        activation=seat.activation,
        actor=actor,
        kind="acknowledged",
        text=(
            _("%(person)s acknowledged.")
            if person.pk == seat.person_id
            else _("%(person)s acknowledged as substitute for %(member)s.")
        )
        % {"person": person.name, "member": seat.person.name},
        data={"seat": seat.pk, "via": via, "cancelled": cancelled},
    )
    return AckResult.ACKNOWLEDGED


@transaction.atomic
def activation_change_level(*, actor: Any, activation: Activation, level: str, rationale: str) -> Activation:
    """Raise or lower the level: new deadline from the plan's rule and a new alert round to everyone waiting."""
    activation = (
        Activation.objects.select_for_update()
        .select_related("plan")
        .prefetch_related("plan__level_rules")
        .get(pk=activation.pk)
    )
    if not can_activate(user=actor, plan=activation.plan):
        raise PermissionDenied(_("Only the plan's fixed members can change the level."))
    if activation.state != ActivationState.ACTIVE:
        raise ValidationError(_("The activation is closed."))
    rule = activation.plan.level_rules.filter(level=level).first()
    if level not in (Level.YELLOW, Level.RED) or rule is None:
        raise ValidationError({"level": _("Choose yellow or red: the levels at which this plan is activated.")})
    if level == activation.level:
        raise ValidationError({"level": _("The activation is already at this level.")})
    if not rationale.strip():
        raise ValidationError({"rationale": _("Give a one-line rationale for the level.")})
    if errors := cpr_errors(rationale=rationale):
        raise ValidationError(errors)
    now = timezone.now()
    deadline = deadline_for(rule=rule, activated_at=now)
    LevelChange.objects.create(
        activation=activation,
        from_level=activation.level,
        to_level=level,
        rationale=rationale.strip(),
        changed_by=actor,
        meeting_deadline=deadline.at,
    )
    old = activation.get_level_display()
    activation.level = level
    activation.meeting_deadline = deadline.at
    activation.save(update_fields=["level", "meeting_deadline"])
    timeline_add(
        activation=activation,
        actor=actor,
        kind="level_changed",
        text=_("Level changed from %(old)s to %(new)s: %(rationale)s")
        % {"old": old, "new": activation.get_level_display(), "rationale": rationale.strip()},
        data={"deadline": deadline.at.isoformat() if deadline.at else None},
    )
    # Everyone hears of the new level, including those who acknowledged the old one.
    for seat in activation.seats.select_related("person__user").prefetch_related("person__phones"):
        seat.round += 1
        if seat.state == SeatState.ACKNOWLEDGED:
            seat.state = SeatState.WAITING
            seat.acknowledged_at = None
            seat.acknowledged_by = None
        seat.substitutes_notified = False
        _reach_seat(activation=activation, seat=seat, now=now)
    _schedule_escalation(activation)
    return activation


@transaction.atomic
def activation_close(*, actor: Any, activation: Activation, summary: str) -> Activation:
    """Close an activation (back to green) with a summary; pending alerts are cancelled, an evaluation requested."""
    activation = Activation.objects.select_for_update().select_related("plan").get(pk=activation.pk)
    if not can_activate(user=actor, plan=activation.plan):
        raise PermissionDenied(_("Only the plan's fixed members can close the activation."))
    if activation.state == ActivationState.CLOSED:
        raise ValidationError(_("The activation is already closed."))
    if not summary.strip():
        raise ValidationError({"summary": _("Write a short summary before closing.")})
    if errors := cpr_errors(summary=summary):
        raise ValidationError(errors)
    activation.state = ActivationState.CLOSED
    activation.closed_at = timezone.now()
    activation.closed_by = actor
    activation.summary = summary.strip()
    activation.save(update_fields=["state", "closed_at", "closed_by", "summary"])
    activation.seats.update(next_escalation_at=None)
    for seat in activation.seats.all():
        notifications_cancel(source=seat)
    timeline_add(
        activation=activation,
        actor=actor,
        kind="closed",
        text=_("Closed: %(summary)s") % {"summary": activation.summary},
    )
    evaluation_request(actor=actor, activation=activation, now=activation.closed_at)
    return activation
