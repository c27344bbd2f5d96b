"""The local points model, the trend flag and the national run that stores every area's results."""

import pytest

from boligsocial.areas import selectors, services
from boligsocial.areas.classification import PointsItem, PointsRules, local_evaluate, local_points, trends
from boligsocial.areas.models import AreaResult, AreaYear, ComparisonGroup, ComparisonGroupMember, Direction
from boligsocial.directory.models import HousingArea

pytestmark = pytest.mark.django_db

RULES = PointsRules(
    items=(
        PointsItem("outside_work_education", Direction.HIGHER_IS_WORSE, 1.0, 25.0, 4),
        PointsItem("income", Direction.LOWER_IS_WORSE, 2.0, 10.0, 4),
    ),
    red_from=10,
    orange_from=6,
    yellow_from=3,
    trend_years=2,
    trend_margin=1.0,
)
AVERAGE = {"outside_work_education": 20.0, "income": 100.0}


def test_points_count_steps_from_the_municipal_average_in_the_worse_direction():
    # 30 is 50 % above 20: two steps of 25 %; income 85 is 15 % below: one step of 10 %, weight 2.
    result = local_evaluate(RULES, {"outside_work_education": 30.0, "income": 85.0}, AVERAGE)
    assert [(i.code, i.points) for i in result.items] == [("outside_work_education", 2), ("income", 2)]
    assert result.points == 4 and result.colour == "yellow"
    assert result.items[0].distance == pytest.approx(50.0)
    assert local_points(RULES, {"outside_work_education": 30.0, "income": 85.0}, AVERAGE) == (4, result.score)


def test_better_than_average_gives_no_points_and_points_are_capped():
    good = local_evaluate(RULES, {"outside_work_education": 10.0, "income": 120.0}, AVERAGE)
    assert good.points == 0 and good.colour == "green" and good.score < 0
    worst = local_evaluate(RULES, {"outside_work_education": 100.0, "income": 10.0}, AVERAGE)
    assert worst.points == 4 + 2 * 4 and worst.colour == "red"


@pytest.mark.parametrize(("outside", "colour"), [(24.9, "green"), (35.0, "yellow")])
def test_the_colour_boundaries(outside, colour):
    # income 80 is 20 % below: 2 steps x weight 2 = 4 points; outside 35 is 75 % above: 3 points -> 7: orange
    figures = {"outside_work_education": outside, "income": 100.0}
    rules = PointsRules(RULES.items, red_from=10, orange_from=6, yellow_from=2, trend_years=2, trend_margin=1)
    assert local_evaluate(rules, figures, AVERAGE).colour == colour
    assert (
        local_evaluate(rules, {**figures, "income": 80.0, "outside_work_education": 35.0}, AVERAGE).colour == "orange"
    )


def test_missing_figures_or_averages_give_no_colour():
    assert local_evaluate(RULES, {"income": 85.0}, AVERAGE).colour == ""
    assert local_evaluate(RULES, {"outside_work_education": 30.0, "income": 85.0}, {"income": 100}).missing == [
        "outside_work_education"
    ]
    assert local_points(RULES, {"income": 85.0}, AVERAGE) is None


def test_trend_flags_an_area_rising_more_than_those_of_the_same_colour():
    scores = {(1, 2020): 3.0, (1, 2022): 6.0, (2, 2020): 3.0, (2, 2022): 3.5, (3, 2020): 3.0, (3, 2022): 3.5}
    colours = {(1, 2020): "yellow", (2, 2020): "yellow", (3, 2020): "yellow"}
    result = trends(scores, colours, groups={}, years=2, margin=1.0)
    assert result[(1, 2022)].flag and result[(1, 2022)].comparison_change == pytest.approx(0.5)
    assert result[(1, 2022)].compared_with == 2 and result[(1, 2022)].basis == "colour"
    assert not result[(2, 2022)].flag


def test_trend_compares_within_a_chosen_group_instead_of_the_colour():
    scores = {(1, 2020): 3.0, (1, 2022): 6.0, (2, 2020): 0.0, (2, 2022): 3.0, (3, 2020): 3.0, (3, 2022): 3.0}
    colours = {(1, 2020): "yellow", (2, 2020): "green", (3, 2020): "yellow"}
    by_colour = trends(scores, colours, groups={}, years=2, margin=1.0)
    assert by_colour[(1, 2022)].flag
    # In a group with area 2, which rose just as much, area 1 is not flagged.
    grouped = trends(scores, colours, groups={1: 9, 2: 9}, years=2, margin=1.0)
    assert not grouped[(1, 2022)].flag and grouped[(1, 2022)].basis == "group"


def test_an_area_without_comparables_is_not_flagged():
    result = trends({(1, 2020): 0.0, (1, 2022): 9.0}, {(1, 2020): "green"}, groups={}, years=2, margin=1.0)
    assert not result[(1, 2022)].flag and result[(1, 2022)].comparison_change is None


def _area(name: str, by_year: dict[int, dict], municipality: str = "Testby") -> HousingArea:
    area = HousingArea.objects.create(name=name, municipality=municipality)
    for year, values in by_year.items():
        AreaYear.objects.create(area=area, year=year, values=values)
    return area


def figures(outside: float, **extra) -> dict:
    base = {
        "residents": 2000,
        "outside_work_education": outside,
        "convictions": 1.0,
        "basic_schooling": 30.0,
        "income": 90.0,
        "moving_out": 10.0,
        "non_western": 10.0,
    }
    return {**base, **extra}


def test_classify_all_stores_categories_colours_and_trend_for_every_area_and_year():
    worsening = _area("Stigparken", {2021: figures(20), 2022: figures(30), 2023: figures(40)})
    steady = [_area(f"Jævnparken {i}", {2021: figures(20), 2022: figures(20), 2023: figures(21)}) for i in range(3)]
    hard = _area("Hårdparken", {2023: figures(45, convictions=3.2, non_western=55.0)})
    summary = services.classify_all()
    assert summary.results == 3 + 3 * 3 + 1
    result = AreaResult.objects.get(area=hard, year=2023)
    assert result.is_vulnerable and result.is_parallel and result.is_prevention and not result.is_transformation
    assert result.rule_version.valid_from_year == 2021 and result.residents == 2000

    flagged = AreaResult.objects.get(area=worsening, year=2023)
    assert flagged.trend_flag and flagged.trend["from_year"] == 2021 and flagged.trend["basis"] == "colour"
    assert not AreaResult.objects.get(area=steady[0], year=2023).trend_flag
    assert AreaResult.objects.filter(area=worsening, year=2021, trend_flag=False).exists()
    # No municipal values were imported: the average is that of the municipality's areas, (40 + 3 x 21 + 45) / 5
    # = 29.6, and 40 is 35 % above it: one step of 25 %.
    assert flagged.points == 1 and flagged.colour == "green"
    assert summary.by_category["parallel"] == 1


def test_a_comparison_group_changes_whom_an_area_is_compared_with():
    worsening = _area("Stigparken", {2021: figures(20), 2023: figures(40)})
    also = _area("Følgeparken", {2021: figures(20), 2023: figures(40)})
    for i in range(3):
        _area(f"Jævnparken {i}", {2021: figures(20), 2023: figures(20)})
    services.classify_all()
    assert AreaResult.objects.get(area=worsening, year=2023).trend_flag
    group = ComparisonGroup.objects.create(name="Samme type byggeri")
    ComparisonGroupMember.objects.create(group=group, area=worsening)
    ComparisonGroupMember.objects.create(group=group, area=also)
    services.classify_all()
    result = AreaResult.objects.get(area=worsening, year=2023)
    assert not result.trend_flag and result.trend["basis"] == "group" and result.trend["compared_with"] == 1


def test_areas_with_few_residents_get_no_colour():
    small = _area("Lilleparken", {2023: figures(40, residents=40)})
    services.classify_all()
    assert AreaResult.objects.get(area=small).colour == ""


def test_classify_all_reads_and_writes_in_a_constant_number_of_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(5):
        _area(f"Område {i}", {2021: figures(20 + i), 2022: figures(22 + i)})
    with CaptureQueriesContext(connection) as few:
        services.classify_all()
    for i in range(5, 30):
        _area(f"Område {i}", {2021: figures(20 + i), 2022: figures(22 + i)})
    with CaptureQueriesContext(connection) as many:
        services.classify_all()
    assert len(many.captured_queries) == len(few.captured_queries) <= 16
    assert AreaResult.objects.count() == 60


def test_municipal_reference_values_are_used_when_imported():
    from boligsocial.areas.models import ReferenceYear

    area = _area("Parken", {2023: figures(30)})
    _area("Naboparken", {2023: figures(30)})
    services.classify_all()
    # Both areas are the municipal average of themselves: no points.
    assert AreaResult.objects.get(area=area).points == 0
    ReferenceYear.objects.create(
        scope="municipality",
        municipality="Testby",
        year=2023,
        values={
            "outside_work_education": 15.0,
            "convictions": 1.0,
            "basic_schooling": 30.0,
            "income": 90.0,
            "moving_out": 10.0,
        },
    )
    services.classify_all()
    # 30 is 100 % above 15: four steps of 25 %.
    assert AreaResult.objects.get(area=area).points == 4
    assert selectors.points_rules() is not None
