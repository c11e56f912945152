"""Appending to the audit log: the only write it allows."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from reunify.app.audit.models import GENESIS_HASH, AuditEntry

# Any constant works; it names the PostgreSQL advisory lock that serialises appends.
_CHAIN_LOCK_KEY = 0x52454E55  # "REUN"


def canonical_detail(detail: dict | None) -> str:
    """The detail as the exact text that is stored and hashed (sorted keys, no spaces, dates as ISO text)."""
    return json.dumps(detail or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 over the entry's fields and the previous hash, in a serialisation that never varies."""
    at = entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    fields = [
        str(entry.seq),
        at,
        "" if entry.actor_id is None else str(entry.actor_id),
        entry.actor,
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.detail_json,
        entry.ip,
        entry.path,
        entry.prev_hash,
    ]
    canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _lock_chain() -> None:
    """Serialise appends so two writers never read the same head and fork the chain.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the settings open
    every transaction with BEGIN IMMEDIATE, which already holds the single
    writer lock; the unique ``seq`` and ``prev_hash`` are the last line either way.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def _actor_of(actor: Any, request: Any) -> tuple[int | None, str]:
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor
    if not getattr(actor, "is_authenticated", False):
        return None, "anonymous"
    return actor.pk, actor.get_username()


def _client_ip(request: Any) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def audit_record(
    actor: Any,
    action: str,
    *,
    target_type: str = "",
    target_id: str = "",
    detail: dict | None = None,
    request: Any = None,
) -> AuditEntry:
    """Append one entry to the chained log and return it.

    ``actor`` is a user, a name (e.g. the username of a failed sign-in, or
    ``cli:<login>``) or None (the request's user, else ``system``). Called
    inside the caller's transaction, the entry commits or rolls back with the
    change it records, so the log never claims a write that did not happen.
    """
    actor_id, actor_name = _actor_of(actor, request)
    with transaction.atomic():
        _lock_chain()
        head = AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        entry = AuditEntry(
            seq=seq,
            at=timezone.now(),
            actor_id=actor_id,
            actor=actor_name[:150],
            action=action[:80],
            target_type=str(target_type)[:60],
            target_id=str(target_id)[:200],
            detail_json=canonical_detail(detail),
            ip=_client_ip(request),
            path=str(getattr(request, "path", "") or "")[:500],
            prev_hash=prev_hash,
        )
        entry.entry_hash = entry_hash(entry)
        entry.save(force_insert=True)
    return entry
