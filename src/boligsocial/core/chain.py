"""The hashes of the tamper-evident tables: pure functions, shared by the models, the verifier and the migrations.

A row's hash is SHA-256 over a canonical JSON of {"content": <the row's fields>, "prev": <the previous row's hash>}.
Free text that may have to be removed later (pseudonymisation) is not hashed directly: the row stores a salted
digest of it and the chain hashes the digest, so the text can be blanked without changing any hash, and the digest
alone cannot be guessed back into a name once the salt is gone. Changing anything here breaks every existing
chain: never change it, add a new version beside it instead.
"""

import datetime
import decimal
import hashlib
import json
import uuid
from typing import Any

# The "previous hash" of a chain's first row.
GENESIS = "0" * 64
# The key, in the `data` of a chained row, that lists the earlier rows of the same chain whose text it removed.
REDACTED_KEY = "chain_redacted"


def _plain(value: Any) -> Any:
    """A JSON-safe value that is the same before saving and after reading the row back."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # lazy translations and the like


def canonical(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def row_hash(*, content: dict, prev: str) -> str:
    """The hash that chains a row to the one before it."""
    return hashlib.sha256(canonical({"content": content, "prev": prev})).hexdigest()


def content_digest(*, salt: str, texts: dict) -> str:
    """A salted digest of a row's removable free text."""
    return hashlib.sha256(salt.encode() + b"\x00" + canonical(texts)).hexdigest()


def chain_existing_rows(
    *,
    model: Any,
    head_model: Any,
    key: str,
    chained_fields: tuple[str, ...],
    redactable_fields: tuple[str, ...] = (),
    partition: str | None = None,
) -> int:
    """Hash the rows a table held before it was chained, oldest first (for data migrations, which pass the
    historical models and the field lists frozen as they were)."""
    import secrets

    order = [partition, "id"] if partition else ["id"]
    heads: dict[str, dict] = {}
    changed = []
    for row in model.objects.order_by(*order).iterator(chunk_size=2000):
        chain = key if partition is None else f"{key}:{getattr(row, partition)}"
        head = heads.setdefault(chain, {"last_id": None, "last_hash": GENESIS, "length": 0})
        content = {name: getattr(row, name) for name in chained_fields}
        if redactable_fields:
            row.content_salt = secrets.token_hex(16)
            row.content_digest = content_digest(
                salt=row.content_salt, texts={name: getattr(row, name) for name in redactable_fields}
            )
            content["content_digest"] = row.content_digest
        row.chain_prev = head["last_hash"]
        row.chain_hash = row_hash(content=content, prev=row.chain_prev)
        head.update(last_id=row.pk, last_hash=row.chain_hash, length=head["length"] + 1)
        changed.append(row)
        if len(changed) >= 2000:
            model.objects.bulk_update(changed, ["chain_prev", "chain_hash", "content_salt", "content_digest"])
            changed = []
    if changed:
        model.objects.bulk_update(changed, ["chain_prev", "chain_hash", "content_salt", "content_digest"])
    for chain, head in heads.items():
        head_model.objects.update_or_create(key=chain, defaults=head)
    return sum(h["length"] for h in heads.values())
