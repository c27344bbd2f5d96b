import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from boligsocial.core.templatetags.deadline import countdown_text, deadline_date, duration_text

CPH = ZoneInfo("Europe/Copenhagen")
AT = datetime.datetime(2026, 4, 9, 23, 59, tzinfo=CPH)
H = datetime.timedelta(hours=1)
M = datetime.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (2 * 24 * H + 3 * H + 59 * M, "2 dage 3 timer"),
        (24 * H + H, "1 dag 1 time"),
        (3 * 24 * H + 10 * M, "3 dage"),
        (5 * H + 30 * M, "5 timer 30 minutter"),
        (H + M, "1 time 1 minut"),
        (7 * M + datetime.timedelta(seconds=59), "7 minutter"),
        (datetime.timedelta(seconds=30), "under et minut"),
    ],
)
def test_duration_shows_the_two_largest_units_rounded_down(delta, text):
    assert duration_text(delta) == text


def test_countdown_before_and_after_the_deadline():
    assert countdown_text(AT, now=AT - (2 * 24 * H + 3 * H)) == "om 2 dage 3 timer"
    assert countdown_text(AT, now=AT + 5 * H) == "overskredet med 5 timer"


def test_countdown_counts_real_time_across_summer_time():
    # From 20:00 on Saturday 28 March 2026 to 23:00 the next evening: 27 h on the wall clock, 26 real hours.
    at = datetime.datetime(2026, 3, 29, 23, 0, tzinfo=CPH)
    now = datetime.datetime(2026, 3, 28, 20, 0, tzinfo=CPH)
    assert countdown_text(at, now=now) == "om 1 dag 2 timer"


def test_deadline_date_in_danish_copenhagen_time():
    assert deadline_date(AT) == "torsdag den 9. april 2026 kl. 23:59"
    assert deadline_date(AT.astimezone(datetime.UTC)) == "torsdag den 9. april 2026 kl. 23:59"
    assert deadline_date(None) == ""


def render(template: str, **context) -> str:
    return Template("{% load deadline %}" + template).render(Context(context))


def test_filters_in_a_template():
    now = AT - 27 * H
    assert render("{{ at|deadline_date }} ({{ at|countdown:now }})", at=AT, now=now) == (
        "torsdag den 9. april 2026 kl. 23:59 (om 1 dag 3 timer)"
    )


def test_countdown_filter_defaults_to_now():
    soon = timezone.now() + 2 * H + 30 * M + datetime.timedelta(seconds=5)
    assert render("{{ at|countdown }}", at=soon) == "om 2 timer 30 minutter"


def test_partial_shows_date_time_element_and_countdown():
    html = render("{% deadline at now %}", at=AT, now=AT - (2 * 24 * H + 3 * H))
    assert '<time datetime="2026-04-09T23:59:00+02:00">torsdag den 9. april 2026 kl. 23:59</time>' in html
    assert "(om 2 dage 3 timer)" in html
    assert "deadline-overdue" not in html


def test_partial_marks_an_overdue_deadline():
    html = render("{% deadline at now %}", at=AT.astimezone(datetime.UTC), now=AT + 5 * H)
    assert 'class="deadline deadline-overdue"' in html
    assert "<strong>overskredet med 5 timer</strong>" in html
    assert 'datetime="2026-04-09T23:59:00+02:00"' in html


def test_partial_without_deadline():
    assert "Ingen mødefrist" in render("{% deadline at %}", at=None)
