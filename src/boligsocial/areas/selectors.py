"""Reads of key figures, categories and assessments. Every permission on areas is decided here.

Who may read: administrators and statistics editors read every area; any other signed-in user reads the areas
covered by a plan in which someone from their organisation is a member, and the areas where their organisation
owns a department. Reading an area includes its departments. Who may import and configure: administrators and
statistics editors (the permission `areas.import_figures`, given by the group "Statistikredaktører").
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from boligsocial.accounts.selectors import user_is_admin
from boligsocial.directory.models import Department, HousingArea, Person
from boligsocial.plans.models import Membership

from . import charts, importing
from .classification import (
    Figures,
    LegalResult,
    LocalResult,
    PointsItem,
    PointsRules,
    RuleBook,
    RuleVersion,
    Threshold,
    legal_history,
    local_evaluate,
    weighted_averages,
)
from .models import (
    FOLLOW_UP_COLOURS,
    AreaResult,
    AreaYear,
    Assessment,
    Colour,
    DepartmentYear,
    ImportBatch,
    Indicator,
    LegalCategory,
    LegalRuleVersion,
    LegalThreshold,
    Operator,
    PointsModel,
    PointsModelIndicator,
    ReferenceScope,
    ReferenceYear,
    Unit,
)

RESIDENTS = "residents"

# --- Permissions ----------------------------------------------------------------------------------------------


def areas_can_import(*, user: Any) -> bool:
    """Administrators and statistics editors import figures, define indicators and recompute categories."""
    return bool(user.is_authenticated and (user_is_admin(user=user) or user.has_perm("areas.import_figures")))


def areas_check_can_import(*, user: Any) -> None:
    """Raise PermissionDenied unless `user` may import figures."""
    if not areas_can_import(user=user):
        raise PermissionDenied(_("Only an administrator or a statistics editor can import key figures."))


def area_queryset_for_user(*, user: Any) -> QuerySet[HousingArea]:
    """The housing areas `user` may read key figures and categories for."""
    if not user.is_authenticated:
        return HousingArea.objects.none()
    if areas_can_import(user=user):
        return HousingArea.objects.all()
    organisations = Person.objects.filter(user=user).values("organisation_id")
    readable = HousingArea.objects.filter(
        Q(plans__memberships__person__organisation__in=organisations)
        | Q(departments__housing_organisation__in=organisations)
    ).values("pk")
    return HousingArea.objects.filter(pk__in=readable)


def area_get_for_user(*, user: Any, area_id: int) -> HousingArea:
    """One readable area with its departments, or 404."""
    departments = Department.objects.select_related("housing_organisation").order_by("code", "name")
    area = (
        area_queryset_for_user(user=user)
        .prefetch_related(Prefetch("departments", queryset=departments))
        .filter(pk=area_id)
        .first()
    )
    if area is None:
        raise Http404(_("No such housing area, or you do not have access to its key figures."))
    return area


def department_get_for_user(*, user: Any, department_id: int) -> Department:
    """One department in a readable area, or 404."""
    department = (
        Department.objects.select_related("area", "housing_organisation")
        .filter(pk=department_id, area__in=area_queryset_for_user(user=user))
        .first()
    )
    if department is None:
        raise Http404(_("No such department, or you do not have access to its key figures."))
    return department


def assessment_can_record(*, user: Any, area: HousingArea) -> bool:
    """Administrators, statistics editors and the coordinators of a plan covering the area record assessments."""
    if areas_can_import(user=user):
        return True
    return bool(
        user.is_authenticated
        and Membership.objects.filter(plan__areas=area, person__user=user, is_coordinator=True).exists()
    )


def assessment_check_can_record(*, user: Any, area: HousingArea) -> None:
    """Raise PermissionDenied unless `user` may record an assessment of `area`."""
    if not assessment_can_record(user=user, area=area):
        raise PermissionDenied(
            _("Only a statistics editor, an administrator or the coordinator of the area's plan can do this.")
        )


# --- Configuration ------------------------------------------------------------------------------------------


def indicator_list() -> list[Indicator]:
    """Every indicator, built-in first, in display order."""
    return list(Indicator.objects.order_by("position", "name"))


def rulebook() -> RuleBook:
    """The legal rule versions with their thresholds, in one query."""
    rows = LegalThreshold.objects.order_by("version__valid_from_year", "position", "id").values_list(
        "version_id",
        "version__valid_from_year",
        "version__name",
        "category",
        "kind",
        "indicator__code",
        "operator",
        "value",
    )
    versions: dict[int, tuple[int, str, list[Threshold]]] = {}
    for version_id, year, name, category, kind, code, op, value in rows:
        versions.setdefault(version_id, (year, name, []))[2].append(Threshold(category, kind, code, op, float(value)))
    return RuleBook(
        RuleVersion(id=pk, valid_from_year=year, name=name, thresholds=tuple(thresholds))
        for pk, (year, name, thresholds) in versions.items()
    )


def rule_versions() -> QuerySet[LegalRuleVersion]:
    """The legal rule versions with their thresholds, for showing the rules."""
    thresholds = LegalThreshold.objects.select_related("indicator").order_by("category", "position", "id")
    return LegalRuleVersion.objects.prefetch_related(Prefetch("thresholds", queryset=thresholds))


def points_model_active() -> PointsModel | None:
    """The active points model with its indicators."""
    items = PointsModelIndicator.objects.select_related("indicator")
    return PointsModel.objects.filter(is_active=True).prefetch_related(Prefetch("items", queryset=items)).first()


def points_rules() -> PointsRules | None:
    """The active points model as rules for the computation (one query), or None if there is none."""
    rows = list(
        PointsModelIndicator.objects.filter(model__is_active=True)
        .order_by("id")
        .values_list(
            "indicator__code",
            "indicator__direction",
            "weight",
            "step",
            "max_points",
            "model__red_from",
            "model__orange_from",
            "model__yellow_from",
            "model__trend_years",
            "model__trend_margin",
        )
    )
    if not rows:
        model = PointsModel.objects.filter(is_active=True).first()
        return PointsRules.from_model(model) if model else None
    *_item, red, orange, yellow, years, margin = rows[0]
    return PointsRules(
        items=tuple(
            PointsItem(code=c, direction=d, weight=float(w), step=float(st), max_points=m)
            for c, d, w, st, m, *_model in rows
        ),
        red_from=float(red),
        orange_from=float(orange),
        yellow_from=float(yellow),
        trend_years=years,
        trend_margin=float(margin),
    )


def small_number_threshold() -> int:
    """Figures of a unit with fewer residents than this are suppressed."""
    return int(getattr(settings, "AREAS_SMALL_NUMBER_THRESHOLD", 50))


def is_suppressed(figures: Figures, threshold: int | None = None) -> bool:
    """Whether a unit-year's figures (other than the residents) must be hidden: too few or unknown residents."""
    residents = figures.get(RESIDENTS)
    return residents is None or residents < (threshold if threshold is not None else small_number_threshold())


# --- Shared by the pages and the national run -----------------------------------------------------------------


def municipal_averages(
    units: Iterable[tuple[str, int, Figures]],
    references: dict[tuple[str, int], Figures],
    codes: Iterable[str],
) -> dict[tuple[str, int], tuple[Figures, set[str]]]:
    """The average per municipality and year for `codes`: the imported municipal value, else the average of
    the municipality's areas weighted by residents; with the codes that had to be computed."""
    codes = list(codes)
    by_key: dict[tuple[str, int], list[Figures]] = defaultdict(list)
    for municipality, year, figures in units:
        by_key[(municipality, year)].append(figures)
    result = {}
    for key in set(by_key) | set(references):
        reference = references.get(key, {})
        missing = [c for c in codes if reference.get(c) is None]
        computed = weighted_averages(by_key.get(key, []), missing) if missing else {}
        averages = {c: reference[c] for c in codes if reference.get(c) is not None}
        averages.update(computed)
        result[key] = (averages, set(computed))
    return result


def references_with_national(municipality: str) -> tuple[dict[tuple[str, int], Figures], dict[int, Figures]]:
    """The municipality's values by (municipality, year) and the national values by year, in one query."""
    rows = ReferenceYear.objects.filter(
        Q(scope=ReferenceScope.NATIONAL) | Q(scope=ReferenceScope.MUNICIPALITY, municipality=municipality)
    ).values_list("scope", "municipality", "year", "values")
    municipal, national = {}, {}
    for scope, name, year, values in rows:
        if scope == ReferenceScope.NATIONAL:
            national[year] = values
        else:
            municipal[(name, year)] = values
    return municipal, national


# --- Pages -----------------------------------------------------------------------------------------------------


@dataclass
class SeriesRow:
    year: int
    value: float | None
    suppressed: bool
    estimated: bool
    municipal: float | None
    national: float | None
    text: str = ""
    municipal_text: str = ""
    national_text: str = ""


@dataclass
class IndicatorSeries:
    indicator: Indicator
    rows: list[SeriesRow]
    chart: str


@dataclass
class LocalItem:
    label: str
    value: str
    average: str
    computed_average: bool
    distance: str
    points: str


@dataclass
class LocalYear:
    year: int
    result: LocalResult
    items: list[LocalItem]


@dataclass
class CriterionLine:
    met: bool
    text: str  # "Residents 18-64 outside work … over 40 %"
    value: str  # the area's value, or "" when there is no figure
    required: bool


@dataclass
class CategoryView:
    category: str
    label: str
    met: bool
    criteria: list[CriterionLine]
    criteria_met: int
    min_criteria: int | None
    years: list[tuple[int, bool]]


@dataclass
class LegalYear:
    year: int
    version: Any
    categories: list[CategoryView]

    @property
    def met(self) -> list[CategoryView]:
        return [c for c in self.categories if c.met]


def _legal_years(results: list[LegalResult], indicators: dict[str, Indicator]) -> list[LegalYear]:
    """The legal results as lines to show: each criterion with its threshold and the area's value."""
    years = []
    labels = {code: str(i.label) for code, i in indicators.items()}
    operators = {op: str(label) for op, label in Operator.choices}
    categories = {c: str(label) for c, label in LegalCategory.choices}
    for result in results:
        views = []
        for category, c in result.categories.items():
            lines = []
            for cr in c.criteria:
                indicator = indicators.get(cr.code)
                unit = indicator.unit if indicator else Unit.NUMBER
                label = labels.get(cr.code, cr.code)
                lines.append(
                    CriterionLine(
                        met=cr.met,
                        text=f"{label} {operators[cr.op]} {charts.format_value(cr.threshold, unit)}",
                        value="" if cr.value is None else charts.format_value(cr.value, unit),
                        required=cr.kind == "required",
                    )
                )
            views.append(
                CategoryView(
                    category=category,
                    label=categories[category],
                    met=c.met,
                    criteria=lines,
                    criteria_met=c.criteria_met,
                    min_criteria=c.min_criteria,
                    years=c.years,
                )
            )
        years.append(LegalYear(year=result.year, version=result.version, categories=views))
    return years


def _local_items(result: LocalResult, computed: set[str], indicators: dict[str, Indicator]) -> list[LocalItem]:
    items = []
    for i in result.items:
        indicator = indicators[i.code]
        items.append(
            LocalItem(
                label=indicator.label,
                value=charts.format_value(i.value, indicator.unit),
                average=charts.format_value(i.average, indicator.unit),
                computed_average=i.code in computed,
                distance="–" if i.distance is None else f"{charts.format_value(i.distance, Unit.NUMBER)} %",
                points=charts.format_value(i.points, Unit.NUMBER),
            )
        )
    return items


@dataclass
class UnitPage:
    years: list[int]
    series: list[IndicatorSeries]
    local: list[LocalYear]
    indicators: dict[str, Indicator]
    threshold: int
    suppressed_years: list[int]
    legal: list[LegalYear] = field(default_factory=list)


def _series(
    *,
    indicators: list[Indicator],
    figures: dict[int, Figures],
    estimated: dict[int, set[str]],
    municipal: dict[int, Figures],
    national: dict[int, Figures],
    threshold: int,
    municipality: str,
) -> list[IndicatorSeries]:
    years = sorted(figures)
    result = []
    for indicator in indicators:
        code = indicator.code
        rows = []
        for year in years:
            suppressed = code != RESIDENTS and is_suppressed(figures[year], threshold)
            value = None if suppressed else figures[year].get(code)
            rows.append(
                SeriesRow(
                    year=year,
                    value=value,
                    suppressed=suppressed and figures[year].get(code) is not None,
                    estimated=code in estimated.get(year, set()),
                    municipal=municipal.get(year, {}).get(code),
                    national=national.get(year, {}).get(code),
                    text=charts.format_value(value, indicator.unit),
                    municipal_text=charts.format_value(municipal.get(year, {}).get(code), indicator.unit),
                    national_text=charts.format_value(national.get(year, {}).get(code), indicator.unit),
                )
            )
        if not any(r.value is not None or r.suppressed for r in rows):
            continue
        chart = charts.line_chart(
            title=str(indicator.label),
            unit=indicator.unit,
            years=years,
            series=[
                charts.Series(_("This unit"), {r.year: r.value for r in rows}, "unit"),
                charts.Series(
                    _("Municipality (%(name)s)") % {"name": municipality},
                    {r.year: r.municipal for r in rows},
                    "municipal",
                ),
                charts.Series(_("Whole country"), {r.year: r.national for r in rows}, "national"),
            ],
        )
        result.append(IndicatorSeries(indicator=indicator, rows=rows, chart=chart))
    return result


def _unit_page(
    *,
    figures: dict[int, Figures],
    estimated: dict[int, set[str]],
    municipality: str,
    averages: dict[tuple[str, int], tuple[Figures, set[str]]],
    references: dict[tuple[str, int], Figures],
    national: dict[int, Figures],
    rules: PointsRules | None,
) -> UnitPage:
    indicators = indicator_list()
    by_code = {i.code: i for i in indicators}
    threshold = small_number_threshold()
    municipal = {year: values for (name, year), values in references.items() if name == municipality}
    local = []
    for year in sorted(figures, reverse=True):
        if rules is None or is_suppressed(figures[year], threshold):
            continue
        average, computed = averages.get((municipality, year), ({}, set()))
        result = local_evaluate(rules, figures[year], average)
        local.append(LocalYear(year, result, _local_items(result, computed, by_code)))
    return UnitPage(
        years=sorted(figures),
        series=_series(
            indicators=indicators,
            figures=figures,
            estimated=estimated,
            municipal=municipal,
            national=national,
            threshold=threshold,
            municipality=municipality,
        ),
        local=local,
        indicators=by_code,
        threshold=threshold,
        suppressed_years=[y for y in sorted(figures) if is_suppressed(figures[y], threshold)],
    )


def _municipality_units(municipality: str) -> list[tuple[int, int, Figures, set[str]]]:
    """(area id, year, figures, codes derived from departments) for every area of the municipality."""
    rows = AreaYear.objects.filter(area__municipality=municipality).values_list("area_id", "year", "values", "derived")
    return [
        (area_id, year, {**derived, **values}, set(derived) - set(values)) for area_id, year, values, derived in rows
    ]


@dataclass
class DepartmentRow:
    department: Department
    year: int | None
    colour: str
    suppressed: bool


@dataclass
class AreaPage:
    area: HousingArea
    page: UnitPage
    results: list[AreaResult]
    latest: AreaResult | None
    departments: list[DepartmentRow]
    assessments: list[Assessment]
    can_record: bool


def area_page(*, user: Any, area: HousingArea) -> AreaPage:
    """Everything the area page shows: figures over the years, legal categories with their criteria, colours,
    trend, the departments' colours and the assessments. A fixed number of queries."""
    units = _municipality_units(area.municipality)
    figures = {year: values for area_id, year, values, _d in units if area_id == area.pk}
    estimated = {year: derived for area_id, year, _v, derived in units if area_id == area.pk}
    rules = points_rules()
    codes = [i.code for i in rules.items] if rules else []
    references, national = references_with_national(area.municipality)
    averages = municipal_averages(((area.municipality, y, f) for _a, y, f, _d in units), references, codes)
    page = _unit_page(
        figures=figures,
        estimated=estimated,
        municipality=area.municipality,
        averages=averages,
        references=references,
        national=national,
        rules=rules,
    )
    history = [r for _, r in sorted(legal_history(rulebook(), figures).items(), reverse=True)]
    page.legal = _legal_years(history, page.indicators)
    results = list(AreaResult.objects.filter(area=area).select_related("rule_version").order_by("-year"))
    departments = list(area.departments.all())
    dept_rows = DepartmentYear.objects.filter(department__in=departments).only("department_id", "year", "values")
    latest_by_dept: dict[int, DepartmentYear] = {}
    for row in dept_rows:
        if row.department_id not in latest_by_dept or row.year > latest_by_dept[row.department_id].year:
            latest_by_dept[row.department_id] = row
    rows = []
    for department in departments:
        latest = latest_by_dept.get(department.pk)
        colour, suppressed = "", False
        if latest is not None:
            suppressed = is_suppressed(latest.values, page.threshold)
            if rules and not suppressed:
                average = averages.get((area.municipality, latest.year), ({}, set()))[0]
                colour = local_evaluate(rules, latest.values, average).colour
        rows.append(DepartmentRow(department, latest.year if latest else None, colour, suppressed))
    assessments = list(Assessment.objects.filter(area=area).select_related("assessed_by"))
    return AreaPage(
        area=area,
        page=page,
        results=results,
        latest=results[0] if results else None,
        departments=rows,
        assessments=assessments,
        can_record=assessment_can_record(user=user, area=area),
    )


def department_page(*, department: Department) -> UnitPage:
    """The department's figures over the years beside the municipal and national values, and its colours."""
    rows = DepartmentYear.objects.filter(department=department)
    figures = {r.year: r.values for r in rows}
    rules = points_rules()
    codes = [i.code for i in rules.items] if rules else []
    municipality = department.area.municipality
    references, national = references_with_national(municipality)
    units = ((municipality, y, f) for _a, y, f, _d in _municipality_units(municipality))
    averages = municipal_averages(units, references, codes)
    return _unit_page(
        figures=figures,
        estimated={},
        municipality=municipality,
        averages=averages,
        references=references,
        national=national,
        rules=rules,
    )


@dataclass
class AreaListRow:
    area: HousingArea
    result: AreaResult | None


def area_list(*, user: Any, year: int | None = None, category: str = "", colour: str = "") -> list[AreaListRow]:
    """Readable areas with their result for `year` (default: each area's latest), optionally filtered."""
    areas = area_queryset_for_user(user=user).order_by("municipality", "name")
    results = AreaResult.objects.filter(area__in=areas)
    if year:
        results = results.filter(year=year)
    else:
        latest = AreaResult.objects.filter(area=OuterRef("area")).order_by("-year").values("year")[:1]
        results = results.filter(year=Subquery(latest))
    if category in LegalCategory.values:
        results = results.filter(**{f"is_{category}": True})
    if colour in Colour.values:
        results = results.filter(colour=colour)
    by_area = {r.area_id: r for r in results}
    if category or colour:
        areas = areas.filter(pk__in=list(by_area))
    return [AreaListRow(area, by_area.get(area.pk)) for area in areas]


def result_years() -> list[int]:
    """The years that have computed results, newest first."""
    return list(AreaResult.objects.order_by("-year").values_list("year", flat=True).distinct())


@dataclass
class AreaFigures:
    area: HousingArea
    figures: dict[int, Figures]  # suppressed figures removed
    suppressed: dict[int, set[str]]
    estimated: dict[int, set[str]]
    legal: list[LegalResult]
    results: list[AreaResult]


def area_figures(*, area: HousingArea) -> AreaFigures:
    """The area's figures by year with small numbers removed, its legal results with criteria, and the computed
    results: what the API gives. The legal results use the unsuppressed figures (areas of 1,000+ residents)."""
    own = {r.year: r for r in AreaYear.objects.filter(area=area)}
    threshold = small_number_threshold()
    figures, suppressed, estimated, complete = {}, {}, {}, {}
    for year, row in sorted(own.items()):
        values, derived = row.effective()
        complete[year] = values
        estimated[year] = derived
        if is_suppressed(values, threshold):
            figures[year] = {k: v for k, v in values.items() if k == RESIDENTS}
            suppressed[year] = set(values) - {RESIDENTS}
        else:
            figures[year], suppressed[year] = dict(values), set()
    legal = [r for _, r in sorted(legal_history(rulebook(), complete).items())]
    results = list(AreaResult.objects.filter(area=area).order_by("year"))
    return AreaFigures(area, figures, suppressed, estimated, legal, results)


def department_figures(*, department: Department) -> tuple[dict[int, Figures], dict[int, set[str]]]:
    """The department's figures by year with small numbers removed, and which were removed."""
    threshold = small_number_threshold()
    figures, suppressed = {}, {}
    for row in DepartmentYear.objects.filter(department=department).order_by("year"):
        if is_suppressed(row.values, threshold):
            figures[row.year] = {k: v for k, v in row.values.items() if k == RESIDENTS}
            suppressed[row.year] = set(row.values) - {RESIDENTS}
        else:
            figures[row.year], suppressed[row.year] = dict(row.values), set()
    return figures, suppressed


# --- Follow-up list -----------------------------------------------------------------------------------------


def quarter_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the quarter `day` is in."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = datetime.date(day.year, first_month, 1)
    end_month = first_month + 2
    next_start = datetime.date(day.year + (end_month == 12), end_month % 12 + 1, 1)
    return start, next_start - datetime.timedelta(days=1)


@dataclass
class FollowUpRow:
    area: HousingArea
    result: AreaResult
    last_assessed_on: datetime.date | None
    due: list[str]
    overdue: bool


COLOUR_ORDER = {Colour.RED: 0, Colour.ORANGE: 1, Colour.YELLOW: 2, Colour.GREEN: 3}


def follow_up_list(*, user: Any, today: datetime.date | None = None) -> list[FollowUpRow]:
    """Every readable area whose latest colour is red, orange or yellow, with its last assessment and what is
    due: the quarterly follow-up, and a qualitative assessment where the trend flag is up. Three queries."""
    today = today or datetime.date.today()
    quarter_start, quarter_end = quarter_bounds(today)
    previous_start = quarter_bounds(quarter_start - datetime.timedelta(days=1))[0]
    latest = AreaResult.objects.filter(area=OuterRef("area")).exclude(colour="").order_by("-year").values("year")[:1]
    last_on = Assessment.objects.filter(area=OuterRef("area")).order_by().values("area")
    results = (
        AreaResult.objects.filter(area__in=area_queryset_for_user(user=user), colour__in=FOLLOW_UP_COLOURS)
        .filter(year=Subquery(latest))
        .select_related("area")
        .annotate(
            last_assessed_on=Subquery(last_on.annotate(m=Max("assessed_on")).values("m")[:1]),
            last_assessed_year=Subquery(last_on.annotate(m=Max("year")).values("m")[:1]),
        )
    )
    rows = []
    for result in results:
        due, overdue = [], False
        last = result.last_assessed_on
        if last is None:
            due.append(_("First follow-up this quarter, by %(date)s.") % {"date": _date(quarter_end)})
        elif last < quarter_start:
            due.append(_("Quarterly follow-up by %(date)s.") % {"date": _date(quarter_end)})
            overdue = last < previous_start
        else:
            next_end = quarter_bounds(quarter_end + datetime.timedelta(days=1))[1]
            due.append(_("Followed up this quarter; next by %(date)s.") % {"date": _date(next_end)})
        if result.trend_flag and (result.last_assessed_year or 0) < result.year:
            due.append(
                _("Qualitative assessment: the figures develop worse than comparable areas (%(year)s).")
                % {"year": result.year}
            )
        rows.append(FollowUpRow(result.area, result, last, due, overdue))
    rows.sort(key=lambda r: (COLOUR_ORDER[r.result.colour], not r.overdue, r.area.municipality, r.area.name))
    return rows


def _date(day: datetime.date) -> str:
    from django.utils.formats import date_format

    return date_format(day, "j. F Y")


# --- Imports ----------------------------------------------------------------------------------------------------


def import_batch_get_for_user(*, user: Any, batch_id: int) -> ImportBatch:
    """An import the user uploaded (administrators: any), or 404."""
    areas_check_can_import(user=user)
    batches = ImportBatch.objects.all() if user_is_admin(user=user) else ImportBatch.objects.filter(uploaded_by=user)
    batch = batches.filter(pk=batch_id).first()
    if batch is None:
        raise Http404(_("No such import."))
    return batch


def import_list_for_user(*, user: Any) -> QuerySet[ImportBatch]:
    """The latest imports, for import pages."""
    areas_check_can_import(user=user)
    return ImportBatch.objects.select_related("uploaded_by").defer("content").order_by("-created_at")[:20]


@dataclass
class Preview:
    batch: ImportBatch
    checked: importing.Checked
    existing: int
    indicators: dict[str, Indicator]
    choices: list[tuple[str, str]]


def import_preview(*, batch: ImportBatch) -> Preview:
    """The batch's file checked row by row under its mapping, and how many unit-years already have figures."""
    indicators = {i.code: i for i in indicator_list()}
    table = importing.read_table(batch.filename, bytes(batch.content))
    checked = importing.check_table(
        table, level=batch.level, mapping=batch.mapping, indicators=indicators, dropped=batch.dropped_rows
    )
    return Preview(
        batch=batch,
        checked=checked,
        existing=existing_count(level=batch.level, rows=checked.rows),
        indicators=indicators,
        choices=importing.targets(batch.level, indicators.values()),
    )


def existing_count(*, level: str, rows: list[importing.GoodRow]) -> int:
    """How many of the rows' unit-years already have figures (their imported values will be replaced)."""
    if not rows:
        return 0
    years = {r.year for r in rows}
    wanted = {(r.key, r.year) for r in rows}
    if level == "department":
        have = DepartmentYear.objects.filter(year__in=years).values_list("department_id", "year")
    elif level == "area":
        have = AreaYear.objects.filter(year__in=years).exclude(values={}).values_list("area_id", "year")
    else:
        scope = ReferenceScope.NATIONAL if level == "national" else ReferenceScope.MUNICIPALITY
        have = ReferenceYear.objects.filter(scope=scope, year__in=years).values_list("municipality", "year")
    return sum(1 for key in have.iterator(chunk_size=5000) if tuple(key) in wanted)


# --- Export -----------------------------------------------------------------------------------------------------


def area_export_rows(*, area: HousingArea) -> tuple[list[str], list[list[str]]]:
    """The area's figures and its departments' as a table for CSV, with small numbers suppressed."""
    indicators = indicator_list()
    threshold = small_number_threshold()
    header = [_("Unit"), _("Year")] + [str(i.label) for i in indicators]
    body: list[list[str]] = []

    def line(label: str, year: int, figures: Figures) -> list[str]:
        hidden = is_suppressed(figures, threshold)
        cells = [label, str(year)]
        for indicator in indicators:
            value = figures.get(indicator.code)
            if value is None:
                cells.append("")
            elif hidden and indicator.code != RESIDENTS:
                cells.append(_("suppressed"))
            else:
                cells.append(str(value).replace(".", ","))
        return cells

    for row in AreaYear.objects.filter(area=area).order_by("year"):
        body.append(line(area.name, row.year, row.effective()[0]))
    departments = DepartmentYear.objects.filter(department__area=area).select_related("department")
    for row in departments.order_by("department__code", "department__name", "year"):
        body.append(line(f"{row.department.code} {row.department.name}".strip(), row.year, row.values))
    return header, body
