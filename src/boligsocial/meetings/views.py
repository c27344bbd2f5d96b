"""Meeting, decision and action pages: thin; selectors read with permissions, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boligsocial.activations.selectors import activation_get_for_user
from boligsocial.notifications.selectors import notification_status_for_source
from boligsocial.plans.forms import apply_errors

from . import selectors, services
from .forms import (
    ActionForm,
    CancelForm,
    DecisionForm,
    InviteForm,
    MeetingTimeForm,
    RecordForm,
    ScheduleForm,
    UnscheduledRecordForm,
)
from .ics import meeting_ics


def _activation_for_member(request: HttpRequest, activation_id: int):
    activation = activation_get_for_user(user=request.user, activation_id=activation_id)
    selectors.meetings_check_can_manage(user=request.user, plan=activation.plan)
    return activation


def _apply(form, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's errors on the form, under the form's name for fields it calls differently."""
    if aliases and hasattr(error, "error_dict"):
        renamed: dict[str, list] = {}
        for field, messages_ in error.message_dict.items():
            renamed.setdefault(aliases.get(field, field), []).extend(messages_)
        error = ValidationError(renamed)
    apply_errors(form, error)


def _back(activation_id: int) -> HttpResponse:
    return redirect("meetings:activation", activation_id=activation_id)


@login_required
def activation_overview(request: HttpRequest, activation_id: int) -> HttpResponse:
    """Meetings, decisions and the action plan of one activation."""
    activation = activation_get_for_user(user=request.user, activation_id=activation_id)
    follow_up = selectors.activation_follow_up(user=request.user, activation=activation)
    return render(request, "meetings/activation_overview.html", {"activation": activation, "follow_up": follow_up})


@login_required
def meeting_schedule(request: HttpRequest, activation_id: int) -> HttpResponse:
    activation = _activation_for_member(request, activation_id)
    plan = activation.plan
    form = ScheduleForm(
        request.POST or None,
        adhoc_resources=plan.adhoc_resources.all(),
        invitees=selectors.meeting_invitee_choices(plan=plan),
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(
                actor=request.user,
                activation=activation,
                adhoc_resources=list(form.cleaned_data["adhoc_resources"]),
                invited=list(form.cleaned_data["invited"]),
                **form.meeting_data(),
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The meeting is scheduled and the invitations are being sent."))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    context = {"activation": activation, "form": form, "title": _("Schedule the preparedness meeting")}
    return render(request, "meetings/form.html", context)


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    may_manage = selectors.meetings_can_manage(user=request.user, plan=meeting.plan)
    context = {
        "meeting": meeting,
        "may_manage": may_manage,
        "recipients": notification_status_for_source(source=meeting) if may_manage else [],
        "cancel_form": CancelForm(),
    }
    return render(request, "meetings/meeting_detail.html", context)


@login_required
def meeting_ics_download(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting as an .ics file to add to one's own calendar."""
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    response = HttpResponse(meeting_ics(meeting=meeting, method="PUBLISH"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Move the meeting or change its place, and invite more people."""
    meeting = selectors.meeting_get_for_member(user=request.user, meeting_id=meeting_id)
    plan = meeting.plan
    initial = {
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M") if meeting.ends_at else None,
        "place": meeting.place,
        "video_link": meeting.video_link,
    }
    is_invite = request.method == "POST" and "invite" in request.POST
    time_form = MeetingTimeForm(request.POST if request.method == "POST" and not is_invite else None, initial=initial)
    invite_form = InviteForm(
        request.POST if is_invite else None,
        adhoc_resources=plan.adhoc_resources.exclude(pk__in=[p.adhoc_resource_id for p in meeting.participants.all()]),
        invitees=selectors.meeting_invitee_choices(plan=plan).exclude(
            pk__in=[p.person_id for p in meeting.participants.all() if p.person_id]
        ),
    )
    if request.method == "POST":
        form = invite_form if is_invite else time_form
        if form.is_valid():
            try:
                if is_invite:
                    services.meeting_invite(
                        actor=request.user,
                        meeting=meeting,
                        invited=list(form.cleaned_data["invited"]),
                        adhoc_resources=list(form.cleaned_data["adhoc_resources"]),
                    )
                    messages.success(request, _("The invitations are being sent."))
                else:
                    services.meeting_reschedule(actor=request.user, meeting=meeting, **form.meeting_data())
                    messages.success(request, _("The meeting is changed and everyone invited is told."))
            except ValidationError as error:
                _apply(form, error)
            else:
                return redirect("meetings:detail", meeting_id=meeting.pk)
    context = {"meeting": meeting, "time_form": time_form, "invite_form": invite_form}
    return render(request, "meetings/meeting_edit.html", context)


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_member(user=request.user, meeting_id=meeting_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_cancel(actor=request.user, meeting=meeting, reason=form.cleaned_data["cancel_reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The meeting is cancelled and everyone invited is told."))
    else:
        messages.error(request, _("Give a reason for cancelling."))
    return redirect("meetings:detail", meeting_id=meeting.pk)


@login_required
def meeting_record(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Record the meeting as held: situation picture, media, attendance, decisions."""
    meeting = selectors.meeting_get_for_member(user=request.user, meeting_id=meeting_id)
    participants = list(meeting.participants.all())
    initial = {}
    if hasattr(meeting, "record"):
        initial = {
            "situation": meeting.record.situation,
            "media": meeting.record.media,
            "attended": [str(p.pk) for p in participants if p.attended],
        }
    form = RecordForm(request.POST or None, initial=initial, attendees=[(p.pk, p) for p in participants])
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record_held(actor=request.user, meeting=meeting, **form.record_data())
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The meeting is recorded as held."))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    context = {"meeting": meeting, "activation": meeting.activation, "form": form, "title": _("Record the meeting")}
    return render(request, "meetings/form.html", context)


@login_required
def meeting_record_unscheduled(request: HttpRequest, activation_id: int) -> HttpResponse:
    """Record a meeting that was held at short notice without being scheduled here."""
    activation = _activation_for_member(request, activation_id)
    people = selectors.plan_fixed_member_people(plan=activation.plan) + list(
        selectors.meeting_invitee_choices(plan=activation.plan)
    )
    form = UnscheduledRecordForm(request.POST or None, attendees=[(p.pk, p) for p in people])
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_record_unscheduled(
                actor=request.user, activation=activation, **form.record_data()
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The meeting is recorded as held."))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    context = {"activation": activation, "form": form, "title": _("Record a meeting held without an invitation")}
    return render(request, "meetings/form.html", context)


@login_required
def decision_new(request: HttpRequest, activation_id: int) -> HttpResponse:
    """Record a decision agreed without a meeting (by phone or mail), with who agreed."""
    activation = _activation_for_member(request, activation_id)
    form = DecisionForm(request.POST or None, members=selectors.plan_member_people(plan=activation.plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_record(
                actor=request.user,
                activation=activation,
                text=form.cleaned_data["text"],
                way=form.cleaned_data["way"],
                agreed_by=list(form.cleaned_data["agreed_by"]),
                decided_at=form.cleaned_data["decided_at"],
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The decision is recorded."))
            return _back(activation.pk)
    context = {"activation": activation, "form": form, "title": _("Record a decision without a meeting")}
    return render(request, "meetings/form.html", context)


def _action_form(request: HttpRequest, *, plan, activation, **kwargs) -> ActionForm:
    decisions = selectors.decision_list_for_activation(activation=activation) if activation else []
    return ActionForm(
        request.POST or None,
        members=list(selectors.plan_member_people(plan=plan).order_by("name")),
        staff=list(selectors.plan_staff_people(plan=plan)),
        organisations=list(selectors.action_owner_organisations()),
        decisions=list(decisions),
        **kwargs,
    )


OWNER_ALIASES = {"owner_member": "owner", "owner_staff": "owner", "owner_organisation": "owner"}


@login_required
def action_new(request: HttpRequest, activation_id: int) -> HttpResponse:
    activation = _activation_for_member(request, activation_id)
    initial = {"decision": request.GET.get("decision")}
    form = _action_form(request, plan=activation.plan, activation=activation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_create(
                actor=request.user, activation=activation, decision=form.chosen_decision(), **form.action_data()
            )
        except ValidationError as error:
            _apply(form, error, OWNER_ALIASES)
        else:
            messages.success(request, _("The action is added to the action plan."))
            return _back(activation.pk)
    context = {"activation": activation, "form": form, "title": _("New action")}
    return render(request, "meetings/form.html", context)


@login_required
def action_edit(request: HttpRequest, action_id: int) -> HttpResponse:
    action = selectors.action_get_for_member(user=request.user, action_id=action_id)
    activation = action.activation
    initial = {
        "title": action.title,
        "owner": ActionForm.owner_value(action),
        "deadline": timezone.localtime(action.deadline).strftime("%Y-%m-%dT%H:%M"),
        "status": action.status,
        "notes": action.notes,
        "decision": action.decision_id,
    }
    form = _action_form(request, plan=action.plan, activation=activation, initial=initial)
    form.fields["decision"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(actor=request.user, action=action, **form.action_data())
        except ValidationError as error:
            _apply(form, error, OWNER_ALIASES)
        else:
            messages.success(request, _("The action is saved."))
            if activation is None:
                return redirect("plans:detail", plan_id=action.plan_id)
            return _back(activation.pk)
    context = {"activation": activation, "form": form, "title": _("Edit action"), "action": action}
    return render(request, "meetings/form.html", context)
