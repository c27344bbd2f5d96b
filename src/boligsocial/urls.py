"""Top-level URLs: one include per domain app, the API under /api/v1/."""

from django.contrib import admin
from django.urls import include, path

from boligsocial.activations.views import dashboard
from boligsocial.ops.views import health

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("accounts/", include("boligsocial.accounts.urls")),
    path("plans/", include("boligsocial.plans.urls")),
    path("activations/", include("boligsocial.activations.urls")),
    path("communication/", include("boligsocial.communication.urls")),
    path("areas/", include("boligsocial.areas.urls")),
    path("api/v1/", include("boligsocial.api.urls")),
    path("notifications/", include("boligsocial.notifications.urls")),
    path("access/", include("boligsocial.access.urls")),
    path("privacy/", include("boligsocial.privacy.urls")),
    path("meetings/", include("boligsocial.meetings.urls")),
    path("", dashboard, name="dashboard"),
]
