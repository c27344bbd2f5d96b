"""What is said to whom during an activation, and the outreach tasks staff carry out and report back on."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from boligsocial.activations.models import Activation
from boligsocial.directory.models import Person
from boligsocial.plans.models import Audience, OutreachGroup, Plan

# --- Staff outreach -------------------------------------------------------------------------------------


class OutreachTask(models.Model):
    """A defined task the coordinator gives one housing-social staff member in an activation."""

    activation = models.ForeignKey(Activation, on_delete=models.PROTECT, related_name="outreach_tasks")
    staff = models.ForeignKey(Person, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("task"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised on each change, so the staff member is notified again (a new round in the outbox).
    revision = models.PositiveSmallIntegerField(default=1)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("outreach task")
        verbose_name_plural = _("outreach tasks")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activation", "staff"],
                name="outreach_task_once_per_staff",
                violation_error_message=_("This staff member already has a task in this activation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff}: {self.description[:60]}"


class OutreachTarget(models.Model):
    """One of the plan's target groups in a task. The name is copied: editing the plan during a crisis
    does not change a task already given, and a deleted group keeps its reported counts."""

    task = models.ForeignKey(OutreachTask, on_delete=models.CASCADE, related_name="targets")
    group = models.ForeignKey(OutreachGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("target group"), max_length=200)
    channel = models.CharField(_("channel"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "group"], condition=models.Q(group__isnull=False), name="outreach_target_group_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class OutreachReport(models.Model):
    """What a staff member reports back: contacts made per target group and a note, never residents' data."""

    task = models.ForeignKey(OutreachTask, on_delete=models.CASCADE, related_name="reports")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    done = models.BooleanField(_("the task is done"), default=False)

    class Meta:
        verbose_name = _("outreach report")
        verbose_name_plural = _("outreach reports")
        ordering = ["reported_at", "id"]

    def __str__(self) -> str:
        return f"{self.task.staff}: {self.reported_at:%d.%m %H:%M}"


class OutreachCount(models.Model):
    report = models.ForeignKey(OutreachReport, on_delete=models.CASCADE, related_name="counts")
    target = models.ForeignKey(OutreachTarget, on_delete=models.CASCADE, related_name="counts")
    contacts = models.PositiveIntegerField(_("contacts made"), validators=[MaxValueValidator(100_000)])

    class Meta:
        ordering = ["target__position", "target_id"]
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="outreach_count_once_per_target")]

    def __str__(self) -> str:
        return f"{self.target}: {self.contacts}"


# --- Crisis-communication log ---------------------------------------------------------------------------


class EntryKind(models.TextChoices):
    MESSAGE = "message", _("Communication")
    POLICE_STATEMENT = "police_statement", _("Police statement")


class Channel(models.TextChoices):
    PRESS_RELEASE = "press_release", _("Press release")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    NOTICE_BOARD = "notice_board", _("Notice board")
    SOCIAL_MEDIA = "social_media", _("Social media")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("Email")
    OTHER = "other", _("Other")


class TemplateKind(models.TextChoices):
    RESIDENT_LETTER = "resident_letter", _("Letter to residents")
    PRESS_LINE = "press_line", _("Press line")


class CommunicationEntry(models.Model):
    """One thing said to one audience in an activation, or the police statement everything else builds on."""

    activation = models.ForeignKey(Activation, on_delete=models.PROTECT, related_name="communications")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices, default=EntryKind.MESSAGE)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    channel_other = models.CharField(_("other channel"), max_length=100, blank=True)
    sender = models.CharField(_("sender"), max_length=200)
    text = models.TextField(_("text"))
    sent_at = models.DateTimeField(_("time"))
    template = models.CharField(_("from template"), max_length=20, choices=TemplateKind.choices, blank=True)
    # Set when someone published to residents or partners before any police statement, and confirmed it.
    confirmed_without_police_statement = models.BooleanField(
        _("published before the police statement (confirmed)"), default=False
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("communication entry")
        verbose_name_plural = _("communication log")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["activation", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} ({self.channel_display}): {self.text[:60]}"

    @property
    def channel_display(self) -> str:
        if self.channel == Channel.OTHER and self.channel_other:
            return self.channel_other
        return self.get_channel_display()


class CommunicationTemplate(models.Model):
    """A plan's own wording for a resident letter or a press line; the built-in default applies without one."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="communication_templates")
    kind = models.CharField(_("kind"), max_length=20, choices=TemplateKind.choices)
    text = models.TextField(_("text"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("communication template")
        verbose_name_plural = _("communication templates")
        constraints = [models.UniqueConstraint(fields=["plan", "kind"], name="communication_template_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.plan}: {self.get_kind_display()}"
