"""Incidents, requests to activate, activations and what happens in them, on one append-only timeline."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boligsocial.core.models import ChainedModel
from boligsocial.directory.models import Department, HousingArea, Person
from boligsocial.plans.models import IncidentType, Level, Plan


class IncidentSource(models.TextChoices):
    POLICE = "police", _("Police")
    RESIDENT = "resident", _("Resident")
    STAFF = "staff", _("Staff")
    MEDIA = "media", _("Media")
    PARTNER = "partner", _("Partner")
    OTHER = "other", _("Other")


class Incident(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="incidents")
    incident_type = models.ForeignKey(IncidentType, verbose_name=_("type"), on_delete=models.PROTECT)
    area = models.ForeignKey(HousingArea, verbose_name=_("housing area"), on_delete=models.PROTECT)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    occurred_at = models.DateTimeField(_("when it happened"))
    description = models.TextField(_("description"))
    police_case_number = models.CharField(_("police case number"), max_length=50, blank=True)
    reported_by = models.CharField(_("reported by"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=IncidentSource.choices, default=IncidentSource.OTHER)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the form when it is shown, so a double-tapped submit registers one incident, not two.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.incident_type} – {self.area} ({self.occurred_at:%d.%m.%Y})"


class ActivationState(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Activation(models.Model):
    """The plan activated for one incident. One per incident: the database refuses a second."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="activations")
    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="activation")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    rationale = models.CharField(_("rationale"), max_length=300)
    state = models.CharField(_("state"), max_length=10, choices=ActivationState.choices, default=ActivationState.ACTIVE)
    activated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    activated_at = models.DateTimeField(_("activated"))
    police_consulted = models.BooleanField(_("police consulted"), default=False)
    police_contact = models.CharField(_("police contact"), max_length=200, blank=True)
    police_consulted_at = models.DateTimeField(_("police consulted at"), null=True, blank=True)
    police_advice = models.TextField(_("what the police said"), blank=True)
    no_police_reason = models.CharField(_("why the police were not consulted"), max_length=300, blank=True)
    meeting_deadline = models.DateTimeField(_("meeting deadline"), null=True, blank=True)
    meeting_held_at = models.DateTimeField(_("meeting held"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("summary"), blank=True)
    # Set when the plan's retention period has passed and the free text and names were removed (figures stay).
    pseudonymised_at = models.DateTimeField(_("pseudonymised"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("activation")
        verbose_name_plural = _("activations")
        ordering = ["-activated_at"]
        indexes = [models.Index(fields=["plan", "state"])]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.incident}"


class RequestState(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Turned into an activation")
    DECLINED = "declined", _("Declined")


class ActivationRequest(models.Model):
    """A henvendelse: someone who may not activate asks a member to do so."""

    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="request")
    proposed_level = models.CharField(_("proposed level"), max_length=10, choices=Level.choices)
    message = models.TextField(_("message"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=RequestState.choices, default=RequestState.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("request for activation")
        verbose_name_plural = _("requests for activation")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return str(self.incident)


class SeatState(models.TextChoices):
    WAITING = "waiting", _("Waiting for acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNREACHABLE = "unreachable", _("Unreachable")


class Seat(models.Model):
    """One fixed member's place in an activation's escalation chain, snapshotted at activation.

    Names and substitutes are copied so that editing the plan during a crisis does not change a running escalation.
    """

    activation = models.ForeignKey(Activation, on_delete=models.CASCADE, related_name="seats")
    position = models.PositiveSmallIntegerField()
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=200, blank=True)
    substitute_ids = models.JSONField(default=list)
    state = models.CharField(max_length=12, choices=SeatState.choices, default=SeatState.WAITING)
    round = models.PositiveSmallIntegerField(default=1)
    substitutes_notified = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    next_escalation_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["activation", "person"], name="seat_person_once")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_state_display()})"


class LevelChange(models.Model):
    activation = models.ForeignKey(Activation, on_delete=models.CASCADE, related_name="level_changes")
    from_level = models.CharField(max_length=10, choices=Level.choices)
    to_level = models.CharField(max_length=10, choices=Level.choices)
    rationale = models.CharField(_("rationale"), max_length=300)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    meeting_deadline = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.from_level} -> {self.to_level}"


class TimelineEntry(ChainedModel):
    """Append-only: who did what when in an activation. Rows are never updated or deleted.

    Each activation's timeline is its own hash chain (core.ChainedModel): activations run in parallel and must
    not wait for each other's writes. Pseudonymisation blanks `text` without breaking the chain and records which
    rows it blanked in a later row of the same chain.
    """

    CHAINED_FIELDS = ("activation_id", "at", "actor_id", "kind", "data")
    REDACTABLE_FIELDS = ("text",)
    CHAIN_PARTITION = "activation_id"

    activation = models.ForeignKey(Activation, on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=40)
    text = models.TextField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.at:%d.%m %H:%M} {self.text}"


class EvaluationState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    DONE = "done", _("Done")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class Evaluation(models.Model):
    """The evaluation of a closed activation, requested from the coordinator when it is closed.

    Randers: "En eventuel evaluering skal foreligge umiddelbart efter, at beredskabet har været aktiveret" and
    should show whether the preparedness works, e.g. whether the right information channels were used.
    """

    activation = models.OneToOneField(Activation, on_delete=models.PROTECT, related_name="evaluation")
    state = models.CharField(
        _("state"), max_length=10, choices=EvaluationState.choices, default=EvaluationState.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested"))
    due_at = models.DateTimeField(_("due"), db_index=True)
    requested_from = models.ForeignKey(
        Person, verbose_name=_("requested from"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    worked = models.CharField(_("did the preparedness work?"), max_length=10, choices=Answer.choices, blank=True)
    worked_note = models.TextField(_("what worked and what did not"), blank=True)
    channels_right = models.CharField(
        _("were the right information channels used?"), max_length=10, choices=Answer.choices, blank=True
    )
    channels_note = models.TextField(_("channels: what reached people and what did not"), blank=True)
    changes = models.TextField(_("what should be changed"), blank=True)
    notes = models.TextField(_("other remarks"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="requested", submitted_at__isnull=True)
                | models.Q(state="done", submitted_at__isnull=False),
                name="evaluation_done_has_submitted_at",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activation} ({self.get_state_display()})"

    def clean(self) -> None:
        if self.state == EvaluationState.DONE:
            errors = {}
            if not self.worked:
                errors["worked"] = _("Say whether the preparedness worked.")
            if not self.channels_right:
                errors["channels_right"] = _("Say whether the right information channels were used.")
            if errors:
                raise ValidationError(errors)

    def is_overdue_at(self, now: datetime.datetime) -> bool:
        """Not done by its due time."""
        return self.state == EvaluationState.REQUESTED and self.due_at < now

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_at(timezone.now())
