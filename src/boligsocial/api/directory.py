"""The directory: organisations, housing areas with their departments, and people.

Organisations, areas and departments are read by every signed-in user and changed by administrators
(directory.selectors decides). People are personal data: plans.selectors decides who may read and change
them (administrators, and the coordinators of the plans they are in), exactly as on the plan pages."""

from django.http import HttpRequest
from ninja import Router, Schema, Status

from boligsocial.directory import selectors, services
from boligsocial.directory.models import OrganisationKind
from boligsocial.plans import selectors as plan_selectors
from boligsocial.plans import services as plan_services

from . import lookups
from .schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    In,
    OrganisationOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    Ref,
)

router = Router(tags=["directory"])


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    area: int
    housing_organisation: Ref

    @staticmethod
    def resolve_area(obj) -> int:
        return obj.area_id


class AreaOut(Schema):
    id: int
    name: str
    municipality: str
    departments: list[DepartmentOut]


class OrganisationIn(In):
    name: str
    kind: OrganisationKind
    is_public_authority: bool | None = None


class OrganisationPatch(In):
    name: str | None = None
    kind: OrganisationKind | None = None
    is_public_authority: bool | None = None


class AreaIn(In):
    name: str
    municipality: str


class AreaPatch(In):
    name: str | None = None
    municipality: str | None = None


class DepartmentIn(In):
    area: int
    housing_organisation: int
    name: str
    code: str = ""


class DepartmentPatch(In):
    area: int | None = None
    housing_organisation: int | None = None
    name: str | None = None
    code: str | None = None


# --- Organisations --------------------------------------------------------------------------------------


@router.get("/organisations", response={200: list[OrganisationOut], **READ_ERRORS})
def organisation_list(request: HttpRequest):
    """Every organisation, by name."""
    return list(selectors.organisation_list_for_user(user=request.auth))


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, **READ_ERRORS})
def organisation_read(request: HttpRequest, organisation_id: int):
    """One organisation."""
    return selectors.organisation_get_for_user(user=request.auth, organisation_id=organisation_id)


@router.post("/organisations", response={201: OrganisationOut, **WRITE_ERRORS})
def organisation_create(request: HttpRequest, payload: OrganisationIn):
    """Add an organisation (administrators). Police and municipalities are public authorities by default."""
    selectors.directory_check_can_edit(user=request.auth)
    return Status(201, services.organisation_create(actor=request.auth, **payload.dict()))


@router.patch("/organisations/{organisation_id}", response={200: OrganisationOut, **WRITE_ERRORS})
def organisation_update(request: HttpRequest, organisation_id: int, payload: OrganisationPatch):
    """Change an organisation (administrators)."""
    selectors.directory_check_can_edit(user=request.auth)
    organisation = selectors.organisation_get_for_user(user=request.auth, organisation_id=organisation_id)
    return services.organisation_update(
        actor=request.auth, organisation=organisation, **payload.dict(exclude_unset=True)
    )


# --- Housing areas and departments ----------------------------------------------------------------------


@router.get("/areas", response={200: list[AreaOut], **READ_ERRORS})
def area_list(request: HttpRequest):
    """Every housing area with its departments."""
    return list(selectors.area_list_for_user(user=request.auth))


@router.get("/areas/{area_id}", response={200: AreaOut, **READ_ERRORS})
def area_read(request: HttpRequest, area_id: int):
    """One housing area with its departments."""
    return selectors.area_get_for_user(user=request.auth, area_id=area_id)


@router.post("/areas", response={201: AreaOut, **WRITE_ERRORS})
def area_create(request: HttpRequest, payload: AreaIn):
    """Add a housing area (administrators)."""
    selectors.directory_check_can_edit(user=request.auth)
    area = services.area_create(actor=request.auth, **payload.dict())
    return Status(201, selectors.area_get_for_user(user=request.auth, area_id=area.pk))


@router.patch("/areas/{area_id}", response={200: AreaOut, **WRITE_ERRORS})
def area_update(request: HttpRequest, area_id: int, payload: AreaPatch):
    """Change a housing area (administrators)."""
    selectors.directory_check_can_edit(user=request.auth)
    area = selectors.area_get_for_user(user=request.auth, area_id=area_id)
    services.area_update(actor=request.auth, area=area, **payload.dict(exclude_unset=True))
    return selectors.area_get_for_user(user=request.auth, area_id=area.pk)


@router.get("/departments", response={200: list[DepartmentOut], **READ_ERRORS})
def department_list(request: HttpRequest):
    """Every department (afdeling), with its housing organisation."""
    return list(selectors.department_list_for_user(user=request.auth))


@router.get("/departments/{department_id}", response={200: DepartmentOut, **READ_ERRORS})
def department_read(request: HttpRequest, department_id: int):
    """One department."""
    return selectors.department_get_for_user(user=request.auth, department_id=department_id)


@router.post("/departments", response={201: DepartmentOut, **WRITE_ERRORS})
def department_create(request: HttpRequest, payload: DepartmentIn):
    """Add a department of a housing organisation to a housing area (administrators)."""
    user = request.auth
    selectors.directory_check_can_edit(user=user)
    fields = _department_fields(user, payload.dict())
    return Status(201, services.department_create(actor=user, **fields))


@router.patch("/departments/{department_id}", response={200: DepartmentOut, **WRITE_ERRORS})
def department_update(request: HttpRequest, department_id: int, payload: DepartmentPatch):
    """Change a department (administrators)."""
    user = request.auth
    selectors.directory_check_can_edit(user=user)
    department = selectors.department_get_for_user(user=user, department_id=department_id)
    fields = _department_fields(user, payload.dict(exclude_unset=True))
    return services.department_update(actor=user, department=department, **fields)


def _department_fields(user, fields: dict) -> dict:
    if fields.get("area") is not None:
        fields["area"] = lookups.area(user=user, area_id=fields["area"])
    if fields.get("housing_organisation") is not None:
        fields["housing_organisation"] = lookups.organisation(
            user=user, organisation_id=fields["housing_organisation"], field="housing_organisation"
        )
    return fields


# --- People ---------------------------------------------------------------------------------------------


@router.get("/people", response={200: list[PersonOut], **READ_ERRORS})
def person_list(request: HttpRequest):
    """The people you may see: everyone for administrators, else the people named in your plans."""
    return list(plan_selectors.person_list_for_user(user=request.auth))


@router.get("/people/{person_id}", response={200: PersonOut, **READ_ERRORS})
def person_read(request: HttpRequest, person_id: int):
    """One person with organisation and phones."""
    return plan_selectors.person_get_for_user(user=request.auth, person_id=person_id)


@router.post("/people", response={201: PersonOut, **WRITE_ERRORS})
def person_create(request: HttpRequest, payload: PersonIn):
    """Add a person to the directory (administrators). Coordinators add people as plan members instead."""
    user = request.auth
    plan_selectors.person_check_can_create(user=user)
    data = payload.dict()
    data["organisation"] = lookups.organisation(user=user, organisation_id=data["organisation"])
    person = plan_services.person_create(actor=user, **data)
    return Status(201, plan_selectors.person_get_for_user(user=user, person_id=person.pk))


@router.patch("/people/{person_id}", response={200: PersonOut, **WRITE_ERRORS})
def person_update(request: HttpRequest, person_id: int, payload: PersonPatch):
    """Change a person's details and phones (administrators, or the coordinator of one of their plans).
    The change shows in every plan they are in; a signed plan gets a new version to sign."""
    user = request.auth
    person = plan_selectors.person_get_for_edit(user=user, person_id=person_id)
    fields = payload.dict(exclude_unset=True)
    if fields.get("organisation") is not None:
        fields["organisation"] = lookups.organisation(user=user, organisation_id=fields["organisation"])
    plan_services.person_update(actor=user, person=person, **fields)
    return plan_selectors.person_get_for_user(user=user, person_id=person.pk)
