"""Pages for the communication log, outreach tasks and templates: thin; selectors read with permissions,
services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boligsocial.plans.forms import apply_errors
from boligsocial.plans.models import Audience
from boligsocial.plans.selectors import plan_get_for_edit

from . import selectors, services
from .forms import CommunicationEntryForm, OutreachReportForm, OutreachTaskForm, TemplateForm
from .models import Channel, EntryKind, TemplateKind

# Starting points offered on the pages: what each template is for.
TEMPLATE_DEFAULTS = {
    TemplateKind.RESIDENT_LETTER: {"audience": Audience.RESIDENTS, "channel": Channel.LETTER},
    TemplateKind.PRESS_LINE: {"audience": Audience.PRESS, "channel": Channel.PRESS_RELEASE},
}


# --- The communication log ------------------------------------------------------------------------------


@login_required
def communication_log(request: HttpRequest, activation_id: int) -> HttpResponse:
    activation = selectors.activation_get_for_reader(user=request.user, activation_id=activation_id)
    context = {
        "activation": activation,
        "entries": selectors.communication_entries(activation=activation),
        "has_police_statement": selectors.police_statement_exists(activation=activation),
        "may_write": selectors.communication_can_write(user=request.user, plan=activation.plan),
        "template_kinds": TemplateKind.choices,
    }
    return render(request, "communication/log.html", context)


def _entry_initial(request: HttpRequest, activation) -> dict:
    """The form's starting values from the link that opened it: a kind, an audience or a template."""
    kind = request.GET.get("kind")
    kind = kind if kind in EntryKind.values else EntryKind.MESSAGE
    template = request.GET.get("template")
    initial = {"kind": kind, "sent_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    if template in TemplateKind.values:
        initial |= TEMPLATE_DEFAULTS[template] | {
            "template": template,
            "text": selectors.template_filled(activation=activation, kind=template),
        }
    elif kind == EntryKind.POLICE_STATEMENT:
        initial |= {"audience": Audience.PRESS, "channel": Channel.PRESS_RELEASE}
    else:
        audience = request.GET.get("audience")
        initial["audience"] = audience if audience in Audience.values else Audience.RESIDENTS
    initial["sender"] = selectors.sender_suggest(plan=activation.plan, audience=initial["audience"], kind=kind)
    return initial


@login_required
def communication_new(request: HttpRequest, activation_id: int) -> HttpResponse:
    activation = selectors.activation_get_for_writer(user=request.user, activation_id=activation_id)
    form = CommunicationEntryForm(request.POST or None, initial=_entry_initial(request, activation))
    if request.method == "POST" and form.is_valid():
        try:
            services.communication_entry_create(actor=request.user, activation=activation, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The entry is in the communication log."))
            return redirect("communication:log", activation_id=activation.pk)
    has_police_statement = selectors.police_statement_exists(activation=activation)
    context = {
        "activation": activation,
        "form": form,
        "has_police_statement": has_police_statement,
        # The confirmation is asked for only once the service has refused without it.
        "ask_confirmation": "confirm_without_police_statement" in form.errors,
        "suggestions": selectors.sender_suggestions(plan=activation.plan),
    }
    return render(request, "communication/entry_form.html", context)


# --- Outreach -------------------------------------------------------------------------------------------


@login_required
def outreach_overview(request: HttpRequest, activation_id: int) -> HttpResponse:
    activation = selectors.activation_get_for_reader(user=request.user, activation_id=activation_id)
    context = {
        "activation": activation,
        "tasks": selectors.outreach_tasks_for_activation(activation=activation),
        "may_assign": selectors.outreach_can_assign(user=request.user, plan=activation.plan),
    }
    return render(request, "communication/outreach.html", context)


@login_required
def outreach_assign(request: HttpRequest, activation_id: int) -> HttpResponse:
    activation = selectors.activation_get_for_assigner(user=request.user, activation_id=activation_id)
    form = OutreachTaskForm(
        request.POST or None,
        staff_choices=selectors.staff_choices(plan=activation.plan),
        group_choices=selectors.outreach_group_choices(plan=activation.plan),
    )
    if request.method == "POST" and form.is_valid():
        try:
            task = services.outreach_task_assign(
                actor=request.user,
                activation=activation,
                staff=form.cleaned_data["staff"],
                groups=list(form.cleaned_data["groups"]),
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The task is given to %(person)s, who is notified.") % {"person": task.staff})
            return redirect("communication:outreach", activation_id=activation.pk)
    return render(request, "communication/task_form.html", {"activation": activation, "form": form, "task": None})


@login_required
def outreach_task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.outreach_task_get_for_assigner(user=request.user, task_id=task_id)
    activation = task.activation
    initial = {"description": task.description, "groups": [t.group_id for t in task.targets.all() if t.group_id]}
    form = OutreachTaskForm(
        request.POST or None,
        initial=initial,
        staff_choices=selectors.staff_choices(plan=activation.plan),
        group_choices=selectors.outreach_group_choices(plan=activation.plan),
        task=task,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.outreach_task_update(
                actor=request.user,
                task=task,
                groups=list(form.cleaned_data["groups"]),
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The task is changed and %(person)s is notified.") % {"person": task.staff})
            return redirect("communication:outreach", activation_id=activation.pk)
    return render(request, "communication/task_form.html", {"activation": activation, "form": form, "task": task})


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    tasks = selectors.outreach_tasks_for_staff(user=request.user)
    return render(request, "communication/my_tasks.html", {"tasks": tasks})


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.outreach_task_get_for_user(user=request.user, task_id=task_id)
    own = selectors.outreach_task_is_own(user=request.user, task=task)
    form = OutreachReportForm(task=task) if own else None
    context = {"task": task, "own": own, "form": form, "show_activation_link": not own}
    return render(request, "communication/task_detail.html", context)


@login_required
@require_POST
def task_report(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.outreach_task_get_for_staff(user=request.user, task_id=task_id)
    form = OutreachReportForm(request.POST, task=task)
    if form.is_valid():
        try:
            services.outreach_report_add(
                actor=request.user,
                task=task,
                counts=form.counts(),
                note=form.cleaned_data["note"],
                done=form.cleaned_data["done"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Thank you. Your report is recorded."))
            return redirect("communication:task", task_id=task.pk)
    context = {"task": task, "own": True, "form": form, "show_activation_link": False}
    return render(request, "communication/task_detail.html", context)


# --- Templates ------------------------------------------------------------------------------------------


@login_required
def template_list(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_get_for_edit(user=request.user, plan_id=plan_id)
    return render(
        request, "communication/templates.html", {"plan": plan, "templates": selectors.template_list(plan=plan)}
    )


@login_required
def template_edit(request: HttpRequest, plan_id: int, kind: str) -> HttpResponse:
    plan = plan_get_for_edit(user=request.user, plan_id=plan_id)
    if kind not in TemplateKind.values:
        raise Http404(_("No such template."))
    current = selectors.template_get(plan=plan, kind=kind)
    form = TemplateForm(request.POST or None, initial={"text": current.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.communication_template_save(
                actor=request.user, plan=plan, kind=kind, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The template is saved."))
            return redirect("communication:templates", plan_id=plan.pk)
    return render(request, "communication/template_form.html", {"plan": plan, "template": current, "form": form})


@login_required
@require_POST
def template_reset(request: HttpRequest, plan_id: int, kind: str) -> HttpResponse:
    plan = plan_get_for_edit(user=request.user, plan_id=plan_id)
    if kind not in TemplateKind.values:
        raise Http404(_("No such template."))
    services.communication_template_reset(actor=request.user, plan=plan, kind=kind)
    messages.success(request, _("The template uses the standard text again."))
    return redirect("communication:templates", plan_id=plan.pk)
