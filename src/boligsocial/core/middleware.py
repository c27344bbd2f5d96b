"""The Content-Security-Policy header.

A few lines of our own rather than django-csp: the policy is one fixed set of 'self' sources without nonces or
hashes (the templates have no inline script or style), so the only thing a library would add is a per-view
override, which CONTENT_SECURITY_POLICY_EXCEPTIONS does by URL name.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def policy_for(view_name: str | None) -> str:
    """The policy text for a page: the base policy with that URL name's extra sources added."""
    directives = {name: list(sources) for name, sources in settings.CONTENT_SECURITY_POLICY.items()}
    for name, extra in settings.CONTENT_SECURITY_POLICY_EXCEPTIONS.get(view_name or "", {}).items():
        directives[name] = [*directives.get(name, []), *extra]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            match = getattr(request, "resolver_match", None)
            response[HEADER] = policy_for(match.view_name if match else None)
        return response
