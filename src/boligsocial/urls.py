"""Top-level URLs: one include per domain app, the API under /api/v1/."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("boligsocial.accounts.urls")),
    path("plans/", include("boligsocial.plans.urls")),
    path("activations/", include("boligsocial.activations.urls")),
    path("areas/", include("boligsocial.areas.urls")),
    path("api/v1/", include("boligsocial.api.urls")),
    path("notifications/", include("boligsocial.notifications.urls")),
    path("", RedirectView.as_view(pattern_name="plans:list", permanent=False)),
]
