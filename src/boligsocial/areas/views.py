"""Key-figure pages. Thin: selectors read with permissions, services write, templates show."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boligsocial.plans.forms import apply_errors

from . import selectors, services
from .forms import AssessmentForm, DropForm, IndicatorForm, MappingForm, UploadForm
from .models import Colour, ImportStatus, LegalCategory


@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    category = request.GET.get("category", "")
    colour = request.GET.get("colour", "")
    rows = selectors.area_list(
        user=request.user, year=int(year) if year.isdigit() else None, category=category, colour=colour
    )
    return render(
        request,
        "areas/area_list.html",
        {
            "rows": rows,
            "years": selectors.result_years(),
            "year": year,
            "category": category,
            "colour": colour,
            "categories": LegalCategory.choices,
            "colours": Colour.choices,
            "can_import": selectors.areas_can_import(user=request.user),
        },
    )


@login_required
def area_detail(request: HttpRequest, area_id: int) -> HttpResponse:
    area = selectors.area_get_for_user(user=request.user, area_id=area_id)
    return render(request, "areas/area_detail.html", {"data": selectors.area_page(user=request.user, area=area)})


@login_required
def area_export(request: HttpRequest, area_id: int) -> HttpResponse:
    area = selectors.area_get_for_user(user=request.user, area_id=area_id)
    header, body = selectors.area_export_rows(area=area)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="noegletal-{slugify(area.name)}.csv"'
    response.write("\ufeff")  # so Excel reads the file as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    writer.writerows(body)
    return response


@login_required
def department_detail(request: HttpRequest, department_id: int) -> HttpResponse:
    department = selectors.department_get_for_user(user=request.user, department_id=department_id)
    page = selectors.department_page(department=department)
    return render(request, "areas/department_detail.html", {"department": department, "page": page})


@login_required
def assessment_add(request: HttpRequest, area_id: int) -> HttpResponse:
    area = selectors.area_get_for_user(user=request.user, area_id=area_id)
    selectors.assessment_check_can_record(user=request.user, area=area)
    form = AssessmentForm(request.POST or None)
    if request.method == "GET" and "year" in request.GET and request.GET["year"].isdigit():
        form.initial["year"] = int(request.GET["year"])
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_create(actor=request.user, area=area, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The assessment was recorded."))
            return redirect("areas:detail", area_id=area.pk)
    return render(request, "areas/assessment_form.html", {"area": area, "form": form})


@login_required
def follow_up(request: HttpRequest) -> HttpResponse:
    rows = selectors.follow_up_list(user=request.user)
    return render(request, "areas/follow_up.html", {"rows": rows})


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "areas/rules.html",
        {"versions": selectors.rule_versions(), "model": selectors.points_model_active()},
    )


@login_required
def indicators(request: HttpRequest) -> HttpResponse:
    can_edit = selectors.areas_can_import(user=request.user)
    form = IndicatorForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        selectors.areas_check_can_import(user=request.user)
        if form.is_valid():
            try:
                services.indicator_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The indicator was added. Its code can be used as a column heading."))
                return redirect("areas:indicators")
    return render(request, "areas/indicators.html", {"indicators": selectors.indicator_list(), "form": form})


@login_required
@require_POST
def classify(request: HttpRequest) -> HttpResponse:
    selectors.areas_check_can_import(user=request.user)
    summary = services.classify_all(actor=request.user)
    messages.success(request, _("The categories were computed for %(n)s area-years.") % {"n": summary.results})
    return redirect("areas:list")


# --- Import -------------------------------------------------------------------------------------------------


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    selectors.areas_check_can_import(user=request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_upload(
                actor=request.user, level=form.cleaned_data["level"], filename=upload.name, content=upload.read()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("areas:import_preview", batch_id=batch.pk)
    return render(
        request,
        "areas/import_start.html",
        {"form": form, "imports": selectors.import_list_for_user(user=request.user)},
    )


def _preview_page(request: HttpRequest, batch, *, mapping_form=None, drop_form=None, status: int = 200):
    preview = selectors.import_preview(batch=batch)
    checked = preview.checked
    mapping_form = mapping_form or MappingForm(headers=checked.headers, choices=preview.choices, mapping=batch.mapping)
    drop_form = drop_form or DropForm(lines=sorted(checked.rejected), initial={"rows": batch.dropped_rows})
    return render(
        request,
        "areas/import_preview.html",
        {
            "batch": batch,
            "preview": preview,
            "checked": checked,
            "sample": checked.rows[:10],
            "mapped": [(h, code.removeprefix("ind:")) for h, code in batch.mapping.items() if code.startswith("ind:")],
            "mapping_form": mapping_form,
            "drop_form": drop_form,
        },
        status=status,
    )


@login_required
def import_preview(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.import_batch_get_for_user(user=request.user, batch_id=batch_id)
    if batch.status != ImportStatus.PENDING:
        return render(request, "areas/import_done.html", {"batch": batch})
    return _preview_page(request, batch)


@login_required
@require_POST
def import_mapping(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.import_batch_get_for_user(user=request.user, batch_id=batch_id)
    preview = selectors.import_preview(batch=batch)
    form = MappingForm(request.POST, headers=preview.checked.headers, choices=preview.choices, mapping=batch.mapping)
    if form.is_valid():
        try:
            services.import_set_mapping(actor=request.user, batch=batch, mapping=form.mapping())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("areas:import_preview", batch_id=batch.pk)
    return _preview_page(request, batch, mapping_form=form, status=422)


@login_required
@require_POST
def import_drop(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.import_batch_get_for_user(user=request.user, batch_id=batch_id)
    lines = sorted(selectors.import_preview(batch=batch).checked.rejected)
    if "all" in request.POST:
        chosen = lines
    else:
        form = DropForm(request.POST, lines=lines)
        if not form.is_valid():
            return _preview_page(request, batch, drop_form=form, status=422)
        chosen = form.cleaned_data["rows"]
    try:
        services.import_set_dropped(actor=request.user, batch=batch, lines=chosen)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("areas:import_preview", batch_id=batch.pk)


@login_required
@require_POST
def import_confirm(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.import_batch_get_for_user(user=request.user, batch_id=batch_id)
    try:
        with transaction.atomic():
            services.import_confirm(actor=request.user, batch=batch)
            summary = services.classify_all(actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("areas:import_preview", batch_id=batch.pk)
    batch.refresh_from_db()
    messages.success(
        request,
        _("%(figures)s figures from %(rows)s rows were imported; the categories were computed for %(n)s area-years.")
        % {"figures": batch.figure_count, "rows": batch.row_count, "n": summary.results},
    )
    return redirect("areas:import_preview", batch_id=batch.pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.import_batch_get_for_user(user=request.user, batch_id=batch_id)
    try:
        services.import_cancel(actor=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The import was cancelled; nothing was imported."))
    return redirect("areas:import_start")
