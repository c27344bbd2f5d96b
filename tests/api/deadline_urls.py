"""A throwaway URLconf mounting only the deadlines router, as the main API will, for end-to-end tests."""

from django.urls import path
from ninja import NinjaAPI
from ninja.security import django_auth

from boligsocial.api.deadlines import router

api = NinjaAPI(urls_namespace="test-deadlines", auth=django_auth)
api.add_router("", router)

urlpatterns = [path("api/v1/", api.urls)]
