"""The one place that holds pages back until the plan's confidentiality statement is accepted.

Every page whose URL names a plan, an activation or an activation request (access.selectors.PLAN_OF_URL_ARGUMENT)
is covered, whatever app it belongs to. The API is checked in api.auth (it knows the token's user only there);
the acknowledgement link from a message names no plan and is never held back.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import selectors

SKIPPED_NAMESPACES = {"api", "access", "admin"}


class PledgeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = request.resolver_match
        if not request.user.is_authenticated or match is None or SKIPPED_NAMESPACES & set(match.namespaces):
            return None
        lookup = selectors.plan_lookup_for_url(view_kwargs)
        if lookup is None:
            return None
        plan_id = selectors.plan_awaiting_pledge(user=request.user, lookup=lookup)
        if plan_id is None:
            return None
        url = reverse("access:pledge", args=[plan_id])
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
