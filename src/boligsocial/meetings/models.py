"""Meetings, their records, decisions and the action plan.

An activation's preparedness meeting is the first use; the preventive meetings between crises (issue 5) reuse
the same models with no activation, so every link to an activation is optional and every row names its plan.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boligsocial.activations.models import Activation
from boligsocial.directory.models import Organisation, Person
from boligsocial.plans.models import AdHocResource, Plan


class MeetingKind(models.TextChoices):
    PREPAREDNESS = "preparedness", _("Preparedness meeting")


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    # "Cancelled" alone is the outbox's word for a message not sent (annulleret); a meeting is aflyst.
    CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")


class Meeting(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="meetings")
    activation = models.ForeignKey(Activation, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.PREPAREDNESS)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=MeetingState.choices, default=MeetingState.SCHEDULED)
    # The calendar UID stays the same for the meeting's life; SEQUENCE counts the changes sent to calendars.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    def clean(self) -> None:
        if self.activation_id is not None and self.plan_id != self.activation.plan_id:
            raise ValidationError({"activation": _("The activation belongs to another plan.")})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
        if not self.place.strip() and not self.video_link:
            raise ValidationError({"place": _("Give a place or a video link.")})


class ParticipantKind(models.TextChoices):
    MEMBER = "member", _("Fixed member")
    ADHOC = "adhoc", _("Ad hoc participant")
    INVITED = "invited", _("Invited")


class Participant(models.Model):
    """Someone invited to a meeting: a person who gets the invitation, or an ad hoc resource from the plan's
    pool (an organisation or role the group calls in, which may have no named person)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("kind"), max_length=10, choices=ParticipantKind.choices)
    person = models.ForeignKey(Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT)
    adhoc_resource = models.ForeignKey(
        AdHocResource, verbose_name=_("ad hoc participant"), null=True, blank=True, on_delete=models.PROTECT
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        # In the order they were added: the fixed members first, then those invited, then the ad hoc pool.
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True, adhoc_resource__isnull=False)
                | Q(person__isnull=False, adhoc_resource__isnull=True),
                name="participant_person_or_adhoc",
            ),
            models.UniqueConstraint(
                fields=["meeting", "person"], condition=Q(person__isnull=False), name="participant_person_once"
            ),
            models.UniqueConstraint(
                fields=["meeting", "adhoc_resource"],
                condition=Q(adhoc_resource__isnull=False),
                name="participant_adhoc_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person or self.adhoc_resource)

    @property
    def name(self) -> str:
        return self.person.name if self.person_id else self.adhoc_resource.name


class MeetingRecord(models.Model):
    """What the meeting found: the situation picture, including how the media describe it."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="record")
    situation = models.TextField(_("situation picture"))
    media = models.TextField(_("how the media describe it"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting record")
        verbose_name_plural = _("meeting records")

    def __str__(self) -> str:
        return str(self.meeting)


class DecisionWay(models.TextChoices):
    MEETING = "meeting", _("At a meeting")
    PHONE = "phone", _("By phone")
    MAIL = "mail", _("By mail")
    OTHER = "other", _("Otherwise")


class Decision(models.Model):
    """A decision of the group, taken at a meeting or agreed without one (by phone or mail, naming who agreed)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="decisions")
    activation = models.ForeignKey(
        Activation, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField(_("decision"))
    way = models.CharField(_("how it was agreed"), max_length=10, choices=DecisionWay.choices)
    agreed_by = models.ManyToManyField(Person, verbose_name=_("agreed by"), blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=True, way__in=["phone", "mail", "other"])
                | Q(meeting__isnull=False, way="meeting"),
                name="decision_way_matches_meeting",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", pgettext_lazy("action status", "Done")
    DROPPED = "dropped", _("Dropped")


# An action in one of these states is finished: it is never overdue.
FINISHED_STATUSES = (ActionStatus.DONE, ActionStatus.DROPPED)


class OwnerKind(models.TextChoices):
    MEMBER = "member", _("Plan member")
    STAFF = "staff", _("Housing-social staff")
    ORGANISATION = "organisation", _("Organisation")


class Action(models.Model):
    """One line of the action plan: what, who owns it (exactly one member, staff person or organisation), by when."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="actions")
    activation = models.ForeignKey(Activation, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner_member = models.ForeignKey(
        Person, verbose_name=_("owner (plan member)"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_staff = models.ForeignKey(
        Person,
        verbose_name=_("owner (housing-social staff)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner (organisation)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["plan", "status", "deadline"])]
        constraints = [
            # Exactly one owner: a member, a staff person or an organisation.
            models.CheckConstraint(
                condition=Q(owner_member__isnull=False, owner_staff__isnull=True, owner_organisation__isnull=True)
                | Q(owner_member__isnull=True, owner_staff__isnull=False, owner_organisation__isnull=True)
                | Q(owner_member__isnull=True, owner_staff__isnull=True, owner_organisation__isnull=False),
                name="action_exactly_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        owners = [self.owner_member_id, self.owner_staff_id, self.owner_organisation_id]
        set_count = sum(owner is not None for owner in owners)
        if set_count == 0:
            raise ValidationError(
                {"owner": _("Choose who owns the action: a plan member, a staff person or an organisation.")}
            )
        if set_count > 1:
            raise ValidationError({"owner": _("An action has exactly one owner.")})

    @property
    def owner(self) -> Person | Organisation:
        return self.owner_member or self.owner_staff or self.owner_organisation

    @property
    def owner_kind(self) -> str:
        if self.owner_member_id:
            return OwnerKind.MEMBER
        if self.owner_staff_id:
            return OwnerKind.STAFF
        return OwnerKind.ORGANISATION

    def get_owner_kind_display(self) -> str:
        return OwnerKind(self.owner_kind).label

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    def is_overdue_at(self, now) -> bool:
        """The deadline has passed and the action is neither done nor dropped."""
        return not self.is_finished and self.deadline is not None and self.deadline < now

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_at(timezone.now())
