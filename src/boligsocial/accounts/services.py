"""Writes to accounts: API tokens (created, shown once, used, revoked) and two-factor devices."""

import datetime
import hashlib
import re
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from boligsocial.core.services import audit_record

from . import selectors
from .models import ApiToken, User

TOKEN_PREFIX = "bs_"  # noqa: S105 (a marker, not a secret)
# Recording every single use would write on every API read; once a minute is precise enough.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user` and return it with the secret, which is never stored and shown only now."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip(), prefix=raw[:10], token_hash=_hash(raw))
    token.full_clean()
    token.save()
    audit_record(actor=actor, action="api_token.create", target=token, summary=str(token))
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token: from now on it authenticates nobody. Revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", target=token, summary=str(token))
    return token


def api_token_authenticate(*, raw: str) -> User | None:
    """The active user an unrevoked token belongs to, or None; notes when the token was last used."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


BACKUP_CODE_COUNT = 10
BACKUP_DEVICE_NAME = "backup"


def _code(raw: str) -> str:
    # People type codes with spaces or copy backup codes with their hyphen ("abcd-efgh").
    return re.sub(r"[\s-]", "", raw or "").lower()


def _is_totp_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The authenticator `user` is setting up: the unconfirmed one from before, or a new one."""
    return selectors.totp_unconfirmed_get(user=user) or TOTPDevice.objects.create(
        user=user, name="authenticator", confirmed=False
    )


def totp_enrolment_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm an authenticator with a code it shows; it replaces any earlier one. Returns new backup codes."""
    code = _code(token)
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError({"token": _("Start the set-up again.")})
    # Checked outside the transaction below: a wrong code must stay counted for throttling.
    if not (_is_totp_code(code) and device.verify_token(code)):
        raise ValidationError({"token": _("The code is not correct. Type the six digits the app shows now.")})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="two_factor.enable", target=user, summary=str(user))
        return backup_codes_replace(actor=user, user=user)


@transaction.atomic
def backup_codes_replace(*, actor: Any, user: User) -> list[str]:
    """New single-use backup codes for when the phone is lost; the old ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit_record(actor=actor, action="two_factor.backup_codes", target=user, summary=str(user))
    return [f"{code[:4]}-{code[4:]}" for code in codes]


@transaction.atomic
def two_factor_disable(*, actor: Any, user: User) -> None:
    """Remove the authenticator and the backup codes; refused for people who must use two-factor sign-in."""
    if selectors.user_requires_two_factor(user=user):
        raise ValidationError(
            _("Two-factor sign-in is required for administrators and members from a public authority.")
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="two_factor.disable", target=user, summary=str(user))


def two_factor_verify(*, user: User, token: str) -> Device:
    """The device that accepts `token`: a code from the authenticator app, or an unused backup code (used up)."""
    code = _code(token)
    # Each kind is tried only with its own shape of code: a failed try counts towards that device's throttling,
    # and every ordinary sign-in would otherwise slowly lock the backup codes.
    model = TOTPDevice if _is_totp_code(code) else StaticDevice
    # Committed whether or not the code is right, so that a wrong code stays counted for throttling.
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        throttled = device is not None and not device.verify_is_allowed()[0]
        verified = device is not None and not throttled and device.verify_token(code)
    if verified:
        return device
    if throttled:
        raise ValidationError({"token": _("Too many wrong codes. Wait a minute and try again.")})
    raise ValidationError({"token": _("The code is not correct.")})
