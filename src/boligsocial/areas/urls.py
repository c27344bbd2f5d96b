from django.urls import path

from . import views

app_name = "areas"

urlpatterns = [
    path("", views.area_list, name="list"),
    path("<int:area_id>/", views.area_detail, name="detail"),
    path("<int:area_id>/export.csv", views.area_export, name="export"),
    path("<int:area_id>/assessments/new/", views.assessment_add, name="assessment_add"),
    path("departments/<int:department_id>/", views.department_detail, name="department"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("rules/", views.rules, name="rules"),
    path("indicators/", views.indicators, name="indicators"),
    path("classify/", views.classify, name="classify"),
    path("import/", views.import_start, name="import_start"),
    path("import/<int:batch_id>/", views.import_preview, name="import_preview"),
    path("import/<int:batch_id>/mapping/", views.import_mapping, name="import_mapping"),
    path("import/<int:batch_id>/drop/", views.import_drop, name="import_drop"),
    path("import/<int:batch_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:batch_id>/cancel/", views.import_cancel, name="import_cancel"),
]
