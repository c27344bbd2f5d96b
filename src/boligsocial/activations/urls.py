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
    path("dashboard/live/", views.dashboard_live, name="dashboard_live"),
    path("<int:activation_id>/evaluation/", views.evaluation, name="evaluation"),
    path("<int:activation_id>/timeline.pdf", views.timeline_pdf, name="timeline_pdf"),
    path("<int:activation_id>/timeline.csv", views.timeline_csv, name="timeline_csv"),
    path("plan/<int:plan_id>/evaluations/", views.plan_evaluations, name="plan_evaluations"),
]
