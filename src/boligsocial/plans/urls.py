from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/edit/", views.plan_edit, name="edit"),
    path("<int:plan_id>/pdf/", views.plan_pdf, name="pdf"),
    path("<int:plan_id>/contact-list/pdf/", views.contact_list_pdf, name="contact_list_pdf"),
    path("<int:plan_id>/versions/", views.version_list, name="versions"),
    path("<int:plan_id>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path("<int:plan_id>/members/add/", views.member_add, name="member_add"),
    path("<int:plan_id>/members/<int:membership_id>/edit/", views.member_edit, name="member_edit"),
    path("<int:plan_id>/members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
]
