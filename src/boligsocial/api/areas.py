"""Key figures, legal area categories and the quarterly follow-up list (read only).

The same permissions as the pages (areas.selectors): administrators and statistics editors read every area;
others the areas of the plans their organisation takes part in and where it owns a department. Figures based on
fewer residents than the small-number threshold come back as `null` with `suppressed: true`."""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from boligsocial.areas import selectors

from .schemas import READ_ERRORS, Ref

router = Router(tags=["key figures"])


class FigureOut(Schema):
    indicator: str
    value: float | None
    suppressed: bool = False
    estimated: bool = False


class YearFiguresOut(Schema):
    year: int
    figures: list[FigureOut]


class CriterionOut(Schema):
    indicator: str
    comparison: str
    threshold: float
    value: float | None
    met: bool
    required: bool


class CategoryOut(Schema):
    category: str
    met: bool
    criteria: list[CriterionOut]
    criteria_met: int
    criteria_needed: int | None
    parallel_society_years: dict[int, bool] = {}


class LegalYearOut(Schema):
    year: int
    rules_in_force_from: int | None
    categories: list[CategoryOut]


class ResultOut(Schema):
    year: int
    residents: int | None
    vulnerable: bool
    parallel: bool
    transformation: bool
    prevention: bool
    colour: str
    points: float | None
    trend_flag: bool
    estimated: bool


class AreaSummaryOut(Schema):
    id: int
    name: str
    municipality: str
    latest: ResultOut | None


class AreaFiguresOut(Schema):
    id: int
    name: str
    municipality: str
    years: list[YearFiguresOut]
    legal: list[LegalYearOut]
    results: list[ResultOut]


class DepartmentFiguresOut(Schema):
    id: int
    code: str
    name: str
    area: Ref
    years: list[YearFiguresOut]


class FollowUpOut(Schema):
    area: Ref
    municipality: str
    year: int
    colour: str
    trend_flag: bool
    last_assessed_on: datetime.date | None
    due: list[str]
    overdue: bool


def _result(r) -> dict:
    return {
        "year": r.year,
        "residents": r.residents,
        "vulnerable": r.is_vulnerable,
        "parallel": r.is_parallel,
        "transformation": r.is_transformation,
        "prevention": r.is_prevention,
        "colour": r.colour,
        "points": None if r.points is None else float(r.points),
        "trend_flag": r.trend_flag,
        "estimated": r.estimated,
    }


def _years(figures, suppressed, estimated=None) -> list[dict]:
    years = []
    for year, values in figures.items():
        items = [
            {"indicator": code, "value": value, "estimated": code in (estimated or {}).get(year, set())}
            for code, value in sorted(values.items())
        ]
        items += [{"indicator": code, "value": None, "suppressed": True} for code in sorted(suppressed[year])]
        years.append({"year": year, "figures": items})
    return years


@router.get("/key-figures/areas", response={200: list[AreaSummaryOut], **READ_ERRORS})
def key_figure_area_list(request: HttpRequest):
    """Readable housing areas with their latest computed result (legal categories, colour, trend flag)."""
    return [
        {
            "id": row.area.pk,
            "name": row.area.name,
            "municipality": row.area.municipality,
            "latest": _result(row.result) if row.result else None,
        }
        for row in selectors.area_list(user=request.auth)
    ]


@router.get("/key-figures/areas/{area_id}", response={200: AreaFiguresOut, **READ_ERRORS})
def key_figure_area_read(request: HttpRequest, area_id: int):
    """An area's figures by year, its legal categories per year with each criterion and value, and its results."""
    area = selectors.area_get_for_user(user=request.auth, area_id=area_id)
    data = selectors.area_figures(area=area)
    legal = [
        {
            "year": result.year,
            "rules_in_force_from": result.version.valid_from_year if result.version else None,
            "categories": [
                {
                    "category": category,
                    "met": c.met,
                    "criteria": [
                        {
                            "indicator": cr.code,
                            "comparison": cr.op,
                            "threshold": cr.threshold,
                            "value": cr.value,
                            "met": cr.met,
                            "required": cr.kind == "required",
                        }
                        for cr in c.criteria
                    ],
                    "criteria_met": c.criteria_met,
                    "criteria_needed": c.min_criteria,
                    "parallel_society_years": dict(c.years),
                }
                for category, c in result.categories.items()
            ],
        }
        for result in data.legal
    ]
    return {
        "id": area.pk,
        "name": area.name,
        "municipality": area.municipality,
        "years": _years(data.figures, data.suppressed, data.estimated),
        "legal": legal,
        "results": [_result(r) for r in data.results],
    }


@router.get("/key-figures/departments/{department_id}", response={200: DepartmentFiguresOut, **READ_ERRORS})
def key_figure_department_read(request: HttpRequest, department_id: int):
    """A department's figures by year (small numbers suppressed)."""
    department = selectors.department_get_for_user(user=request.auth, department_id=department_id)
    figures, suppressed = selectors.department_figures(department=department)
    return {
        "id": department.pk,
        "code": department.code,
        "name": department.name,
        "area": department.area,
        "years": _years(figures, suppressed),
    }


@router.get("/key-figures/follow-up", response={200: list[FollowUpOut], **READ_ERRORS})
def key_figure_follow_up(request: HttpRequest):
    """The quarterly follow-up list: areas in red, orange or yellow, their last assessment and what is due."""
    return [
        {
            "area": row.area,
            "municipality": row.area.municipality,
            "year": row.result.year,
            "colour": row.result.colour,
            "trend_flag": row.result.trend_flag,
            "last_assessed_on": row.last_assessed_on,
            "due": row.due,
            "overdue": row.overdue,
        }
        for row in selectors.follow_up_list(user=request.auth)
    ]
