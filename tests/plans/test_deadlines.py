import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from boligsocial.plans import services
from boligsocial.plans.deadlines import (
    deadline_for,
    plan_closed_days,
    plan_deadline_for_user,
    plan_deadline_preview,
)
from boligsocial.plans.models import DeadlineKind, LevelRule, Plan
from tests import factories

CPH = ZoneInfo("Europe/Copenhagen")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=CPH)


def rule(kind=DeadlineKind.WORKING_DAYS, value=3, level="yellow", **plan_fields) -> LevelRule:
    # Unsaved rows: the calculation reads only the rule and the plan's closing-day choices.
    return LevelRule(plan=Plan(**plan_fields), level=level, deadline_kind=kind, deadline_value=value)


def reasons(deadline):
    return [(s.date.isoformat(), s.reason) for s in deadline.skipped]


def test_yellow_activated_before_easter_2026_meets_by_thursday_9_april_23_59():
    deadline = deadline_for(rule=rule(), activated_at=at(2026, 4, 1, 14, 0))
    assert deadline.at == at(2026, 4, 9, 23, 59)
    assert deadline.at.isoformat() == "2026-04-09T23:59:00+02:00"
    assert reasons(deadline) == [
        ("2026-04-02", "Skærtorsdag"),
        ("2026-04-03", "Langfredag"),
        ("2026-04-04", "Lørdag"),
        ("2026-04-05", "Påskedag"),
        ("2026-04-06", "Anden påskedag"),
    ]
    assert deadline.level == "yellow"
    assert deadline.rule_text == "inden for 3 arbejdsdage"


def test_the_day_of_activation_is_the_local_copenhagen_day():
    # 22:30 UTC on Tuesday 31 March is 00:30 on Wednesday 1 April in Copenhagen.
    utc = datetime.UTC
    wednesday = deadline_for(rule=rule(), activated_at=datetime.datetime(2026, 3, 31, 22, 30, tzinfo=utc))
    tuesday = deadline_for(rule=rule(), activated_at=datetime.datetime(2026, 3, 31, 21, 30, tzinfo=utc))
    assert wednesday.at == at(2026, 4, 9, 23, 59)
    assert tuesday.at == at(2026, 4, 8, 23, 59)
    assert wednesday.activated_at == at(2026, 4, 1, 0, 30)


def test_red_24_hours_across_the_spring_change_is_24_real_hours():
    activated = at(2026, 3, 28, 22, 0)  # CET, the night before summer time starts
    deadline = deadline_for(rule=rule(DeadlineKind.HOURS, 24, "red"), activated_at=activated)
    # Real elapsed seconds: subtracting two times in the same zone would give wall-clock time (23 h).
    assert deadline.at.timestamp() - activated.timestamp() == 86400
    assert deadline.at - activated == datetime.timedelta(hours=25)  # on the wall clock
    # The clocks jumped an hour forward, so 24 real hours later the wall clock reads 23:00.
    assert deadline.at.isoformat() == "2026-03-29T23:00:00+02:00"
    assert deadline.skipped == ()


def test_red_24_hours_across_the_autumn_change_is_24_real_hours():
    activated = at(2026, 10, 24, 22, 0)  # CEST, the night before summer time ends
    deadline = deadline_for(rule=rule(DeadlineKind.HOURS, 24, "red"), activated_at=activated)
    assert deadline.at.timestamp() - activated.timestamp() == 86400
    assert deadline.at.isoformat() == "2026-10-25T21:00:00+01:00"


def test_hours_run_through_holidays_and_weekends():
    deadline = deadline_for(rule=rule(DeadlineKind.HOURS, 24, "red"), activated_at=at(2026, 4, 2, 9, 15))
    assert deadline.at == at(2026, 4, 3, 9, 15)


def test_as_soon_as_possible_uses_the_plans_default_hours():
    deadline = deadline_for(rule=rule(DeadlineKind.ASAP, 6, "yellow"), activated_at=at(2026, 4, 4, 20, 0))
    assert deadline.at == at(2026, 4, 5, 2, 0)
    assert deadline.rule_text == "hurtigst muligt (senest inden for 6 timer)"


def test_no_deadline_kind_gives_no_deadline():
    deadline = deadline_for(rule=rule(DeadlineKind.NONE, None, "green"), activated_at=at(2026, 4, 1, 14, 0))
    assert deadline.at is None
    assert deadline.skipped == ()
    assert not deadline.is_overdue(now=at(2030, 1, 1, 0, 0))


def test_a_naive_activation_time_is_refused():
    with pytest.raises(ValueError):
        deadline_for(rule=rule(), activated_at=datetime.datetime(2026, 4, 1, 14, 0))


def test_activation_on_a_saturday_counts_from_monday():
    deadline = deadline_for(rule=rule(), activated_at=at(2026, 3, 7, 10, 0))
    assert deadline.at == at(2026, 3, 11, 23, 59)
    assert reasons(deadline) == [("2026-03-08", "Søndag")]


def test_overdue_only_after_23_59():
    deadline = deadline_for(rule=rule(), activated_at=at(2026, 4, 1, 14, 0))
    assert not deadline.is_overdue(now=at(2026, 4, 9, 23, 59))
    assert deadline.is_overdue(now=at(2026, 4, 9, 23, 59, 1))


def test_christmas_eve_closed_by_default_and_open_when_the_plan_says_so():
    activated = at(2026, 12, 22, 10, 0)  # Tuesday
    closed = deadline_for(rule=rule(), activated_at=activated)
    assert closed.at == at(2026, 12, 29, 23, 59)
    assert reasons(closed) == [
        ("2026-12-24", "Juleaftensdag"),
        ("2026-12-25", "Juledag"),
        ("2026-12-26", "Anden juledag"),
        ("2026-12-27", "Søndag"),
    ]
    open_ = deadline_for(rule=rule(closed_dec_24=False), activated_at=activated)
    assert open_.at == at(2026, 12, 28, 23, 59)
    assert [d for d, _ in reasons(open_)] == ["2026-12-25", "2026-12-26", "2026-12-27"]


def test_new_years_eve_closed_by_default_and_open_when_the_plan_says_so():
    activated = at(2026, 12, 29, 10, 0)  # Tuesday
    closed = deadline_for(rule=rule(value=2), activated_at=activated)
    assert closed.at == at(2027, 1, 4, 23, 59)
    assert reasons(closed) == [
        ("2026-12-31", "Nytårsaften"),
        ("2027-01-01", "Nytårsdag"),
        ("2027-01-02", "Lørdag"),
        ("2027-01-03", "Søndag"),
    ]
    open_ = deadline_for(rule=rule(value=2, closed_dec_31=False), activated_at=activated)
    assert open_.at == at(2026, 12, 31, 23, 59)
    assert open_.skipped == ()


def test_may_1_open_by_default_and_closed_when_chosen():
    activated = at(2026, 4, 30, 16, 0)  # Thursday; 1 May 2026 is a Friday
    assert deadline_for(rule=rule(value=1), activated_at=activated).at == at(2026, 5, 1, 23, 59)
    closed = deadline_for(rule=rule(value=1, closed_may_1=True), activated_at=activated)
    assert closed.at == at(2026, 5, 4, 23, 59)
    assert reasons(closed) == [
        ("2026-05-01", "Arbejdernes kampdag"),
        ("2026-05-02", "Lørdag"),
        ("2026-05-03", "Søndag"),
    ]


def test_constitution_day_closed_by_default_and_open_when_chosen():
    activated = at(2026, 6, 4, 16, 0)  # Thursday; 5 June 2026 is a Friday
    closed = deadline_for(rule=rule(value=1), activated_at=activated)
    assert closed.at == at(2026, 6, 8, 23, 59)
    assert reasons(closed)[0] == ("2026-06-05", "Grundlovsdag")
    assert deadline_for(rule=rule(value=1, closed_june_5=False), activated_at=activated).at == at(2026, 6, 5, 23, 59)


def test_store_bededag_2023_but_not_2024():
    # Store Bededag was the fourth Friday after Easter: 5 May 2023, and would have been 26 April 2024.
    in_2023 = deadline_for(rule=rule(value=1), activated_at=at(2023, 5, 4, 12, 0))
    assert in_2023.at == at(2023, 5, 8, 23, 59)
    assert reasons(in_2023)[0] == ("2023-05-05", "Store bededag")
    in_2024 = deadline_for(rule=rule(value=1), activated_at=at(2024, 4, 25, 12, 0))
    assert in_2024.at == at(2024, 4, 26, 23, 59)
    assert in_2024.skipped == ()


def test_plan_closed_days_reads_the_four_choices():
    plan = Plan(closed_may_1=True, closed_june_5=False, closed_dec_24=False, closed_dec_31=True)
    assert sorted(d.value for d in plan_closed_days(plan)) == [(5, 1), (12, 31)]


@pytest.mark.django_db
def test_preview_reads_the_saved_plan_and_its_choices():
    plan = factories.plan()
    yellow = plan.level_rules.get(level="yellow")
    yellow.deadline_kind, yellow.deadline_value = DeadlineKind.WORKING_DAYS, 3
    services.plan_part_save(actor=None, plan=plan, part=yellow)
    services.plan_update(actor=None, plan=plan, closed_dec_24=False)
    deadline = plan_deadline_preview(plan=plan, level="yellow", activated_at=at(2026, 12, 22, 10, 0))
    assert deadline.at == at(2026, 12, 28, 23, 59)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("level", "message"),
    [("orange", "Ukendt niveau “orange”"), (None, "Vælg et niveau"), ("green", "ingen mødefrist")],
)
def test_preview_refuses_unknown_levels_and_levels_without_deadline_in_danish(level, message):
    plan = factories.plan()  # new plans have no deadlines until the coordinator sets them
    with pytest.raises(ValidationError) as caught:
        plan_deadline_preview(plan=plan, level=level, activated_at=at(2026, 4, 1, 14, 0))
    assert message in " ".join(caught.value.message_dict["level"])


def test_overdue_is_judged_in_real_time_in_the_repeated_autumn_hour():
    deadline = deadline_for(rule=rule(DeadlineKind.HOURS, 24, "red"), activated_at=at(2026, 10, 24, 2, 30))
    assert deadline.at.isoformat() == "2026-10-25T02:30:00+02:00"
    # 02:10 the second time round (winter time) is 40 real minutes after 02:30 summer time.
    later = datetime.datetime(2026, 10, 25, 2, 10, fold=1, tzinfo=CPH)
    assert deadline.is_overdue(now=later)


@pytest.mark.django_db
def test_preview_for_user_applies_the_plan_permission():
    plan = factories.plan()
    red = plan.level_rules.get(level="red")
    red.deadline_kind, red.deadline_value = DeadlineKind.HOURS, 24
    services.plan_part_save(actor=None, plan=plan, part=red)
    member = factories.user()
    factories.member(plan=plan, login=member)
    deadline = plan_deadline_for_user(user=member, plan_id=plan.pk, level="red", activated_at=at(2026, 4, 1, 14))
    assert deadline.at == at(2026, 4, 2, 14)
    with pytest.raises(Http404):
        plan_deadline_for_user(user=factories.user(), plan_id=plan.pk, level="red", activated_at=at(2026, 4, 1, 14))
