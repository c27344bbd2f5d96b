"""Reads about access: whether a user still has to accept a plan's confidentiality statement."""

import hashlib
from collections.abc import Mapping
from typing import Any

from django.db.models import OuterRef, Q, Subquery

from boligsocial.plans.models import Plan
from boligsocial.plans.selectors import plan_list_for_user

from .models import ConfidentialityPledge

# How a URL names the plan it shows, by the name of its argument. New pages and API operations that take one of
# these are covered by the pledge check without further code.
PLAN_OF_URL_ARGUMENT = {
    "plan_id": lambda value: Q(pk=value),
    "activation_id": lambda value: Q(activations__pk=value),
    "request_id": lambda value: Q(incidents__request__pk=value),
}


def confidentiality_hash(text: str) -> str:
    """The hash that identifies one wording of a statement (line endings and outer spaces do not count)."""
    normalised = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return hashlib.sha256(normalised.encode()).hexdigest()


def plan_lookup_for_url(kwargs: Mapping[str, Any]) -> Q | None:
    """Which plan a URL's arguments point to, as a filter on plans, or None if they name no plan."""
    for name, lookup in PLAN_OF_URL_ARGUMENT.items():
        if name in kwargs:
            try:
                return lookup(int(kwargs[name]))
            except (TypeError, ValueError):
                return None
    return None


def plan_awaiting_pledge(*, user: Any, lookup: Q) -> int | None:
    """The id of the plan `lookup` finds if `user` may read it and has not accepted its current statement.

    None if the plan has no statement, the user accepted this wording, or the user may not read the plan (then the
    page itself answers 404, and nothing here hints that the plan exists). One query.
    """
    if not user.is_authenticated:
        return None
    latest = ConfidentialityPledge.objects.filter(user=user, plan=OuterRef("pk")).order_by("-accepted_at", "-pk")
    row = (
        plan_list_for_user(user=user)
        .filter(lookup)
        .exclude(confidentiality_text="")
        .annotate(accepted_hash=Subquery(latest.values("text_hash")[:1]))
        .values_list("pk", "confidentiality_text", "accepted_hash")
        .first()
    )
    if row is None:
        return None
    plan_id, text, accepted_hash = row
    return None if accepted_hash == confidentiality_hash(text) else plan_id


def pledge_latest(*, user: Any, plan: Plan) -> ConfidentialityPledge | None:
    """The user's latest acceptance of the plan's statement (of any wording), or None."""
    return ConfidentialityPledge.objects.filter(user=user, plan=plan).order_by("-accepted_at", "-pk").first()


def pledge_is_current(*, user: Any, plan: Plan) -> bool:
    """Whether the user has accepted the plan's current statement (a plan without one needs nothing)."""
    if not plan.confidentiality_text.strip():
        return True
    latest = pledge_latest(user=user, plan=plan)
    return latest is not None and latest.text_hash == confidentiality_hash(plan.confidentiality_text)


def pledge_list_for_plan(*, plan: Plan) -> list[ConfidentialityPledge]:
    """Every acceptance of the plan's statement, newest first, with the users."""
    return list(ConfidentialityPledge.objects.filter(plan=plan).select_related("user").order_by("-accepted_at"))
