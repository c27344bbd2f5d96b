"""Retention: closed activations are pseudonymised when their plan's retention period has passed.

This app sits above activations and notifications (like the API): retention is one rule across their tables,
applied in one transaction per activation.
"""

import dataclasses
import datetime
import logging
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boligsocial.activations.models import (
    Activation,
    ActivationRequest,
    ActivationState,
    Evaluation,
    Incident,
    LevelChange,
    Seat,
)
from boligsocial.activations.services import timeline_add
from boligsocial.core.chain import REDACTED_KEY
from boligsocial.core.services import audit_record, chain_redact
from boligsocial.notifications.models import Notification

from .selectors import activations_due_for_retention

logger = logging.getLogger(__name__)

# Free text and names. Everything else (type, area, department, times, levels, states, counts) is a figure and stays.
INCIDENT_TEXTS = ("description", "reported_by", "police_case_number")
ACTIVATION_TEXTS = ("rationale", "police_contact", "police_advice", "no_police_reason", "summary")
REQUEST_TEXTS = ("message", "decline_reason")
# Messages keep channel, state, round, attempts and times; their text, address and link go.
NOTIFICATION_TEXTS = ("subject", "body", "link", "address", "last_error", "provider_message_id")


def _blank(fields: tuple[str, ...]) -> dict[str, str]:
    return dict.fromkeys(fields, "")


@transaction.atomic
def activation_pseudonymise(*, actor: Any, activation: Activation, now: datetime.datetime | None = None) -> Activation:
    """Remove the free text and names of a closed activation (figures stay), recorded on its timeline."""
    now = now or timezone.now()
    activation = Activation.objects.select_for_update().select_related("plan").get(pk=activation.pk)
    if activation.state != ActivationState.CLOSED:
        raise ValidationError(_("Only a closed activation can be pseudonymised."))
    if activation.pseudonymised_at is not None:
        return activation
    Incident.objects.filter(pk=activation.incident_id).update(**_blank(INCIDENT_TEXTS))
    ActivationRequest.objects.filter(incident_id=activation.incident_id).update(**_blank(REQUEST_TEXTS))
    LevelChange.objects.filter(activation=activation).update(rationale="")
    sources = (
        models.Q(
            source_type=ContentType.objects.get_for_model(Seat),
            source_id__in=Seat.objects.filter(activation=activation).values("pk"),
        )
        | models.Q(
            source_type=ContentType.objects.get_for_model(ActivationRequest),
            source_id__in=ActivationRequest.objects.filter(incident_id=activation.incident_id).values("pk"),
        )
        | models.Q(
            source_type=ContentType.objects.get_for_model(Evaluation),
            source_id__in=Evaluation.objects.filter(activation=activation).values("pk"),
        )
    )
    messages = Notification.objects.filter(sources).update(**_blank(NOTIFICATION_TEXTS))
    for field, value in _blank(ACTIVATION_TEXTS).items():
        setattr(activation, field, value)
    activation.pseudonymised_at = now
    activation.save(update_fields=[*ACTIVATION_TEXTS, "pseudonymised_at"])
    # The timeline is append-only: its texts are blanked through the one sanctioned path, and the row below
    # records which rows were blanked, so verify_chain can tell this from tampering.
    redacted = chain_redact(rows=activation.timeline.all(), now=now)
    years = activation.plan.retention_years
    timeline_add(
        activation=activation,
        actor=actor,
        kind="pseudonymised",
        text=_("Texts and names removed after %(years)s years under the plan's retention rule; the figures are kept.")
        % {"years": years},
        data={REDACTED_KEY: redacted, "retention_years": years},
    )
    # Written after the timeline row: a transaction that appends to several chains takes the timeline first.
    audit_record(
        actor=actor,
        action="activation.pseudonymise",
        target=activation,
        data={"retention_years": years, "timeline_rows": len(redacted), "messages": messages},
    )
    return activation


@dataclasses.dataclass
class RetentionResult:
    done: list[int] = dataclasses.field(default_factory=list)
    failed: list[int] = dataclasses.field(default_factory=list)


def retention_apply(*, now: datetime.datetime | None = None) -> RetentionResult:
    """Pseudonymise every closed activation whose plan's retention period has passed."""
    now = now or timezone.now()
    result = RetentionResult()
    for activation in activations_due_for_retention(now=now):
        # One transaction each: one that fails is logged and retried on the next run; the others go ahead.
        try:
            activation_pseudonymise(actor=None, activation=activation, now=now)
        except Exception:
            logger.exception("Pseudonymising activation %s failed", activation.pk)
            result.failed.append(activation.pk)
        else:
            result.done.append(activation.pk)
    return result
