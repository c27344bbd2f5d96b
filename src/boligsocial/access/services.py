"""Writes about access: accepting a plan's confidentiality statement."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from boligsocial.core.services import audit_record
from boligsocial.plans.models import Plan

from .models import ConfidentialityPledge
from .selectors import confidentiality_hash


@transaction.atomic
def pledge_accept(*, actor: Any, plan: Plan, text_hash: str) -> ConfidentialityPledge:
    """Record that `actor` accepts the plan's statement in the wording they read (`text_hash`)."""
    current = confidentiality_hash(plan.confidentiality_text)
    if text_hash != current:
        raise ValidationError(
            {"text_hash": _("The confidentiality statement was changed while you read it. Read it again.")}
        )
    pledge = ConfidentialityPledge(user=actor, plan=plan, text_hash=current)
    pledge.full_clean()
    pledge.save()
    audit_record(actor=actor, action="pledge.accept", target=plan, summary=str(pledge), data={"text_hash": current})
    return pledge
