"""Reads of accounts: who is an administrator, and a user's API tokens."""

from typing import Any

from django.db.models import QuerySet

from .models import ApiToken, User


def user_is_admin(*, user: Any) -> bool:
    """Administrators (staff or superusers) may change the directory and see every plan."""
    return bool(user.is_authenticated and (user.is_superuser or user.is_staff))


def user_get_by_username(*, username: str) -> User | None:
    """The user with this username, or None."""
    return User.objects.filter(username=username).first()


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """A user's tokens, active and revoked, by name."""
    return ApiToken.objects.filter(user=user).order_by("name", "-created_at")


def api_token_active_by_name(*, user: User, name: str) -> ApiToken | None:
    """The user's unrevoked token with this name, or None."""
    return ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).first()
