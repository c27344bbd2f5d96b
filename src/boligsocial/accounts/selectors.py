"""Reads of accounts: who is an administrator, who must use two-factor sign-in, and a user's API tokens."""

import base64
from typing import Any

import segno
from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from boligsocial.directory.models import Person

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


def user_requires_two_factor(*, user: Any) -> bool:
    """Administrators and people of a public authority (police, municipality) must use two-factor sign-in."""
    if user_is_admin(user=user):
        return True
    return Person.objects.filter(user=user, organisation__is_public_authority=True).exists()


def totp_device_get(*, user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator app, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_enabled(*, user: Any) -> bool:
    """Whether the user has a confirmed authenticator app (backup codes alone do not count)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_left(*, user: Any) -> int:
    """How many unused backup codes the user has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_unconfirmed_get(*, user: Any) -> TOTPDevice | None:
    """The authenticator the user is setting up and has not confirmed yet, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def totp_secret_text(*, device: TOTPDevice) -> str:
    """The device's secret in base32 groups of four, for typing into an app that cannot scan the QR code."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(*, device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no script, no style attribute)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=4, light="#fff", title="QR")
