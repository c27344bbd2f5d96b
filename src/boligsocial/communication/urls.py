from django.urls import path

from . import views

app_name = "communication"

urlpatterns = [
    path("activation/<int:activation_id>/log/", views.communication_log, name="log"),
    path("activation/<int:activation_id>/log/new/", views.communication_new, name="new"),
    path("activation/<int:activation_id>/outreach/", views.outreach_overview, name="outreach"),
    path("activation/<int:activation_id>/outreach/assign/", views.outreach_assign, name="assign"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/edit/", views.outreach_task_edit, name="task_edit"),
    path("tasks/<int:task_id>/report/", views.task_report, name="report"),
    path("plan/<int:plan_id>/templates/", views.template_list, name="templates"),
    path("plan/<int:plan_id>/templates/<str:kind>/", views.template_edit, name="template_edit"),
    path("plan/<int:plan_id>/templates/<str:kind>/reset/", views.template_reset, name="template_reset"),
]
