"""Reading the audit log: proving the chain intact, and searching it for auditors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from reunify.app.accounts import policy
from reunify.app.audit.models import GENESIS_HASH, AuditEntry
from reunify.app.audit.services import entry_hash


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    entries: int
    last_hash: str
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""

    def message(self) -> str:
        if self.intact:
            return f"chain intact: {self.entries} entries, last hash {self.last_hash}"
        return (
            f"chain broken at entry #{self.broken_seq} (row id {self.broken_id}): {self.reason}; "
            f"{self.entries} entries before it are intact"
        )


def audit_chain_verify() -> ChainReport:
    """Walk the whole log in order and recompute every hash; the first mismatch is named.

    Checks, per entry: the sequence has no gap, ``prev_hash`` is the previous
    entry's hash, and the stored hash is the hash of the stored fields. Any
    altered field, removed row or inserted row fails one of them.
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        reason = ""
        if entry.seq != expected_seq:
            reason = f"sequence jumps from {expected_seq - 1} to {entry.seq} (entries removed or renumbered)"
        elif entry.prev_hash != expected_prev:
            reason = (
                "its prev_hash is not the previous entry's hash (an entry before it was removed or replaced)"
            )
        elif entry_hash(entry) != entry.entry_hash:
            reason = "its content does not match its hash (the row was altered)"
        if reason:
            return ChainReport(False, count, expected_prev, entry.seq, entry.pk, reason)
        expected_prev = entry.entry_hash
        expected_seq += 1
        count += 1
    return ChainReport(True, count, expected_prev)


def audit_entries_search(
    user: Any,
    *,
    actor: str = "",
    action: str = "",
    target: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries matching an auditor's search, newest first; nothing unless the user may ``audit.view``.

    ``target`` matches ``type:id``, a type alone, or an id alone; ``action``
    matches a prefix (``auth.`` finds every sign-in event); dates are inclusive UTC days.
    """
    if not policy.allows(user, "audit.view"):
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.all()
    if actor:
        entries = entries.filter(actor__iexact=actor.strip())
    if action:
        entries = entries.filter(action__startswith=action.strip())
    if target:
        kind, sep, ident = target.strip().partition(":")
        if sep:
            entries = (
                entries.filter(target_type=kind, target_id=ident) if kind else entries.filter(target_id=ident)
            )
        else:
            entries = entries.filter(Q(target_type=kind) | Q(target_id=kind))
    if since:
        entries = entries.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC))
    if until:
        entries = entries.filter(
            at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
        )
    return entries.order_by("-seq")
