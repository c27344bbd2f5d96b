"""Reads of the directory. Organisations, areas and departments are reference data every signed-in user
may read; who may read and change people is decided in plans.selectors, where plan membership is known."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from boligsocial.accounts.selectors import user_is_admin

from .models import Department, HousingArea, Organisation


def directory_can_edit(*, user: Any) -> bool:
    """Only administrators change organisations, housing areas and departments."""
    return user_is_admin(user=user)


def directory_check_can_edit(*, user: Any) -> None:
    """Raise PermissionDenied unless `user` may change the directory."""
    if not directory_can_edit(user=user):
        raise PermissionDenied(_("Only an administrator can change organisations, areas and departments."))


def organisation_list_for_user(*, user: Any) -> QuerySet[Organisation]:
    """Every organisation, by name, for a signed-in user."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.order_by("name")


def organisation_get_for_user(*, user: Any, organisation_id: int) -> Organisation:
    """One organisation, or 404."""
    organisation = organisation_list_for_user(user=user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404(_("No such organisation."))
    return organisation


def area_list_for_user(*, user: Any) -> QuerySet[HousingArea]:
    """Every housing area with its departments and their housing organisations."""
    if not user.is_authenticated:
        return HousingArea.objects.none()
    departments = Department.objects.select_related("housing_organisation").order_by("name")
    return HousingArea.objects.prefetch_related(Prefetch("departments", queryset=departments))


def area_get_for_user(*, user: Any, area_id: int) -> HousingArea:
    """One housing area with its departments, or 404."""
    area = area_list_for_user(user=user).filter(pk=area_id).first()
    if area is None:
        raise Http404(_("No such housing area."))
    return area


def department_list_for_user(*, user: Any) -> QuerySet[Department]:
    """Every department with its area and housing organisation."""
    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.select_related("area", "housing_organisation")


def department_get_for_user(*, user: Any, department_id: int) -> Department:
    """One department, or 404."""
    department = department_list_for_user(user=user).filter(pk=department_id).first()
    if department is None:
        raise Http404(_("No such department."))
    return department
