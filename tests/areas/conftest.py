"""Helpers for the key-figure tests: users with the statistics editor role, an estate of departments, import files."""

import csv
import datetime
import io
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, Permission

from boligsocial.areas import services
from boligsocial.directory.models import Department, HousingArea, Organisation, OrganisationKind
from tests import factories

THIS_YEAR = datetime.date.today().year
LAST_YEAR = THIS_YEAR - 1
ORG = "Boligselskabet Test"


def csv_bytes(rows: list[list], delimiter: str = ";") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def imported(actor, level: str, content: bytes, filename: str = "tal.csv"):
    """Upload and confirm a clean file; returns the batch."""
    batch = services.import_upload(actor=actor, level=level, filename=filename, content=content)
    return services.import_confirm(actor=actor, batch=batch)


def make_editor():
    """A user in the statistics editors group."""
    user = factories.user(username="statistik")
    # The group comes from a data migration; a transactional test before this one (the browser tests run on a
    # live server) empties the tables, and only content types and permissions are recreated after a flush.
    group, _ = Group.objects.get_or_create(name="Statistikredaktører")
    group.permissions.add(Permission.objects.get(content_type__app_label="areas", codename="import_figures"))
    user.groups.add(group)
    return user


@pytest.fixture
def editor(db):
    return make_editor()


@pytest.fixture
def admin(db):
    return factories.user(username="administrator", is_staff=True)


@dataclass
class Estate:
    organisation: Organisation
    area: HousingArea
    departments: list[Department]


@pytest.fixture
def estate(db) -> Estate:
    return make_estate()


def make_estate() -> Estate:
    """Testparken in Testby: three departments of Boligselskabet Test, numbered 1, 2 and 3."""
    organisation = Organisation.objects.create(name="Boligselskabet Test", kind=OrganisationKind.HOUSING)
    area = HousingArea.objects.create(name="Testparken", municipality="Testby")
    departments = [
        Department.objects.create(area=area, housing_organisation=organisation, code=str(n), name=f"Testparken {n}")
        for n in (1, 2, 3)
    ]
    return Estate(organisation, area, departments)


@dataclass
class World:
    estate: Estate
    other_area: HousingArea
    plan: object
    coordinator: object
    member: object
    owner: object
    outsider: object
    editor: object


def department_rows(years=(LAST_YEAR - 2, LAST_YEAR - 1, LAST_YEAR)) -> list[list]:
    """Testparken's three departments over three years; department 3 has only 40 residents."""
    rows = [
        [
            "boligorganisation",
            "afdeling",
            "år",
            "beboere",
            "uden_for_arbejde_eller_uddannelse",
            "convictions",
            "grundskole",
            "indkomst",
            "ikke_vestlige",
            "fraflytning",
            "udsættelser",
        ]
    ]
    for k, year in enumerate(years):
        rows += [
            [ORG, "1", year, "700", f"{38 + 2 * k},5", "3,1", "52", "60", "48", "14", "2"],
            [ORG, "2", year, "500", f"{36 + 3 * k},0", "2,9", "50", "58", "52", "12", "1"],
            [ORG, "3", year, "40", "71,3", "1,0", "40", "70", "20", "10", "0"],
        ]
    return rows


@pytest.fixture
def world(estate, editor) -> World:
    return make_world(estate, editor)


def make_world(estate: Estate, editor) -> World:
    """Testparken in a plan (a municipal member and a coordinator), its owner's staff, an outsider, and
    Andenparken owned by another organisation in no plan. Three years of figures, classified."""
    other_org = Organisation.objects.create(name="Andelsboliger Syd", kind=OrganisationKind.HOUSING)
    other_area = HousingArea.objects.create(name="Andenparken", municipality="Testby")
    Department.objects.create(area=other_area, housing_organisation=other_org, code="A1", name="Andenparken 1")
    plan = factories.plan(name="Beredskabsplan Testby")
    plan.areas.set([estate.area])
    municipality = factories.organisation(name="Testby Kommune")
    coordinator, member = factories.user(username="tovholder"), factories.user(username="kommune")
    factories.member(plan=plan, name="Tove Holder", login=coordinator, org=municipality, is_coordinator=True)
    factories.member(plan=plan, name="Kim Kommune", login=member, org=municipality)
    owner = factories.user(username="boligselskab")
    from boligsocial.plans import services as plan_services

    person = plan_services.person_create(
        actor=None, name="Bo Lig", organisation=estate.organisation, email="bo@bs.example", phones=["20 99 55 36"]
    )
    person.user = owner
    person.save(update_fields=["user"])
    imported(editor, "department", csv_bytes(department_rows()))
    municipal = [["kommune", "år", "uden_for_arbejde_eller_uddannelse", "convictions", "grundskole", "indkomst"]]
    municipal += [["Testby", year, "20,0", "0,9", "30,0", "95,0"] for year in range(LAST_YEAR - 2, LAST_YEAR + 1)]
    imported(editor, "municipality", csv_bytes(municipal))
    services.classify_all()
    return World(estate, other_area, plan, coordinator, member, owner, factories.user(username="fremmed"), editor)
