"""Plans, their level rules, members and contact list. Reads go through plans.selectors (which decide
what the caller may see: 404 for a plan they cannot read, 403 for one they may read but not change),
writes through plans.services (which validate and audit). Nothing here decides permissions."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from boligsocial.plans import selectors, services
from boligsocial.plans.models import (
    Audience,
    DeadlineKind,
    Level,
    LevelRule,
    Membership,
    MembershipKind,
    Plan,
    PlanStatus,
)

from . import lookups
from .errors import prefix_fields
from .schemas import READ_ERRORS, WRITE_ERRORS, In, PersonIn, PersonOut, PhoneOut, Ref

router = Router(tags=["plans"])


# --- Output ---------------------------------------------------------------------------------------------


class PlanSummary(Schema):
    id: int
    name: str
    status: PlanStatus
    version: int
    valid_from: datetime.date
    valid_until: datetime.date
    areas: list[Ref]

    @staticmethod
    def resolve_status(obj: Plan) -> str:
        return obj.effective_status


class LevelRuleOut(Schema):
    level: Level
    description: str
    examples: str
    deadline_kind: DeadlineKind
    deadline_value: int | None
    deadline_text: str
    acknowledge_wait_minutes: int

    @staticmethod
    def resolve_deadline_text(obj: LevelRule) -> str:
        return str(obj.deadline_text)


class MemberOut(Schema):
    id: int
    person: PersonOut
    kind: MembershipKind
    role: str
    is_coordinator: bool
    substitute_for: int | None
    contact_priority: int | None

    @staticmethod
    def resolve_substitute_for(obj: Membership) -> int | None:
        return obj.substitute_for_id


class FallbackOut(Schema):
    position: int
    condition: str
    instruction: str
    phone: str
    phone_display: str


class OutreachGroupOut(Schema):
    name: str
    contact_person: Ref | None
    channel: str


class CommunicationRoleOut(Schema):
    audience: Audience
    person: Ref | None
    organisation: Ref | None
    is_spokesperson: bool
    description: str


class AdHocOut(Schema):
    name: str
    organisation: Ref | None
    description: str


class IncidentTypeOut(Schema):
    code: str
    name: str


class SignatureOut(Schema):
    organisation: Ref
    signer_name: str
    signer_title: str
    signed_on: datetime.date


class PlanDetail(PlanSummary):
    legal_basis: str
    purpose: str
    organisation_text: str
    powers_text: str
    communication_text: str
    prevention_text: str
    confidentiality_text: str
    preventive_meetings_per_year: int
    retention_years: int
    closed_may_1: bool
    closed_june_5: bool
    closed_dec_24: bool
    closed_dec_31: bool
    lbf_approved_on: datetime.date | None
    incident_types: list[IncidentTypeOut]
    levels: list[LevelRuleOut]
    members: list[MemberOut]
    fallbacks: list[FallbackOut]
    outreach_groups: list[OutreachGroupOut]
    communication_roles: list[CommunicationRoleOut]
    adhoc_resources: list[AdHocOut]
    signatures: list[SignatureOut]
    can_edit: bool

    @staticmethod
    def resolve_levels(obj: Plan) -> list[LevelRule]:
        return sorted(obj.level_rules.all(), key=lambda r: selectors.LEVEL_ORDER[r.level])

    @staticmethod
    def resolve_members(obj: Plan) -> list[Membership]:
        return _member_order(obj.memberships.all())

    @staticmethod
    def resolve_signatures(obj: Plan) -> list:
        return [s for s in obj.signatures.all() if s.plan_version == obj.version]

    @staticmethod
    def resolve_can_edit(obj: Plan, context: dict) -> bool:
        return selectors.plan_can_edit(user=context["request"].auth, plan=obj)


class ContactOut(Schema):
    priority: int
    member: int
    name: str
    title: str
    role: str
    organisation: str
    kind: MembershipKind
    substitute_for: str | None
    phones: list[PhoneOut]
    email: str


class ContactListOut(Schema):
    contacts: list[ContactOut]
    fallbacks: list[FallbackOut]


def _member_order(memberships: Any) -> list[Membership]:
    # Contact-list order first, then the rest; the same on SQLite and PostgreSQL (NULLs sort differently).
    return sorted(memberships, key=lambda m: (m.contact_priority is None, m.contact_priority or 0, m.pk))


def _contact(m: Membership) -> dict[str, Any]:
    return {
        "priority": m.contact_priority,
        "member": m.pk,
        "name": m.person.name,
        "title": m.person.title,
        "role": m.role,
        "organisation": m.person.organisation.name,
        "kind": m.kind,
        "substitute_for": m.substitute_for.person.name if m.substitute_for else None,
        "phones": list(m.person.phones.all()),
        "email": m.person.email,
    }


# --- Input ----------------------------------------------------------------------------------------------


class PlanTexts(In):
    legal_basis: str | None = None
    purpose: str | None = None
    organisation_text: str | None = None
    powers_text: str | None = None
    communication_text: str | None = None
    prevention_text: str | None = None
    confidentiality_text: str | None = None
    preventive_meetings_per_year: int | None = None
    retention_years: int | None = None
    closed_may_1: bool | None = None
    closed_june_5: bool | None = None
    closed_dec_24: bool | None = None
    closed_dec_31: bool | None = None


class PlanIn(PlanTexts):
    name: str
    valid_from: datetime.date
    valid_until: datetime.date
    areas: list[int]


class PlanPatch(PlanTexts):
    name: str | None = None
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    areas: list[int] | None = None


class LevelRulePatch(In):
    description: str | None = None
    examples: str | None = None
    deadline_kind: DeadlineKind | None = None
    deadline_value: int | None = None
    acknowledge_wait_minutes: int | None = None


class MemberFields(In):
    kind: MembershipKind | None = None
    role: str | None = None
    is_coordinator: bool | None = None
    substitute_for: int | None = None
    contact_priority: int | None = None


class MemberIn(MemberFields):
    person: int | None = None
    new_person: PersonIn | None = None


# --- Operations -----------------------------------------------------------------------------------------


@router.get("/plans", response={200: list[PlanSummary], **READ_ERRORS})
def plan_list(request: HttpRequest):
    """The plans you may read: all for administrators, else those you are a member of."""
    return list(selectors.plan_list_for_user(user=request.auth))


@router.get("/plans/{plan_id}", response={200: PlanDetail, **READ_ERRORS})
def plan_read(request: HttpRequest, plan_id: int):
    """One plan with its levels, members, fallbacks, target groups, communication roles and signatures."""
    return selectors.plan_get_for_user(user=request.auth, plan_id=plan_id)


@router.post("/plans", response={201: PlanDetail, **WRITE_ERRORS})
def plan_create(request: HttpRequest, payload: PlanIn):
    """Create a draft plan (administrators only), with the standard levels and incident types."""
    user = request.auth
    selectors.plan_check_can_create(user=user)
    fields = payload.dict(exclude_unset=True, exclude={"areas"})
    plan = services.plan_create(actor=user, areas=lookups.areas(user=user, area_ids=payload.areas), **_no_nulls(fields))
    return Status(201, selectors.plan_get_for_user(user=user, plan_id=plan.pk))


@router.patch("/plans/{plan_id}", response={200: PlanDetail, **WRITE_ERRORS})
def plan_update(request: HttpRequest, plan_id: int, payload: PlanPatch):
    """Change a plan's own fields and areas (coordinator or administrator). A signed plan gets a new
    version that must be signed again."""
    user = request.auth
    plan = selectors.plan_get_for_edit(user=user, plan_id=plan_id)
    fields = payload.dict(exclude_unset=True)
    area_ids = fields.pop("areas", None)
    areas = lookups.areas(user=user, area_ids=area_ids) if area_ids is not None else None
    services.plan_update(actor=user, plan=plan, areas=areas, **fields)
    return selectors.plan_get_for_user(user=user, plan_id=plan.pk)


@router.patch("/plans/{plan_id}/levels/{level}", response={200: LevelRuleOut, **WRITE_ERRORS})
def level_rule_update(request: HttpRequest, plan_id: int, level: Level, payload: LevelRulePatch):
    """Change what a level means in the plan and its meeting deadline (hours, working days or ASAP)."""
    plan = selectors.plan_get_for_edit(user=request.auth, plan_id=plan_id)
    rule = next((r for r in plan.level_rules.all() if r.level == level), None)
    if rule is None:
        raise Http404(_("The plan has no rule for this level."))
    for field, value in payload.dict(exclude_unset=True).items():
        setattr(rule, field, value)
    return services.plan_part_save(actor=request.auth, plan=plan, part=rule)


@router.get("/plans/{plan_id}/members", response={200: list[MemberOut], **READ_ERRORS})
def member_list(request: HttpRequest, plan_id: int):
    """The plan's members (fixed and substitutes), those on the contact list first, in priority order."""
    plan = selectors.plan_get_for_user(user=request.auth, plan_id=plan_id)
    return _member_order(plan.memberships.all())


@router.post("/plans/{plan_id}/members", response={201: MemberOut, **WRITE_ERRORS})
def member_add(request: HttpRequest, plan_id: int, payload: MemberIn):
    """Add a member: an existing person you can see (`person`), or a new one (`new_person`), created
    together with the membership: if either is refused, nothing is saved."""
    user = request.auth
    plan = selectors.plan_get_for_edit(user=user, plan_id=plan_id)
    fields = _member_fields(plan, payload.dict(exclude_unset=True, exclude={"person", "new_person"}))
    with transaction.atomic():
        person = _member_person(user, payload)
        membership = services.membership_save(actor=user, plan=plan, person=person, **fields)
    return Status(201, membership)


@router.patch("/plans/{plan_id}/members/{membership_id}", response={200: MemberOut, **WRITE_ERRORS})
def member_update(request: HttpRequest, plan_id: int, membership_id: int, payload: MemberFields):
    """Change a member's kind, role, coordinator flag, substitute relation or contact priority.
    A member's own details (name, phones, email) are changed at /people/{person_id}."""
    user = request.auth
    plan = selectors.plan_get_for_edit(user=user, plan_id=plan_id)
    membership = selectors.membership_get_for_edit(user=user, plan=plan, membership_id=membership_id)
    fields = _member_fields(plan, payload.dict(exclude_unset=True))
    return services.membership_save(actor=user, plan=plan, membership=membership, **fields)


@router.delete("/plans/{plan_id}/members/{membership_id}", response={204: None, **WRITE_ERRORS})
def member_remove(request: HttpRequest, plan_id: int, membership_id: int):
    """Remove a member from the plan, and the substitutes who stood in for them."""
    user = request.auth
    plan = selectors.plan_get_for_edit(user=user, plan_id=plan_id)
    membership = selectors.membership_get_for_edit(user=user, plan=plan, membership_id=membership_id)
    services.membership_remove(actor=user, plan=plan, membership=membership)
    return Status(204, None)


@router.get("/plans/{plan_id}/contact-list", response={200: ContactListOut, **READ_ERRORS})
def contact_list(request: HttpRequest, plan_id: int):
    """Who is called first in a sudden crisis, in priority order, and what to do if nobody answers."""
    plan = selectors.plan_get_for_user(user=request.auth, plan_id=plan_id)
    return {
        "contacts": [_contact(m) for m in selectors.plan_contact_list(plan=plan)],
        "fallbacks": list(plan.fallbacks.all()),
    }


# --- Helpers --------------------------------------------------------------------------------------------


def _no_nulls(fields: dict[str, Any]) -> dict[str, Any]:
    """On create, an explicit null means "the default"."""
    return {k: v for k, v in fields.items() if v is not None}


def _member_fields(plan: Plan, fields: dict[str, Any]) -> dict[str, Any]:
    if fields.get("substitute_for") is not None:
        fields["substitute_for"] = lookups.member(
            plan=plan, membership_id=fields["substitute_for"], field="substitute_for"
        )
    return fields


def _member_person(user: Any, payload: MemberIn):
    if (payload.person is None) == (payload.new_person is None):
        raise ValidationError(
            {"person": _("Give either an existing person (person) or a new person (new_person), not both.")}
        )
    if payload.person is not None:
        return lookups.person(user=user, person_id=payload.person)
    data = payload.new_person.dict()
    organisation = lookups.organisation(
        user=user, organisation_id=data.pop("organisation"), field="new_person.organisation"
    )
    try:
        return services.person_create(actor=user, organisation=organisation, **data)
    except ValidationError as error:
        raise prefix_fields(error, "new_person") from error
