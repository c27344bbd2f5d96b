"""/api/v1/: the ninja API, with JSON answers also for an unknown address (404) and method (405)."""

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _

from .api import api


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": [{"field": None, "message": message}]}, status=status)


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return _error(404, _("There is no such API address."))


def _json_not_allowed(view: Callable) -> Callable:
    # ninja answers an unsupported method with a plain-text 405; keep the API's one error shape.
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type", "").startswith("text/"):
            message = _("The method %(method)s is not allowed here.") % {"method": request.method}
            json_response = _error(405, message)
            json_response["Allow"] = response["Allow"]
            return json_response
        return response

    return wrapped


# Not unpacked into module names: include() would take a module-level `app_name` as this module's.
_api_urls = api.urls
for _pattern in _api_urls[0]:
    _pattern.callback = _json_not_allowed(_pattern.callback)

urlpatterns = [
    path("", _api_urls),
    re_path(r"^(?P<rest>.*)$", not_found),
]
