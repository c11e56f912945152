"""Searching persons by name (fuzzy, phonetic, accent-insensitive), identifier or key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
