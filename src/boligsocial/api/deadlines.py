"""Read the meeting deadline a plan's level would give an activation at a given time."""

import datetime

from ninja import Router, Schema

from boligsocial.core.workdays import parse_moment
from boligsocial.plans.deadlines import plan_deadline_for_user

router = Router(tags=["deadlines"])


class SkippedDayOut(Schema):
    date: datetime.date
    kind: str
    reason: str


class DeadlineOut(Schema):
    deadline: datetime.datetime
    level: str
    rule: str
    activated_at: datetime.datetime
    skipped: list[SkippedDayOut]


@router.get("/plans/{plan_id}/deadline", response=DeadlineOut)
def plan_deadline(request, plan_id: int, level: str | None = None, at: str | None = None):
    """The meeting deadline for `level` if the plan were activated at `at` (ISO 8601 with offset)."""
    # A refusal is a ValidationError, answered by the API's one handler with the field and a Danish message.
    deadline = plan_deadline_for_user(user=request.user, plan_id=plan_id, level=level, activated_at=parse_moment(at))
    return {
        "deadline": deadline.at,
        "level": deadline.level,
        "rule": deadline.rule_text,
        "activated_at": deadline.activated_at,
        "skipped": [{"date": s.date, "kind": s.kind, "reason": s.reason} for s in deadline.skipped],
    }
