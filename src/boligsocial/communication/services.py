"""Writes: the communication log, outreach tasks and reports, and the plan's templates.

Every step in an activation appends its timeline row in the same transaction, and the staff member hears of a
task through the notification outbox (level, type, area and a link; the task itself is behind sign-in).
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from boligsocial.activations.models import Activation, ActivationState
from boligsocial.activations.services import timeline_add
from boligsocial.core.services import audit_record
from boligsocial.core.validators import validate_no_cpr
from boligsocial.directory.models import Person
from boligsocial.notifications.services import notifications_enqueue_for_person
from boligsocial.plans.models import OutreachGroup, Plan
from boligsocial.plans.selectors import plan_can_edit

from . import selectors, wording
from .models import (
    Channel,
    CommunicationEntry,
    CommunicationTemplate,
    EntryKind,
    OutreachCount,
    OutreachReport,
    OutreachTarget,
    OutreachTask,
    TemplateKind,
)

# Clocks on phones drift; a time a few minutes ahead is "now", not the future.
CLOCK_SLACK = datetime.timedelta(minutes=5)


def _cpr_error(errors: dict, field: str, text: str) -> None:
    try:
        validate_no_cpr(text)
    except ValidationError as exc:
        errors[field] = exc.messages


def _locked(activation: Activation) -> Activation:
    """The activation row, locked for this transaction, so checks and writes see one state."""
    return (
        Activation.objects.select_for_update(of=("self",))
        .select_related("plan", "incident__incident_type", "incident__area")
        .get(pk=activation.pk)
    )


# --- The communication log ------------------------------------------------------------------------------


@transaction.atomic
def communication_entry_create(
    *,
    actor: Any,
    activation: Activation,
    audience: str,
    channel: str,
    sender: str,
    text: str,
    kind: str = EntryKind.MESSAGE,
    channel_other: str = "",
    sent_at: datetime.datetime | None = None,
    template: str = "",
    confirm_without_police_statement: bool = False,
) -> CommunicationEntry:
    """Record what was said to an audience, or the police statement; publishing to residents or partners before
    any police statement needs `confirm_without_police_statement`, which is kept on the entry and the timeline."""
    activation = _locked(activation)
    if not selectors.communication_can_write(user=actor, plan=activation.plan):
        raise PermissionDenied(_("Only the plan's fixed members and its coordinator can write to the log."))
    now = timezone.now()
    sent_at = sent_at or now
    text, sender, channel_other = text.strip(), sender.strip(), channel_other.strip()
    errors: dict[str, Any] = {}
    if not text:
        errors["text"] = _("Write what was said.")
    else:
        _cpr_error(errors, "text", text)
    if not sender:
        errors["sender"] = _("Write who sent it.")
    if channel == Channel.OTHER and not channel_other:
        errors["channel_other"] = _("Write which channel was used.")
    if sent_at > now + CLOCK_SLACK:
        errors["sent_at"] = _("The time cannot be in the future.")
    before_police = (
        kind == EntryKind.MESSAGE
        and audience in selectors.AUDIENCES_AFTER_POLICE
        and not selectors.police_statement_exists(activation=activation)
    )
    entry = CommunicationEntry(
        activation=activation,
        kind=kind,
        audience=audience,
        channel=channel,
        channel_other=channel_other if channel == Channel.OTHER else "",
        sender=sender,
        text=text,
        sent_at=sent_at,
        template=template,
        confirmed_without_police_statement=before_police,
        recorded_by=actor,
    )
    try:
        entry.full_clean(exclude=list(errors))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if before_police and not confirm_without_police_statement:
        errors["confirm_without_police_statement"] = ValidationError(
            _(
                "There is no statement from the police yet. Do you still want to publish this to %(audience)s? "
                "The plan says that residents and partners are informed on the basis of the police statement."
            )
            % {"audience": entry.get_audience_display().lower()},
            code="police_statement_missing",
        )
    if errors:
        raise ValidationError(errors)
    entry.save()
    audit_record(actor=actor, action="communication.entry_create", target=entry, summary=str(entry))
    if kind == EntryKind.POLICE_STATEMENT:
        timeline_add(
            activation=activation,
            actor=actor,
            kind="police_statement",
            text=_("Police statement recorded (%(channel)s, %(sender)s).")
            % {"channel": entry.channel_display, "sender": sender},
            data={"entry": entry.pk},
        )
    else:
        if before_police:
            timeline_add(
                activation=activation,
                actor=actor,
                kind="published_before_police_statement",
                text=_("Confirmed publishing to %(audience)s before any police statement.")
                % {"audience": entry.get_audience_display().lower()},
                data={"entry": entry.pk},
            )
        timeline_add(
            activation=activation,
            actor=actor,
            kind="communication",
            text=_("Communication to %(audience)s (%(channel)s) from %(sender)s.")
            % {"audience": entry.get_audience_display().lower(), "channel": entry.channel_display, "sender": sender},
            data={"entry": entry.pk, "template": template},
        )
    return entry


# --- Templates ------------------------------------------------------------------------------------------


def _check_template_editor(*, actor: Any, plan: Plan) -> None:
    if not plan_can_edit(user=actor, plan=plan):
        raise PermissionDenied(_("Only the plan's coordinator or an administrator can change the plan."))


@transaction.atomic
def communication_template_save(*, actor: Any, plan: Plan, kind: str, text: str) -> CommunicationTemplate:
    """Set the plan's own text for a resident letter or a press line."""
    _check_template_editor(actor=actor, plan=plan)
    text = text.strip()
    errors: dict[str, Any] = {}
    if kind not in TemplateKind.values:
        errors["kind"] = _("Choose a resident letter or a press line.")
    if not text:
        errors["text"] = _("Write the text of the template.")
    else:
        _cpr_error(errors, "text", text)
        unknown = wording.unknown_placeholders(text)
        if unknown and "text" not in errors:
            errors["text"] = _("Unknown placeholder: %(unknown)s. Use %(known)s.") % {
                "unknown": wording.braced(unknown),
                "known": wording.braced(wording.PLACEHOLDERS),
            }
    if errors:
        raise ValidationError(errors)
    template = CommunicationTemplate.objects.filter(plan=plan, kind=kind).first() or CommunicationTemplate(
        plan=plan, kind=kind
    )
    template.text = text
    template.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    template.full_clean()
    template.save()
    audit_record(actor=actor, action="communication.template_save", target=template, summary=str(template))
    return template


@transaction.atomic
def communication_template_reset(*, actor: Any, plan: Plan, kind: str) -> bool:
    """Drop the plan's own text so the built-in default applies again; False if there was none."""
    _check_template_editor(actor=actor, plan=plan)
    template = CommunicationTemplate.objects.filter(plan=plan, kind=kind).first()
    if template is None:
        return False
    audit_record(actor=actor, action="communication.template_reset", target=template, summary=str(template))
    template.delete()
    return True


# --- Outreach -------------------------------------------------------------------------------------------


def _task_message(task: OutreachTask, *, changed: bool) -> tuple[str, str, str]:
    """Subject, body and link: level, type and area only; the task itself is behind sign-in."""
    incident = task.activation.incident
    values = {
        "level": task.activation.get_level_display().upper(),
        "type": incident.incident_type.name,
        "area": incident.area.name,
    }
    subject = (
        _("Your outreach task was changed: %(level)s – %(type)s – %(area)s")
        if changed
        else _("Outreach task in the preparedness: %(level)s – %(type)s – %(area)s")
    ) % values
    link = settings.SITE_URL + reverse("communication:task", args=[task.pk])
    return subject, subject + "\n" + _("Read your task and report back here:"), link


def _notify_staff(*, actor: Any, task: OutreachTask, changed: bool) -> None:
    subject, body, link = _task_message(task, changed=changed)
    written = notifications_enqueue_for_person(
        recipient=task.staff, subject=subject, body=body, link=link, source=task, round=task.revision
    )
    if not written:
        timeline_add(
            activation=task.activation,
            actor=actor,
            kind="outreach_not_notified",
            text=_("%(person)s could not be notified of the task: no working phone, email or login.")
            % {"person": task.staff.name},
            data={"task": task.pk},
        )


def _task_fields_check(
    *, activation: Activation, groups: Sequence[OutreachGroup], description: str, errors: dict
) -> list[OutreachGroup]:
    if activation.state != ActivationState.ACTIVE:
        errors["activation"] = _("The activation is closed.")
    unique = list({g.pk: g for g in groups}.values())
    if not unique:
        errors["groups"] = _("Choose at least one of the plan's target groups.")
    elif any(g.plan_id != activation.plan_id for g in unique):
        errors["groups"] = _("Choose target groups from this activation's plan.")
    if not description.strip():
        errors["description"] = _("Describe the task.")
    else:
        _cpr_error(errors, "description", description)
    return sorted(unique, key=lambda g: (g.position, g.pk))


def _targets_set(task: OutreachTask, groups: list[OutreachGroup]) -> None:
    """Add the chosen groups as targets; a target no longer chosen goes unless contacts were reported on it."""
    existing = {t.group_id: t for t in task.targets.all() if t.group_id is not None}
    chosen = {g.pk for g in groups}
    for group_id, target in existing.items():
        if group_id not in chosen and not target.counts.exists():
            target.delete()
    for group in groups:
        target = existing.get(group.pk) or OutreachTarget(task=task, group=group)
        # The plan's order, also for targets kept only for their reported counts.
        target.name, target.channel, target.position = group.name, group.channel, group.position
        target.save()


def _group_names(groups: Sequence[OutreachGroup]) -> str:
    return ", ".join(g.name for g in groups)


@transaction.atomic
def outreach_task_assign(
    *, actor: Any, activation: Activation, staff: Person, groups: Sequence[OutreachGroup], description: str
) -> OutreachTask:
    """Give a staff member a defined task towards the plan's target groups, and notify them."""
    activation = _locked(activation)
    if not selectors.outreach_can_assign(user=actor, plan=activation.plan):
        raise PermissionDenied(_("Only the plan's coordinator or an administrator can give outreach tasks."))
    errors: dict[str, Any] = {}
    groups = _task_fields_check(activation=activation, groups=groups, description=description, errors=errors)
    if staff.user_id is None or not staff.user.is_active:
        errors["staff"] = _(
            "%(person)s has no login, so they cannot read or report on a task. Ask an administrator for one."
        ) % {"person": staff.name}
    elif OutreachTask.objects.filter(activation=activation, staff=staff).exists():
        errors["staff"] = _("%(person)s already has a task in this activation: change that task instead.") % {
            "person": staff.name
        }
    if errors:
        raise ValidationError(errors)
    task = OutreachTask(activation=activation, staff=staff, description=description.strip(), assigned_by=actor)
    task.full_clean(exclude=["activation", "staff", "assigned_by"], validate_unique=False)
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:
        # Two coordinators pressed at once: the unique constraint let only one through.
        message = _("%(person)s already has a task in this activation: change that task instead.")
        raise ValidationError({"staff": message % {"person": staff.name}}) from None
    _targets_set(task, groups)
    audit_record(actor=actor, action="communication.outreach_assign", target=task, summary=str(task))
    timeline_add(
        activation=activation,
        actor=actor,
        kind="outreach_assigned",
        text=_("Outreach task given to %(person)s: %(groups)s.")
        % {"person": staff.name, "groups": _group_names(groups)},
        data={"task": task.pk},
    )
    _notify_staff(actor=actor, task=task, changed=False)
    return task


@transaction.atomic
def outreach_task_update(
    *, actor: Any, task: OutreachTask, groups: Sequence[OutreachGroup], description: str
) -> OutreachTask:
    """Change a task's target groups or description; the staff member is notified again."""
    activation = _locked(task.activation)
    task = OutreachTask.objects.select_for_update(of=("self",)).select_related("staff__user").get(pk=task.pk)
    task.activation = activation
    if not selectors.outreach_can_assign(user=actor, plan=activation.plan):
        raise PermissionDenied(_("Only the plan's coordinator or an administrator can give outreach tasks."))
    errors: dict[str, Any] = {}
    groups = _task_fields_check(activation=activation, groups=groups, description=description, errors=errors)
    if errors:
        raise ValidationError(errors)
    task.description = description.strip()
    task.revision += 1
    task.full_clean(exclude=["activation", "staff", "assigned_by"], validate_unique=False)
    task.save()
    _targets_set(task, groups)
    audit_record(actor=actor, action="communication.outreach_update", target=task, summary=str(task))
    timeline_add(
        activation=activation,
        actor=actor,
        kind="outreach_changed",
        text=_("Outreach task for %(person)s changed: %(groups)s.")
        % {"person": task.staff.name, "groups": _group_names(groups)},
        data={"task": task.pk, "revision": task.revision},
    )
    _notify_staff(actor=actor, task=task, changed=True)
    return task


@transaction.atomic
def outreach_report_add(
    *, actor: Any, task: OutreachTask, counts: Mapping[int, int], note: str = "", done: bool = False
) -> OutreachReport:
    """The staff member reports contacts made per target group (keyed by target id) and a note."""
    task = OutreachTask.objects.select_for_update(of=("self",)).select_related("staff", "activation").get(pk=task.pk)
    if not selectors.outreach_task_is_own(user=actor, task=task):
        raise PermissionDenied(_("Only the staff member the task was given to can report on it."))
    targets = {t.pk: t for t in task.targets.all()}
    note = note.strip()
    errors: dict[str, Any] = {}
    cleaned: dict[int, int] = {}
    for target_id, contacts in counts.items():
        if target_id not in targets:
            errors["counts"] = _("Report only on the target groups of your task.")
        elif contacts is None:
            continue
        elif not isinstance(contacts, int) or contacts < 0:
            errors[f"count_{target_id}"] = _("Give a whole number of 0 or more.")
        elif contacts > 100_000:
            errors[f"count_{target_id}"] = _("Give a number of at most 100000.")
        elif contacts:
            cleaned[target_id] = contacts
    _cpr_error(errors, "note", note)
    if not errors and not cleaned and not note and not done:
        errors["counts"] = _("Give the number of contacts for at least one target group, or write a note.")
    if errors:
        raise ValidationError(errors)
    report = OutreachReport.objects.create(task=task, reported_by=actor, note=note, done=done)
    OutreachCount.objects.bulk_create(
        OutreachCount(report=report, target=targets[target_id], contacts=contacts)
        for target_id, contacts in cleaned.items()
    )
    if done and task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at", "updated_at"])
    audit_record(actor=actor, action="communication.outreach_report", target=report, summary=str(report))
    per_group = ", ".join(f"{targets[i].name}: {n}" for i, n in cleaned.items()) or _("no contacts")
    text = _("%(person)s reported %(total)s contacts (%(groups)s).") % {
        "person": task.staff.name,
        "total": sum(cleaned.values()),
        "groups": per_group,
    }
    if done:
        text += " " + _("The task is done.")
    timeline_add(
        activation=task.activation,
        actor=actor,
        kind="outreach_reported",
        text=text,
        data={"task": task.pk, "report": report.pk, "counts": {str(k): v for k, v in cleaned.items()}, "done": done},
    )
    return report
