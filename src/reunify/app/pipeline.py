"""What follows a linkage run: every layer derived from persons and ties, rebuilt in order.

Why one function: the command line (`reunify link`), a reviewer's decision
applied at once, and the demo must leave the same layers behind -- stored
separations judged by the rules, the search index and person summaries the
pages and the access policy read, and one reunification case per separated
family.  Each step is idempotent, so running it twice changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Progress = Callable[[str, int, int], None]


@dataclass
class DerivedBuild:
    """Figures of one rebuild of the derived layers, with the seconds each took."""

    separations: int = 0
    separations_without_judicial_basis: int = 0
    persons_indexed: int = 0
    search_terms: int = 0
    cases_opened: int = 0
    cases_refreshed: int = 0
    cases_flagged_for_review: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def derived_rebuild(progress: Progress | None = None) -> DerivedBuild:
    """Rebuild separations (with the rules), the search index and the cases from the latest link run."""
    from reunify.app.cases.services import case_open_for_separations
    from reunify.app.custody.services import separations_rebuild
    from reunify.app.search.services import search_index_rebuild

    build = DerivedBuild()
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        build.seconds[name] = round(now - clock, 2)
        clock = now

    from reunify.app.custody.selectors import records_by_person

    if progress:
        progress("separations and rules", 0, 3)
    persons = records_by_person()
    separations = separations_rebuild(persons=persons)
    build.separations = separations.counts.get("separations", 0)
    build.separations_without_judicial_basis = separations.counts.get("without_judicial_basis", 0)
    lap("separations")
    if progress:
        progress("search index", 1, 3)
    index = search_index_rebuild(persons=persons)
    del persons
    build.persons_indexed, build.search_terms = index["persons_indexed"], index["terms"]
    lap("search_index")
    if progress:
        progress("cases", 2, 3)
    opened = case_open_for_separations()
    build.cases_opened = opened.opened
    build.cases_refreshed = opened.refreshed
    build.cases_flagged_for_review = opened.flagged_for_review
    lap("cases")
    if progress:
        progress("done", 3, 3)
    return build
