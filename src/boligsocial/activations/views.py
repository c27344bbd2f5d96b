"""Activation pages: thin; selectors read with permissions, flows and services write."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boligsocial.core.pdf import pdf_response
from boligsocial.plans.deadlines import plan_deadline_preview
from boligsocial.plans.forms import apply_errors
from boligsocial.plans.selectors import plan_get_for_user

from . import export, flows, selectors, services
from .forms import ActivationForm, CloseForm, DeclineForm, EvaluationForm, IncidentForm, LevelChangeForm


@login_required
def activation_list(request: HttpRequest) -> HttpResponse:
    activations = selectors.activation_list_for_user(user=request.user)
    now = timezone.now()
    rows = [(a, selectors.activation_is_overdue(activation=a, now=now)) for a in activations[:100]]
    open_requests = selectors.request_list_open_for_member(user=request.user)
    return render(request, "activations/activation_list.html", {"rows": rows, "open_requests": open_requests})


@login_required
def incident_new(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    may_activate = selectors.can_activate(user=request.user, plan=plan)
    initial = {"occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    form = IncidentForm(request.POST or None, plan=plan, initial=initial)
    submission_key = request.POST.get("submission_key") or str(uuid.uuid4())
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                incident = services.incident_create(
                    actor=request.user,
                    plan=plan,
                    submission_key=uuid.UUID(submission_key),
                    **form.incident_data(),
                )
                if may_activate:
                    activation = flows.activation_activate(
                        actor=request.user, incident=incident, **form.activation_data()
                    )
                else:
                    flows.request_file(
                        actor=request.user,
                        incident=incident,
                        proposed_level=form.cleaned_data["level"],
                        message=form.cleaned_data["rationale"],
                    )
        except flows.AlreadyActivated as already:
            messages.info(request, already.messages[0])
            return redirect("activations:detail", activation_id=already.activation.pk)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if may_activate:
                messages.success(request, _("The plan is activated and the members are being alerted."))
                return redirect("activations:detail", activation_id=activation.pk)
            messages.success(request, _("Your request was sent to the plan's fixed members."))
            return redirect("plans:detail", plan_id=plan.pk)
    return render(
        request,
        "activations/incident_form.html",
        {"plan": plan, "form": form, "may_activate": may_activate, "submission_key": submission_key},
    )


@login_required
def deadline_preview(request: HttpRequest, plan_id: int) -> HttpResponse:
    """htmx: the deadline the chosen level would give if activated now."""
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    try:
        deadline = plan_deadline_preview(plan=plan, level=request.GET.get("level"), activated_at=timezone.now())
    except ValidationError as error:
        return render(request, "activations/_deadline_preview.html", {"error": error.messages[0]})
    return render(request, "activations/_deadline_preview.html", {"deadline": deadline})


@login_required
def activation_detail(request: HttpRequest, activation_id: int) -> HttpResponse:
    activation = selectors.activation_get_for_user(user=request.user, activation_id=activation_id)
    context = {
        "activation": activation,
        "overdue": selectors.activation_is_overdue(activation=activation),
        "may_act": selectors.can_activate(user=request.user, plan=activation.plan),
        "level_form": LevelChangeForm(),
        "close_form": CloseForm(),
        "plan_changed": activation.plan.updated_at > activation.activated_at,
    }
    return render(request, "activations/activation_detail.html", context)


@login_required
def activation_seats(request: HttpRequest, activation_id: int) -> HttpResponse:
    """htmx partial, polled: each member's state and their messages' delivery states."""
    activation = selectors.activation_get_for_user(user=request.user, activation_id=activation_id)
    return render(
        request,
        "activations/_seats.html",
        {
            "activation": activation,
            "seats": selectors.activation_seats_with_deliveries(activation=activation),
        },
    )


@login_required
@require_POST
def activation_change_level(request: HttpRequest, activation_id: int) -> HttpResponse:
    activation = selectors.activation_get_for_member(user=request.user, activation_id=activation_id)
    form = LevelChangeForm(request.POST)
    if form.is_valid():
        try:
            flows.activation_change_level(actor=request.user, activation=activation, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The level was changed and everyone is alerted again."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("activations:detail", activation_id=activation.pk)


@login_required
@require_POST
def activation_close(request: HttpRequest, activation_id: int) -> HttpResponse:
    activation = selectors.activation_get_for_member(user=request.user, activation_id=activation_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            flows.activation_close(actor=request.user, activation=activation, summary=form.cleaned_data["summary"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The activation is closed."))
    else:
        messages.error(request, _("Write a short summary before closing."))
    return redirect("activations:detail", activation_id=activation.pk)


def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """The one-tap acknowledgement page from an alert; no sign-in. GET shows, POST records.

    A GET never acknowledges: mail scanners open links, and that must not count as a member being reached.
    """
    try:
        seat, person = flows.ack_seat_from_token(token=token)
    except ValidationError as error:
        return render(request, "activations/acknowledge.html", {"error": error.messages[0]}, status=400)
    result = None
    if request.method == "POST":
        result = flows.seat_acknowledge(seat=seat, person=person, actor=request.user, via="link")
        seat.refresh_from_db()
    return render(request, "activations/acknowledge.html", {"seat": seat, "person": person, "result": result})


@login_required
@require_POST
def request_decline(request: HttpRequest, request_id: int) -> HttpResponse:
    activation_request = selectors.request_get_for_member(user=request.user, request_id=request_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.request_decline(
                actor=request.user, request=activation_request, reason=form.cleaned_data["decline_reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The request was declined."))
    else:
        messages.error(request, _("Give a reason for declining."))
    return redirect("activations:list")


@login_required
def request_accept(request: HttpRequest, request_id: int) -> HttpResponse:
    activation_request = selectors.request_get_for_member(user=request.user, request_id=request_id)
    initial = {"level": activation_request.proposed_level, "rationale": activation_request.message}
    form = ActivationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activation = flows.request_accept(actor=request.user, request=activation_request, **form.activation_data())
        except flows.AlreadyActivated as already:
            messages.info(request, already.messages[0])
            return redirect("activations:detail", activation_id=already.activation.pk)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The plan is activated and the members are being alerted."))
            return redirect("activations:detail", activation_id=activation.pk)
    return render(
        request,
        "activations/request_accept.html",
        {
            "activation_request": activation_request,
            "form": form,
            "plan": activation_request.incident.plan,
            "decline_form": DeclineForm(),
        },
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in user's overview: what is running, who is not reached, what is overdue."""
    return render(request, "activations/dashboard.html", _dashboard_context(request))


@login_required
def dashboard_live(request: HttpRequest) -> HttpResponse:
    """htmx partial of the dashboard, polled."""
    return render(request, "activations/_dashboard_live.html", _dashboard_context(request))


def _dashboard_context(request: HttpRequest) -> dict:
    # Actions live in the meetings app, which builds on activations: the view joins the two selectors.
    from boligsocial.meetings.selectors import action_list_overdue_for_user

    board = selectors.dashboard_for_user(user=request.user)
    overdue_actions = list(action_list_overdue_for_user(user=request.user, now=board.now)[:100])
    return {"dashboard": board, "overdue_actions": overdue_actions}


@login_required
def evaluation(request: HttpRequest, activation_id: int) -> HttpResponse:
    """Read an activation's evaluation; a fixed member fills it in while it is requested."""
    found = selectors.evaluation_get_for_user(user=request.user, activation_id=activation_id)
    may_submit = selectors.evaluation_can_submit(user=request.user, evaluation=found)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST":
        if not may_submit:
            raise PermissionDenied(_("Only the plan's fixed members can evaluate an activation."))
        if form.is_valid():
            try:
                services.evaluation_submit(actor=request.user, evaluation=found, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Thank you: the evaluation is saved and on the timeline."))
                return redirect("activations:evaluation", activation_id=activation_id)
    return render(
        request,
        "activations/evaluation.html",
        {"evaluation": found, "activation": found.activation, "form": form, "may_submit": may_submit},
    )


@login_required
def plan_evaluations(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan, evaluations = selectors.plan_evaluations_for_user(user=request.user, plan_id=plan_id)
    return render(request, "activations/plan_evaluations.html", {"plan": plan, "evaluations": evaluations})


@login_required
def timeline_pdf(request: HttpRequest, activation_id: int) -> HttpResponse:
    activation = selectors.activation_get_for_user(user=request.user, activation_id=activation_id)
    pdf, filename = export.timeline_pdf(activation=activation)
    return pdf_response(pdf, filename=filename)


@login_required
def timeline_csv(request: HttpRequest, activation_id: int) -> HttpResponse:
    activation = selectors.activation_get_for_user(user=request.user, activation_id=activation_id)
    text, filename = export.timeline_csv(activation=activation)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    # Names of members and what happened in a crisis: no shared caches.
    response["Cache-Control"] = "private, no-store"
    return response
