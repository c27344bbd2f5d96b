"""Turn ids in a request body into objects the caller may see, through the selectors. An id that names
nothing visible is bad input for that field (422), not a missing page (404)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from boligsocial.directory.models import Department, HousingArea, Organisation, Person
from boligsocial.directory.selectors import area_list_for_user, department_list_for_user, organisation_list_for_user
from boligsocial.plans.models import IncidentType, Membership, Plan
from boligsocial.plans.selectors import person_list_for_user


def _missing(field: str, message: str, value: Any) -> ValidationError:
    return ValidationError({field: message % {"id": value}})


def organisation(*, user: Any, organisation_id: int, field: str = "organisation") -> Organisation:
    """The organisation with this id, or a ValidationError on `field`."""
    found = organisation_list_for_user(user=user).filter(pk=organisation_id).first()
    if found is None:
        raise _missing(field, _("There is no organisation with id %(id)s."), organisation_id)
    return found


def area(*, user: Any, area_id: int, field: str = "area") -> HousingArea:
    """The housing area with this id, or a ValidationError on `field`."""
    found = area_list_for_user(user=user).filter(pk=area_id).first()
    if found is None:
        raise _missing(field, _("There is no housing area with id %(id)s."), area_id)
    return found


def areas(*, user: Any, area_ids: list[int], field: str = "areas") -> list[HousingArea]:
    """The housing areas with these ids, in the given order, or a ValidationError naming the unknown one."""
    found = {a.pk: a for a in area_list_for_user(user=user).filter(pk__in=area_ids)}
    for area_id in area_ids:
        if area_id not in found:
            raise _missing(field, _("There is no housing area with id %(id)s."), area_id)
    return [found[i] for i in dict.fromkeys(area_ids)]


def department(*, user: Any, department_id: int, field: str = "department") -> Department:
    """The department with this id, or a ValidationError on `field`."""
    found = department_list_for_user(user=user).filter(pk=department_id).first()
    if found is None:
        raise _missing(field, _("There is no department with id %(id)s."), department_id)
    return found


def incident_type(*, plan: Plan, code: str, field: str = "incident_type") -> IncidentType:
    """The incident type with this code in `plan`'s catalogue (from its prefetch), or a ValidationError."""
    for found in plan.incident_types.all():
        if found.code == code:
            return found
    codes = ", ".join(t.code for t in plan.incident_types.all())
    raise ValidationError(
        {
            field: _("“%(code)s” is not an incident type of this plan. Choose one of: %(codes)s.")
            % {"code": code, "codes": codes}
        }
    )


def person(*, user: Any, person_id: int, field: str = "person") -> Person:
    """A person the caller may read, or a ValidationError on `field`."""
    found = person_list_for_user(user=user).filter(pk=person_id).first()
    if found is None:
        raise _missing(field, _("There is no person with id %(id)s that you have access to."), person_id)
    return found


def member(*, plan: Plan, membership_id: int, field: str) -> Membership:
    """A membership of `plan` (from its prefetched members), or a ValidationError on `field`."""
    for membership in plan.memberships.all():
        if membership.pk == membership_id:
            return membership
    raise _missing(field, _("%(id)s is not a member of this plan."), membership_id)
