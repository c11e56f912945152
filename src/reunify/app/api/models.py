"""API tokens: what another system presents instead of a password and a session.

Only a SHA-256 hash of each token is stored. The token itself is shown once,
when it is issued, and cannot be recovered from the database: a leaked backup
yields no usable credential. A fast hash is enough here (unlike passwords)
because a token is 256 random bits, far beyond any guessing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """One token of one user, named after the system that uses it; revoked, never deleted, so the audit log's
    references stay meaningful."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the token, safe to show: enough to tell tokens apart in a list.
    prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=150, blank=True, default="")
    revoke_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["user_id", "created_at", "id"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def is_expired(self, now: dt.datetime) -> bool:
        return self.expires_at <= now

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
