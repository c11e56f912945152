"""Users of each role, made through the real services (Argon2 and all)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reunify.app.accounts import policy
from reunify.app.accounts.services import user_create

SCOPES: dict[str, dict[str, str]] = {
    "data_officer": {"agency": "orr"},
    "state_monitor": {"state": "TX"},
    "caseworker": {"team": "el-paso"},
    "supervisor": {"team": "el-paso"},
}


def eligible_grants(role: str) -> tuple[str, ...]:
    """Every sensitive category the role can use (administrators hold them all, to pass on)."""
    if role == "administrator":
        return tuple(policy.SENSITIVE_CATEGORIES)
    return tuple(c for a, c in policy.SENSITIVE_ACTIONS.items() if a in policy.ROLE_ACTIONS[role])


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    def make(
        role: str, username: str | None = None, *, grants: tuple[str, ...] | None = None, **scope: str
    ) -> Any:
        return user_create(
            None,
            username or f"{role}.user",
            "correct horse battery staple",
            role,
            grants=eligible_grants(role) if grants is None else grants,
            validate=False,
            **{**SCOPES.get(role, {}), **scope},
        )

    return make
