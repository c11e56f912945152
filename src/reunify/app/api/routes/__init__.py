"""The API's endpoints, one router per resource; each parses, calls one selector or service, audits, answers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from reunify.app.audit.services import audit_record

from ..schemas import ErrorOut
from ..selectors import DEFAULT_LIMIT, MAX_LIMIT, Read

#: The errors every authenticated operation may answer, for the OpenAPI description.
READ_ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 409: ErrorOut}


class PageIn(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}.")
    offset: int = Field(0, ge=0, description="Items to skip; pages are in a stable order.")


def created(body: Any) -> Any:
    """A 201 answer: ninja's ``Status`` where it has one (1.6 and later), else the tuple earlier versions take."""
    try:
        from ninja import Status
    except ImportError:  # pragma: no cover - django-ninja < 1.6
        return 201, body
    return Status(201, body)


def audit_read(
    request: HttpRequest, action: str, target_type: str, target_id: str, read: Read, **extra: Any
) -> None:
    """One audit entry per API read of personal data, naming the children and sensitive categories shown."""
    audit_record(
        request.user, action, target_type=target_type, target_id=target_id, detail=read.detail(via="api", **extra),
        request=request,
    )  # fmt: skip
