"""The quarterly follow-up list: which areas, their last assessment, and what is due."""

import datetime

import pytest

from boligsocial.areas import selectors
from boligsocial.areas.models import AreaResult, Assessment
from boligsocial.directory.models import HousingArea
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 5, 20)  # second quarter: 1 April - 30 June


@pytest.fixture
def reader():
    return factories.user(username="læser", is_staff=True)


def area_with(name: str, colours: dict[int, str], trend: bool = False) -> HousingArea:
    area = HousingArea.objects.create(name=name, municipality="Testby")
    for year, colour in colours.items():
        AreaResult.objects.create(area=area, year=year, colour=colour, trend_flag=trend and year == max(colours))
    return area


def assess(area, on: datetime.date, year: int = 2024):
    Assessment.objects.create(area=area, year=year, assessed_on=on, conclusion="Fulgt op.")


def rows(reader):
    return {row.area.name: row for row in selectors.follow_up_list(user=reader, today=TODAY)}


def test_quarter_bounds():
    assert selectors.quarter_bounds(TODAY) == (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
    assert selectors.quarter_bounds(datetime.date(2025, 12, 31)) == (
        datetime.date(2025, 10, 1),
        datetime.date(2025, 12, 31),
    )


def test_the_list_has_the_areas_whose_latest_colour_is_red_orange_or_yellow(reader):
    area_with("Rødparken", {2023: "green", 2024: "red"})
    area_with("Gulparken", {2024: "yellow"})
    area_with("Grønparken", {2023: "red", 2024: "green"})
    area_with("Ukendtparken", {2023: "orange", 2024: ""})
    found = selectors.follow_up_list(user=reader, today=TODAY)
    assert [r.area.name for r in found] == ["Rødparken", "Ukendtparken", "Gulparken"]
    assert found[1].result.year == 2023  # the latest year that has a colour


def test_what_is_due_follows_the_last_assessment(reader):
    never = area_with("Aldrigparken", {2024: "red"})
    this_quarter = area_with("Nuparken", {2024: "red"})
    last_quarter = area_with("Sidstparken", {2024: "red"})
    long_ago = area_with("Længeparken", {2024: "red"})
    assess(this_quarter, datetime.date(2025, 4, 2))
    assess(last_quarter, datetime.date(2025, 2, 10))
    assess(long_ago, datetime.date(2024, 11, 1))
    found = rows(reader)
    assert found["Aldrigparken"].due == ["Første opfølgning i dette kvartal, senest 30. juni 2025."]
    assert found["Aldrigparken"].last_assessed_on is None and never
    assert found["Nuparken"].due == ["Fulgt op i dette kvartal; næste senest 30. september 2025."]
    assert found["Sidstparken"].due == ["Kvartalsopfølgning senest 30. juni 2025."]
    assert not found["Sidstparken"].overdue
    assert found["Længeparken"].overdue and found["Længeparken"].last_assessed_on == datetime.date(2024, 11, 1)
    # Overdue areas come first within a colour.
    assert [r.area.name for r in selectors.follow_up_list(user=reader, today=TODAY)][0] == "Længeparken"


def test_a_trend_flag_asks_for_a_qualitative_assessment_until_one_is_recorded_for_that_year(reader):
    area = area_with("Stigparken", {2023: "yellow", 2024: "orange"}, trend=True)
    assess(area, datetime.date(2025, 4, 2), year=2023)
    due = rows(reader)["Stigparken"].due
    assert due[-1] == "Kvalitativ vurdering: tallene udvikler sig dårligere end i sammenlignelige områder (2024)."
    assess(area, datetime.date(2025, 5, 1), year=2024)
    assert len(rows(reader)["Stigparken"].due) == 1


def test_the_list_is_built_in_constant_queries(reader, django_assert_max_num_queries):
    for i in range(3):
        assess(area_with(f"Område {i}", {2024: "red"}), datetime.date(2025, 1, 1))
    selectors.follow_up_list(user=reader, today=TODAY)
    for i in range(3, 20):
        assess(area_with(f"Område {i}", {2024: "red"}), datetime.date(2025, 1, 1))
    with django_assert_max_num_queries(2):
        assert len(selectors.follow_up_list(user=reader, today=TODAY)) == 20
