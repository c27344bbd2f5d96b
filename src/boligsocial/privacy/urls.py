from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.my_data, name="my_data"),
    path("people/<int:person_id>/", views.person_data, name="person_data"),
    path("people/<int:person_id>/export.json", views.person_export, name="person_export"),
]
