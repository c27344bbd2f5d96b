"""Personal-data pages: a person's own data, and its JSON export. Thin: selectors decide who may see what."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from boligsocial.core.services import access_log_record
from boligsocial.plans.selectors import person_for_user

from . import selectors


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    person = person_for_user(user=request.user)
    if person is None:
        return render(request, "privacy/person_data.html", {"person": None})
    return _person_page(request, selectors.person_get_for_export(user=request.user, person_id=person.pk))


@login_required
def person_data(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_page(request, selectors.person_get_for_export(user=request.user, person_id=person_id))


def _person_page(request: HttpRequest, person) -> HttpResponse:
    export = selectors.person_export(person=person)
    context = {
        "person": person,
        "summary": selectors.person_export_summary(export=export),
        "own": person.user_id == request.user.pk,
    }
    return render(request, "privacy/person_data.html", context)


@login_required
def person_export(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for_export(user=request.user, person_id=person_id)
    export = selectors.person_export(person=person)
    access_log_record(user=request.user, target=person, context="page privacy:person_export")
    filename = f"persondata-{slugify(person.name)}-{timezone.localdate().isoformat()}.json"
    response = HttpResponse(
        json.dumps(export, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
