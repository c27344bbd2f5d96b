"""Writes for key figures: imports (upload, mapping, leaving rows out, confirmation), derived area figures, the
national classification run, user-defined indicators and qualitative assessments."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from boligsocial.core.services import audit_record
from boligsocial.core.validators import validate_no_cpr
from boligsocial.directory.models import Department, HousingArea

from . import bulk, importing, selectors
from .classification import Figures, legal_flags, local_points, trends
from .models import (
    Aggregation,
    AreaResult,
    AreaYear,
    Assessment,
    ComparisonGroupMember,
    DepartmentYear,
    ImportBatch,
    ImportLevel,
    ImportStatus,
    Indicator,
    LegalCategory,
    ReferenceScope,
    ReferenceYear,
)

PENDING_KEPT_FOR = datetime.timedelta(days=1)


# --- Import -----------------------------------------------------------------------------------------------------


@transaction.atomic
def import_upload(*, actor: Any, level: str, filename: str, content: bytes) -> ImportBatch:
    """Keep an uploaded file for preview, with the columns mapped that could be recognised. Imports nothing."""
    if level not in ImportLevel.values:
        raise ValidationError({"level": _("Choose what the figures are for.")})
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    table = importing.read_table(filename, content)
    mapping = importing.auto_mapping(table.headers, level, selectors.indicator_list())
    # Previews nobody confirmed are not kept: the file may hold figures the uploader later thought better of.
    ImportBatch.objects.filter(status=ImportStatus.PENDING, created_at__lt=timezone.now() - PENDING_KEPT_FOR).delete()
    batch = ImportBatch(
        uploaded_by=actor, level=level, filename=filename[:255], content=content, mapping=mapping, dropped_rows=[]
    )
    batch.full_clean()
    batch.save()
    audit_record(actor=actor, action="areas.import.upload", target=batch, summary=batch.filename)
    return batch


def _check_pending(batch: ImportBatch) -> None:
    if batch.status != ImportStatus.PENDING:
        raise ValidationError(_("This import has already been confirmed or cancelled."))


@transaction.atomic
def import_set_mapping(*, actor: Any, batch: ImportBatch, mapping: dict[str, str]) -> ImportBatch:
    """Say which column holds what; each key or indicator may come from one column only."""
    _check_pending(batch)
    table = importing.read_table(batch.filename, bytes(batch.content))
    allowed = {target for target, _label in importing.targets(batch.level, selectors.indicator_list())}
    errors, used = [], {}
    for header, target in mapping.items():
        if header not in table.headers:
            errors.append(_("The file has no column headed “%(name)s”.") % {"name": header})
        elif target not in allowed:
            errors.append(_("The column “%(name)s” cannot be used for that.") % {"name": header})
        elif target and target in used:
            errors.append(
                _("The columns “%(first)s” and “%(second)s” are mapped to the same thing.")
                % {"first": used[target], "second": header}
            )
        else:
            used[target] = header
    if errors:
        raise ValidationError({"mapping": errors})
    batch.mapping = {header: mapping.get(header, importing.IGNORE) for header in table.headers}
    batch.dropped_rows = []
    batch.save(update_fields=["mapping", "dropped_rows"])
    audit_record(actor=actor, action="areas.import.mapping", target=batch, data={"mapping": batch.mapping})
    return batch


@transaction.atomic
def import_set_dropped(*, actor: Any, batch: ImportBatch, lines: list[int]) -> ImportBatch:
    """Leave these rows of the file out of the import."""
    _check_pending(batch)
    batch.dropped_rows = sorted({int(line) for line in lines})
    batch.save(update_fields=["dropped_rows"])
    audit_record(actor=actor, action="areas.import.drop", target=batch, data={"rows": len(batch.dropped_rows)})
    return batch


@transaction.atomic
def import_cancel(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Drop a previewed file without importing anything."""
    _check_pending(batch)
    batch.status = ImportStatus.CANCELLED
    batch.content = b""
    batch.save(update_fields=["status", "content"])
    audit_record(actor=actor, action="areas.import.cancel", target=batch, summary=batch.filename)
    return batch


@transaction.atomic
def import_confirm(*, actor: Any, batch: ImportBatch, today: datetime.date | None = None) -> ImportBatch:
    """Import the previewed file in one transaction: every row, or nothing if any row not left out is wrong.

    Figures in the file replace the same unit's figures for that year and indicator; figures the file does not
    give are kept. Department figures also refresh the derived figures of their areas.
    """
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _check_pending(batch)
    indicators = {i.code: i for i in selectors.indicator_list()}
    table = importing.read_table(batch.filename, bytes(batch.content))
    checked = importing.check_table(
        table,
        level=batch.level,
        mapping=batch.mapping,
        indicators=indicators,
        dropped=batch.dropped_rows,
        this_year=(today or datetime.date.today()).year,
    )
    if checked.file_errors:
        raise ValidationError({"file": checked.file_errors})
    if checked.blocking:
        count = len(checked.blocking)
        raise ValidationError(
            ngettext(
                "%(n)s row has errors. Correct the file, or leave the row out.",
                "%(n)s rows have errors. Correct the file, or leave those rows out.",
                count,
            )
            % {"n": count}
        )
    if not checked.rows:
        raise ValidationError(_("There are no figures to import."))
    if batch.level == ImportLevel.DEPARTMENT:
        _write_departments(checked.rows, batch)
    elif batch.level == ImportLevel.AREA:
        _write_areas(checked.rows, batch)
    else:
        _write_references(checked.rows, batch)
    batch.status = ImportStatus.CONFIRMED
    batch.confirmed_at = timezone.now()
    batch.row_count = len(checked.rows)
    batch.figure_count = checked.figure_count
    batch.content = b""
    batch.save(update_fields=["status", "confirmed_at", "row_count", "figure_count", "content"])
    audit_record(
        actor=actor,
        action="areas.import.confirm",
        target=batch,
        summary=batch.filename,
        data={"level": batch.level, "rows": batch.row_count, "figures": batch.figure_count},
    )
    return batch


def _merged(existing: dict[tuple, dict], rows: list[importing.GoodRow]):
    for row in rows:
        yield row.key, row.year, {**existing.get((row.key, row.year), {}), **row.values}


def _write_departments(rows: list[importing.GoodRow], batch: ImportBatch) -> None:
    years = {r.year for r in rows}
    wanted = {(r.key, r.year) for r in rows}
    existing = {
        (d, y): values
        for d, y, values in DepartmentYear.objects.filter(year__in=years).values_list("department_id", "year", "values")
        if (d, y) in wanted
    }
    merged = {(key, year): values for key, year, values in _merged(existing, rows)}
    bulk.upsert(
        DepartmentYear,
        ((key, year, values, batch.pk) for (key, year), values in merged.items()),
        fields=["department", "year", "values", "batch"],
        unique=["department", "year"],
        update=["values", "batch"],
    )
    area_of = dict(Department.objects.values_list("pk", "area_id"))
    derive_area_figures(area_years={(area_of[r.key], r.year) for r in rows}, known=merged)


def _write_areas(rows: list[importing.GoodRow], batch: ImportBatch) -> None:
    years = {r.year for r in rows}
    wanted = {(r.key, r.year) for r in rows}
    existing = {
        (a, y): values
        for a, y, values in AreaYear.objects.filter(year__in=years).values_list("area_id", "year", "values")
        if (a, y) in wanted
    }
    bulk.upsert(
        AreaYear,
        ((key, year, values, {}, batch.pk) for key, year, values in _merged(existing, rows)),
        fields=["area", "year", "values", "derived", "batch"],
        unique=["area", "year"],
        update=["values", "batch"],
    )


def _write_references(rows: list[importing.GoodRow], batch: ImportBatch) -> None:
    scope = ReferenceScope.NATIONAL if batch.level == ImportLevel.NATIONAL else ReferenceScope.MUNICIPALITY
    years = {r.year for r in rows}
    existing = {
        (m, y): values
        for m, y, values in ReferenceYear.objects.filter(scope=scope, year__in=years).values_list(
            "municipality", "year", "values"
        )
    }
    bulk.upsert(
        ReferenceYear,
        ((scope, key, year, values, batch.pk) for key, year, values in _merged(existing, rows)),
        fields=["scope", "municipality", "year", "values", "batch"],
        unique=["scope", "municipality", "year"],
        update=["values", "batch"],
    )


def derive_area_figures(
    *, area_years: set[tuple[int, int]], known: dict[tuple[int, int], Figures] | None = None
) -> int:
    """Recompute the figures of these (area, year)s from their departments: a sum, or an average weighted by
    residents (an estimate). A figure is derived only when every department of the area has it that year.
    `known` holds department figures the caller has at hand by (department, year); the rest are read."""
    if not area_years:
        return 0
    known = known or {}
    aggregations = [(i.code, i.aggregation) for i in selectors.indicator_list() if i.aggregation != Aggregation.NONE]
    area_ids = {a for a, _y in area_years}
    departments_of: dict[int, list[int]] = defaultdict(list)
    for department_id, area_id in Department.objects.values_list("pk", "area_id"):
        if area_id in area_ids:
            departments_of[area_id].append(department_id)
    missing = {(d, year) for area_id, year in area_years for d in departments_of[area_id] if (d, year) not in known}
    found = dict(known)
    if missing:
        ids = sorted({d for d, _y in missing})
        years = {y for _d, y in missing}
        for start in range(0, len(ids), 500):
            rows = DepartmentYear.objects.filter(department_id__in=ids[start : start + 500], year__in=years)
            for department_id, year, values in rows.values_list("department_id", "year", "values"):
                found[(department_id, year)] = values
    written = []
    for area_id, year in area_years:
        departments = [found.get((d, year)) for d in departments_of[area_id]]
        derived: Figures = {}
        if departments and all(d is not None for d in departments):
            residents = [d.get("residents") for d in departments]
            for code, aggregation in aggregations:
                values = [d.get(code) for d in departments]
                if None in values:
                    continue
                if aggregation == Aggregation.SUM:
                    derived[code] = round(sum(values), 3)
                elif None not in residents and all(residents):
                    total = sum(v * r for v, r in zip(values, residents, strict=True))
                    derived[code] = round(total / sum(residents), 3)
        written.append((area_id, year, {}, derived))
    return bulk.upsert(
        AreaYear,
        written,
        fields=["area", "year", "values", "derived"],
        unique=["area", "year"],
        update=["derived"],
    )


# --- Classification -----------------------------------------------------------------------------------------


@dataclass
class ClassifySummary:
    areas: int
    results: int
    flagged: int
    by_category: dict[str, int]


@transaction.atomic
def classify_all(*, actor: Any = None) -> ClassifySummary:
    """Compute every area's legal categories, colour and trend flag for every year, under each year's rules.

    The results are derived data, rebuilt as a whole from the figures and the rules; they are not audited.
    """
    rules = selectors.rulebook()
    points = selectors.points_rules()
    threshold = selectors.small_number_threshold()
    weighted = {i.code for i in selectors.indicator_list() if i.aggregation == Aggregation.WEIGHTED_MEAN}
    municipality_of = dict(HousingArea.objects.values_list("pk", "municipality"))
    figures: dict[int, dict[int, Figures]] = defaultdict(dict)
    estimated: dict[tuple[int, int], bool] = {}
    for area_id, year, values, derived in AreaYear.objects.values_list("area_id", "year", "values", "derived"):
        figures[area_id][year] = {**derived, **values}
        estimated[(area_id, year)] = any(code in weighted and code not in values for code in derived)
    references = {
        (m, y): v
        for m, y, v in ReferenceYear.objects.filter(scope=ReferenceScope.MUNICIPALITY).values_list(
            "municipality", "year", "values"
        )
    }
    codes = [item.code for item in points.items] if points else []
    averages = selectors.municipal_averages(
        ((municipality_of[a], y, f) for a, by_year in figures.items() for y, f in by_year.items()), references, codes
    )
    rows: dict[tuple[int, int], dict] = {}
    scores: dict[tuple[int, int], float] = {}
    colours: dict[tuple[int, int], str] = {}
    for area_id, by_year in figures.items():
        for year, (version, met) in legal_flags(rules, by_year).items():
            row = {
                "residents": by_year[year].get("residents"),
                "rule_version": version.id if version else None,
                "is_vulnerable": LegalCategory.VULNERABLE in met,
                "is_parallel": LegalCategory.PARALLEL in met,
                "is_transformation": LegalCategory.TRANSFORMATION in met,
                "is_prevention": LegalCategory.PREVENTION in met,
                "colour": "",
                "points": None,
                "score": None,
                "trend_flag": False,
                "trend": {},
                "estimated": estimated[(area_id, year)],
            }
            if points and not selectors.is_suppressed(by_year[year], threshold):
                average = averages.get((municipality_of[area_id], year), ({}, set()))[0]
                local = local_points(points, by_year[year], average)
                if local is not None:
                    colour = points.colour(local[0])
                    row.update(colour=colour, points=round(local[0], 2), score=round(local[1], 3))
                    scores[(area_id, year)] = local[1]
                    colours[(area_id, year)] = colour
            rows[(area_id, year)] = row
    if points:
        groups = dict(ComparisonGroupMember.objects.values_list("area_id", "group_id"))
        for key, trend in trends(scores, colours, groups, points.trend_years, points.trend_margin).items():
            rows[key]["trend_flag"] = trend.flag
            rows[key]["trend"] = {
                "from_year": trend.from_year,
                "change": round(trend.change, 3),
                "comparison_change": None if trend.comparison_change is None else round(trend.comparison_change, 3),
                "compared_with": trend.compared_with,
                "basis": trend.basis,
            }
    AreaResult.objects.all().delete()
    fields = ["area", "year", *next(iter(rows.values()), {}).keys()]
    if rows:
        bulk.upsert(
            AreaResult,
            ((area_id, year, *row.values()) for (area_id, year), row in rows.items()),
            fields=fields,
            unique=["area", "year"],
            update=fields[2:],
        )
    by_category = {
        category: sum(1 for row in rows.values() if row[f"is_{category}"]) for category in LegalCategory.values
    }
    return ClassifySummary(
        areas=len(figures),
        results=len(rows),
        flagged=sum(1 for row in rows.values() if row["trend_flag"]),
        by_category=by_category,
    )


# --- Indicators ------------------------------------------------------------------------------------------------


@transaction.atomic
def indicator_create(
    *,
    actor: Any,
    code: str,
    name: str,
    unit: str,
    direction: str,
    aggregation: str = Aggregation.NONE,
    description: str = "",
) -> Indicator:
    """Define an extra indicator; its code is also a column heading the importer recognises."""
    position = (Indicator.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    indicator = Indicator(
        code=code.strip(),
        name=name.strip(),
        unit=unit,
        direction=direction,
        aggregation=aggregation,
        description=description,
        position=position,
    )
    indicator.full_clean()
    indicator.save()
    audit_record(actor=actor, action="areas.indicator.create", target=indicator, summary=indicator.name)
    return indicator


# --- Assessments ------------------------------------------------------------------------------------------------

ASSESSMENT_TEXTS = ("participants", "staff_view", "board_view", "caretaker_view", "conclusion")


@transaction.atomic
def assessment_create(
    *,
    actor: Any,
    area: HousingArea,
    year: int,
    assessed_on: datetime.date,
    conclusion: str,
    participants: str = "",
    staff_view: str = "",
    board_view: str = "",
    caretaker_view: str = "",
) -> Assessment:
    """Record a qualitative assessment of an area: who took part and what staff, boards and caretakers say."""
    assessment = Assessment(
        area=area,
        year=year,
        assessed_on=assessed_on,
        assessed_by=actor if getattr(actor, "is_authenticated", False) else None,
        participants=participants,
        staff_view=staff_view,
        board_view=board_view,
        caretaker_view=caretaker_view,
        conclusion=conclusion,
    )
    errors: dict[str, list[str]] = {}
    for name in ASSESSMENT_TEXTS:
        try:
            validate_no_cpr(getattr(assessment, name))
        except ValidationError as exc:
            errors[name] = exc.messages
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = [_("The assessment cannot be dated in the future.")]
    if year > timezone.localdate().year:
        errors["year"] = [_("The year cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    assessment.full_clean()
    assessment.save()
    audit_record(actor=actor, action="areas.assessment.create", target=assessment, summary=str(area))
    return assessment
