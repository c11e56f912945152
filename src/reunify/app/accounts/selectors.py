"""Reads about users, for administrators and the operator's ``reunify users list``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from reunify.app.accounts import policy
from reunify.app.accounts.models import AccessProfile, SensitiveGrant, TotpDevice


def users_overview(user: Any = None) -> list[dict[str, Any]]:
    """Every user with role, scope, grants and second factor. ``user`` None is the operator (CLI).

    In the application, only a user who may ``user.manage`` sees anything.
    """
    if user is not None and not policy.allows(user, "user.manage"):
        return []
    profiles = {p.user_id: p for p in AccessProfile.objects.all()}
    grants: dict[int, list[str]] = {}
    for user_id, category in SensitiveGrant.objects.order_by("category").values_list("user_id", "category"):
        grants.setdefault(user_id, []).append(category)
    second = set(TotpDevice.objects.filter(confirmed_at__isnull=False).values_list("user_id", flat=True))
    rows = []
    for account in get_user_model().objects.order_by("username"):
        profile = profiles.get(account.pk)
        rows.append(
            {
                "username": account.username,
                "role": profile.role if profile else "",
                "scope": (profile.agency or profile.state or profile.team) if profile else "",
                "team": profile.team if profile else "",
                "grants": grants.get(account.pk, []),
                "second_factor": account.pk in second,
                "active": account.is_active,
                "last_login": account.last_login,
            }
        )
    return rows
