"""Searching persons by name (fuzzy, phonetic, accent-insensitive), identifier or key."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from reunify.names.search import Hit, parse_query, rank

from .models import PersonSummary, SearchTerm

#: Terms looked up per query at most (a query word of many sounds has a few hundred neighbours).
MAX_TERMS = 4000


@dataclass(frozen=True)
class SearchResult:
    """A person found, how, and what a result list shows of them."""

    hit: Hit
    summary: PersonSummary


def search_persons(
    text: str,
    limit: int = 50,
    scope: Callable[[QuerySet[PersonSummary]], QuerySet[PersonSummary]] | None = None,
) -> list[SearchResult]:
    """Persons matching ``text``, best first, restricted by ``scope`` (the access policy's filter).

    ``scope`` is applied to the summaries before ranking is cut to ``limit``,
    so a user never learns from a count or a gap that a hidden person exists.
    """
    query = parse_query(text)
    terms = sorted(query.terms())[:MAX_TERMS]
    if not terms:
        return []
    found = SearchTerm.objects.filter(term__in=terms).values_list("person__public_id", "term")
    hits = rank(query, found.iterator(chunk_size=5000), limit=max(limit * 4, 200))
    summaries = PersonSummary.objects.filter(public_id__in=[h.person for h in hits])
    if scope is not None:
        summaries = scope(summaries)
    by_id = {s.public_id: s for s in summaries}
    return [SearchResult(h, by_id[h.person]) for h in hits if h.person in by_id][:limit]


#: A case id as the cases app writes it: ``C-2018-000123``.
CASE_ID = re.compile(r"^\s*C-\d{4}-\d{1,9}\s*$", re.IGNORECASE)


def case_matching(user: Any, text: str) -> Any | None:
    """The case whose id ``text`` is, when the user may see that case (its status at least); else None.

    A case the policy refuses is answered as no case at all, so a search never
    confirms that a case outside the user's scope exists.
    """
    from reunify.app.accounts import policy
    from reunify.app.cases.models import Case

    if not CASE_ID.match(text or ""):
        return None
    case = Case.objects.filter(case_id__iexact=text.strip()).first()
    if case is None:
        return None
    if policy.allows(user, "case.view", case) or policy.allows(user, "case.view_status", case):
        return case
    return None
