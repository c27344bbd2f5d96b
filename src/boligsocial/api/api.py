"""The API object: authentication, the error handlers and the routers, one module per domain.

A new domain (e.g. activations) is one more module with a `router`, added to ROUTERS.
"""

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from . import activations, areas, communication, deadlines, directory, errors, evaluations, meetings, plans, privacy
from .auth import AUTH

ROUTERS = [
    plans.router,
    directory.router,
    deadlines.router,
    activations.router,
    evaluations.router,
    communication.router,
    meetings.router,
    privacy.router,
    areas.router,
]


class BoligsocialAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Function names are unique across the routers and read better than module-prefixed ids.
        return operation.view_func.__name__


api = BoligsocialAPI(
    title="boligsocial API",
    version="1",
    # Developer documentation, in English like the operations' docstrings; error messages are translated.
    description=(
        "Preparedness plans, members, contact lists, the directory, incidents and activations. Authenticate with "
        "`Authorization: Bearer <token>` (create one with `boligsocial api_token create`). "
        "Every call acts as the token's user, with the same permissions as on the pages. "
        'Errors answer `{"detail": [{"field": ..., "message": ...}]}` in the request\'s language '
        "(Danish by default)."
    ),
    urls_namespace="api",
    auth=AUTH,
    # Swagger UI from django-ninja's bundled static files (ninja is in INSTALLED_APPS): no CDN.
    docs=Swagger(),
)
errors.install(api)
for router in ROUTERS:
    api.add_router("", router)
