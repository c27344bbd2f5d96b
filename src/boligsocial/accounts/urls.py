from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", views.two_factor_enrol, name="two_factor_enrol"),
    path("security/", views.security, name="security"),
    path("security/backup-codes/", views.backup_codes_new, name="backup_codes_new"),
    path("security/disable/", views.two_factor_disable, name="two_factor_disable"),
]
