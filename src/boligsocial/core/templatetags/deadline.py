"""Deadline as a Danish date and a countdown: {{ at|deadline_date }}, {{ at|countdown }}, {% deadline at %}"""

import datetime

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from boligsocial.core.workdays import COPENHAGEN

register = template.Library()


def _days(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


def _hours(n: int) -> str:
    return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}


def _minutes(n: int) -> str:
    return ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}


def duration_text(delta: datetime.timedelta) -> str:
    """A duration in its two largest units, rounded down: "2 dage 3 timer", "5 timer", "1 minut"."""
    minutes = int(abs(delta).total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        parts = [_days(days)] + ([_hours(hours)] if hours else [])
    elif hours:
        parts = [_hours(hours)] + ([_minutes(minutes)] if minutes else [])
    elif minutes:
        parts = [_minutes(minutes)]
    else:
        return _("less than a minute")
    return " ".join(parts)


def countdown_text(at: datetime.datetime, *, now: datetime.datetime) -> str:
    """How long until `at` ("om 2 dage 3 timer"), or how long it has passed ("overskredet med 5 timer")."""
    # In UTC: subtracting two times in one zone gives wall-clock time, an hour off across a DST change.
    at, now = at.astimezone(datetime.UTC), now.astimezone(datetime.UTC)
    if at >= now:
        return _("in %(duration)s") % {"duration": duration_text(at - now)}
    return _("overdue by %(duration)s") % {"duration": duration_text(now - at)}


@register.filter
def deadline_date(value: datetime.datetime | None) -> str:
    """The deadline in Copenhagen time: "torsdag den 9. april 2026 kl. 23:59"."""
    if not value:
        return ""
    local = value.astimezone(COPENHAGEN)
    return _("%(weekday)s %(date)s at %(time)s") % {
        "weekday": formats.date_format(local, "l"),
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": formats.time_format(local, "TIME_FORMAT"),
    }


@register.filter
def countdown(value: datetime.datetime | None, now: datetime.datetime | None = None) -> str:
    """The countdown to `value` from now (or from `now`, for a fixed page time)."""
    if not value:
        return ""
    return countdown_text(value, now=now or timezone.now())


@register.inclusion_tag("core/partials/deadline.html")
def deadline(value: datetime.datetime | None, now: datetime.datetime | None = None) -> dict:
    """The deadline as a <time> with its countdown, marked overdue once passed."""
    now = now or timezone.now()
    overdue = bool(value and now.astimezone(datetime.UTC) > value.astimezone(datetime.UTC))
    return {
        "at": value,
        "iso": value.astimezone(COPENHAGEN).isoformat() if value else "",
        "date": deadline_date(value),
        "countdown": countdown(value, now),
        "overdue": overdue,
    }
