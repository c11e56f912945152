"""Response headers Django's SecurityMiddleware does not set: the content security policy and friends."""

from __future__ import annotations

import os
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from whitenoise.middleware import WhiteNoiseMiddleware


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy to every response that has none.

    A policy of our own rather than a dependency: the pages use no inline
    script or style, so one fixed header covers them all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Pages with personal data must not linger in shared browsers' caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, quiet when static files are not collected yet (tests, development).

    ``reunify serve`` always collects first; elsewhere the finders or nothing
    serve them, and a warning on every start would only be noise.
    """

    def add_files(self, root: str, prefix: str | None = None) -> None:
        if root and os.path.isdir(root):
            super().add_files(root, prefix)
