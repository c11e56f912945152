"""``/api/separations``: where custody of a parent and child diverged, and whether a court found a basis."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from .. import selectors
from ..schemas import SeparationDetailOut, SeparationPage
from . import READ_ERRORS, PageIn, audit_read

router = Router(tags=["separations"])


@router.get("", response={200: SeparationPage, **READ_ERRORS}, summary="List separations")
def separations_list(
    request: HttpRequest,
    page: Query[PageIn],
    without_judicial_basis: bool = False,
    outcome: str | None = None,
    child: str | None = None,
) -> Any:
    """Current separations with a person in your scope, by child then parent (``separation.view``);
    ``without_judicial_basis=true`` keeps those no court finding supports."""
    result, read = selectors.separations_page(
        request.user,
        without_judicial_basis=without_judicial_basis,
        outcome=outcome,
        child=child,
        limit=page.limit,
        offset=page.offset,
    )
    audit_read(
        request, "api.separations.list", "separation", "", read,
        without_judicial_basis=without_judicial_basis, count=result.count,
    )  # fmt: skip
    return result.as_dict()


@router.get("/{child}/{parent}", response={200: SeparationDetailOut, **READ_ERRORS}, summary="One separation")
def separation_detail(request: HttpRequest, child: str, parent: str) -> Any:
    """A separation with its stated reason, judicial findings, evidence and the rules' evaluation."""
    data, read = selectors.separation_view(request.user, child, parent)
    target = f"{data['child_person_id']}/{data['parent_person_id']}"
    audit_read(request, "api.separation.view", "separation", target, read)
    return data
