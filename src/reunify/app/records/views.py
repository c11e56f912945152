"""The data officer's pages: the agency's deliveries and the rows quarantined from them, with the reasons."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reunify.app.audit.services import audit_record
from reunify.app.web.decorators import requires
from reunify.app.web.pages import is_partial, paginate, query_without_page

from .selectors import deliveries_in_scope, feeds_in_scope, quarantine_in_scope

PAGE_SIZE = 50
#: ORR holds only children: a quarantined ORR row is a child's record as delivered.
CHILD_FEEDS = frozenset({"orr_referrals"})


@requires("delivery.view")
def deliveries(request: HttpRequest) -> HttpResponse:
    """Every delivery of the user's agency (all agencies for a supervisor), newest first, with its figures."""
    feeds = feeds_in_scope(request.user, "delivery.view")
    feed = request.GET.get("feed", "")
    feed = feed if feed in feeds else ""
    page = paginate(deliveries_in_scope(request.user, feed or None), request, PAGE_SIZE)
    context = {"page": page, "feeds": feeds, "feed": feed, "query": query_without_page(request)}
    template = "records/_deliveries.html" if is_partial(request) else "records/deliveries.html"
    return render(request, template, context)


@requires("quarantine.view")
def quarantine(request: HttpRequest) -> HttpResponse:
    """Quarantined rows with file, line, column and reason; filterable by feed and delivery, paginated.

    A quarantined row is shown with its raw text (the only way to fix it), so
    the page is audited like any read of records: which rows, and how many were
    a child's.
    """
    feeds = feeds_in_scope(request.user, "quarantine.view")
    feed = request.GET.get("feed", "")
    feed = feed if feed in feeds else ""
    delivery = request.GET.get("delivery", "").strip()
    files = list(deliveries_in_scope(request.user, feed or None).values_list("file_name", flat=True))
    files = [name for name in files if name]  # the officer's own deliveries only
    page = paginate(quarantine_in_scope(request.user, feed or None, delivery or None), request, PAGE_SIZE)
    rows = list(page)
    audit_record(
        request.user,
        "quarantine.view",
        target_type="quarantine",
        target_id=delivery or feed,
        detail={
            "via": "web",
            "feed": feed,
            "delivery": delivery,
            "page": page.number,
            "rows_shown": len(rows),
            "child_rows_shown": sum(1 for row in rows if row.delivery.feed in CHILD_FEEDS),
        },
        request=request,
    )
    context = {
        "page": page,
        "rows": rows,
        "feeds": feeds,
        "feed": feed,
        "files": files,
        "delivery": delivery,
        "query": query_without_page(request),
    }
    template = "records/_quarantine.html" if is_partial(request) else "records/quarantine.html"
    return render(request, template, context)
