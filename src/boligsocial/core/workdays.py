"""Danish working days: weekends, public holidays and the optional closing days a plan chooses.

Pure functions over dates; nothing here touches the database. The holidays library (country DK)
supplies the public holidays (Store Bededag only up to 2023) and, in its OPTIONAL category, the
four days a workplace may or may not close: 1 May, 5 June, 24 December and 31 December.
"""

import datetime
import enum
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


class OptionalDay(enum.Enum):
    """The optional Danish closing days, by their fixed date (month, day)."""

    MAY_1 = (5, 1)
    JUNE_5 = (6, 5)
    DEC_24 = (12, 24)
    DEC_31 = (12, 31)


DEFAULT_CLOSED: frozenset[OptionalDay] = frozenset({OptionalDay.JUNE_5, OptionalDay.DEC_24, OptionalDay.DEC_31})


class SkipKind(enum.StrEnum):
    WEEKEND = "weekend"
    PUBLIC_HOLIDAY = "public_holiday"
    CLOSED_DAY = "closed_day"


@dataclass(frozen=True)
class SkippedDay:
    """A day that is not a working day, and why."""

    date: datetime.date
    kind: SkipKind
    reason: str


def _holiday_language() -> str:
    # Holiday names are proper Danish names; only an English interface gets them translated.
    return "en_US" if (get_language() or "da").startswith("en") else "da"


@functools.lru_cache(maxsize=256)
def _holidays(year: int, category: str, language: str) -> dict[datetime.date, str]:
    return dict(holidays.country_holidays("DK", years=year, categories=(category,), language=language))


def closed_day(day: datetime.date, *, closed: Iterable[OptionalDay] = DEFAULT_CLOSED) -> SkippedDay | None:
    """Why `day` is not a working day, or None when it is one."""
    language = _holiday_language()
    name = _holidays(day.year, holidays.PUBLIC, language).get(day)
    if name:
        return SkippedDay(day, SkipKind.PUBLIC_HOLIDAY, name)
    if (day.month, day.day) in {o.value for o in closed}:
        name = _holidays(day.year, holidays.OPTIONAL, language).get(day)
        if name:
            return SkippedDay(day, SkipKind.CLOSED_DAY, name)
    if day.weekday() == 5:
        return SkippedDay(day, SkipKind.WEEKEND, _("Saturday"))
    if day.weekday() == 6:
        return SkippedDay(day, SkipKind.WEEKEND, _("Sunday"))
    return None


def is_working_day(day: datetime.date, *, closed: Iterable[OptionalDay] = DEFAULT_CLOSED) -> bool:
    """True when `day` is a Danish working day under the given optional closing days."""
    return closed_day(day, closed=closed) is None


def working_day_after(
    start: datetime.date, n: int, *, closed: Iterable[OptionalDay] = DEFAULT_CLOSED
) -> tuple[datetime.date, list[SkippedDay]]:
    """The `n`th working day after `start` (never `start` itself), and the days skipped on the way."""
    if n < 1:
        raise ValueError("n must be 1 or more")
    closed = frozenset(closed)
    day, counted, skipped = start, 0, []
    while counted < n:
        day += datetime.timedelta(days=1)
        reason = closed_day(day, closed=closed)
        if reason is None:
            counted += 1
        else:
            skipped.append(reason)
    return day, skipped


def parse_moment(text: str | None) -> datetime.datetime:
    """An ISO 8601 time with an offset (e.g. 2026-04-01T14:00:00+02:00), or a ValidationError."""
    if not text or not text.strip():
        raise ValidationError(_("Give the time as ISO 8601 with an offset, e.g. 2026-04-01T14:00:00+02:00."))
    text = text.strip()
    # An unencoded "+" in a query string arrives as a space: "14:00:00 02:00" means "14:00:00+02:00".
    if "T" in text and " " in text.split("T", 1)[1]:
        text = text.replace(" ", "+")
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a time in ISO 8601 format, e.g. 2026-04-01T14:00:00+02:00.") % {"value": text[:40]}
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(
            _("The time must carry an offset or Z, e.g. 2026-04-01T14:00:00+02:00; without one it is ambiguous.")
        )
    return moment
