"""One error shape for the whole API: `{"detail": [{"field": ..., "message": ...}]}`, in the user's language.

Services refuse bad input with Django's ValidationError (messages already translated, keyed by field);
request parsing refuses it with pydantic errors, whose English texts are replaced here by Danish ones.
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger(__name__)


class ErrorItem(Schema):
    field: str | None = None
    message: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


def _items(pairs: Iterable[tuple[str | None, str]]) -> dict[str, list[dict[str, Any]]]:
    return {"detail": [{"field": field, "message": str(message)} for field, message in pairs]}


def _django_pairs(error: DjangoValidationError) -> list[tuple[str | None, str]]:
    if hasattr(error, "error_dict"):
        return [
            (None if field == NON_FIELD_ERRORS else field, message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [(None, message) for message in error.messages]


def prefix_fields(error: DjangoValidationError, prefix: str) -> DjangoValidationError:
    """The same errors with each field named under `prefix` (a nested object of the request)."""
    pairs = _django_pairs(error)
    named: dict[str, list[str]] = {}
    for field, message in pairs:
        named.setdefault(f"{prefix}.{field}" if field else prefix, []).append(message)
    return DjangoValidationError(named)


def _pydantic_message(error: dict[str, Any]) -> str:
    """A Danish (translated) text for one pydantic error, by its stable `type`."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is unknown.")
    if kind.startswith("datetime") or kind in ("timezone_aware", "timezone_naive"):
        return _("Give a time as ISO 8601 with its UTC offset, e.g. 2026-04-01T14:00:00+02:00.")
    if kind.startswith("date"):
        return _("Give a valid date as YYYY-MM-DD.")
    if kind.startswith("uuid"):
        return _("Give a UUID, e.g. 6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b.")
    if kind.startswith("int") or kind == "float_parsing":
        return _("Give a whole number.")
    if kind.startswith("bool"):
        return _("Give true or false.")
    if kind == "string_type":
        return _("Give a text.")
    if kind == "string_too_long":
        return _("Write at most %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("This field cannot be empty.")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Give a list.")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("Give an object.")
    if kind in ("literal_error", "enum"):
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "greater_than_equal":
        return _("Give a number of %(n)s or more.") % {"n": ctx.get("ge")}
    if kind == "greater_than":
        return _("Give a number greater than %(n)s.") % {"n": ctx.get("gt")}
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind == "value_error":
        return str(ctx.get("error", "")) or _("The value is not valid.")
    return _("The value is not valid.")


def _pydantic_field(loc: tuple | list) -> str | None:
    """`("body", "payload", "phones", 0)` -> `phones.0`: drop the source and the body parameter's name."""
    parts = list(loc)
    if parts and parts[0] in ("body", "form", "file"):
        parts = parts[2:]
    elif parts and parts[0] in ("path", "query", "header", "cookie"):
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or None


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every refusal into the API's one error shape."""

    def respond(request: HttpRequest, status: int, pairs: Iterable[tuple[str | None, str]]) -> HttpResponse:
        return api.create_response(request, _items(pairs), status=status)

    @api.exception_handler(DjangoValidationError)
    def service_refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return respond(request, 422, _django_pairs(exc))

    @api.exception_handler(NinjaValidationError)
    def request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return respond(request, 422, [(_pydantic_field(e["loc"]), _pydantic_message(e)) for e in exc.errors])

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = (
            exc.message
            if exc.message != "Unauthorized"
            else _("Sign in, or send an API token in the header “Authorization: Bearer <token>”.")
        )
        response = respond(request, 401, [(None, message)])
        response["WWW-Authenticate"] = 'Bearer realm="boligsocial"'
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, [(None, str(exc) or _("You are not allowed to do this."))])

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, [(None, str(exc) or _("Not found."))])

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = exc.message
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):
            message = _("The request body is not valid JSON.")
        return respond(request, exc.status_code, [(None, message)])

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return respond(request, 500, [(None, _("Something went wrong on the server. Try again later."))])
