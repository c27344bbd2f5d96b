"""Reads of plans. Every read applies the caller's permissions here, never in views."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from boligsocial.directory.models import Person, Phone

from .models import (
    AdHocResource,
    CommunicationRole,
    FallbackProcedure,
    Level,
    LevelRule,
    Membership,
    MembershipKind,
    OutreachGroup,
    Plan,
    PlanVersion,
)

PLAN_TEXT_FIELDS = (
    "legal_basis",
    "purpose",
    "organisation_text",
    "powers_text",
    "communication_text",
    "prevention_text",
    "confidentiality_text",
)


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
    memberships = Membership.objects.select_related("person__organisation", "substitute_for__person").prefetch_related(
        phones
    )
    return plans.prefetch_related(
        Prefetch("memberships", queryset=memberships),
        "level_rules",
        "fallbacks",
        "adhoc_resources__organisation",
        "outreach_groups__contact_person",
        Prefetch(
            "communication_roles",
            queryset=CommunicationRole.objects.select_related("person__organisation", "organisation").prefetch_related(
                "person__phones"
            ),
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
        user.is_authenticated and Membership.objects.filter(plan=plan, person__user=user, is_coordinator=True).exists()
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


def membership_get_for_leave(*, user: Any, plan_id: int, membership_id: int) -> Membership:
    """A membership whose departure `user` may record: the plan's editors, or the member themselves."""
    plan = plan_get_for_user(user=user, plan_id=plan_id)
    membership = next((m for m in plan.memberships.all() if m.pk == membership_id), None)
    if membership is None:
        raise Http404(_("No such member in this plan."))
    if not (plan_can_edit(user=user, plan=plan) or membership.person.user_id == user.pk):
        raise PermissionDenied(
            _("Only the member themselves, the plan's coordinator or an administrator can record a departure.")
        )
    membership.plan = plan
    return membership


def successor_choices(*, user: Any, membership: Membership) -> QuerySet[Person]:
    """People who can be named successor: not in the plan; a member recording their own departure sees only
    their own organisation's people, not the whole directory."""
    people = person_choices_for_plan(plan=membership.plan)
    if plan_can_edit(user=user, plan=membership.plan):
        return people
    return people.filter(organisation_id=membership.person.organisation_id)


def membership_of_user(*, plan: Plan, user: Any) -> Membership | None:
    """The user's own membership of the plan (from the plan's prefetch), if any."""
    if not user.is_authenticated:
        return None
    return next((m for m in plan.memberships.all() if m.person.user_id == user.pk), None)


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
        "fallbacks": [f"{f.condition}: {f.instruction} {f.phone_display}".strip() for f in plan.fallbacks.all()],
        "outreach_groups": [g.name for g in plan.outreach_groups.all()],
        "communication": [str(r) for r in plan.communication_roles.all()],
        "adhoc": [r.name for r in plan.adhoc_resources.all()],
        "signatures": [
            f"{s.organisation.name}: {s.signer_name} {s.signed_on.isoformat()}"
            for s in plan.signatures.all()
            if s.plan_version == plan.version
        ],
    }


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a plan, worded for the reader."""

    kind: str  # "added", "removed" or "changed"
    subject: str
    before: str = ""
    after: str = ""

    @property
    def kind_label(self) -> str:
        return {"added": _("Added"), "removed": _("Removed"), "changed": _("Changed")}[self.kind]

    def __str__(self) -> str:
        if self.kind == "changed":
            return f"{self.kind_label}: {self.subject}: {self.before or '–'} → {self.after or '–'}"
        return f"{self.kind_label}: {self.subject}: {self.after or self.before}"


def _label(model: type, field: str) -> str:
    return capfirst(str(model._meta.get_field(field).verbose_name))


def _value(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(v)}" for k, v in value.items() if _value(v))
    text = str(value)
    try:
        return date_format(datetime.date.fromisoformat(text), "j. F Y")
    except ValueError:
        return text


def _diff_value(subject: str, old: Any, new: Any) -> list[Change]:
    if old == new:
        return []
    if old is None:
        return [Change("added", subject, after=_value(new))]
    if new is None:
        return [Change("removed", subject, before=_value(old))]
    return [Change("changed", subject, _value(old), _value(new))]


def _diff_items(subject: str, old: list | None, new: list | None) -> list[Change]:
    old, new = old or [], new or []
    removed = [Change("removed", subject, before=_value(item)) for item in old if item not in new]
    return removed + [Change("added", subject, after=_value(item)) for item in new if item not in old]


def _diff_fields(prefix: str, labels: dict[str, str], old: dict, new: dict, values=_value) -> list[Change]:
    changes = []
    for key in list(new) + [k for k in old if k not in new]:
        if old.get(key) != new.get(key):
            subject = f"{prefix} – {labels.get(key, key)}" if prefix else labels.get(key, key)
            before, after = values(key, old.get(key)), values(key, new.get(key))
            kind = "added" if key not in old else "removed" if key not in new else "changed"
            changes.append(Change(kind, subject, before, after))
    return changes


def _diff_keyed(subject: Any, summary: Any, labels: dict[str, str], old: dict, new: dict, values) -> list:
    """Entries keyed by name (members, levels): added and removed whole, or changed field by field."""
    changes = []
    for key in list(new) + [k for k in old if k not in new]:
        if key not in old:
            changes.append(Change("added", subject(key), after=summary(new[key])))
        elif key not in new:
            changes.append(Change("removed", subject(key), before=summary(old[key])))
        elif old[key] != new[key]:
            changes.extend(_diff_fields(subject(key), labels, old[key], new[key], values))
    return changes


def _member_value(key: str, value: Any) -> str:
    if key == "kind" and value in MembershipKind.values:
        return str(MembershipKind(value).label)
    return _value(value)


def _member_summary(data: dict) -> str:
    parts = [data.get("role"), data.get("organisation"), _value(data.get("phones")), data.get("email")]
    return ", ".join(p for p in parts if p)


def _level_name(level: str) -> str:
    label = Level(level).label if level in Level.values else level
    return _("Level %(level)s") % {"level": label}


def _section_labels() -> dict[str, str]:
    return {
        "name": _label(Plan, "name"),
        "areas": _label(Plan, "areas"),
        "valid_from": _label(Plan, "valid_from"),
        "valid_until": _label(Plan, "valid_until"),
        "fallbacks": capfirst(str(FallbackProcedure._meta.verbose_name)),
        "outreach_groups": capfirst(str(OutreachGroup._meta.verbose_name)),
        "communication": capfirst(str(CommunicationRole._meta.verbose_name)),
        "adhoc": capfirst(str(AdHocResource._meta.verbose_name)),
    }


def _member_labels() -> dict[str, str]:
    return {
        "organisation": _label(Person, "organisation"),
        "role": _label(Membership, "role"),
        "kind": _label(Membership, "kind"),
        "coordinator": _label(Membership, "is_coordinator"),
        "substitute_for": _label(Membership, "substitute_for"),
        "priority": _label(Membership, "contact_priority"),
        "phones": capfirst(str(Phone._meta.verbose_name_plural)),
        "email": _label(Person, "email"),
    }


def plan_text_labels() -> dict[str, str]:
    """The headings of the plan's free texts, keyed as in a snapshot."""
    return {field: _label(Plan, field) for field in PLAN_TEXT_FIELDS}


# Signatures belong to one version: a new version always starts unsigned, which is not a change of content.
_NOT_COMPARED = {"signatures"}


def snapshot_changes(*, before: dict, after: dict) -> list[Change]:
    """What differs between two snapshots, in the plan's order, worded for people."""
    sections = _section_labels()
    level_labels = {
        "description": _label(LevelRule, "description"),
        "examples": _label(LevelRule, "examples"),
        "deadline": _label(LevelRule, "deadline_kind"),
    }
    changes: list[Change] = []
    for key in list(after) + [k for k in before if k not in after]:
        old, new = before.get(key), after.get(key)
        if key in _NOT_COMPARED or old == new:
            continue
        if key == "texts":
            changes += _diff_fields("", plan_text_labels(), old or {}, new or {}, lambda k, v: v or "")
        elif key == "levels":
            changes += _diff_keyed(_level_name, _value, level_labels, old or {}, new or {}, lambda k, v: _value(v))
        elif key == "members":
            changes += _diff_keyed(
                lambda name: _("Member %(name)s") % {"name": name},
                _member_summary,
                _member_labels(),
                old or {},
                new or {},
                _member_value,
            )
        elif isinstance(old, list) or isinstance(new, list):
            changes += _diff_items(sections.get(key, key), old, new)
        elif isinstance(old, dict) and isinstance(new, dict):
            changes += _diff_fields(sections.get(key, key), {}, old, new, lambda k, v: _value(v))
        else:
            changes += _diff_value(sections.get(key, key), old, new)
    return changes


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
        and Membership.objects.filter(person__user=user, is_coordinator=True, plan__memberships__person=person).exists()
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


def plan_version_get(*, plan: Plan, number: int) -> PlanVersion:
    """One superseded version of a plan the caller already may read, or 404."""
    version = plan.versions.filter(number=number).first()
    if version is None:
        raise Http404(_("No such version of the plan."))
    return version


def plan_version_history(*, plan: Plan) -> list[dict]:
    """Superseded versions, newest first, each with what changed in the version after it."""
    later_snapshot, later_number = plan_snapshot(plan=plan), plan.version
    history = []
    for version in plan_versions(plan=plan):
        history.append(
            {
                "version": version,
                "next_number": later_number,
                "changes": snapshot_changes(before=version.snapshot, after=later_snapshot),
            }
        )
        later_snapshot, later_number = version.snapshot, version.number
    return history


def plan_version_context(*, plan: Plan, number: int) -> dict:
    """A superseded version laid out for reading, and what changed in the version after it."""
    version = plan_version_get(plan=plan, number=number)
    newer = plan.versions.filter(number__gt=number).order_by("number").first()
    snapshot = version.snapshot
    texts = snapshot.get("texts", {})
    levels = snapshot.get("levels", {})
    members = [
        {
            "name": name,
            "kind_label": _member_value("kind", data.get("kind")),
            "phones_text": _value(data.get("phones")),
            **data,
        }
        for name, data in snapshot.get("members", {}).items()
    ]
    members.sort(key=lambda m: (m.get("kind") != MembershipKind.FIXED, m.get("priority") or 999, m["name"]))
    headings = {
        "fallbacks": FallbackProcedure._meta.verbose_name_plural,
        "communication": CommunicationRole._meta.verbose_name_plural,
        "outreach_groups": OutreachGroup._meta.verbose_name_plural,
        "adhoc": AdHocResource._meta.verbose_name_plural,
    }
    return {
        "plan": plan,
        "version": version,
        "snapshot": snapshot,
        "areas_text": _value(snapshot.get("areas")),
        "valid_from": _value(snapshot.get("valid_from")),
        "valid_until": _value(snapshot.get("valid_until")),
        "texts": [(label, texts[f]) for f, label in plan_text_labels().items() if texts.get(f)],
        "levels": [(Level(lv).label, levels[lv]) for lv in LEVEL_ORDER if lv in levels],
        "members": members,
        "lists": [(capfirst(str(heading)), snapshot[key]) for key, heading in headings.items() if snapshot.get(key)],
        "signatures": snapshot.get("signatures", []),
        "next_number": newer.number if newer else plan.version,
        "next_is_current": newer is None,
        "changes": snapshot_changes(before=snapshot, after=newer.snapshot if newer else plan_snapshot(plan=plan)),
    }


def person_for_user(*, user: Any) -> Person | None:
    """The directory entry linked to a signed-in user, if any."""
    return Person.objects.filter(user=user).select_related("organisation").first() if user.is_authenticated else None


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
        "own_membership": membership_of_user(plan=plan, user=user),
    }
