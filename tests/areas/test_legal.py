"""The legal categories (almenboligloven § 61 a and § 61 b) with the law's boundary values, the rule versions by
year, and the transformation area over five years. The thresholds come from the versioned table in the database."""

import pytest

from boligsocial.areas import selectors
from boligsocial.areas.classification import legal_flags, legal_history, legal_year
from boligsocial.areas.models import LegalCategory, LegalRuleVersion, LegalThreshold

pytestmark = pytest.mark.django_db

VULNERABLE, PARALLEL = LegalCategory.VULNERABLE, LegalCategory.PARALLEL
TRANSFORMATION, PREVENTION = LegalCategory.TRANSFORMATION, LegalCategory.PREVENTION

# Every criterion just on the safe side of the 2021 rules.
CALM = {
    "residents": 2000,
    "outside_work_education": 29.0,
    "convictions": 1.9,
    "convictions_share": 1.0,
    "basic_schooling": 45.0,
    "income": 70.0,
    "non_western": 20.0,
}


@pytest.fixture
def rules():
    return selectors.rulebook()


def met(rules, figures, year=2023) -> set[str]:
    result = legal_year(rules, year, figures)
    return {category for category, c in result.categories.items() if c.met}


def test_a_calm_area_is_in_no_category(rules):
    assert met(rules, CALM) == set()


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # over 40 % outside work or education: 40.0 is not over, 40.1 is
        (("outside_work_education", 40.0), ("basic_schooling", 60.1), set()),
        (("outside_work_education", 40.1), ("basic_schooling", 60.1), {VULNERABLE}),
        # convictions at least 3 times the national average: 3.0 counts, 2.99 does not
        (("convictions", 2.99), ("basic_schooling", 60.1), set()),
        (("convictions", 3.0), ("basic_schooling", 60.1), {VULNERABLE}),
        # over 60 % with only basic schooling: 60.0 is not over
        (("basic_schooling", 60.0), ("convictions", 3.0), set()),
        # income under 55 % of the regional average: 55.0 is not under, 54.9 is
        (("income", 55.0), ("convictions", 3.0), set()),
        (("income", 54.9), ("convictions", 3.0), {VULNERABLE}),
    ],
)
def test_vulnerable_needs_two_of_four_criteria_at_the_laws_boundaries(rules, first, second, expected):
    figures = {**CALM, first[0]: first[1], second[0]: second[1]}
    assert met(rules, figures) & {VULNERABLE} == expected


def test_one_criterion_alone_is_not_enough(rules):
    assert VULNERABLE not in met(rules, {**CALM, "outside_work_education": 80.0})


def test_an_area_under_1000_residents_is_never_in_a_category(rules):
    hard = {**CALM, "outside_work_education": 50.0, "convictions": 4.0, "non_western": 60.0}
    assert met(rules, {**hard, "residents": 999}) == set()
    assert met(rules, {**hard, "residents": 1000}) == {VULNERABLE, PARALLEL, PREVENTION}


def test_parallel_society_needs_over_50_percent_non_western(rules):
    hard = {**CALM, "outside_work_education": 50.0, "convictions": 4.0}
    assert PARALLEL not in met(rules, {**hard, "non_western": 50.0})
    assert PARALLEL in met(rules, {**hard, "non_western": 50.1})


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # over 30 % non-Western is required: 30.0 is not over
        ({"non_western": 30.0, "outside_work_education": 30.1, "convictions": 2.0}, False),
        ({"non_western": 30.1, "outside_work_education": 30.1, "convictions": 2.0}, True),
        # the lower bars of § 61 b: over 30 % outside work, at least 2 times the convictions
        ({"non_western": 31.0, "outside_work_education": 30.0, "convictions": 2.0}, False),
        ({"non_western": 31.0, "convictions": 1.99, "income": 64.9}, False),
        ({"non_western": 31.0, "convictions": 2.0, "income": 64.9}, True),
        ({"non_western": 31.0, "convictions": 2.0, "income": 65.0}, False),
        ({"non_western": 31.0, "basic_schooling": 60.1, "income": 64.9}, True),
    ],
)
def test_prevention_area_thresholds(rules, changes, expected):
    assert (PREVENTION in met(rules, {**CALM, **changes})) is expected


def test_each_result_lists_the_criteria_with_their_values(rules):
    figures = {**CALM, "outside_work_education": 41.2, "income": 50.0}
    result = legal_year(rules, 2023, figures).categories[VULNERABLE]
    assert result.met and result.criteria_met == 2 and result.min_criteria == 2
    lines = {(c.code, c.op, c.threshold, c.value, c.met) for c in result.criteria}
    assert lines == {
        ("residents", "gte", 1000.0, 2000, True),
        ("outside_work_education", "gt", 40.0, 41.2, True),
        ("convictions", "gte", 3.0, 1.9, False),
        ("basic_schooling", "gt", 60.0, 45.0, False),
        ("income", "lt", 55.0, 50.0, True),
    }


def test_a_missing_figure_is_named_and_does_not_count(rules):
    figures = {k: v for k, v in CALM.items() if k != "income"}
    result = legal_year(rules, 2023, {**figures, "outside_work_education": 41.0}).categories[VULNERABLE]
    assert result.missing == ["income"] and not result.met


# --- Rule versions by year ---------------------------------------------------------------------------------


def test_each_year_uses_the_rules_in_force_that_year(rules):
    assert rules.version_for(2012) is None
    assert rules.version_for(2013).valid_from_year == 2013
    assert rules.version_for(2017).valid_from_year == 2013
    assert rules.version_for(2018).valid_from_year == 2018
    assert rules.version_for(2020).valid_from_year == 2018
    assert rules.version_for(2024).valid_from_year == 2021


def test_before_2018_three_of_five_criteria_including_non_western_and_the_absolute_crime_share(rules):
    # Under the old list, non-Western counts as one of five criteria, crime is 2.7 % of adults, school 50 %.
    figures = {**CALM, "non_western": 55.0, "outside_work_education": 41.0, "basic_schooling": 50.5}
    assert met(rules, figures, year=2017) == {VULNERABLE, PARALLEL}
    assert met(rules, {**figures, "basic_schooling": 50.0}, year=2017) == set()
    # The same figures in 2018: two of the four new criteria are not met (basic schooling must be over 60 %).
    assert met(rules, figures, year=2018) == set()


def test_the_old_crime_criterion_is_the_share_of_adults_not_the_multiple(rules):
    figures = {**CALM, "outside_work_education": 41.0, "income": 50.0}
    assert met(rules, {**figures, "convictions_share": 2.7}, year=2016) == set()
    assert met(rules, {**figures, "convictions_share": 2.8}, year=2016) == {VULNERABLE, PARALLEL}
    # The multiple (convictions) played no part before 2018 ...
    assert met(rules, {**figures, "convictions": 5.0}, year=2016) == set()


def test_prevention_areas_exist_from_2021(rules):
    figures = {**CALM, "non_western": 31.0, "convictions": 2.0, "income": 64.0}
    assert met(rules, figures, year=2020) == set()
    assert met(rules, figures, year=2021) == {PREVENTION}


def test_a_changed_threshold_row_changes_the_result(rules):
    figures = {**CALM, "outside_work_education": 38.0, "income": 50.0}
    assert VULNERABLE not in met(rules, figures)
    version = LegalRuleVersion.objects.get(valid_from_year=2021)
    row = LegalThreshold.objects.get(
        version=version, category=VULNERABLE, indicator__code="outside_work_education", kind="criterion"
    )
    row.value = 35
    row.save()
    assert VULNERABLE in met(selectors.rulebook(), figures)
    # ... and only for the years that version covers.
    assert VULNERABLE not in met(selectors.rulebook(), figures, year=2019)


# --- Transformation area -------------------------------------------------------------------------------------

PARALLEL_FIGURES = {**CALM, "outside_work_education": 45.0, "convictions": 3.5, "non_western": 60.0}


def history(rules, years_parallel: dict[int, bool]):
    by_year = {y: (PARALLEL_FIGURES if is_parallel else CALM) for y, is_parallel in years_parallel.items()}
    return legal_history(rules, by_year), legal_flags(rules, by_year)


def test_transformation_area_after_five_years_as_parallel_society(rules):
    detailed, flags = history(rules, {y: True for y in range(2019, 2024)})
    assert [detailed[y].is_(TRANSFORMATION) for y in range(2019, 2024)] == [False, False, False, False, True]
    assert detailed[2023].categories[TRANSFORMATION].years == [(y, True) for y in range(2019, 2024)]
    assert [TRANSFORMATION in flags[y][1] for y in range(2019, 2024)] == [False, False, False, False, True]


def test_a_single_year_out_breaks_the_five(rules):
    years = {2019: True, 2020: True, 2021: False, 2022: True, 2023: True, 2024: True}
    detailed, flags = history(rules, years)
    assert not detailed[2024].is_(TRANSFORMATION) and TRANSFORMATION not in flags[2024][1]
    assert detailed[2024].categories[TRANSFORMATION].years[0] == (2020, True)
    assert detailed[2024].categories[TRANSFORMATION].years[1] == (2021, False)


def test_a_missing_year_in_the_data_breaks_the_five(rules):
    detailed, _ = history(rules, {2019: True, 2020: True, 2022: True, 2023: True})
    assert not detailed[2023].is_(TRANSFORMATION)


def test_years_on_the_old_list_count_towards_the_five(rules):
    # 2016-2017 under the old 3-of-5 list, 2018-2020 as a (then) ghetto area: five years in a row in 2020.
    old = {**CALM, "non_western": 55.0, "outside_work_education": 41.0, "basic_schooling": 50.5}
    by_year = {2016: old, 2017: old, 2018: PARALLEL_FIGURES, 2019: PARALLEL_FIGURES, 2020: PARALLEL_FIGURES}
    assert legal_history(rules, by_year)[2020].is_(TRANSFORMATION)
    assert TRANSFORMATION in legal_flags(rules, by_year)[2020][1]


def test_the_fast_and_the_detailed_computation_agree(rules):
    import random

    generator = random.Random(3)
    for _ in range(200):
        figures = {
            "residents": generator.choice([900, 1000, 3000]),
            "outside_work_education": generator.uniform(20, 60),
            "convictions": generator.uniform(0.5, 4),
            "convictions_share": generator.uniform(0.5, 4),
            "basic_schooling": generator.uniform(30, 70),
            "income": generator.uniform(40, 90),
            "non_western": generator.uniform(10, 70),
        }
        year = generator.choice([2016, 2019, 2023])
        detailed = {c for c, r in legal_year(rules, year, figures).categories.items() if r.met}
        assert legal_flags(rules, {year: figures})[year][1] == detailed
