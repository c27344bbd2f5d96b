"""Writes to accounts: API tokens are created (shown once), used and revoked here."""

import datetime
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from boligsocial.core.services import audit_record

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
