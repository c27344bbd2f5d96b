from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("activation/<int:activation_id>/", views.activation_overview, name="activation"),
    path("activation/<int:activation_id>/schedule/", views.meeting_schedule, name="schedule"),
    path("activation/<int:activation_id>/held/", views.meeting_record_unscheduled, name="record_unscheduled"),
    path("activation/<int:activation_id>/decisions/new/", views.decision_new, name="decision_new"),
    path("activation/<int:activation_id>/actions/new/", views.action_new, name="action_new"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/edit/", views.meeting_edit, name="edit"),
    path("<int:meeting_id>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:meeting_id>/record/", views.meeting_record, name="record"),
    path("<int:meeting_id>/invitation.ics", views.meeting_ics_download, name="ics"),
    path("actions/<int:action_id>/", views.action_edit, name="action_edit"),
]
