"""Plan pages. Thin: selectors read with permissions, services write, templates show."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boligsocial.core.pdf import html_to_document, pdf_response

from . import selectors, services
from .forms import MemberForm, PlanForm, apply_errors


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.plan_list_for_user(user=request.user)
    return render(request, "plans/plan_list.html", {"plans": plans})


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    return render(
        request, "plans/plan_detail.html", selectors.plan_document_context(plan=plan, user=request.user)
    )


@login_required
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_edit(user=request.user, plan_id=plan_id)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "areas"}
        try:
            services.plan_update(
                actor=request.user, plan=plan, areas=list(form.cleaned_data["areas"]), **data
            )
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
                person = services.person_create(
                    actor=request.user, phones=form.cleaned_data["phones"], **form.person_data()
                )
                services.membership_save(
                    actor=request.user, plan=plan, person=person, **form.membership_data()
                )
            else:
                services.person_update(
                    actor=request.user,
                    person=membership.person,
                    phones=form.cleaned_data["phones"],
                    **form.person_data(),
                )
                services.membership_save(
                    actor=request.user, plan=plan, membership=membership, **form.membership_data()
                )
    except ValidationError as error:
        apply_errors(form, error)
        return False
    return True


@login_required
def member_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_edit(user=request.user, plan_id=plan_id)
    form = MemberForm(request.POST or None, plan=plan)
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
@require_POST
def member_remove(request: HttpRequest, plan_id: int, membership_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_edit(user=request.user, plan_id=plan_id)
    membership = selectors.membership_get_for_edit(user=request.user, plan=plan, membership_id=membership_id)
    services.membership_remove(actor=request.user, plan=plan, membership=membership)
    messages.success(request, _("The member was removed from the plan."))
    return redirect("plans:detail", plan_id=plan.pk)


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
