"""Who may do what: each user's role and scope, their sensitive grants, sign-in attempts and second factor.

Django's ``User`` keeps identity and password; everything the access policy
reads is here, so ``reunify.app.accounts.policy`` has one source of truth.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from reunify.app.accounts.policy import AGENCY_FEEDS, ROLES, SENSITIVE_CATEGORIES


class AccessProfile(models.Model):
    """A user's role and the scope it is limited to (agency for data officers, state for state monitors)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access")
    role = models.CharField(max_length=20, choices=[(r, r) for r in ROLES])
    agency = models.CharField(max_length=20, blank=True, default="", choices=[(a, a) for a in AGENCY_FEEDS])
    state = models.CharField(max_length=2, blank=True, default="")
    team = models.CharField(max_length=80, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="data_officer") | ~models.Q(agency=""),
                name="data_officer_has_agency",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="state_monitor") | ~models.Q(state=""),
                name="state_monitor_has_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.role}"


class SensitiveGrant(models.Model):
    """A personal permission to see one sensitive category; never implied by a role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sensitive_grants"
    )
    category = models.CharField(max_length=20, choices=[(c, c) for c in SENSITIVE_CATEGORIES])
    granted_by = models.CharField(max_length=150)
    granted_at = models.DateTimeField()
    reason = models.TextField(blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="one_grant_per_category")]


class SignInAttempt(models.Model):
    """Every sign-in attempt by username (known or not), so lockout survives restarts and spans workers."""

    OK = "ok"
    BAD_PASSWORD = "bad_password"
    BAD_CODE = "bad_code"
    LOCKED = "locked"
    OUTCOMES = [(o, o) for o in (OK, BAD_PASSWORD, BAD_CODE, LOCKED)]

    username = models.CharField(max_length=150)
    at = models.DateTimeField()
    outcome = models.CharField(max_length=12, choices=OUTCOMES)
    ip = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["username", "at"])]


class TotpDevice(models.Model):
    """An administrator's authenticator app (RFC 6238); counts only once confirmed with a first code."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)
