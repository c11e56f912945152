"""``/api/ties``: parent-child ties with their evidence and status."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from .. import selectors
from ..schemas import TieDetailOut, TiePage, TieStatus
from . import READ_ERRORS, PageIn, audit_read

router = Router(tags=["ties"])


@router.get("", response={200: TiePage, **READ_ERRORS}, summary="List ties")
def ties_list(
    request: HttpRequest,
    page: Query[PageIn],
    status: TieStatus | None = None,
    child: str | None = None,
    parent: str | None = None,
) -> Any:
    """Ties with a person in your scope, by child then parent (``person.view_child``)."""
    result, read = selectors.ties_page(
        request.user, status=status, child=child, parent=parent, limit=page.limit, offset=page.offset
    )
    audit_read(request, "api.ties.list", "tie", "", read, status=status, count=result.count)
    return result.as_dict()


@router.get("/{parent}/{child}", response={200: TieDetailOut, **READ_ERRORS}, summary="One tie")
def tie_detail(request: HttpRequest, parent: str, child: str) -> Any:
    """The evidence behind a tie, line by line with its weight, for it and against it; why it is in review."""
    data, read = selectors.tie_view(request.user, parent, child)
    audit_read(request, "api.tie.view", "tie", f"{data['parent_person_id']}/{data['child_person_id']}", read)
    return data
