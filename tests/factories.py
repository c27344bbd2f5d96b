"""Small builders for test data: real rows through the real services."""

import datetime
import itertools

from boligsocial.accounts.models import User
from boligsocial.directory.models import Department, HousingArea, Organisation, OrganisationKind
from boligsocial.plans import services
from boligsocial.plans.models import Plan

_seq = itertools.count(1)


def organisation(*, kind: str = OrganisationKind.MUNICIPALITY, name: str | None = None) -> Organisation:
    return Organisation.objects.create(
        name=name or f"Organisation {next(_seq)}",
        kind=kind,
        is_public_authority=kind in (OrganisationKind.POLICE, OrganisationKind.MUNICIPALITY),
    )


def area(*, name: str | None = None) -> HousingArea:
    housing = organisation(kind=OrganisationKind.HOUSING)
    created = HousingArea.objects.create(name=name or f"Område {next(_seq)}", municipality="Varde")
    Department.objects.create(
        area=created, housing_organisation=housing, code=str(next(_seq)), name=f"Afd. {created}"
    )
    return created


def user(*, username: str | None = None, **extra) -> User:
    return User.objects.create_user(
        username=username or f"user{next(_seq)}", password="x-test-password-1", **extra
    )


def plan(*, name: str = "Testplan", actor=None) -> Plan:
    return services.plan_create(
        actor=actor,
        name=name,
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2029, 12, 31),
        areas=[area()],
    )


def member(
    *,
    plan: Plan,
    name: str = "Test Person",
    org: Organisation | None = None,
    login: User | None = None,
    phones=("20 13 55 35",),
    **membership,
):
    person = services.person_create(
        actor=None, name=name, organisation=org or organisation(), email="a@example.dk", phones=list(phones)
    )
    if login is not None:
        person.user = login
        person.save(update_fields=["user"])
    return services.membership_save(actor=None, plan=plan, person=person, **membership)
