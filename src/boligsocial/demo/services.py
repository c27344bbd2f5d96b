"""Loads the demo data through the plan services, as a coordinator would enter it."""

import csv
import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django_otp.plugins.otp_totp.models import TOTPDevice

from boligsocial.accounts import selectors as account_selectors
from boligsocial.accounts.models import User
from boligsocial.areas import services as area_services
from boligsocial.areas.models import Assessment
from boligsocial.directory import services as directory_services
from boligsocial.directory.models import Department, HousingArea, Organisation, Person
from boligsocial.plans import services as plan_services
from boligsocial.plans.models import (
    AdHocResource,
    CommunicationRole,
    FallbackProcedure,
    MembershipKind,
    OutreachGroup,
    Plan,
)

from . import data


class DemoResetRefused(Exception):
    """A demo row is referenced from outside the demo, so a reset would delete someone's work."""


@dataclass(frozen=True)
class DemoResult:
    created: bool
    plans: list[Plan]


def _full_clean_get_or_create(model: type, lookup: dict[str, Any], defaults: dict[str, Any]) -> Any:
    """Organisations, areas and departments have no service yet: reuse by name, or validate and create."""
    existing = model.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    instance = model(**lookup, **defaults)
    instance.full_clean()
    instance.save()
    return instance


def demo_exists() -> bool:
    """Whether any demo plan or demo login is already in the database."""
    return (
        Plan.objects.filter(name__in=[p.name for p in data.PLANS]).exists()
        or User.objects.filter(username__in=[login.username for login in data.LOGINS]).exists()
    )


def _demo_remove() -> None:
    """Delete the demo plans (with their parts) and people; logins, organisations and areas stay."""
    Plan.objects.filter(name__in=[p.name for p in data.PLANS]).delete()
    try:
        Person.objects.filter(email__in=[p.email for p in data.PEOPLE.values()]).delete()
    except ProtectedError as exc:
        raise DemoResetRefused(
            "A demo person is used outside the demo plans; remove that use first, then reset."
        ) from exc
    # The logins stay: the audit trail's hash chain names who acted, so an account that acted is never deleted.
    # _users_create reuses them.


def _passwords_restore() -> None:
    """Give the existing demo logins the printed password again, so what `make demo` prints always works."""
    for user in User.objects.filter(username__in=[login.username for login in data.LOGINS]):
        if not user.check_password(data.PASSWORD):
            user.set_password(data.PASSWORD)
            user.save(update_fields=["password"])


def _two_factor_restore() -> None:
    """Give each demo login that must use two-factor sign-in the printed authenticator secret, ready to use."""
    for user in User.objects.filter(username__in=[login.username for login in data.LOGINS]):
        if not account_selectors.user_requires_two_factor(user=user):
            continue
        TOTPDevice.objects.filter(user=user).exclude(key=data.TOTP_KEY).delete()
        TOTPDevice.objects.update_or_create(
            user=user,
            key=data.TOTP_KEY,
            defaults={"name": "demo", "confirmed": True, "throttling_failure_count": 0},
        )


def _users_create() -> dict[str, User]:
    """One login per role, with the demo password set directly; existing demo logins are reused."""
    users = {}
    existing = {u.username: u for u in User.objects.filter(username__in=[login.username for login in data.LOGINS])}
    for login in data.LOGINS:
        if login.person is None:
            fields = {"email": "admin@bs.example", "is_staff": True, "is_superuser": True}
        else:
            person = data.PEOPLE[login.person]
            first, _, last = person.name.partition(" ")
            fields = {"email": person.email, "first_name": first, "last_name": last}
        user = existing.get(login.username) or User(username=login.username)
        for field, value in fields.items():
            setattr(user, field, value)
        user.is_active = True
        user.set_password(data.PASSWORD)
        user.save()
        users[login.username] = user
    return users


def _reference_create() -> tuple[dict[str, Organisation], dict[str, HousingArea]]:
    """The real organisations, areas and departments; existing rows with the same names are reused."""
    orgs = {
        key: _full_clean_get_or_create(
            Organisation, {"name": o.name}, {"kind": o.kind, "is_public_authority": o.is_public_authority}
        )
        for key, o in data.ORGANISATIONS.items()
    }
    areas = {}
    for key, a in data.AREAS.items():
        area = _full_clean_get_or_create(HousingArea, {"name": a.name}, {"municipality": a.municipality})
        for name, org_key in a.departments:
            _full_clean_get_or_create(Department, {"area": area, "name": name}, {"housing_organisation": orgs[org_key]})
        areas[key] = area
    return orgs, areas


def _plan_build(
    *,
    actor: User,
    spec: data.PlanData,
    orgs: dict[str, Organisation],
    areas: dict[str, HousingArea],
    people: dict[str, Person],
) -> Plan:
    """One demo plan, from draft to approved, entirely through plans.services."""
    save_part = plan_services.plan_part_save
    plan = plan_services.plan_create(
        actor=actor,
        name=spec.name,
        valid_from=spec.valid_from,
        valid_until=spec.valid_until,
        areas=[areas[key] for key in spec.areas],
        preventive_meetings_per_year=spec.preventive_meetings_per_year,
        **spec.texts,
    )
    for rule in plan.level_rules.all():
        level = spec.levels[rule.level]
        rule.description = level.description
        rule.examples = level.examples
        rule.deadline_kind = level.deadline_kind
        rule.deadline_value = level.deadline_value
        rule.acknowledge_wait_minutes = level.acknowledge_wait_minutes
        save_part(actor=actor, plan=plan, part=rule)

    memberships = {}
    for m in spec.members:
        memberships[m.person] = plan_services.membership_save(
            actor=actor,
            plan=plan,
            person=people[m.person],
            kind=MembershipKind.SUBSTITUTE if m.substitute_for else MembershipKind.FIXED,
            role=m.role,
            is_coordinator=m.coordinator,
            substitute_for=memberships[m.substitute_for] if m.substitute_for else None,
            contact_priority=m.priority,
        )

    for name, org_key, description in spec.adhoc:
        part = AdHocResource(
            plan=plan, name=name, organisation=orgs[org_key] if org_key else None, description=description
        )
        save_part(actor=actor, plan=plan, part=part)
    for position, (condition, instruction, phone) in enumerate(spec.fallbacks, start=1):
        part = FallbackProcedure(
            plan=plan, position=position, condition=condition, instruction=instruction, phone=phone
        )
        save_part(actor=actor, plan=plan, part=part)
    for position, (name, person_key, channel) in enumerate(spec.outreach, start=1):
        part = OutreachGroup(
            plan=plan,
            position=position,
            name=name,
            contact_person=people[person_key] if person_key else None,
            channel=channel,
        )
        save_part(actor=actor, plan=plan, part=part)
    for position, role in enumerate(spec.communication, start=1):
        part = CommunicationRole(
            plan=plan,
            position=position,
            audience=role.audience,
            person=people[role.person] if role.person else None,
            organisation=orgs[role.org] if role.org else None,
            is_spokesperson=role.spokesperson,
            description=role.description,
        )
        save_part(actor=actor, plan=plan, part=part)

    plan_services.plan_request_signatures(actor=actor, plan=plan)
    for signed in spec.signatures:
        plan_services.signature_add(
            actor=actor,
            plan=plan,
            organisation=orgs[signed.org],
            signer_name=people[signed.person].name,
            signer_title=signed.title,
            signed_on=signed.on,
        )
    plan_services.plan_approve(actor=actor, plan=plan, approved_on=spec.lbf_approved_on)
    return plan


@transaction.atomic
def demo_load(*, reset: bool = False) -> DemoResult:
    """Build the two demo plans and logins; if they exist, do nothing unless `reset` rebuilds them."""
    if demo_exists():
        if not reset:
            _passwords_restore()
            _two_factor_restore()
            return DemoResult(created=False, plans=list(Plan.objects.filter(name__in=[p.name for p in data.PLANS])))
        _demo_remove()
    users = _users_create()
    actor = users["admin"]
    orgs, areas = _reference_create()
    people = {
        key: plan_services.person_create(
            actor=actor,
            name=p.name,
            organisation=orgs[p.org],
            title=p.title,
            email=p.email,
            phones=[p.phone],
        )
        for key, p in data.PEOPLE.items()
    }
    for login in data.LOGINS:
        if login.person is not None:
            # No service links a login to a person yet; this is the admin's job in the directory.
            person = people[login.person]
            person.user = users[login.username]
            person.save(update_fields=["user"])
    _two_factor_restore()
    plans = [_plan_build(actor=actor, spec=spec, orgs=orgs, areas=areas, people=people) for spec in data.PLANS]
    _key_figures_create(actor=actor, orgs=orgs, areas=areas, users=users)
    return DemoResult(created=True, plans=plans)


def _csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode()


def _key_figures_create(
    *, actor: User, orgs: dict[str, Organisation], areas: dict[str, HousingArea], users: dict[str, User]
) -> None:
    """Invented key figures for the demo departments, imported through the importer, then classified."""
    example = _full_clean_get_or_create(
        HousingArea, {"name": data.EXAMPLE_AREA[0]}, {"municipality": data.EXAMPLE_AREA[1]}
    )
    for name, org_key in data.EXAMPLE_DEPARTMENTS:
        _full_clean_get_or_create(Department, {"area": example, "name": name}, {"housing_organisation": orgs[org_key]})
    areas = {**areas, "eksempel": example}
    header = ["boligorganisation", "afdeling", "år", "beboere", "uden_for_arbejde_eller_uddannelse", "convictions"]
    header += ["grundskole", "indkomst", "ikke_vestlige", "fraflytning", "udsættelser", "restancer", "klager"]
    rows = [header]
    for f in data.KEY_FIGURES:
        department = Department.objects.select_related("housing_organisation").get(
            area=areas[f.area], name=f.department
        )
        if department.code != f.code:
            directory_services.department_update(actor=actor, department=department, code=f.code)
        for k, year in enumerate(data.KEY_FIGURE_YEARS):
            d = f.drift * k
            rows.append(
                [
                    department.housing_organisation.name,
                    f.code,
                    year,
                    f.residents + 5 * k,
                    f"{f.outside_work + d:.1f}".replace(".", ","),
                    f"{f.convictions:.2f}".replace(".", ","),
                    f"{f.basic_schooling + d:.1f}".replace(".", ","),
                    f"{f.income - d:.1f}".replace(".", ","),
                    f"{f.non_western:.1f}".replace(".", ","),
                    f"{f.moving_out + d / 2:.1f}".replace(".", ","),
                    (k + len(f.code)) % 3,
                    (k * 2 + len(f.department)) % 7,
                    (k + len(f.department)) % 5,
                ]
            )
    municipal = [["kommune", "år", "uden_for_arbejde_eller_uddannelse", "convictions", "grundskole", "indkomst"]]
    municipal[0].append("fraflytning")
    national = [["år", "uden_for_arbejde_eller_uddannelse", "convictions", "grundskole", "indkomst", "fraflytning"]]
    for year in data.KEY_FIGURE_YEARS:
        for name, *values in data.MUNICIPAL_FIGURES:
            municipal.append([name, year, *(str(v).replace(".", ",") for v in values)])
        national.append([year, *(str(v).replace(".", ",") for v in data.NATIONAL_FIGURES)])
    for level, filename, content in (
        ("department", "demo-afdelinger.csv", _csv(rows)),
        ("municipality", "demo-kommuner.csv", _csv(municipal)),
        ("national", "demo-landstal.csv", _csv(national)),
    ):
        batch = area_services.import_upload(actor=actor, level=level, filename=filename, content=content)
        area_services.import_confirm(actor=actor, batch=batch)
    area_services.classify_all(actor=actor)
    a = data.KEY_FIGURE_ASSESSMENT
    if not Assessment.objects.filter(area=areas[a["area"]], year=a["year"]).exists():
        area_services.assessment_create(
            actor=users[a["by"]],
            area=areas[a["area"]],
            year=a["year"],
            assessed_on=datetime.date(2025, 3, 12),
            participants=a["participants"],
            staff_view=a["staff_view"],
            board_view=a["board_view"],
            caretaker_view=a["caretaker_view"],
            conclusion=a["conclusion"],
        )
