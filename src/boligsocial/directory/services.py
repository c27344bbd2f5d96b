"""Writes to the directory: organisations, housing areas and departments. Atomic, validated, audited."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from boligsocial.core.services import audit_record

from .models import AUTHORITY_KINDS, Department, HousingArea, Organisation

ORGANISATION_FIELDS = ("name", "kind", "is_public_authority")
AREA_FIELDS = ("name", "municipality")
DEPARTMENT_FIELDS = ("area", "housing_organisation", "code", "name")


def _save(instance: models.Model) -> None:
    """Validate and save; a constraint the database still refuses becomes a ValidationError."""
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(_("The change conflicts with existing data and was not saved.")) from exc


def _set(instance: models.Model, allowed: tuple[str, ...], fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown {instance._meta.model_name} fields: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(instance, field, value)


@transaction.atomic
def organisation_create(*, actor: Any, name: str, kind: str, is_public_authority: bool | None = None) -> Organisation:
    """Add an organisation; police and municipalities are public authorities unless told otherwise."""
    if is_public_authority is None:
        is_public_authority = kind in AUTHORITY_KINDS
    organisation = Organisation(name=name, kind=kind, is_public_authority=is_public_authority)
    _save(organisation)
    audit_record(actor=actor, action="organisation.create", target=organisation, summary=name)
    return organisation


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **fields: Any) -> Organisation:
    """Change an organisation's name, kind or public-authority flag."""
    _set(organisation, ORGANISATION_FIELDS, fields)
    _save(organisation)
    audit_record(actor=actor, action="organisation.update", target=organisation, data={"fields": sorted(fields)})
    return organisation


@transaction.atomic
def area_create(*, actor: Any, name: str, municipality: str) -> HousingArea:
    """Add a housing area."""
    area = HousingArea(name=name, municipality=municipality)
    _save(area)
    audit_record(actor=actor, action="housingarea.create", target=area, summary=name)
    return area


@transaction.atomic
def area_update(*, actor: Any, area: HousingArea, **fields: Any) -> HousingArea:
    """Change a housing area's name or municipality."""
    _set(area, AREA_FIELDS, fields)
    _save(area)
    audit_record(actor=actor, action="housingarea.update", target=area, data={"fields": sorted(fields)})
    return area


@transaction.atomic
def department_create(
    *, actor: Any, area: HousingArea, housing_organisation: Organisation, name: str, code: str = ""
) -> Department:
    """Add a department (afdeling) of a housing organisation to a housing area."""
    department = Department(area=area, housing_organisation=housing_organisation, name=name, code=code)
    _save(department)
    audit_record(actor=actor, action="department.create", target=department, summary=name)
    return department


@transaction.atomic
def department_update(*, actor: Any, department: Department, **fields: Any) -> Department:
    """Change a department's area, housing organisation, number or name."""
    _set(department, DEPARTMENT_FIELDS, fields)
    _save(department)
    audit_record(actor=actor, action="department.update", target=department, data={"fields": sorted(fields)})
    return department
