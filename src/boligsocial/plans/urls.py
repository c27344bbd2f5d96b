from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/edit/", views.plan_edit, name="edit"),
    path("<int:plan_id>/pdf/", views.plan_pdf, name="pdf"),
    path("<int:plan_id>/contact-list/pdf/", views.contact_list_pdf, name="contact_list_pdf"),
    path("<int:plan_id>/versions/", views.version_list, name="versions"),
    path("<int:plan_id>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path("<int:plan_id>/members/add/", views.member_add, name="member_add"),
    path("<int:plan_id>/members/<int:membership_id>/edit/", views.member_edit, name="member_edit"),
    path("<int:plan_id>/members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("<int:plan_id>/members/<int:membership_id>/leave/", views.member_leave, name="member_leave"),
    path("<int:plan_id>/incident-types/", views.incident_types_edit, name="incident_types"),
    path("<int:plan_id>/parts/<slug:kind>/add/", views.part_add, name="part_add"),
    path("<int:plan_id>/parts/<slug:kind>/<int:part_id>/edit/", views.part_edit, name="part_edit"),
    path("<int:plan_id>/parts/<slug:kind>/<int:part_id>/delete/", views.part_delete, name="part_delete"),
    path("<int:plan_id>/signatures/", views.signatures, name="signatures"),
    path("<int:plan_id>/signatures/request/", views.signatures_request, name="signatures_request"),
    path("<int:plan_id>/signatures/add/", views.signature_add, name="signature_add"),
    path("<int:plan_id>/approve/", views.plan_approve, name="approve"),
]
