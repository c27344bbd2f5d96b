"""The preparedness meeting's deadline for a level, computed from the plan's rule and the activation time."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from boligsocial.core.workdays import COPENHAGEN, OptionalDay, SkippedDay, working_day_after

from .models import DeadlineKind, Level, LevelRule, Plan
from .selectors import plan_list_for_user

# End of a working day: 23:59:00 local time, as the plans and the issue word it ("by 23:59").
END_OF_DAY = datetime.time(23, 59)


@dataclass(frozen=True)
class Deadline:
    """When the group must have met, or `at` None when the level sets no meeting deadline."""

    level: str
    kind: str
    rule_text: str
    activated_at: datetime.datetime
    at: datetime.datetime | None
    skipped: tuple[SkippedDay, ...] = ()

    def is_overdue(self, *, now: datetime.datetime) -> bool:
        # In UTC: two times in one zone compare by wall clock, which is wrong in the repeated autumn hour.
        return self.at is not None and now.astimezone(datetime.UTC) > self.at.astimezone(datetime.UTC)


def plan_closed_days(plan: Plan) -> frozenset[OptionalDay]:
    """The optional Danish days this plan counts as closed."""
    chosen = {
        OptionalDay.MAY_1: plan.closed_may_1,
        OptionalDay.JUNE_5: plan.closed_june_5,
        OptionalDay.DEC_24: plan.closed_dec_24,
        OptionalDay.DEC_31: plan.closed_dec_31,
    }
    return frozenset(day for day, closed in chosen.items() if closed)


def deadline_for(*, rule: LevelRule, activated_at: datetime.datetime) -> Deadline:
    """The meeting deadline that `rule` gives an activation at `activated_at` (an aware datetime)."""
    if activated_at.tzinfo is None or activated_at.utcoffset() is None:
        raise ValueError("activated_at must be timezone-aware")
    local = activated_at.astimezone(COPENHAGEN)
    kind, value = rule.deadline_kind, rule.deadline_value
    at: datetime.datetime | None = None
    skipped: list[SkippedDay] = []
    if kind in (DeadlineKind.HOURS, DeadlineKind.ASAP) and value:
        # Real elapsed hours: add in UTC, since aware arithmetic within one zone adds wall-clock time.
        at = (activated_at.astimezone(datetime.UTC) + datetime.timedelta(hours=value)).astimezone(COPENHAGEN)
    elif kind == DeadlineKind.WORKING_DAYS and value:
        day, skipped = working_day_after(local.date(), value, closed=plan_closed_days(rule.plan))
        at = datetime.datetime.combine(day, END_OF_DAY, tzinfo=COPENHAGEN)
    return Deadline(
        level=rule.level,
        kind=kind,
        rule_text=str(rule.deadline_text),
        activated_at=local,
        at=at,
        skipped=tuple(skipped),
    )


def plan_deadline_preview(*, plan: Plan, level: str | None, activated_at: datetime.datetime) -> Deadline:
    """The deadline an activation of `plan` at `level` would get; ValidationError for a level without one."""
    if not level:
        raise ValidationError({"level": _("Choose a level: green, yellow or red.")})
    if level not in Level.values:
        raise ValidationError(
            {"level": _("Unknown level “%(level)s”; choose green, yellow or red.") % {"level": level[:20]}}
        )
    rule = next((r for r in plan.level_rules.all() if r.level == level), None)
    if rule is None:
        raise ValidationError({"level": _("The plan has no rule for this level.")})
    rule.plan = plan
    deadline = deadline_for(rule=rule, activated_at=activated_at)
    if deadline.at is None:
        raise ValidationError(
            {"level": _("The plan sets no meeting deadline for the level “%(level)s”.") % {"level": Level(level).label}}
        )
    return deadline


def plan_deadline_for_user(*, user: Any, plan_id: int, level: str | None, activated_at: datetime.datetime) -> Deadline:
    """The deadline preview for a plan `user` may read (404 otherwise); reads only the plan and its rules."""
    # The same permission filter as plan_get_for_user, without prefetching the whole plan document.
    plan = plan_list_for_user(user=user).filter(pk=plan_id).prefetch_related("level_rules").first()
    if plan is None:
        raise Http404(_("No such plan, or you do not have access to it."))
    return plan_deadline_preview(plan=plan, level=level, activated_at=activated_at)
