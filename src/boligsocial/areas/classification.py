"""The computations: legal categories under the rules of each year, the local points model, the trend flag.

Pure functions over plain data ({indicator code: number} per unit and year), so the same code serves one area's
page and the national run over every area (`services.classify_all`). Nothing here reads or writes the database.
"""

import math
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from .models import Colour, Direction, LegalCategory, ThresholdKind

Figures = dict[str, float]

OPERATORS = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}

# The categories decided from one year's figures; a transformation area is decided from several years.
YEARLY_CATEGORIES = (LegalCategory.VULNERABLE, LegalCategory.PARALLEL, LegalCategory.PREVENTION)


# --- Legal categories ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    category: str
    kind: str
    code: str | None
    op: str
    value: float


@dataclass(frozen=True)
class RuleVersion:
    id: int
    valid_from_year: int
    name: str
    thresholds: tuple[Threshold, ...]

    def for_category(self, category: str) -> list[Threshold]:
        return [t for t in self.thresholds if t.category == category]

    @cached_property
    def compiled(self) -> dict[str, tuple[list, list, int]]:
        """Per yearly category: (required checks, counted checks, criteria needed), for the national run."""
        result = {}
        for category in YEARLY_CATEGORIES:
            thresholds = self.for_category(category)
            if not thresholds:
                continue
            checks = {ThresholdKind.REQUIRED: [], ThresholdKind.CRITERION: []}
            needed = 0
            for t in thresholds:
                if t.kind in checks:
                    checks[t.kind].append((t.code, OPERATORS[t.op], t.value))
                elif t.kind == ThresholdKind.MIN_CRITERIA:
                    needed = int(t.value)
            result[category] = (checks[ThresholdKind.REQUIRED], checks[ThresholdKind.CRITERION], needed)
        return result

    @cached_property
    def transformation_years(self) -> int | None:
        return next(
            (
                int(t.value)
                for t in self.thresholds
                if t.category == LegalCategory.TRANSFORMATION and t.kind == ThresholdKind.CONSECUTIVE_YEARS
            ),
            None,
        )


@dataclass
class CriterionResult:
    kind: str  # required or criterion
    code: str
    op: str
    threshold: float
    value: float | None
    met: bool


@dataclass
class CategoryResult:
    category: str
    met: bool
    criteria: list[CriterionResult] = field(default_factory=list)
    min_criteria: int | None = None
    criteria_met: int = 0
    missing: list[str] = field(default_factory=list)
    # For a transformation area: each year of the period and whether the area was a parallel society then.
    years: list[tuple[int, bool]] = field(default_factory=list)


@dataclass
class LegalResult:
    year: int
    version: RuleVersion | None
    categories: dict[str, CategoryResult] = field(default_factory=dict)

    def is_(self, category: str) -> bool:
        result = self.categories.get(category)
        return bool(result and result.met)


class RuleBook:
    """The legal rule versions, each in force from its year until the next one."""

    def __init__(self, versions: Iterable[RuleVersion]) -> None:
        self.versions = sorted(versions, key=lambda v: v.valid_from_year)

    @classmethod
    def from_models(cls, versions) -> "RuleBook":
        """From LegalRuleVersion rows with their thresholds prefetched (and thresholds' indicators)."""
        return cls(
            RuleVersion(
                id=v.pk,
                valid_from_year=v.valid_from_year,
                name=v.name,
                thresholds=tuple(
                    Threshold(
                        category=t.category,
                        kind=t.kind,
                        code=t.indicator.code if t.indicator_id else None,
                        op=t.operator,
                        value=float(t.value),
                    )
                    for t in v.thresholds.all()
                ),
            )
            for v in versions
        )

    def version_for(self, year: int) -> RuleVersion | None:
        """The rules in force in `year`, or None before the first version."""
        found = None
        for version in self.versions:
            if version.valid_from_year <= year:
                found = version
        return found


def _evaluate_category(version: RuleVersion, category: str, figures: Figures) -> CategoryResult | None:
    """One category from one year's figures; None if the version does not define it."""
    thresholds = version.for_category(category)
    if not thresholds:
        return None
    result = CategoryResult(category=category, met=False)
    required_ok = True
    for t in thresholds:
        if t.kind == ThresholdKind.MIN_CRITERIA:
            result.min_criteria = int(t.value)
            continue
        if t.kind not in (ThresholdKind.REQUIRED, ThresholdKind.CRITERION):
            continue
        value = figures.get(t.code)
        met = value is not None and OPERATORS[t.op](float(value), t.value)
        if value is None:
            result.missing.append(t.code)
        result.criteria.append(
            CriterionResult(kind=t.kind, code=t.code, op=t.op, threshold=t.value, value=value, met=met)
        )
        if t.kind == ThresholdKind.REQUIRED:
            required_ok = required_ok and met
        elif met:
            result.criteria_met += 1
    result.met = required_ok and result.criteria_met >= (result.min_criteria or 0)
    return result


def legal_year(rules: RuleBook, year: int, figures: Figures) -> LegalResult:
    """The categories decided by one year's figures alone (not the transformation area)."""
    version = rules.version_for(year)
    result = LegalResult(year=year, version=version)
    if version is None:
        return result
    for category in YEARLY_CATEGORIES:
        evaluated = _evaluate_category(version, category, figures)
        if evaluated is not None:
            result.categories[category] = evaluated
    return result


def legal_history(rules: RuleBook, figures_by_year: dict[int, Figures]) -> dict[int, LegalResult]:
    """Every year of one area, with the transformation area decided from the years before it."""
    results = {year: legal_year(rules, year, figures) for year, figures in sorted(figures_by_year.items())}
    for year, result in results.items():
        if result.version is None:
            continue
        years_needed = result.version.transformation_years
        if years_needed is None:
            continue
        period = [
            (y, y in results and results[y].is_(LegalCategory.PARALLEL))
            for y in range(year - years_needed + 1, year + 1)
        ]
        result.categories[LegalCategory.TRANSFORMATION] = CategoryResult(
            category=LegalCategory.TRANSFORMATION, met=all(ok for _, ok in period), years=period
        )
    return results


def legal_flags(rules: RuleBook, figures_by_year: dict[int, Figures]) -> dict[int, tuple[RuleVersion | None, set[str]]]:
    """The same decisions as `legal_history`, without the explanations: for computing every area at once."""
    flags: dict[int, tuple[RuleVersion | None, set[str]]] = {}
    for year, figures in sorted(figures_by_year.items()):
        version = rules.version_for(year)
        met: set[str] = set()
        if version is not None:
            for category, (required, counted, needed) in version.compiled.items():
                ok = True
                for code, compare, threshold in required:
                    value = figures.get(code)
                    if value is None or not compare(value, threshold):
                        ok = False
                        break
                if not ok:
                    continue
                count = 0
                for code, compare, threshold in counted:
                    value = figures.get(code)
                    if value is not None and compare(value, threshold):
                        count += 1
                if count >= needed:
                    met.add(category)
        flags[year] = (version, met)
    for year, (version, met) in flags.items():
        years_needed = version.transformation_years if version else None
        if years_needed and all(
            y in flags and LegalCategory.PARALLEL in flags[y][1] for y in range(year - years_needed + 1, year + 1)
        ):
            met.add(LegalCategory.TRANSFORMATION)
    return flags


# --- Local points model ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PointsItem:
    code: str
    direction: str
    weight: float
    step: float
    max_points: int


@dataclass(frozen=True)
class PointsRules:
    items: tuple[PointsItem, ...]
    red_from: float
    orange_from: float
    yellow_from: float
    trend_years: int
    trend_margin: float

    @classmethod
    def from_model(cls, model) -> "PointsRules":
        """From a PointsModel with its items and their indicators prefetched."""
        return cls(
            items=tuple(
                PointsItem(
                    code=i.indicator.code,
                    direction=i.indicator.direction,
                    weight=float(i.weight),
                    step=float(i.step),
                    max_points=i.max_points,
                )
                for i in model.items.all()
            ),
            red_from=float(model.red_from),
            orange_from=float(model.orange_from),
            yellow_from=float(model.yellow_from),
            trend_years=model.trend_years,
            trend_margin=float(model.trend_margin),
        )

    def colour(self, points: float) -> str:
        if points >= self.red_from:
            return Colour.RED
        if points >= self.orange_from:
            return Colour.ORANGE
        if points >= self.yellow_from:
            return Colour.YELLOW
        return Colour.GREEN


@dataclass
class ItemResult:
    code: str
    value: float | None
    average: float | None
    distance: float | None  # per cent from the average, positive in the worse direction
    points: float
    score: float
    weight: float


@dataclass
class LocalResult:
    colour: str  # empty when the figures are incomplete
    points: float | None
    score: float | None
    items: list[ItemResult]
    missing: list[str]


def local_evaluate(rules: PointsRules, figures: Figures, averages: Figures) -> LocalResult:
    """Points and colour for one unit and year; no colour unless every weighted indicator can be scored."""
    items, missing = [], []
    for item in rules.items:
        value, average = figures.get(item.code), averages.get(item.code)
        if value is None or not average:
            items.append(ItemResult(item.code, value, average, None, 0.0, 0.0, item.weight))
            if item.weight:
                missing.append(item.code)
            continue
        deviation = (float(value) - average) / average * 100
        distance = -deviation if item.direction == Direction.LOWER_IS_WORSE else deviation
        steps = distance / item.step
        points = item.weight * min(max(math.floor(steps + 1e-9), 0), item.max_points)
        score = item.weight * min(max(steps, -item.max_points), item.max_points)
        items.append(ItemResult(item.code, value, average, distance, points, score, item.weight))
    if missing:
        return LocalResult(colour="", points=None, score=None, items=items, missing=missing)
    points = sum(i.points for i in items)
    return LocalResult(
        colour=rules.colour(points), points=points, score=sum(i.score for i in items), items=items, missing=[]
    )


def local_points(rules: PointsRules, figures: Figures, averages: Figures) -> tuple[float, float] | None:
    """(points, score) as `local_evaluate` computes them, or None when the figures are incomplete."""
    points = score = 0.0
    for item in rules.items:
        value, average = figures.get(item.code), averages.get(item.code)
        if value is None or not average:
            if item.weight:
                return None
            continue
        deviation = (value - average) / average * 100
        steps = (-deviation if item.direction == Direction.LOWER_IS_WORSE else deviation) / item.step
        points += item.weight * min(max(math.floor(steps + 1e-9), 0), item.max_points)
        score += item.weight * min(max(steps, -item.max_points), item.max_points)
    return points, score


def weighted_averages(units: Iterable[Figures], codes: Iterable[str]) -> Figures:
    """Averages of `codes` over `units`, weighted by residents: the stand-in for a missing municipal value."""
    totals: dict[str, float] = defaultdict(float)
    weights: dict[str, float] = defaultdict(float)
    codes = list(codes)
    for figures in units:
        residents = figures.get("residents")
        if not residents:
            continue
        for code in codes:
            value = figures.get(code)
            if value is not None:
                totals[code] += float(value) * residents
                weights[code] += residents
    return {code: totals[code] / weights[code] for code in codes if weights[code]}


# --- Trend --------------------------------------------------------------------------------------------------


@dataclass
class TrendResult:
    flag: bool
    change: float
    comparison_change: float | None
    compared_with: int
    basis: str  # "group" or "colour"
    from_year: int


def trends(
    scores: dict[tuple[int, int], float],
    colours: dict[tuple[int, int], str],
    groups: dict[int, int],
    years: int,
    margin: float,
) -> dict[tuple[int, int], TrendResult]:
    """For every (area, year) with a score `years` earlier: flag it when its score rose by at least `margin`
    more than the average rise of comparable areas, i.e. the same comparison group if it has one, else the
    areas that had the same colour at the start of the period."""
    changes: dict[tuple[int, int], float] = {}
    for (area, year), score in scores.items():
        start = scores.get((area, year - years))
        if start is not None:
            changes[(area, year)] = score - start
    sums: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0])
    keys: dict[tuple[int, int], tuple] = {}
    for (area, year), change in changes.items():
        if area in groups:
            key = ("group", groups[area], year)
        else:
            key = ("colour", colours.get((area, year - years), ""), year)
        keys[(area, year)] = key
        sums[key][0] += change
        sums[key][1] += 1
    results = {}
    for (area, year), change in changes.items():
        key = keys[(area, year)]
        total, count = sums[key]
        others = count - 1
        comparison = (total - change) / others if others else None
        flag = comparison is not None and change - comparison >= margin - 1e-9
        results[(area, year)] = TrendResult(
            flag=flag,
            change=change,
            comparison_change=comparison,
            compared_with=others,
            basis=key[0],
            from_year=year - years,
        )
    return results
