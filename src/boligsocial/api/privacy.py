"""A person's data export (JSON), for administrators and for the person themselves; privacy.selectors decides."""

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from boligsocial.core.services import access_log_record
from boligsocial.directory.models import Person
from boligsocial.plans.selectors import person_for_user
from boligsocial.privacy import selectors

from .errors import ErrorOut
from .schemas import READ_ERRORS

router = Router(tags=["privacy"])

EXPORT_ERRORS = {**READ_ERRORS, 403: ErrorOut}


def _export(request: HttpRequest, person: Person, operation: str) -> dict[str, Any]:
    export = selectors.person_export(person=person)
    access_log_record(user=request.auth, target=person, context=f"api {operation}")
    return export


@router.get("/people/{person_id}/export", response={200: dict[str, Any], **EXPORT_ERRORS})
def person_export(request: HttpRequest, person_id: int):
    """Everything held about one person (administrators, or the person themselves). The read is logged."""
    person = selectors.person_get_for_export(user=request.auth, person_id=person_id)
    return _export(request, person, "person_export")


@router.get("/me/export", response={200: dict[str, Any], **EXPORT_ERRORS})
def my_export(request: HttpRequest):
    """Everything held about you, if your login is linked to a person in the directory."""
    person = person_for_user(user=request.auth)
    if person is None:
        raise Http404(_("Your login is not linked to a person in the directory."))
    return _export(request, person, "my_export")
