"""Every error of the API as one JSON shape, ``{"error": {"status", "code", "message", "field"}}``.

Why one shape: a client system handles errors in one place, and tells a
refusal it can act on (422 with the field, 409 reload and retry) from one it
cannot (403 with the policy's reason) without parsing text. The handlers here
translate the domain's own exceptions (the policy's ``Denied``, the casework
errors, ``LookupError`` from the people layer) so endpoints stay thin and
raise or let through what the services raise.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja.errors import AuthenticationError, HttpError, ValidationError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("reunify.api")

#: The ``code`` of each status when nothing more precise applies.
DEFAULT_CODES: dict[int, str] = {
    400: "malformed_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
}


class ApiError(Exception):
    """An error the API answers with, as it will be shown to the client."""

    def __init__(
        self, status: int, message: str, *, code: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or DEFAULT_CODES.get(status, "error")
        self.message = message
        self.field = field


def error_body(
    status: int, message: str, code: str | None = None, field: str | None = None
) -> dict[str, Any]:
    return {
        "error": {
            "status": status,
            "code": code or DEFAULT_CODES.get(status, "error"),
            "message": message,
            "field": field,
        }
    }


def error_response(
    status: int, message: str, code: str | None = None, field: str | None = None
) -> JsonResponse:
    response = JsonResponse(error_body(status, message, code, field), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="reunify"'
    return response


def _field_of(location: list[Any] | tuple[Any, ...]) -> str | None:
    """``["query", "limit"]`` -> ``limit``; ``["body", "payload", "reason"]`` -> ``reason``.

    ninja prefixes the source (path, query, body) and, for a body, the
    parameter's name; the client knows neither, only its own field names.
    """
    parts = [str(p) for p in location]
    if parts and parts[0] in {"path", "query", "body", "header", "cookie", "form"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"payload", "body", "filters"}:
        parts = parts[1:]
    return ".".join(parts) or None


def _validation_message(error: dict[str, Any], field: str | None) -> str:
    message = str(error.get("msg") or "is not valid")
    if error.get("type") == "missing":
        return f"{field or 'the request body'} is required"
    return f"{field}: {message}" if field else message


def install_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (``{"detail": ...}``, HTML 500s) by the one error shape."""

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(exc.status, exc.message, exc.code, exc.field)

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = list(exc.errors or [])
        first = errors[0] if errors else {}
        field = _field_of(first.get("loc", ()))
        return error_response(422, _validation_message(first, field), "invalid", field)

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            401, "send a valid API token as 'Authorization: Bearer <token>'", "token_missing"
        )

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc)
        if exc.status_code == 400:
            message = f"the request could not be read: {message} (send a JSON object with Content-Type: application/json)"
        return error_response(exc.status_code, message)

    def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(403, str(exc) or "refused by the access policy", "forbidden")

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(404, str(exc).strip("'\"") or "not found", "not_found")

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        from reunify.app.cases.errors import (
            CaseNotFound,
            CaseworkError,
            ConsentIncomplete,
            InvalidChange,
            RemovalWithoutDecline,
            StaleEdit,
        )

        if isinstance(exc, StaleEdit):
            return error_response(409, str(exc), "stale_edit", "seen_version")
        if isinstance(exc, CaseNotFound):
            return error_response(404, str(exc), "not_found")
        if isinstance(exc, RemovalWithoutDecline):
            return error_response(409, str(exc), "removal_without_decline")
        if isinstance(exc, ConsentIncomplete):
            return error_response(422, str(exc), "consent_incomplete")
        if isinstance(exc, InvalidChange):
            # The change does not fit the case's current state (a step already done, not on this track).
            return error_response(409, str(exc), "invalid_change")
        if isinstance(exc, CaseworkError):
            return error_response(409, str(exc), "conflict")
        if type(exc) is LookupError:
            # What the people and custody layers raise for an unknown id; a KeyError or IndexError is a bug (500).
            return error_response(404, str(exc).strip("'\""), "not_found")
        logger.exception("unexpected error in %s %s", request.method, request.path)
        return error_response(500, "an unexpected error occurred; it has been logged", "server_error")

    api.add_exception_handler(Exception, on_unexpected)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(PermissionDenied, on_denied)
    api.add_exception_handler(ApiError, on_api_error)
