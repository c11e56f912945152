"""The one decorator pages use to ask the access policy before doing anything."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from reunify.app.accounts import policy


def requires(action: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Sign-in first (redirect), then ``policy.require(user, action)`` (403 with the reason).

    Checks on a specific target (a person, a case) stay in the view or
    selector, which know the target: ``policy.require(request.user, action, target)``.
    """
    if action not in policy.ACTIONS:
        raise ValueError(f"unknown action {action!r}")

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            policy.require(request.user, action)
            return view(request, *args, **kwargs)

        wrapped.policy_action = action  # type: ignore[attr-defined]
        return wrapped

    return decorate
