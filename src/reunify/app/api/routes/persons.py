"""``/api/persons``: search and list, one person with the evidence behind them, a person's custody."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import AwareDatetime

from .. import selectors
from ..schemas import CustodyOut, PersonDetailOut, PersonPage
from . import READ_ERRORS, PageIn, audit_read

router = Router(tags=["persons"])


@router.get("", response={200: PersonPage, **READ_ERRORS}, summary="Search or list persons")
def persons_list(request: HttpRequest, page: Query[PageIn], q: str | None = None) -> Any:
    """Persons in your scope: with ``q`` the best matches first (names misspelt or not, A-numbers, FINs, record
    keys; ``search.run``), without it all by person id (``person.view``). Children need ``person.view_child``."""
    result, read = selectors.persons_page(request.user, q, page.limit, page.offset)
    audit_read(
        request, "api.persons.list", "person", "", read, q=q or "", count=result.count, offset=page.offset
    )
    return result.as_dict()


@router.get("/{person_id}", response={200: PersonDetailOut, **READ_ERRORS}, summary="One person")
def person_detail(request: HttpRequest, person_id: str, explain: bool = True) -> Any:
    """The person's records side by side (with the weight of each link when ``explain``), custody, ties and flags.

    ``person_id`` may be a person id or a record key; a merged person's old id leads to the survivor.
    """
    data, read = selectors.person_view(request.user, person_id, explain=explain)
    audit_read(request, "api.person.view", "person", data["person_id"], read, child=data["child"])
    return data


@router.get("/{person_id}/custody", response={200: CustodyOut, **READ_ERRORS}, summary="A person's custody")
def person_custody(request: HttpRequest, person_id: str, at: AwareDatetime | None = None) -> Any:
    """The custody ledger, where the person was at ``at`` (default: last known), and what cannot be true in it."""
    data, read = selectors.person_custody_view(request.user, person_id, at)
    audit_read(request, "api.person.custody", "person", data["person_id"], read, child=data["child"])
    return data
