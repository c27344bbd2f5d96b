import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from boligsocial.core.workdays import (
    DEFAULT_CLOSED,
    OptionalDay,
    SkipKind,
    closed_day,
    is_working_day,
    parse_moment,
    working_day_after,
)

D = datetime.date
ALL_OPTIONAL = frozenset(OptionalDay)


def test_easter_2026_skips_maundy_thursday_to_easter_monday():
    day, skipped = working_day_after(D(2026, 4, 1), 3)
    assert day == D(2026, 4, 9)
    assert [(s.date, s.kind, s.reason) for s in skipped] == [
        (D(2026, 4, 2), SkipKind.PUBLIC_HOLIDAY, "Skærtorsdag"),
        (D(2026, 4, 3), SkipKind.PUBLIC_HOLIDAY, "Langfredag"),
        (D(2026, 4, 4), SkipKind.WEEKEND, "Lørdag"),
        (D(2026, 4, 5), SkipKind.PUBLIC_HOLIDAY, "Påskedag"),
        (D(2026, 4, 6), SkipKind.PUBLIC_HOLIDAY, "Anden påskedag"),
    ]


def test_the_start_day_never_counts_even_when_it_is_a_working_day():
    assert working_day_after(D(2026, 3, 2), 1) == (D(2026, 3, 3), [])


def test_weekends_are_not_working_days():
    assert is_working_day(D(2026, 3, 6))  # Friday
    assert closed_day(D(2026, 3, 7)).reason == "Lørdag"
    assert closed_day(D(2026, 3, 8)).reason == "Søndag"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2026, 1, 1), "Nytårsdag"),
        (D(2026, 5, 14), "Kristi himmelfartsdag"),
        (D(2026, 5, 25), "Anden pinsedag"),
        (D(2026, 12, 25), "Juledag"),
        (D(2026, 12, 26), "Anden juledag"),
    ],
)
def test_public_holidays_are_closed_with_their_danish_name(day, name):
    reason = closed_day(day, closed=())
    assert (reason.kind, reason.reason) == (SkipKind.PUBLIC_HOLIDAY, name)


def test_store_bededag_until_2023_only():
    assert closed_day(D(2023, 5, 5)).reason == "Store bededag"
    # The fourth Friday after Easter in 2024 is an ordinary working day: the holiday was abolished.
    assert is_working_day(D(2024, 4, 26))


def test_default_optional_days_close_june_5_and_christmas_and_new_years_eve_but_not_may_1():
    assert is_working_day(D(2026, 5, 1))
    assert closed_day(D(2026, 6, 5)).reason == "Grundlovsdag"
    assert closed_day(D(2026, 12, 24)).reason == "Juleaftensdag"
    assert closed_day(D(2026, 12, 31)).reason == "Nytårsaften"
    assert {d.value for d in DEFAULT_CLOSED} == {(6, 5), (12, 24), (12, 31)}


def test_each_optional_day_follows_the_choice():
    for option, day in [
        (OptionalDay.MAY_1, D(2026, 5, 1)),
        (OptionalDay.JUNE_5, D(2026, 6, 5)),
        (OptionalDay.DEC_24, D(2026, 12, 24)),
        (OptionalDay.DEC_31, D(2026, 12, 31)),
    ]:
        assert is_working_day(day, closed=ALL_OPTIONAL - {option})
        reason = closed_day(day, closed={option})
        assert reason.kind == SkipKind.CLOSED_DAY


def test_may_1_closed_is_named_arbejdernes_kampdag():
    assert closed_day(D(2026, 5, 1), closed={OptionalDay.MAY_1}).reason == "Arbejdernes kampdag"


def test_an_open_optional_day_on_a_weekend_is_still_a_weekend():
    # 24 December 2022 was a Saturday.
    reason = closed_day(D(2022, 12, 24), closed=())
    assert (reason.kind, reason.reason) == (SkipKind.WEEKEND, "Lørdag")


def test_holiday_names_follow_an_english_interface():
    with translation.override("en"):
        assert closed_day(D(2026, 4, 3)).reason == "Good Friday"
        assert closed_day(D(2026, 4, 4)).reason == "Saturday"


def test_working_days_must_be_positive():
    with pytest.raises(ValueError):
        working_day_after(D(2026, 4, 1), 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-04-01T14:00:00+02:00", datetime.datetime(2026, 4, 1, 12, 0, tzinfo=datetime.UTC)),
        ("2026-04-01T12:00:00Z", datetime.datetime(2026, 4, 1, 12, 0, tzinfo=datetime.UTC)),
        # "+" sent unencoded in a query string arrives as a space.
        ("2026-04-01T14:00:00 02:00", datetime.datetime(2026, 4, 1, 12, 0, tzinfo=datetime.UTC)),
    ],
)
def test_parse_moment_accepts_iso_8601_with_offset(text, expected):
    moment = parse_moment(text)
    assert moment == expected
    assert moment.utcoffset() is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "Angiv tidspunktet i ISO 8601"),
        ("", "Angiv tidspunktet i ISO 8601"),
        ("i morgen", "“i morgen” er ikke et tidspunkt i ISO 8601-format"),
        ("2026-04-01T14:00:00", "skal have en tidszoneforskydning"),
    ],
)
def test_parse_moment_rejects_in_danish(text, message):
    with pytest.raises(ValidationError) as caught:
        parse_moment(text)
    assert message in caught.value.messages[0]
