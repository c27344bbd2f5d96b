from django.urls import path

from . import views

app_name = "access"

urlpatterns = [
    path("plans/<int:plan_id>/confidentiality/", views.pledge, name="pledge"),
]
