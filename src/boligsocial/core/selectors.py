"""Reads of the audit trail and the access log, and the verification of every hash chain."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .chain import GENESIS, REDACTED_KEY, content_digest, row_hash
from .models import AccessLog, AuditEntry, ChainedModel, ChainHead


def audit_entries_for(*, target: models.Model) -> models.QuerySet[AuditEntry]:
    """The audit rows of one object, newest first, with their actors."""
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False), target_id=target.pk
    ).select_related("actor")


def access_log_for(*, target: models.Model) -> models.QuerySet[AccessLog]:
    """Who read one object, newest first."""
    return AccessLog.objects.filter(
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False), target_id=target.pk
    ).select_related("user")


@dataclass(frozen=True)
class ChainBreak:
    """The first row of a chain that does not verify, and why."""

    chain: str
    row_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row_id}" if self.row_id is not None else "end of chain"
        return f"{self.chain}: {where}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    chains: int
    rows: int
    breaks: list[ChainBreak]

    @property
    def ok(self) -> bool:
        return not self.breaks


def chained_models() -> list[type[ChainedModel]]:
    """Every installed model that is a hash chain."""
    return [m for m in apps.get_models() if issubclass(m, ChainedModel)]


def _row_problem(row: ChainedModel, *, prev: str, sanctioned: set[int]) -> str | None:
    """Why a row does not verify against the hash before it, or None."""
    if row.REDACTABLE_FIELDS:
        if row.redacted_at is None:
            if not row.content_salt or content_digest(salt=row.content_salt, texts=row.chain_texts()) != (
                row.content_digest
            ):
                return "its text was changed"
        elif row.pk not in sanctioned or row.content_salt or any(row.chain_texts().values()):
            return "its text was removed without a recorded pseudonymisation"
    if row.chain_prev != prev:
        return "it does not follow the row before it (a row was removed, inserted or changed before it)"
    if row_hash(content=row.chain_content(), prev=row.chain_prev) != row.chain_hash:
        return "its content was changed"
    return None


def _sanctioned_redactions(model: type[ChainedModel]) -> dict[Any, set[int]]:
    """Per chain, the ids of rows that a later row of the chain records as pseudonymised."""
    if not model.REDACTABLE_FIELDS:
        return {}
    partition = model.CHAIN_PARTITION
    found: dict[Any, set[int]] = {}
    for record in model.objects.filter(data__has_key=REDACTED_KEY).order_by("pk"):
        key = getattr(record, partition) if partition else None
        found.setdefault(key, set()).update(
            i for i in record.data[REDACTED_KEY] if isinstance(i, int) and i < record.pk
        )
    return found


def _verify_model(model: type[ChainedModel]) -> Iterator[tuple[str, int, ChainBreak | None]]:
    """(chain key, rows, first break or None) for every chain of one model, checked against the chain heads."""
    partition = model.CHAIN_PARTITION
    sanctioned = _sanctioned_redactions(model)
    label = model._meta.label_lower
    head_rows = (
        ChainHead.objects.filter(key__startswith=f"{label}:") if partition else ChainHead.objects.filter(key=label)
    )
    heads = {h.key: h for h in head_rows}
    rows = model.objects.order_by(*([partition] if partition else []), "pk").iterator(chunk_size=2000)
    current, prev, count, last_id, broken = None, GENESIS, 0, None, None
    seen: set[str] = set()

    def finish() -> tuple[str, int, ChainBreak | None]:
        nonlocal broken
        head = heads.get(current)
        if broken is None:
            if head is None:
                broken = ChainBreak(current, None, "the chain has no head: its record of the last row is missing")
            elif head.last_id != last_id or head.last_hash != prev or head.length != count:
                broken = ChainBreak(
                    current, None, f"rows were removed after row {last_id} (the head names row {head.last_id})"
                )
        return current, count, broken

    for row in rows:
        key = row.chain_key()
        if key != current:
            if current is not None:
                yield finish()
            current, prev, count, last_id, broken = key, GENESIS, 0, None, None
            seen.add(key)
        count += 1
        if broken is None:
            problem = _row_problem(
                row, prev=prev, sanctioned=sanctioned.get(getattr(row, partition) if partition else None, set())
            )
            if problem:
                broken = ChainBreak(key, row.pk, problem)
        prev, last_id = row.chain_hash, row.pk
    if current is not None:
        yield finish()
    for key, head in heads.items():
        if key not in seen and head.length:
            yield (
                key,
                0,
                ChainBreak(key, None, f"all {head.length} rows were removed (the head names row {head.last_id})"),
            )


def chains_verify() -> ChainReport:
    """Check every chain of every chained table: each row's hash, its link to the row before, and the chain's head."""
    chains = rows = 0
    breaks = []
    for model in chained_models():
        for _key, count, broken in _verify_model(model):
            chains += 1
            rows += count
            if broken is not None:
                breaks.append(broken)
    return ChainReport(chains=chains, rows=rows, breaks=breaks)
