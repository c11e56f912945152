"""The search page: one box for names (misspelt or not), A-numbers, FINs, record keys and case ids."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from reunify.app.api.selectors import persons_page
from reunify.app.audit.services import audit_record
from reunify.app.web.decorators import requires
from reunify.app.web.pages import case_url, is_partial
from reunify.names.search import A_NUMBER, FIN, KEY

from .selectors import case_matching

#: Results shown at most: the best matches; a longer list means the query needs another word.
RESULTS = 50
#: Live results start at this many characters (fewer match half the population).
MIN_LENGTH = 2


def why_matched(matched: list[str]) -> list[str]:
    """``matched`` of a search hit in words: which identifier, or how each name word matched."""
    grades = {"exact": _("exact"), "sounds like": _("sounds like"), "near": _("one letter apart")}
    reasons = []
    for item in matched:
        if item.startswith(A_NUMBER):
            reasons.append(_("A-number %(value)s") % {"value": item[len(A_NUMBER) :]})
        elif item.startswith(FIN):
            reasons.append(_("FIN %(value)s") % {"value": item[len(FIN) :]})
        elif item.startswith(KEY):
            reasons.append(_("record key %(value)s") % {"value": item[len(KEY) :]})
        else:
            word, _sep, grade = item.rpartition(":")
            reasons.append(f"{word}: {grades.get(grade, grade)}")
    return reasons


@requires("search.run")
def search(request: HttpRequest) -> HttpResponse:
    """Results as you type (htmx, debounced) or on submit; scoped before ranking and audited per search."""
    text = request.GET.get("q", "").strip()[:200]
    results: list[dict] = []
    count = 0
    case = None
    if len(text) >= MIN_LENGTH:
        page, read = persons_page(request.user, text, RESULTS, 0)
        count = page.count
        results = [{**item, "why": why_matched(item["matched"])} for item in page.items]
        case = case_matching(request.user, text)
        audit_record(
            request.user,
            "search.run",
            target_type="person",
            detail=read.detail(via="web", q=text, count=count, case=case.case_id if case else ""),
            request=request,
        )
    context = {
        "q": text,
        "results": results,
        "count": count,
        "shown": len(results),
        "case": case,
        "case_url": case_url(case.case_id) if case else "",
        "searched": len(text) >= MIN_LENGTH,
    }
    template = "search/_results.html" if is_partial(request) else "search/search.html"
    return render(request, template, context)
