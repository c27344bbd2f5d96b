"""Reads of the communication log, outreach tasks and templates. Who may see and do what is decided here.

- The log and the overview of tasks: whoever may read the activation (its plan's members, administrators).
- Writing to the log: the plan's fixed members (the coordinator is one).
- Giving and changing tasks: the plan's coordinator or an administrator.
- A staff member sees their own tasks and, of the activation, only its level, type and area.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from boligsocial.activations.models import Activation
from boligsocial.activations.selectors import activation_list_for_user, can_activate
from boligsocial.directory.models import OrganisationKind, Person
from boligsocial.plans.models import Audience, CommunicationRole, OutreachGroup, Plan
from boligsocial.plans.selectors import plan_can_edit

from . import wording
from .models import (
    CommunicationEntry,
    CommunicationTemplate,
    EntryKind,
    OutreachCount,
    OutreachReport,
    OutreachTarget,
    OutreachTask,
    TemplateKind,
)

# Publishing to these audiences waits for the police statement (Varde: "Med udgangspunkt i politiets udtalelse").
AUDIENCES_AFTER_POLICE = (Audience.RESIDENTS, Audience.PARTNERS)


# --- Permissions ----------------------------------------------------------------------------------------


def communication_can_write(*, user: Any, plan: Plan) -> bool:
    """Only the plan's fixed members (the coordinator is one) write to the communication log."""
    return can_activate(user=user, plan=plan)


def outreach_can_assign(*, user: Any, plan: Plan) -> bool:
    """The plan's coordinator or an administrator gives and changes outreach tasks."""
    return plan_can_edit(user=user, plan=plan)


def activation_get_for_reader(*, user: Any, activation_id: int) -> Activation:
    """An activation the user may read (a member of its plan, or an administrator), or 404."""
    activation = activation_list_for_user(user=user).select_related("incident__area").filter(pk=activation_id).first()
    if activation is None:
        raise Http404(_("No such activation, or you do not have access to it."))
    return activation


def activation_get_for_writer(*, user: Any, activation_id: int) -> Activation:
    """An activation whose log the user may write to: 404 if unreadable, 403 if not a fixed member."""
    activation = activation_get_for_reader(user=user, activation_id=activation_id)
    if not communication_can_write(user=user, plan=activation.plan):
        raise PermissionDenied(_("Only the plan's fixed members and its coordinator can write to the log."))
    return activation


def activation_get_for_assigner(*, user: Any, activation_id: int) -> Activation:
    """An activation in which the user may give outreach tasks: 404 if unreadable, 403 if not the coordinator."""
    activation = activation_get_for_reader(user=user, activation_id=activation_id)
    if not outreach_can_assign(user=user, plan=activation.plan):
        raise PermissionDenied(_("Only the plan's coordinator or an administrator can give outreach tasks."))
    return activation


# --- The communication log ------------------------------------------------------------------------------


def communication_entries(*, activation: Activation) -> QuerySet[CommunicationEntry]:
    """The activation's log, newest first, with who recorded each entry."""
    return CommunicationEntry.objects.filter(activation=activation).select_related("recorded_by")


def police_statement_latest(*, activation: Activation) -> CommunicationEntry | None:
    """The newest police statement recorded in the activation, if any."""
    return (
        CommunicationEntry.objects.filter(activation=activation, kind=EntryKind.POLICE_STATEMENT)
        .order_by("-sent_at", "-id")
        .first()
    )


def police_statement_exists(*, activation: Activation) -> bool:
    """Whether any police statement is recorded in the activation."""
    return CommunicationEntry.objects.filter(activation=activation, kind=EntryKind.POLICE_STATEMENT).exists()


def _role_name(role: CommunicationRole) -> str:
    if role.person is not None:
        organisation = role.organisation or role.person.organisation
        return f"{role.person.name} ({organisation.name})"
    return role.organisation.name


def _roles(plan: Plan) -> list[CommunicationRole]:
    return list(CommunicationRole.objects.filter(plan=plan).select_related("person__organisation", "organisation"))


@dataclass(frozen=True)
class SenderSuggestion:
    name: str
    audience: str
    audience_label: str
    description: str


def sender_suggestions(*, plan: Plan) -> list[SenderSuggestion]:
    """Who the plan says speaks to each audience, for the sender field's list of suggestions."""
    return [SenderSuggestion(_role_name(r), r.audience, r.get_audience_display(), r.description) for r in _roles(plan)]


def sender_suggest(*, plan: Plan, audience: str, kind: str = EntryKind.MESSAGE) -> str:
    """The person the plan names for an audience (the press voice first); for a police statement, the police."""
    roles = _roles(plan)

    def is_police(role: CommunicationRole) -> bool:
        organisation = role.organisation or (role.person.organisation if role.person else None)
        return organisation is not None and organisation.kind == OrganisationKind.POLICE

    if kind == EntryKind.POLICE_STATEMENT:
        candidates = [r for r in roles if is_police(r)]
    else:
        candidates = [r for r in roles if r.audience == audience]
    candidates.sort(key=lambda r: (r.audience != audience, not r.is_spokesperson, r.position, r.pk))
    return _role_name(candidates[0]) if candidates else ""


# --- Templates ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateView:
    kind: str
    label: str
    text: str
    is_default: bool


def template_list(*, plan: Plan) -> list[TemplateView]:
    """Both templates of a plan: its own text, or the built-in default."""
    own = {t.kind: t.text for t in CommunicationTemplate.objects.filter(plan=plan)}
    return [
        TemplateView(kind, label, own.get(kind, wording.default_template_text(kind)), kind not in own)
        for kind, label in TemplateKind.choices
    ]


def template_get(*, plan: Plan, kind: str) -> TemplateView:
    """One template of a plan (its own or the default), or 404 for an unknown kind."""
    found = next((t for t in template_list(plan=plan) if t.kind == kind), None)
    if found is None:
        raise Http404(_("No such template."))
    return found


def template_filled(*, activation: Activation, kind: str) -> str:
    """The plan's template with the activation's level, type, area, date and latest police statement."""
    statement = police_statement_latest(activation=activation)
    values = wording.placeholder_values(activation=activation, police_statement=statement.text if statement else None)
    return wording.fill(template_get(plan=activation.plan, kind=kind).text, values)


# --- Outreach -------------------------------------------------------------------------------------------


def staff_choices(*, plan: Plan) -> QuerySet[Person]:
    """People who can be given a task: those with an active login (they read and report in the app);
    the housing-social secretariat's people first."""
    return (
        Person.objects.filter(user__is_active=True)
        .select_related("organisation")
        .annotate(
            secretariat_first=Case(
                When(organisation__kind=OrganisationKind.SECRETARIAT, then=Value(0)), default=Value(1)
            )
        )
        .order_by("secretariat_first", "organisation__name", "name")
    )


def outreach_group_choices(*, plan: Plan) -> QuerySet[OutreachGroup]:
    """The plan's target groups, in the plan's order."""
    return OutreachGroup.objects.filter(plan=plan).order_by("position", "id")


def staff_get_for_task(*, plan: Plan, person_id: int, field: str = "staff") -> Person:
    """A person who can be given a task in the plan's activations, or a ValidationError on `field` (API ids)."""
    found = staff_choices(plan=plan).filter(pk=person_id).first()
    if found is None:
        raise ValidationError(
            {field: _("There is no person with id %(id)s who can be given a task.") % {"id": person_id}}
        )
    return found


def outreach_groups_by_ids(*, plan: Plan, group_ids: list[int], field: str = "groups") -> list[OutreachGroup]:
    """The plan's target groups with these ids, in the given order, or a ValidationError naming the unknown one."""
    found = {g.pk: g for g in outreach_group_choices(plan=plan).filter(pk__in=group_ids)}
    for group_id in group_ids:
        if group_id not in found:
            raise ValidationError({field: _("%(id)s is not one of the plan's target groups.") % {"id": group_id}})
    return [found[i] for i in dict.fromkeys(group_ids)]


def _tasks() -> QuerySet[OutreachTask]:
    counts = OutreachCount.objects.select_related("target")
    return OutreachTask.objects.select_related(
        "staff__organisation", "activation__incident__incident_type", "activation__incident__area"
    ).prefetch_related(
        Prefetch("targets", queryset=OutreachTarget.objects.prefetch_related("counts")),
        Prefetch(
            "reports",
            queryset=OutreachReport.objects.select_related("reported_by").prefetch_related(
                Prefetch("counts", queryset=counts)
            ),
        ),
    )


def _with_totals(tasks) -> list[OutreachTask]:
    """Each target gets `.total`, each task `.total`: contacts reported so far (from the prefetch)."""
    tasks = list(tasks)
    for task in tasks:
        for target in task.targets.all():
            target.total = sum(c.contacts for c in target.counts.all())
        task.total = sum(t.total for t in task.targets.all())
    return tasks


def outreach_tasks_for_activation(*, activation: Activation) -> list[OutreachTask]:
    """Every task of an activation with its targets, totals and reports; for readers of the activation."""
    return _with_totals(_tasks().filter(activation=activation))


def outreach_tasks_for_staff(*, user: Any) -> list[OutreachTask]:
    """The signed-in staff member's own tasks, newest first."""
    if not user.is_authenticated:
        return []
    return _with_totals(_tasks().filter(staff__user=user).order_by("-assigned_at", "-id"))


def _task_get(*, task_id: int) -> OutreachTask:
    found = _with_totals(_tasks().filter(pk=task_id))
    if not found:
        raise Http404(_("No such task, or you do not have access to it."))
    return found[0]


def outreach_task_is_own(*, user: Any, task: OutreachTask) -> bool:
    """Whether the task was given to the signed-in user."""
    return user.is_authenticated and task.staff.user_id == user.pk


def outreach_task_get_for_user(*, user: Any, task_id: int) -> OutreachTask:
    """A task the user may read: their own, or any in an activation they may read; 404 otherwise."""
    if not user.is_authenticated:
        raise Http404(_("No such task, or you do not have access to it."))
    task = _task_get(task_id=task_id)
    readable = activation_list_for_user(user=user).filter(pk=task.activation_id).exists()
    if not (outreach_task_is_own(user=user, task=task) or readable):
        raise Http404(_("No such task, or you do not have access to it."))
    return task


def outreach_task_get_for_staff(*, user: Any, task_id: int) -> OutreachTask:
    """A task the user may report on: only their own (404 if unreadable, 403 if someone else's)."""
    task = outreach_task_get_for_user(user=user, task_id=task_id)
    if not outreach_task_is_own(user=user, task=task):
        raise PermissionDenied(_("Only the staff member the task was given to can report on it."))
    return task


def outreach_task_get_for_assigner(*, user: Any, task_id: int) -> OutreachTask:
    """A task the user may change: the plan's coordinator or an administrator (404 / 403 otherwise)."""
    task = outreach_task_get_for_user(user=user, task_id=task_id)
    if not outreach_can_assign(user=user, plan=task.activation.plan):
        raise PermissionDenied(_("Only the plan's coordinator or an administrator can give outreach tasks."))
    return task


# --- The section on the activation page -----------------------------------------------------------------


@dataclass
class ActivationSummary:
    entries: list[CommunicationEntry]
    entry_count: int
    police_statement: CommunicationEntry | None
    task_count: int
    tasks_done: int
    contacts: int
    may_write: bool
    may_assign: bool


def activation_summary(*, user: Any, activation: Activation, latest: int = 3) -> ActivationSummary:
    """What the activation page shows of the log and the outreach: the latest entries and a few counts."""
    entries = list(communication_entries(activation=activation)[:latest])
    tasks = OutreachTask.objects.filter(activation=activation).aggregate(
        n=Count("id", distinct=True), done=Count("id", filter=Q(done_at__isnull=False), distinct=True)
    )
    contacts = OutreachCount.objects.filter(report__task__activation=activation).aggregate(n=Sum("contacts"))["n"]
    return ActivationSummary(
        entries=entries,
        entry_count=communication_entries(activation=activation).count(),
        police_statement=police_statement_latest(activation=activation),
        task_count=tasks["n"],
        tasks_done=tasks["done"],
        contacts=contacts or 0,
        may_write=communication_can_write(user=user, plan=activation.plan),
        may_assign=outreach_can_assign(user=user, plan=activation.plan),
    )
