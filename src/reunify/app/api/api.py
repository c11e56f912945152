"""The API object: token authentication, the error shape, and the routers of each resource.

Every operation needs a token (``Authorization: Bearer rnf_...``) whose user
the policy allows ``api.use``; the OpenAPI description and the interactive
docs are open, since they describe the API and hold no data.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer

from reunify.app.accounts import policy

from .errors import ApiError, install_handlers
from .services import api_token_authenticate


class TokenAuth(HttpBearer):
    """Bearer tokens from ``ApiToken``; every refusal is a precise 401 (or 403 when the policy refuses the API)."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if not header.strip():
            raise ApiError(401, "send the API token as 'Authorization: Bearer <token>'", code="token_missing")
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            raise ApiError(
                401,
                f"the {scheme} scheme is not accepted; send 'Authorization: Bearer <token>'",
                code="token_invalid",
            )
        return self.authenticate(request, value)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user, api_token = api_token_authenticate(token)
        # The rest of the stack (policy, audit, security headers) reads the user from the request.
        request.user = user
        request.api_token = api_token  # type: ignore[attr-defined]
        policy.require(user, "api.use")
        return user


api = NinjaAPI(
    title="Reunify API",
    version="1",
    description=(
        "Persons, ties, separations, review decisions, cases and court reports for other systems. "
        "Authenticate with `Authorization: Bearer <token>` (issue one with `reunify api token issue USERNAME`). "
        "Every answer obeys the same access policy as the application; lists are scoped before they are "
        "counted, sensitive categories are omitted unless granted, and reads of children's records and "
        'every write are audited. Every error is `{"error": {"status", "code", "message", "field"}}`.'
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)
install_handlers(api)


def _register_routers() -> None:
    from .routes.cases import router as cases
    from .routes.me import router as me
    from .routes.persons import router as persons
    from .routes.reports import router as reports
    from .routes.review import router as review
    from .routes.separations import router as separations
    from .routes.ties import router as ties

    api.add_router("/me", me)
    api.add_router("/persons", persons)
    api.add_router("/ties", ties)
    api.add_router("/separations", separations)
    api.add_router("/review", review)
    api.add_router("/cases", cases)
    api.add_router("/reports", reports)


_register_routers()
