"""Writes to plans. Each service is atomic, validates with full_clean() and leaves an audit row."""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from boligsocial.core.services import audit_record
from boligsocial.directory.models import HousingArea, Organisation, Person, Phone
from boligsocial.notifications.services import notifications_enqueue_for_person

from .models import (
    IncidentType,
    LevelRule,
    Membership,
    MembershipKind,
    Plan,
    PlanStatus,
    PlanVersion,
    Signature,
)
from .selectors import plan_reload, plan_signing_parties, plan_snapshot

PLAN_FIELDS = (
    "name",
    "valid_from",
    "valid_until",
    "legal_basis",
    "purpose",
    "organisation_text",
    "powers_text",
    "communication_text",
    "prevention_text",
    "confidentiality_text",
    "preventive_meetings_per_year",
    "retention_years",
    "closed_may_1",
    "closed_june_5",
    "closed_dec_24",
    "closed_dec_31",
)


# Landsbyggefonden's template: yellow meets within 3 working days, red within 24 hours. Plans adjust them.
DEFAULT_LEVEL_RULES = {
    "green": {"deadline_kind": "none", "acknowledge_wait_minutes": 240},
    "yellow": {"deadline_kind": "working_days", "deadline_value": 3, "acknowledge_wait_minutes": 240},
    "red": {"deadline_kind": "hours", "deadline_value": 24, "acknowledge_wait_minutes": 10},
}


def _save(instance: models.Model) -> None:
    """Validate and save; a constraint the database still refuses becomes a ValidationError."""
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(_("The change conflicts with existing data and was not saved.")) from exc


def _needs_new_version(plan: Plan) -> bool:
    # A party that has signed agreed to this content: changing it under them needs a new version, too.
    if plan.is_locked:
        return True
    return plan.status == PlanStatus.AWAITING_SIGNATURES and plan.signatures.filter(plan_version=plan.version).exists()


def _begin_change(*, actor: Any, plan: Plan) -> None:
    """Before any change: a (partly) signed plan is kept as a version and reopened as a draft."""
    # The caller's copy may be stale: an earlier service in the same request (person_update before
    # membership_save) may already have started the new version. The row lock makes concurrent edits wait.
    current = Plan.objects.select_for_update().values("status", "version", "lbf_approved_on").get(pk=plan.pk)
    plan.status, plan.version, plan.lbf_approved_on = (
        current["status"],
        current["version"],
        current["lbf_approved_on"],
    )
    if not _needs_new_version(plan):
        return
    PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        status=plan.status,
        snapshot=plan_snapshot(plan=plan_reload(plan=plan)),
        superseded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    plan.version += 1
    plan.status = PlanStatus.DRAFT
    plan.lbf_approved_on = None
    plan.save(update_fields=["version", "status", "lbf_approved_on", "updated_at"])
    audit_record(
        actor=actor,
        action="plan.new_version",
        target=plan,
        summary=_("Version %(n)s started; the plan must be signed again.") % {"n": plan.version},
    )


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    name: str,
    valid_from: datetime.date,
    valid_until: datetime.date,
    areas: list[HousingArea],
    **texts: Any,
) -> Plan:
    """Create a draft plan for the given housing areas, with the standard levels and incident types."""
    unknown = set(texts) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown plan fields: {sorted(unknown)}")
    plan = Plan(name=name, valid_from=valid_from, valid_until=valid_until, **texts)
    _save(plan)
    if not areas:
        raise ValidationError({"areas": _("A plan must cover at least one housing area.")})
    plan.areas.set(areas)
    plan.incident_types.set(IncidentType.objects.all())
    for level, defaults in DEFAULT_LEVEL_RULES.items():
        LevelRule.objects.create(plan=plan, level=level, **defaults)
    audit_record(actor=actor, action="plan.create", target=plan, summary=plan.name)
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: Any,
    plan: Plan,
    areas: list[HousingArea] | None = None,
    incident_types: list[IncidentType] | None = None,
    **fields: Any,
) -> Plan:
    """Change a plan's own fields, areas or incident types; a signed plan becomes a new version first."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown plan fields: {sorted(unknown)}")
    _begin_change(actor=actor, plan=plan)
    for field, value in fields.items():
        setattr(plan, field, value)
    _save(plan)
    changed = sorted(fields)
    if areas is not None:
        if not areas:
            raise ValidationError({"areas": _("A plan must cover at least one housing area.")})
        plan.areas.set(areas)
        changed.append("areas")
    if incident_types is not None:
        plan.incident_types.set(incident_types)
        changed.append("incident_types")
    audit_record(actor=actor, action="plan.update", target=plan, data={"fields": changed})
    return plan


@transaction.atomic
def plan_part_save(*, actor: Any, plan: Plan, part: models.Model) -> models.Model:
    """Create or change one part of a plan (level rule, fallback, target group, role, ad hoc resource)."""
    if part.plan_id != plan.pk:
        raise ValidationError(_("That part belongs to another plan."))
    _begin_change(actor=actor, plan=plan)
    created = part.pk is None
    _save(part)
    action = f"{part._meta.model_name}.{'create' if created else 'update'}"
    audit_record(actor=actor, action=action, target=plan, summary=str(part))
    return part


@transaction.atomic
def plan_part_delete(*, actor: Any, plan: Plan, part: models.Model) -> None:
    """Remove one part of a plan."""
    if part.plan_id != plan.pk:
        raise ValidationError(_("That part belongs to another plan."))
    _begin_change(actor=actor, plan=plan)
    summary = str(part)
    part.delete()
    audit_record(actor=actor, action=f"{part._meta.model_name}.delete", target=plan, summary=summary)


def _phones_set(*, person: Person, numbers: list[str]) -> None:
    """Replace a person's phones with the given numbers, validated and normalised, in order."""
    phones = [Phone(person=person, number=n, position=i) for i, n in enumerate(x for x in numbers if x.strip())]
    errors = []
    for phone in phones:
        try:
            phone.full_clean(exclude=["person"])
        except ValidationError as exc:
            errors.extend(exc.message_dict.get("number", exc.messages))
    if errors:
        raise ValidationError({"phones": errors})
    normalised = [p.number for p in phones]
    if len(set(normalised)) != len(normalised):
        raise ValidationError({"phones": _("The same phone number is given twice.")})
    person.phones.all().delete()
    Phone.objects.bulk_create(phones)


@transaction.atomic
def person_create(
    *,
    actor: Any,
    name: str,
    organisation: Organisation,
    title: str = "",
    email: str = "",
    phones: list[str] = (),
) -> Person:
    """Add a person to the directory with their phones."""
    person = Person(name=name, organisation=organisation, title=title, email=email)
    _save(person)
    _phones_set(person=person, numbers=list(phones))
    audit_record(actor=actor, action="person.create", target=person, summary=name)
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, phones: list[str] | None = None, **fields: Any) -> Person:
    """Change a person's details; the change shows in every plan they are part of."""
    allowed = {"name", "title", "organisation", "email"}
    if set(fields) - allowed:
        raise TypeError(f"Unknown person fields: {sorted(set(fields) - allowed)}")
    for plan in Plan.objects.filter(memberships__person=person).distinct():
        _begin_change(actor=actor, plan=plan)
    for field, value in fields.items():
        setattr(person, field, value)
    _save(person)
    if phones is not None:
        _phones_set(person=person, numbers=phones)
    audit_record(actor=actor, action="person.update", target=person, data={"fields": sorted(fields)})
    return person


MEMBERSHIP_FIELDS = ("person", "kind", "role", "is_coordinator", "substitute_for", "contact_priority")


def _check_membership_unique(membership: Membership) -> None:
    """Name the field and the other member, which the database constraints alone cannot do."""
    others = Membership.objects.filter(plan_id=membership.plan_id).exclude(pk=membership.pk)
    errors = {}
    if membership.contact_priority is not None:
        taken = others.filter(contact_priority=membership.contact_priority).select_related("person").first()
        if taken:
            errors["contact_priority"] = _("%(name)s already has priority %(n)s on the contact list.") % {
                "name": taken.person.name,
                "n": membership.contact_priority,
            }
    if membership.is_coordinator:
        current = others.filter(is_coordinator=True).select_related("person").first()
        if current:
            errors["is_coordinator"] = _("The plan already has a coordinator: %(name)s. Remove that first.") % {
                "name": current.person.name
            }
    if membership.person_id and others.filter(person_id=membership.person_id).exists():
        errors["person"] = _("%(name)s is already a member of this plan.") % {"name": membership.person}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def membership_save(*, actor: Any, plan: Plan, membership: Membership | None = None, **fields: Any) -> Membership:
    """Add a member to a plan, or change a membership: kind, role, coordinator, substitute, priority."""
    if set(fields) - set(MEMBERSHIP_FIELDS):
        raise TypeError(f"Unknown membership fields: {sorted(set(fields) - set(MEMBERSHIP_FIELDS))}")
    if membership is not None and membership.plan_id != plan.pk:
        raise ValidationError(_("That member belongs to another plan."))
    _begin_change(actor=actor, plan=plan)
    created = membership is None
    membership = membership or Membership(plan=plan)
    for field, value in fields.items():
        setattr(membership, field, value)
    if membership.kind == MembershipKind.FIXED:
        membership.substitute_for = None
    _check_membership_unique(membership)
    _save(membership)
    audit_record(
        actor=actor,
        action="membership.create" if created else "membership.update",
        target=plan,
        summary=str(membership),
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Any, plan: Plan, membership: Membership) -> None:
    """Remove a member (and the substitutes who stood in for them) from a plan."""
    if membership.plan_id != plan.pk:
        raise ValidationError(_("That member belongs to another plan."))
    _begin_change(actor=actor, plan=plan)
    summary = str(membership)
    membership.delete()
    audit_record(actor=actor, action="membership.delete", target=plan, summary=summary)


@transaction.atomic
def member_leave(*, actor: Any, membership: Membership, successor: Person, left_on: datetime.date) -> Membership:
    """A member leaves the plan and a successor takes their place (role, priority, coordinator, substitutes, the
    plan's communication and outreach roles); the coordinator is told through the outbox, and a signed plan gets
    a new version showing the change."""
    plan = membership.plan
    leaver = membership.person
    errors = {}
    if left_on > timezone.localdate():
        errors["left_on"] = _("Record the departure on or after the day the member leaves.")
    if successor.pk == leaver.pk:
        errors["successor"] = _("The successor must be someone other than the member who leaves.")
    else:
        current = plan.memberships.filter(person=successor).first()
        if current is not None and current.substitute_for_id == membership.pk:
            errors["successor"] = _(
                "%(name)s is already the substitute for this member. Remove them as substitute first, or name "
                "someone else."
            ) % {"name": successor.name}
        elif current is not None:
            errors["successor"] = _("%(name)s is already a member of this plan.") % {"name": successor.name}
    if errors:
        raise ValidationError(errors)
    _begin_change(actor=actor, plan=plan)
    place = {
        "kind": membership.kind,
        "role": membership.role,
        "is_coordinator": membership.is_coordinator,
        "substitute_for_id": membership.substitute_for_id,
        "contact_priority": membership.contact_priority,
    }
    # The old row gives up the places that may be held only once before the successor takes them.
    Membership.objects.filter(pk=membership.pk).update(is_coordinator=False, contact_priority=None)
    replacement = Membership(plan=plan, person=successor, **place)
    _save(replacement)
    Membership.objects.filter(substitute_for=membership).update(substitute_for=replacement)
    Membership.objects.filter(pk=membership.pk).delete()
    # The leaver's other places in this plan (press contact, outreach contact) pass to the successor too.
    plan.communication_roles.filter(person=leaver).update(person=successor)
    plan.outreach_groups.filter(contact_person=leaver).update(contact_person=successor)
    entry = audit_record(
        actor=actor,
        action="membership.leave",
        target=plan,
        summary=_("%(leaver)s left on %(date)s; successor: %(successor)s")
        % {"leaver": leaver.name, "date": date_format(left_on), "successor": successor.name},
        data={
            "left_on": left_on.isoformat(),
            "leaver": leaver.pk,
            "successor": successor.pk,
            "membership": replacement.pk,
        },
    )
    _notify_departure(plan=plan, leaver=leaver, successor=successor, source=entry)
    return replacement


def _notify_departure(*, plan: Plan, leaver: Person, successor: Person, source: models.Model) -> None:
    """Tell the coordinator (after the change) and the successor; the audit row keys the messages."""
    link = settings.SITE_URL + reverse("plans:detail", args=[plan.pk])
    names = {"leaver": leaver.name, "successor": successor.name, "plan": plan.name}
    coordinator = plan.memberships.filter(is_coordinator=True).select_related("person").first()
    if coordinator is not None and coordinator.person_id != successor.pk:
        notifications_enqueue_for_person(
            recipient=coordinator.person,
            subject=_("%(leaver)s has left %(plan)s") % names,
            body=_(
                "%(leaver)s has left the preparedness group and named %(successor)s as successor, who now has the "
                "same place in the plan. Check the plan and have it signed again if needed."
            )
            % names,
            link=link,
            source=source,
        )
    notifications_enqueue_for_person(
        recipient=successor,
        subject=_("You are now in the preparedness plan %(plan)s") % names,
        body=_(
            "%(leaver)s has left the preparedness group and named you as successor. Open the plan, read the "
            "confidentiality statement and check that your contact details are right."
        )
        % names,
        link=link,
        source=source,
    )


@transaction.atomic
def plan_request_signatures(*, actor: Any, plan: Plan) -> Plan:
    """Send a draft plan out for signatures."""
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Only a draft plan can be sent for signatures."))
    if not plan.memberships.filter(kind=MembershipKind.FIXED).exists():
        raise ValidationError(_("The plan needs fixed members before it can be signed."))
    if not plan.memberships.filter(is_coordinator=True).exists():
        raise ValidationError(_("The plan needs a coordinator before it can be signed."))
    plan.status = PlanStatus.AWAITING_SIGNATURES
    plan.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="plan.request_signatures", target=plan)
    return plan


@transaction.atomic
def signature_add(
    *,
    actor: Any,
    plan: Plan,
    organisation: Organisation,
    signer_name: str,
    signed_on: datetime.date,
    signer_title: str = "",
) -> Signature:
    """Record one party's signature; when every party has signed, the plan is signed."""
    if plan.status != PlanStatus.AWAITING_SIGNATURES:
        raise ValidationError(_("The plan is not awaiting signatures."))
    parties = plan_signing_parties(plan=plan_reload(plan=plan))
    party_ids = {o.pk for o in parties}
    if organisation.pk not in party_ids:
        raise ValidationError({"organisation": _("%(org)s is not a party to this plan.") % {"org": organisation}})
    if plan.signatures.filter(plan_version=plan.version, organisation=organisation).exists():
        message = _("%(org)s has already signed this version of the plan.") % {"org": organisation}
        raise ValidationError({"organisation": message})
    signature = Signature(
        plan=plan,
        plan_version=plan.version,
        organisation=organisation,
        signer_name=signer_name,
        signer_title=signer_title,
        signed_on=signed_on,
    )
    _save(signature)
    signed = set(plan.signatures.filter(plan_version=plan.version).values_list("organisation_id", flat=True))
    if party_ids <= signed:
        plan.status = PlanStatus.SIGNED
        plan.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="signature.create", target=plan, summary=str(signature))
    return signature


@transaction.atomic
def plan_approve(*, actor: Any, plan: Plan, approved_on: datetime.date) -> Plan:
    """Record Landsbyggefonden's approval of a signed plan."""
    if plan.status != PlanStatus.SIGNED:
        raise ValidationError(_("Only a signed plan can be approved."))
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": _("The approval cannot be dated in the future.")})
    last_signed = plan.signatures.filter(plan_version=plan.version).aggregate(last=models.Max("signed_on"))
    if last_signed["last"] and approved_on < last_signed["last"]:
        raise ValidationError(
            {
                "approved_on": _("The approval cannot be dated before the last signature (%(date)s).")
                % {"date": date_format(last_signed["last"])}
            }
        )
    plan.lbf_approved_on = approved_on
    plan.status = PlanStatus.APPROVED
    _save(plan)
    audit_record(actor=actor, action="plan.approve", target=plan, summary=approved_on.isoformat())
    return plan
