"""Plan pages. Thin: selectors read with permissions, services write, templates show."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boligsocial.core.pdf import html_to_document, pdf_response

from . import selectors, services
from .forms import (
    ApproveForm,
    IncidentTypesForm,
    MemberForm,
    MemberLeaveForm,
    PlanForm,
    SignatureForm,
    apply_errors,
)
from .models import Plan
from .parts import PartKind, part_kind_get


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.plan_list_for_user(user=request.user)
    can_create = selectors.plan_create_allowed(user=request.user)
    return render(request, "plans/plan_list.html", {"plans": plans, "can_create": can_create})


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    return render(request, "plans/plan_detail.html", selectors.plan_document_context(plan=plan, user=request.user))


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    selectors.plan_check_can_create(user=request.user)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "areas"}
        try:
            plan = services.plan_create(actor=request.user, areas=list(form.cleaned_data["areas"]), **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The plan was created. Add its members and choose the coordinator."))
            return redirect("plans:detail", plan_id=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form})


@login_required
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_edit(user=request.user, plan_id=plan_id)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "areas"}
        try:
            services.plan_update(actor=request.user, plan=plan, areas=list(form.cleaned_data["areas"]), **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("plans:detail", plan_id=plan.pk)
    return render(request, "plans/plan_form.html", {"plan": plan, "form": form})


def _save_member(request: HttpRequest, plan, membership, form: MemberForm) -> bool:
    """Run the person and membership services together; on refusal nothing is saved."""
    try:
        with transaction.atomic():
            if membership is None:
                person = form.cleaned_data.get("person") or services.person_create(
                    actor=request.user, phones=form.cleaned_data["phones"], **form.person_data()
                )
                services.membership_save(actor=request.user, plan=plan, person=person, **form.membership_data())
            else:
                services.person_update(
                    actor=request.user,
                    person=membership.person,
                    phones=form.cleaned_data["phones"],
                    **form.person_data(),
                )
                services.membership_save(actor=request.user, plan=plan, membership=membership, **form.membership_data())
    except ValidationError as error:
        apply_errors(form, error)
        return False
    return True


@login_required
def member_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_edit(user=request.user, plan_id=plan_id)
    people = selectors.person_choices_for_plan(plan=plan)
    form = MemberForm(request.POST or None, plan=plan, people=people)
    if request.method == "POST" and form.is_valid() and _save_member(request, plan, None, form):
        messages.success(request, _("The member was added."))
        return redirect("plans:detail", plan_id=plan.pk)
    return render(request, "plans/member_form.html", {"plan": plan, "form": form})


@login_required
def member_edit(request: HttpRequest, plan_id: int, membership_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_edit(user=request.user, plan_id=plan_id)
    membership = selectors.membership_get_for_edit(user=request.user, plan=plan, membership_id=membership_id)
    form = MemberForm(request.POST or None, plan=plan, initial=MemberForm.initial_for(membership))
    if request.method == "POST" and form.is_valid() and _save_member(request, plan, membership, form):
        messages.success(request, _("The member was saved."))
        return redirect("plans:detail", plan_id=plan.pk)
    return render(request, "plans/member_form.html", {"plan": plan, "form": form, "membership": membership})


@login_required
def member_remove(request: HttpRequest, plan_id: int, membership_id: int) -> HttpResponse:
    """GET asks for confirmation; only a POST removes."""
    plan = selectors.plan_get_for_edit(user=request.user, plan_id=plan_id)
    membership = selectors.membership_get_for_edit(user=request.user, plan=plan, membership_id=membership_id)
    if request.method == "POST":
        services.membership_remove(actor=request.user, plan=plan, membership=membership)
        messages.success(request, _("The member was removed from the plan."))
        return redirect("plans:detail", plan_id=plan.pk)
    context = {
        "plan": plan,
        "question": _("Remove %(name)s from the plan?") % {"name": membership.person.name},
        "explanation": _(
            "Substitutes who stand in for this member are removed too. The person stays in the directory."
        ),
        "cancel_url": reverse("plans:member_edit", args=[plan.pk, membership.pk]),
    }
    return render(request, "plans/confirm_delete.html", context)


@login_required
def member_leave(request: HttpRequest, plan_id: int, membership_id: int) -> HttpResponse:
    """A member leaves and names a successor: the member themselves, or the coordinator for their organisation."""
    membership = selectors.membership_get_for_leave(user=request.user, plan_id=plan_id, membership_id=membership_id)
    plan = membership.plan
    form = MemberLeaveForm(
        request.POST or None,
        people=selectors.successor_choices(user=request.user, membership=membership),
        initial={"organisation": membership.person.organisation_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                successor = form.cleaned_data["successor"] or services.person_create(
                    actor=request.user, phones=form.cleaned_data["phones"], **form.person_data()
                )
                services.member_leave(
                    actor=request.user,
                    membership=membership,
                    successor=successor,
                    left_on=form.cleaned_data["left_on"],
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(leaver)s has left the plan; %(successor)s has taken their place. The coordinator is told.")
                % {"leaver": membership.person.name, "successor": successor.name},
            )
            if selectors.plan_list_for_user(user=request.user).filter(pk=plan.pk).exists():
                return redirect("plans:detail", plan_id=plan.pk)
            return redirect("plans:list")
    context = {
        "plan": plan,
        "membership": membership,
        "form": form,
        "own": membership.person.user_id == request.user.pk,
    }
    return render(request, "plans/member_leave.html", context)


def _plan_section(plan: Plan, section: str) -> str:
    return f"{reverse('plans:detail', args=[plan.pk])}#{section}"


def _part_form(request: HttpRequest, plan: Plan, kind: PartKind, part: models.Model) -> HttpResponse:
    adding = part.pk is None
    form = kind.form_class(request.POST or None, instance=part)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_part_save(actor=request.user, plan=plan, part=form.save(commit=False))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The change was saved."))
            return redirect(_plan_section(plan, kind.section))
    context = {"plan": plan, "kind": kind, "part": part, "form": form, "adding": adding}
    return render(request, "plans/part_form.html", context)


@login_required
def part_add(request: HttpRequest, plan_id: int, kind: str) -> HttpResponse:
    part_kind = part_kind_get(slug=kind, adding_or_deleting=True)
    plan = selectors.plan_get_for_edit(user=request.user, plan_id=plan_id)
    return _part_form(request, plan, part_kind, part_kind.new_part(plan))


@login_required
def part_edit(request: HttpRequest, plan_id: int, kind: str, part_id: int) -> HttpResponse:
    part_kind = part_kind_get(slug=kind)
    plan = selectors.plan_get_for_edit(user=request.user, plan_id=plan_id)
    part = selectors.plan_part_get_for_edit(plan=plan, related_name=part_kind.related_name, part_id=part_id)
    return _part_form(request, plan, part_kind, part)


@login_required
def part_delete(request: HttpRequest, plan_id: int, kind: str, part_id: int) -> HttpResponse:
    """GET asks for confirmation; only a POST deletes."""
    part_kind = part_kind_get(slug=kind, adding_or_deleting=True)
    plan = selectors.plan_get_for_edit(user=request.user, plan_id=plan_id)
    part = selectors.plan_part_get_for_edit(plan=plan, related_name=part_kind.related_name, part_id=part_id)
    if request.method == "POST":
        services.plan_part_delete(actor=request.user, plan=plan, part=part)
        messages.success(request, _("“%(part)s” was deleted from the plan.") % {"part": part})
        return redirect(_plan_section(plan, part_kind.section))
    question = _("Delete %(what)s: %(name)s?") % {"what": part_kind.verbose_name, "name": part}
    cancel_url = reverse("plans:part_edit", args=[plan.pk, part_kind.slug, part.pk])
    return render(request, "plans/confirm_delete.html", {"plan": plan, "question": question, "cancel_url": cancel_url})


@login_required
def incident_types_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_edit(user=request.user, plan_id=plan_id)
    form = IncidentTypesForm(request.POST or None, initial={"incident_types": plan.incident_types.all()})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                actor=request.user, plan=plan, incident_types=list(form.cleaned_data["incident_types"])
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The incident types were saved."))
            return redirect(_plan_section(plan, "purpose"))
    return render(request, "plans/incident_types_form.html", {"plan": plan, "form": form})


def _signatures_page(
    request: HttpRequest,
    plan: Plan,
    *,
    signature_form: SignatureForm | None = None,
    approve_form: ApproveForm | None = None,
    errors: list[str] = (),
) -> HttpResponse:
    context = selectors.plan_document_context(plan=plan, user=request.user)
    missing = selectors.plan_missing_parties(plan=plan)
    context.update(
        missing=missing,
        signature_form=signature_form or SignatureForm(offer=missing),
        approve_form=approve_form or ApproveForm(),
        errors=errors,
    )
    return render(request, "plans/signatures.html", context)


@login_required
def signatures(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_edit(user=request.user, plan_id=plan_id)
    return _signatures_page(request, plan)


@login_required
@require_POST
def signatures_request(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_edit(user=request.user, plan_id=plan_id)
    try:
        services.plan_request_signatures(actor=request.user, plan=plan)
    except ValidationError as error:
        return _signatures_page(request, plan, errors=error.messages)
    messages.success(request, _("The plan was sent for signatures."))
    return redirect("plans:signatures", plan_id=plan.pk)


@login_required
@require_POST
def signature_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_edit(user=request.user, plan_id=plan_id)
    form = SignatureForm(request.POST, offer=selectors.plan_missing_parties(plan=plan))
    if form.is_valid():
        try:
            services.signature_add(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # A refusal of the whole step (wrong status) goes on top: the form may not be shown.
                return _signatures_page(request, plan, signature_form=form, errors=error.messages)
            apply_errors(form, error)
        else:
            messages.success(request, _("The signature was recorded."))
            return redirect("plans:signatures", plan_id=plan.pk)
    return _signatures_page(request, plan, signature_form=form)


@login_required
@require_POST
def plan_approve(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_edit(user=request.user, plan_id=plan_id)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.plan_approve(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # A refusal of the whole step (wrong status) goes on top: the form may not be shown.
                return _signatures_page(request, plan, approve_form=form, errors=error.messages)
            apply_errors(form, error)
        else:
            messages.success(request, _("The approval by Landsbyggefonden was recorded."))
            return redirect("plans:signatures", plan_id=plan.pk)
    return _signatures_page(request, plan, approve_form=form)


def _pdf_filename(kind: str, plan) -> str:
    """E.g. kontaktliste-randers-2025-2029-v2.pdf; the kind is left out when the plan's name says it."""
    name = plan.name if kind.lower() in plan.name.lower() else f"{kind} {plan.name}"
    return f"{slugify(name, allow_unicode=True)}-v{plan.version}.pdf"


# The printed plan is the document the parties sign and Landsbyggefonden approves: always in Danish.
PDF_LANGUAGE = "da"


@login_required
def plan_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    with translation.override(PDF_LANGUAGE):
        context = selectors.plan_document_context(plan=plan, user=request.user)
        context.update(pdf=True, printed_on=timezone.localdate())
        pdf = html_to_document(render_to_string("plans/plan_pdf.html", context)).write_pdf()
        filename = _pdf_filename(_("preparedness plan"), plan)
    return pdf_response(pdf, filename=filename)


@login_required
def contact_list_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    with translation.override(PDF_LANGUAGE):
        context = selectors.plan_document_context(plan=plan, user=request.user)
        context.update(pdf=True, printed_on=timezone.localdate(), compact=False)
        context["meeting_rules"] = [rule for rule in context["levels"] if rule.deadline_text]
        document = html_to_document(render_to_string("plans/contact_list_pdf.html", context))
        if len(document.pages) > 1:
            # The list is for the pocket: a long one is set tighter rather than spill onto a second sheet.
            context["compact"] = True
            document = html_to_document(render_to_string("plans/contact_list_pdf.html", context))
        filename = _pdf_filename(_("contact list"), plan)
    return pdf_response(document.write_pdf(), filename=filename)


@login_required
def version_list(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    history = selectors.plan_version_history(plan=plan)
    return render(request, "plans/version_list.html", {"plan": plan, "history": history})


@login_required
def version_detail(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    if number == plan.version:
        return redirect("plans:detail", plan_id=plan.pk)
    context = selectors.plan_version_context(plan=plan, number=number)
    return render(request, "plans/version_detail.html", context)
