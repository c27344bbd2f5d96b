"""Reads of plans. Every read applies the caller's permissions here, never in views."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from boligsocial.directory.models import Person, Phone

from .models import CommunicationRole, Membership, MembershipKind, Plan, PlanVersion


def _is_admin(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.is_staff))


def plan_list_for_user(*, user: Any) -> QuerySet[Plan]:
    """The plans `user` may read: all for administrators, else those they are a member of."""
    if not user.is_authenticated:
        return Plan.objects.none()
    plans = Plan.objects.prefetch_related("areas")
    if _is_admin(user):
        return plans.all()
    return plans.filter(memberships__person__user=user).distinct()


def _with_parts(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    phones = Prefetch("person__phones", queryset=Phone.objects.order_by("position", "id"))
    memberships = Membership.objects.select_related(
        "person__organisation", "substitute_for__person"
    ).prefetch_related(phones)
    return plans.prefetch_related(
        Prefetch("memberships", queryset=memberships),
        "level_rules",
        "fallbacks",
        "adhoc_resources__organisation",
        "outreach_groups__contact_person",
        Prefetch(
            "communication_roles",
            queryset=CommunicationRole.objects.select_related(
                "person__organisation", "organisation"
            ).prefetch_related("person__phones"),
        ),
        "signatures__organisation",
        "incident_types",
        "areas__departments__housing_organisation",
    )


def plan_get_for_user(*, user: Any, plan_id: int) -> Plan:
    """One readable plan with everything the plan document shows, or 404."""
    plan = _with_parts(plan_list_for_user(user=user)).filter(pk=plan_id).first()
    if plan is None:
        raise Http404(_("No such plan, or you do not have access to it."))
    return plan


def plan_reload(*, plan: Plan) -> Plan:
    """A fresh copy of a plan the caller already holds, with all its parts; for services."""
    return _with_parts(Plan.objects.all()).get(pk=plan.pk)


def plan_can_edit(*, user: Any, plan: Plan) -> bool:
    """Administrators and the plan's coordinator may edit the plan."""
    if _is_admin(user):
        return True
    return (
        user.is_authenticated
        and Membership.objects.filter(plan=plan, person__user=user, is_coordinator=True).exists()
    )


def plan_get_for_edit(*, user: Any, plan_id: int) -> Plan:
    """A plan the user may edit; 404 if unreadable, 403 if only readable."""
    plan = plan_get_for_user(user=user, plan_id=plan_id)
    if not plan_can_edit(user=user, plan=plan):
        raise PermissionDenied(_("Only the plan's coordinator or an administrator can change the plan."))
    return plan


def plan_create_allowed(*, user: Any) -> bool:
    """Only administrators start new plans; the coordinator is appointed in the plan."""
    return _is_admin(user)


def plan_part_get_for_edit(*, plan: Plan, related_name: str, part_id: int) -> Any:
    """One part (level rule, fallback, ...) of an editable plan, from its prefetch, or 404."""
    part = next((p for p in getattr(plan, related_name).all() if p.pk == part_id), None)
    if part is None:
        raise Http404(_("No such part in this plan."))
    return part


def person_choices_for_plan(*, plan: Plan) -> QuerySet[Person]:
    """People in the directory who can be added to the plan: those not already members."""
    return Person.objects.select_related("organisation").exclude(memberships__plan=plan)


def plan_check_can_create(*, user: Any) -> None:
    """Raise PermissionDenied unless `user` may create plans: only administrators may."""
    if not plan_create_allowed(user=user):
        raise PermissionDenied(_("Only an administrator can create a plan."))


def membership_get_for_edit(*, user: Any, plan: Plan, membership_id: int) -> Membership:
    """A membership of an editable plan, or 404."""
    membership = plan.memberships.select_related("person").filter(pk=membership_id).first()
    if membership is None:
        raise Http404(_("No such member in this plan."))
    return membership


def plan_contact_list(*, plan: Plan) -> list[Membership]:
    """The plan's members on the contact list, in priority order (uses the plan's prefetch)."""
    return sorted(
        (m for m in plan.memberships.all() if m.contact_priority is not None),
        key=lambda m: m.contact_priority,
    )


def plan_fixed_members(*, plan: Plan) -> list[Membership]:
    """Fixed members (uses the plan's prefetch), coordinator first."""
    fixed = [m for m in plan.memberships.all() if m.kind == MembershipKind.FIXED]
    return sorted(fixed, key=lambda m: (not m.is_coordinator, m.contact_priority or 999, m.id))


def plan_signing_parties(*, plan: Plan) -> list:
    """The organisations that sign the plan: those of its fixed members, in member order."""
    seen: dict[int, Any] = {}
    for membership in plan_fixed_members(plan=plan):
        seen.setdefault(membership.person.organisation_id, membership.person.organisation)
    return list(seen.values())


def plan_missing_parties(*, plan: Plan) -> list:
    """The signing parties that have not signed the current version (uses the plan's prefetch)."""
    signed = {s.organisation_id for s in plan.signatures.all() if s.plan_version == plan.version}
    return [org for org in plan_signing_parties(plan=plan) if org.pk not in signed]


def plan_snapshot(*, plan: Plan) -> dict:
    """The plan's content as plain data, for versions and for comparing them."""
    return {
        "name": plan.name,
        "areas": sorted(a.name for a in plan.areas.all()),
        "incident_types": sorted(t.name for t in plan.incident_types.all()),
        "valid_from": plan.valid_from.isoformat(),
        "valid_until": plan.valid_until.isoformat(),
        "texts": {
            field: getattr(plan, field)
            for field in (
                "legal_basis",
                "purpose",
                "organisation_text",
                "powers_text",
                "communication_text",
                "prevention_text",
                "confidentiality_text",
            )
        },
        "levels": {
            r.level: {"description": r.description, "examples": r.examples, "deadline": str(r.deadline_text)}
            for r in plan.level_rules.all()
        },
        "members": {
            m.person.name: {
                "organisation": m.person.organisation.name,
                "role": m.role,
                "kind": m.kind,
                "coordinator": m.is_coordinator,
                "substitute_for": m.substitute_for.person.name if m.substitute_for else None,
                "priority": m.contact_priority,
                "phones": [p.display for p in m.person.phones.all()],
                "email": m.person.email,
            }
            for m in plan.memberships.all()
        },
        "fallbacks": [
            f"{f.condition}: {f.instruction} {f.phone_display}".strip() for f in plan.fallbacks.all()
        ],
        "outreach_groups": [g.name for g in plan.outreach_groups.all()],
        "communication": [str(r) for r in plan.communication_roles.all()],
        "adhoc": [r.name for r in plan.adhoc_resources.all()],
        "signatures": [
            f"{s.organisation.name}: {s.signer_name} {s.signed_on.isoformat()}"
            for s in plan.signatures.all()
            if s.plan_version == plan.version
        ],
    }


def _flatten(data: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(data, dict):
        out: dict[str, str] = {}
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(data, list):
        return {f"{prefix}[{item}]": "" for item in map(str, data)} if data else {}
    return {prefix: "" if data is None else str(data)}


def snapshot_changes(*, before: dict, after: dict) -> list[str]:
    """Human-readable lines naming what differs between two snapshots."""
    old, new = _flatten(before), _flatten(after)
    lines = []
    for key in sorted(old.keys() | new.keys()):
        if key not in new:
            lines.append(_("Removed: %(item)s") % {"item": key})
        elif key not in old:
            lines.append(_("Added: %(item)s") % {"item": key})
        elif old[key] != new[key]:
            lines.append(_("Changed: %(item)s") % {"item": key})
    return lines


def plan_versions(*, plan: Plan) -> QuerySet[PlanVersion]:
    """Superseded versions of a readable plan, newest first."""
    return plan.versions.select_related("superseded_by")


def _people() -> QuerySet[Person]:
    return Person.objects.select_related("organisation").prefetch_related(
        Prefetch("phones", queryset=Phone.objects.order_by("position", "id"))
    )


def person_list_for_user(*, user: Any) -> QuerySet[Person]:
    """The people `user` may read: all for administrators, else those named in plans they can read."""
    if not user.is_authenticated:
        return Person.objects.none()
    if _is_admin(user):
        return _people()
    plans = plan_list_for_user(user=user).values("pk")
    named = (
        Q(memberships__plan__in=plans)
        | Q(communicationrole__plan__in=plans)
        | Q(outreachgroup__plan__in=plans)
        | Q(user=user)
    )
    return _people().filter(pk__in=Person.objects.filter(named).values("pk"))


def person_get_for_user(*, user: Any, person_id: int) -> Person:
    """One readable person with organisation and phones, or 404."""
    person = person_list_for_user(user=user).filter(pk=person_id).first()
    if person is None:
        raise Http404(_("No such person, or you do not have access to them."))
    return person


def person_can_edit(*, user: Any, person: Person) -> bool:
    """Administrators, and the coordinator of a plan the person is a member of, may change the person."""
    if _is_admin(user):
        return True
    return (
        user.is_authenticated
        and Membership.objects.filter(
            person__user=user, is_coordinator=True, plan__memberships__person=person
        ).exists()
    )


def person_get_for_edit(*, user: Any, person_id: int) -> Person:
    """A person the user may change; 404 if unreadable, 403 if only readable."""
    person = person_get_for_user(user=user, person_id=person_id)
    if not person_can_edit(user=user, person=person):
        raise PermissionDenied(
            _("Only an administrator or the coordinator of one of their plans can change this person.")
        )
    return person


def person_check_can_create(*, user: Any) -> None:
    """Raise PermissionDenied unless `user` may add people to the directory outside a plan: administrators."""
    if not _is_admin(user):
        raise PermissionDenied(
            _("Only an administrator can add a person outside a plan; a coordinator adds members to a plan.")
        )


def person_for_user(*, user: Any) -> Person | None:
    """The directory entry linked to a signed-in user, if any."""
    return (
        Person.objects.filter(user=user).select_related("organisation").first()
        if user.is_authenticated
        else None
    )


LEVEL_ORDER = {"green": 0, "yellow": 1, "red": 2}


def plan_document_context(*, plan: Plan, user: Any) -> dict:
    """Everything the plan document (page and PDF) shows, in the Landsbyggefonden template's order."""
    signatures = {s.organisation_id: s for s in plan.signatures.all() if s.plan_version == plan.version}
    return {
        "plan": plan,
        "levels": sorted(plan.level_rules.all(), key=lambda r: LEVEL_ORDER[r.level]),
        "fixed_members": plan_fixed_members(plan=plan),
        "substitutes": [m for m in plan.memberships.all() if m.kind == MembershipKind.SUBSTITUTE],
        "contact_list": plan_contact_list(plan=plan),
        "parties": [(org, signatures.get(org.pk)) for org in plan_signing_parties(plan=plan)],
        "can_edit": plan_can_edit(user=user, plan=plan),
    }
