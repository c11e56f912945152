"""Small helpers every page shares: htmx partials, pagination, links to pages another app owns.

Why here: the search, people, records and custody pages answer htmx the same
way and page their tables the same way; one definition keeps the behaviour
(and the accessible markup of ``web/_pagination.html``) identical everywhere.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


def is_partial(request: HttpRequest) -> bool:
    """True when htmx asks for a fragment; a history restore (back button, cache miss) needs the whole page."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def paginate(items: Any, request: HttpRequest, per_page: int = 50) -> Page:
    """The page of ``items`` the query string asks for (the last one when beyond, the first when malformed)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for the links to the other pages of a list."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def case_url(case_id: str) -> str:
    """The case page's address: the cases app names it ``cases:detail``; the path is the agreed fallback."""
    try:
        return reverse("cases:detail", args=[case_id])
    except NoReverseMatch:
        return f"/cases/{case_id}/"
