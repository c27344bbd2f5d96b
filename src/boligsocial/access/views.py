"""The confidentiality statement page: read the plan's statement and accept it before using the plan."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from boligsocial.plans.selectors import plan_get_for_user

from . import selectors, services
from .forms import PledgeForm


@login_required
def pledge(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("plans:detail", args=[plan.pk])
    if not plan.confidentiality_text.strip():
        return redirect(next_url)
    current_hash = selectors.confidentiality_hash(plan.confidentiality_text)
    form = PledgeForm(request.POST or None, initial={"text_hash": current_hash})
    stale: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_accept(actor=request.user, plan=plan, text_hash=form.cleaned_data["text_hash"])
        except ValidationError as error:
            # The text changed under the reader: show the new wording with a fresh form.
            stale = error.messages
            form = PledgeForm(initial={"text_hash": current_hash})
        else:
            return redirect(next_url)
    latest = selectors.pledge_latest(user=request.user, plan=plan)
    context = {
        "plan": plan,
        "form": form,
        "next": next_url,
        "current": selectors.pledge_is_current(user=request.user, plan=plan),
        "changed": latest is not None and latest.text_hash != current_hash,
        "latest": latest,
        "stale": stale,
    }
    return render(request, "access/pledge.html", context)
