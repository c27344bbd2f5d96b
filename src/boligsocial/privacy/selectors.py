"""Reads for retention and for a person's data export."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from boligsocial.activations.models import Activation, ActivationState, Seat, TimelineEntry
from boligsocial.core.models import AccessLog, AuditEntry
from boligsocial.directory.models import Person
from boligsocial.notifications.models import Notification
from boligsocial.plans.models import CommunicationRole, OutreachGroup, Plan
from boligsocial.plans.selectors import person_get_for_user


def retention_cutoff(*, years: int, now: datetime.datetime) -> datetime.datetime:
    """The moment `years` years before `now` (29 February counts back to 28 February)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def activations_due_for_retention(*, now: datetime.datetime) -> QuerySet[Activation]:
    """Closed activations not yet pseudonymised, closed longer ago than their plan's retention period."""
    periods = Plan.objects.order_by().values_list("retention_years", flat=True).distinct()
    due = Q(pk__in=[])
    for years in periods:
        due |= Q(plan__retention_years=years, closed_at__lte=retention_cutoff(years=years, now=now))
    return (
        Activation.objects.filter(due, state=ActivationState.CLOSED, pseudonymised_at__isnull=True)
        .select_related("plan")
        .order_by("closed_at", "pk")
    )


def _is_admin(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.is_staff))


def person_export_allowed(*, user: Any, person: Person) -> bool:
    """A person's data export is for administrators and for the person themselves."""
    return _is_admin(user) or (user.is_authenticated and person.user_id == user.pk)


def person_get_for_export(*, user: Any, person_id: int) -> Person:
    """A person whose data `user` may export: 404 if they may not see the person, 403 if only see."""
    person = person_get_for_user(user=user, person_id=person_id)
    if not person_export_allowed(user=user, person=person):
        raise PermissionDenied(_("Only an administrator or the person themselves can export a person's data."))
    return person


def _when(value: datetime.datetime | datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def person_export(*, person: Person) -> dict:
    """Everything held about one person, as plain data for a JSON download (a fixed number of queries)."""
    user = person.user
    memberships = person.memberships.select_related("plan", "substitute_for__person").order_by("plan__name")
    roles = CommunicationRole.objects.filter(person=person).select_related("plan", "organisation")
    groups = OutreachGroup.objects.filter(contact_person=person).select_related("plan")
    notifications = Notification.objects.filter(recipient=person).order_by("created_at", "pk")
    seats = (
        Seat.objects.filter(Q(person=person) | Q(acknowledged_by=person))
        .select_related("activation__plan", "person")
        .order_by("activation_id", "position")
    )
    data: dict[str, Any] = {
        "format": "boligsocial-person-export/1",
        "generated_at": timezone.now().isoformat(),
        "person": {
            "id": person.pk,
            "name": person.name,
            "title": person.title,
            "organisation": person.organisation.name,
            "email": person.email,
        },
        "phones": [{"number": p.number, "kind": p.kind} for p in person.phones.order_by("position", "pk")],
        "memberships": [
            {
                "plan": {"id": m.plan_id, "name": m.plan.name},
                "kind": m.kind,
                "role": m.role,
                "coordinator": m.is_coordinator,
                "substitute_for": m.substitute_for.person.name if m.substitute_for else None,
                "contact_priority": m.contact_priority,
            }
            for m in memberships
        ],
        "plan_roles": [
            {
                "plan": {"id": r.plan_id, "name": r.plan.name},
                "kind": "communication",
                "audience": r.audience,
                "spokesperson": r.is_spokesperson,
                "description": r.description,
            }
            for r in roles
        ]
        + [
            {"plan": {"id": g.plan_id, "name": g.plan.name}, "kind": "outreach_contact", "group": g.name}
            for g in groups
        ],
        "notifications": [
            {
                "created_at": _when(n.created_at),
                "channel": n.channel,
                "address": n.address,
                "subject": n.subject,
                "body": n.body,
                "state": n.state,
                "sent_at": _when(n.sent_at),
                "read_at": _when(n.read_at),
            }
            for n in notifications
        ],
        "activation_seats": [
            {
                "activation": s.activation_id,
                "plan": s.activation.plan.name,
                "role": s.role,
                "as": "member" if s.person_id == person.pk else "substitute",
                "state": s.state,
                "acknowledged_at": _when(s.acknowledged_at) if s.acknowledged_by_id == person.pk else None,
            }
            for s in seats
        ],
        "account": None,
        "audit": [],
        "timeline": [],
        "access_log": [],
    }
    if user is None:
        return data
    data["account"] = {
        "username": user.get_username(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": user.is_active,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": _when(t.created_at),
                "last_used_at": _when(t.last_used_at),
                "revoked_at": _when(t.revoked_at),
            }
            for t in user.api_tokens.order_by("created_at", "pk")
        ],
    }
    data["audit"] = [
        {
            "at": _when(e.at),
            "action": e.action,
            "target": f"{e.target_type.app_label}.{e.target_type.model}:{e.target_id}",
            "summary": e.summary,
            "data": e.data,
        }
        for e in AuditEntry.objects.filter(actor=user).select_related("target_type").order_by("at", "pk")
    ]
    data["timeline"] = [
        {"at": _when(t.at), "activation": t.activation_id, "kind": t.kind, "text": t.text}
        for t in TimelineEntry.objects.filter(actor=user).order_by("at", "pk")
    ]
    data["access_log"] = [
        {
            "at": _when(a.at),
            "target": f"{a.target_type.app_label}.{a.target_type.model}:{a.target_id}",
            "context": a.context,
        }
        for a in AccessLog.objects.filter(user=user).select_related("target_type").order_by("at", "pk")
    ]
    return data


def person_export_summary(*, export: dict) -> list[tuple[str, int]]:
    """How many entries each part of an export holds, labelled for the page."""
    labels = {
        "phones": _("Phone numbers"),
        "memberships": _("Plan memberships"),
        "plan_roles": _("Other roles in plans"),
        "notifications": _("Messages sent to the person"),
        "activation_seats": _("Alerts and acknowledgements in activations"),
        "audit": _("Changes the person made (audit trail)"),
        "timeline": _("Steps the person took in activations"),
        "access_log": _("Confidential entries the person read"),
    }
    return [(label, len(export[key])) for key, label in labels.items()]
