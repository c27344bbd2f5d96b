from django.urls import path

from . import views

app_name = "activations"

urlpatterns = [
    path("", views.activation_list, name="list"),
    path("plan/<int:plan_id>/new/", views.incident_new, name="incident_new"),
    path("plan/<int:plan_id>/deadline-preview/", views.deadline_preview, name="deadline_preview"),
    path("<int:activation_id>/", views.activation_detail, name="detail"),
    path("<int:activation_id>/seats/", views.activation_seats, name="seats"),
    path("<int:activation_id>/level/", views.activation_change_level, name="change_level"),
    path("<int:activation_id>/close/", views.activation_close, name="close"),
    path("requests/<int:request_id>/", views.request_accept, name="request_accept"),
    path("requests/<int:request_id>/decline/", views.request_decline, name="request_decline"),
    path("ack/<str:token>/", views.acknowledge, name="acknowledge"),
]
