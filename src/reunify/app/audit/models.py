"""The audit log: append-only rows chained by SHA-256 hashes.

Each entry stores the hash of the entry before it (``prev_hash``) and its own
hash over a canonical serialisation of its fields plus ``prev_hash``, so a
changed, removed or inserted row breaks the chain from that row on. Database
triggers (migration 0002) refuse UPDATE and DELETE; ``seq`` and ``prev_hash``
are unique so two writers can never fork the chain.

On SQLite, a migration that alters this table rebuilds it and loses the
triggers: such a migration must run ``protection.trigger_sql`` again.
"""

from __future__ import annotations

import json

from django.db import models

GENESIS_HASH = "0" * 64


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)  # not a foreign key: entries outlive users
    actor = models.CharField(max_length=150, db_index=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=60, blank=True, default="")
    target_id = models.CharField(max_length=200, blank=True, default="")
    detail_json = models.TextField(default="{}")
    ip = models.CharField(max_length=64, blank=True, default="")
    path = models.CharField(max_length=500, blank=True, default="")
    prev_hash = models.CharField(max_length=64, unique=True)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor} {self.action} {self.target_type}:{self.target_id}"

    @property
    def detail(self) -> dict:
        return json.loads(self.detail_json or "{}")
