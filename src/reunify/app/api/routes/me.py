"""``/api/me``: who the token acts as."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from .. import selectors
from ..schemas import MeOut
from . import READ_ERRORS

router = Router(tags=["me"])


@router.get("", response={200: MeOut, **READ_ERRORS}, summary="The token's user")
def me(request: HttpRequest) -> Any:
    """The user, role, scope, sensitive grants and every action the policy allows them; the token's expiry."""
    return selectors.me(request.user, request.api_token)  # type: ignore[attr-defined]
