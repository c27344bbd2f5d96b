"""The preparedness plan and its parts, as the Landsbyggefonden template structures them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boligsocial.core.phones import format_phone, normalize_phone
from boligsocial.directory.models import HousingArea, Organisation, Person


class Level(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_SIGNATURES = "awaiting_signatures", _("Awaiting signatures")
    SIGNED = "signed", _("Signed")
    APPROVED = "approved", _("Approved")
    EXPIRED = "expired", _("Expired")


class IncidentType(models.Model):
    """The catalogue of incident kinds; extendable in the admin, chosen per plan."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("incident type")
        verbose_name_plural = _("incident types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    name = models.CharField(_("name"), max_length=200)
    areas = models.ManyToManyField(HousingArea, verbose_name=_("housing areas"), related_name="plans")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    organisation_text = models.TextField(_("organisation"), blank=True)
    powers_text = models.TextField(_("powers and options in a crisis"), blank=True)
    communication_text = models.TextField(_("handling the outside world"), blank=True)
    prevention_text = models.TextField(_("prevention"), blank=True)
    confidentiality_text = models.TextField(_("confidentiality"), blank=True)
    preventive_meetings_per_year = models.PositiveSmallIntegerField(_("preventive meetings per year"), default=2)
    retention_years = models.PositiveSmallIntegerField(
        _("years a closed activation is kept in full"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("After this many years the texts and names of a closed activation are removed; the figures stay."),
    )
    incident_types = models.ManyToManyField(
        IncidentType, verbose_name=_("incident types"), related_name="plans", blank=True
    )
    # Optional Danish closing days (holidays' "optional" category) that count as non-working days.
    closed_may_1 = models.BooleanField(_("1 May is closed"), default=False)
    closed_june_5 = models.BooleanField(_("Constitution Day (5 June) is closed"), default=True)
    closed_dec_24 = models.BooleanField(_("Christmas Eve (24 December) is closed"), default=True)
    closed_dec_31 = models.BooleanField(_("New Year's Eve (31 December) is closed"), default=True)
    status = models.CharField(_("status"), max_length=24, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    lbf_approved_on = models.DateField(_("approved by Landsbyggefonden"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("preparedness plan")
        verbose_name_plural = _("preparedness plans")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="plan_validity_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The validity must end on or after the day it starts.")})

    @property
    def effective_status(self) -> str:
        """The stored status, except that a plan past its validity end is expired."""
        if self.valid_until and self.valid_until < timezone.localdate():
            return PlanStatus.EXPIRED
        return self.status

    def get_effective_status_display(self) -> str:
        return PlanStatus(self.effective_status).label

    @property
    def is_locked(self) -> bool:
        """A signed or approved plan is changed only by making a new version."""
        return self.status in (PlanStatus.SIGNED, PlanStatus.APPROVED)


class DeadlineKind(models.TextChoices):
    NONE = "none", _("No meeting deadline")
    HOURS = "hours", _("Hours")
    WORKING_DAYS = "working_days", _("Working days")
    ASAP = "asap", _("As soon as possible")


class LevelRule(models.Model):
    """What a level means in this plan and how soon the group must meet at it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="level_rules")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    description = models.TextField(_("description"), blank=True)
    examples = models.TextField(_("examples of situations"), blank=True)
    deadline_kind = models.CharField(
        _("meeting deadline"), max_length=16, choices=DeadlineKind.choices, default=DeadlineKind.NONE
    )
    deadline_value = models.IntegerField(
        _("hours or working days"),
        null=True,
        blank=True,
        help_text=_("Hours, working days, or for “as soon as possible” the default number of hours."),
    )
    acknowledge_wait_minutes = models.IntegerField(
        _("minutes to wait for acknowledgement before escalating"),
        default=240,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = _("level rule")
        verbose_name_plural = _("level rules")
        constraints = [
            models.UniqueConstraint(fields=["plan", "level"], name="level_rule_unique_per_plan"),
            models.CheckConstraint(
                condition=models.Q(deadline_value__isnull=True) | models.Q(deadline_value__gte=1),
                name="level_rule_deadline_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.get_level_display()

    def clean(self) -> None:
        if self.deadline_kind == DeadlineKind.NONE:
            self.deadline_value = None
            return
        if self.deadline_value is None:
            raise ValidationError({"deadline_value": _("Give the number of hours or working days.")})
        if self.deadline_value < 1:
            raise ValidationError({"deadline_value": _("The number of hours or working days must be 1 or more.")})

    @property
    def deadline_text(self) -> str:
        if self.deadline_kind == DeadlineKind.HOURS:
            return _("within %(n)s hours") % {"n": self.deadline_value}
        if self.deadline_kind == DeadlineKind.WORKING_DAYS:
            return _("within %(n)s working days") % {"n": self.deadline_value}
        if self.deadline_kind == DeadlineKind.ASAP:
            return _("as soon as possible (at the latest %(n)s hours)") % {"n": self.deadline_value}
        return ""


class MembershipKind(models.TextChoices):
    FIXED = "fixed", _("Fixed member")
    SUBSTITUTE = "substitute", _("Substitute")


class Membership(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships")
    kind = models.CharField(_("kind"), max_length=12, choices=MembershipKind.choices, default=MembershipKind.FIXED)
    role = models.CharField(_("role in the group"), max_length=200, blank=True)
    is_coordinator = models.BooleanField(_("coordinator"), default=False)
    substitute_for = models.ForeignKey(
        "self",
        verbose_name=_("substitute for"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="substitutes",
    )
    contact_priority = models.PositiveSmallIntegerField(
        _("priority on the contact list"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("1 is called first in a sudden crisis. Leave empty to keep off the contact list."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["contact_priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], name="membership_person_once_per_plan"),
            models.UniqueConstraint(
                fields=["plan", "contact_priority"],
                condition=models.Q(contact_priority__isnull=False),
                name="membership_priority_unique_per_plan",
                violation_error_message=_("Another member already has this priority on the contact list."),
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(is_coordinator=True),
                name="membership_one_coordinator_per_plan",
                violation_error_message=_("The plan already has a coordinator."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role or self.get_kind_display()})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == MembershipKind.SUBSTITUTE:
            if self.substitute_for is None:
                errors["substitute_for"] = _("Choose the member this substitute stands in for.")
            elif self.substitute_for.plan_id != self.plan_id or self.substitute_for.kind != MembershipKind.FIXED:
                errors["substitute_for"] = _("A substitute can only stand in for a fixed member of the same plan.")
            if self.is_coordinator:
                errors["is_coordinator"] = _("The coordinator must be a fixed member.")
        elif self.substitute_for_id is not None:
            errors["substitute_for"] = _("Only a substitute stands in for another member.")
        # The constraints below span two fields, so Django would report them without naming the field.
        others = Membership.objects.filter(plan_id=self.plan_id).exclude(pk=self.pk)
        if self.person_id and others.filter(person_id=self.person_id).exists():
            errors["person"] = _("This person is already a member of the plan.")
        priority = self.contact_priority
        if priority is not None and others.filter(contact_priority=priority).exists():
            errors["contact_priority"] = _("Another member already has this priority on the contact list.")
        if self.is_coordinator and others.filter(is_coordinator=True).exists():
            errors.setdefault("is_coordinator", _("The plan already has a coordinator."))
        if errors:
            raise ValidationError(errors)


class AdHocResource(models.Model):
    """Organisations or roles the group can call in when a situation needs them."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="adhoc_resources")
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("ad hoc participant")
        verbose_name_plural = _("ad hoc pool")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FallbackProcedure(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="fallbacks")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    condition = models.CharField(_("when"), max_length=300)
    instruction = models.CharField(_("what to do"), max_length=300)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("fallback procedure")
        verbose_name_plural = _("fallback procedures")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.instruction

    def clean(self) -> None:
        if self.phone:
            try:
                self.phone = normalize_phone(self.phone, allow_short=True)
            except ValidationError as exc:
                raise ValidationError({"phone": exc.messages}) from exc

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)


class OutreachGroup(models.Model):
    """A target group for staff outreach in a crisis, and how to reach it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outreach_groups")
    name = models.CharField(_("name"), max_length=200)
    contact_person = models.ForeignKey(
        Person, verbose_name=_("contact person"), null=True, blank=True, on_delete=models.SET_NULL
    )
    channel = models.CharField(_("channel"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("outreach target group")
        verbose_name_plural = _("outreach target groups")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Audience(models.TextChoices):
    PRESS = "press", _("Press")
    RESIDENTS = "residents", _("Residents")
    PARTNERS = "partners", _("Partners")
    BOARDS = "boards", _("Boards")
    OPERATIONS = "operations", _("Operations")


class CommunicationRole(models.Model):
    """Who speaks to whom: the press voice, press contacts, who informs residents, boards and operations."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="communication_roles")
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    person = models.ForeignKey(Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT
    )
    is_spokesperson = models.BooleanField(_("speaks for the group"), default=False)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("communication role")
        verbose_name_plural = _("communication roles")
        ordering = ["audience", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_audience_display()}: {self.person or self.organisation}"

    def clean(self) -> None:
        if self.person_id is None and self.organisation_id is None:
            raise ValidationError({"person": _("Choose a person or an organisation.")})


class Signature(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="signatures")
    plan_version = models.PositiveIntegerField(_("plan version"))
    organisation = models.ForeignKey(Organisation, verbose_name=_("signing party"), on_delete=models.PROTECT)
    signer_name = models.CharField(_("signed by"), max_length=200)
    signer_title = models.CharField(_("title"), max_length=200, blank=True)
    signed_on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "plan_version", "organisation"],
                name="signature_once_per_party_and_version",
                violation_error_message=_("This party has already signed this version of the plan."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.signer_name}"

    def clean(self) -> None:
        if self.signed_on and self.signed_on > timezone.localdate():
            raise ValidationError({"signed_on": _("A signature cannot be dated in the future.")})


class PlanVersion(models.Model):
    """A superseded version of a plan, kept readable as a snapshot."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=24, choices=PlanStatus.choices)
    snapshot = models.JSONField(_("content"))
    superseded_at = models.DateTimeField(_("superseded"), auto_now_add=True)
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"
