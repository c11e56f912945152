"""Signed-in test clients for the page tests: a real user of a real role, through the accounts services."""

from __future__ import annotations

from typing import Any

from django.test import Client

from reunify.app.accounts.services import user_create
from tests.app.api.conftest import SCOPES, eligible_grants


def signed_in(
    role: str, username: str | None = None, *, grants: tuple[str, ...] | None = None, **scope: str
) -> tuple[Any, Client]:
    """A user of ``role`` (every grant the role can use unless ``grants`` says otherwise) and their client."""
    user = user_create(
        None,
        username or f"{role}.pages",
        "correct horse battery staple",
        role,
        grants=eligible_grants(role) if grants is None else grants,
        validate=False,
        **{**SCOPES.get(role, {}), **scope},
    )
    client = Client()
    client.force_login(user)
    return user, client


def text(response: Any) -> str:
    return response.content.decode()
