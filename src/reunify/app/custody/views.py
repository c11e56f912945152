"""Separations (with the "without judicial basis" filter) and the court's status report, on screen and as CSV."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from reunify.app.accounts import policy
from reunify.app.audit.services import audit_record
from reunify.app.web.decorators import requires
from reunify.app.web.pages import is_partial, paginate, query_without_page
from reunify.rules.report import render_csv

from .selectors import (
    data_horizon,
    separation_lines,
    separation_outcomes,
    separations_in_scope,
    status_report_for,
)

PAGE_SIZE = 25
#: The export name the policy decides the status report's CSV by (``export.run``).
STATUS_REPORT_EXPORT = "status_report"


@requires("separation.view")
def separations(request: HttpRequest) -> HttpResponse:
    """Current separations in the user's scope, with evidence, outcome, class membership and deadlines."""
    without_basis = request.GET.get("without_judicial_basis") == "1"
    outcomes = separation_outcomes(request.user)
    outcome = request.GET.get("outcome", "")
    outcome = outcome if outcome in outcomes else ""
    queryset = separations_in_scope(
        request.user, without_judicial_basis=without_basis, outcome=outcome or None
    ).order_by("child__public_id", "parent__public_id", "id")
    page = paginate(queryset, request, PAGE_SIZE)
    lines = separation_lines(request.user, page)
    # Every separation concerns a child: the page is a read of those children's records.
    audit_record(
        request.user,
        "separation.list",
        target_type="separation",
        detail={
            "via": "web",
            "without_judicial_basis": without_basis,
            "outcome": outcome,
            "page": page.number,
            "children": sorted({line.separation.child.public_id for line in lines}),
        },
        request=request,
    )
    context = {
        "page": page,
        "lines": lines,
        "outcomes": outcomes,
        "outcome": outcome,
        "without_basis": without_basis,
        "query": query_without_page(request),
    }
    template = "custody/_separations.html" if is_partial(request) else "custody/separations.html"
    return render(request, template, context)


def _as_of(request: HttpRequest) -> tuple[dt.date, str]:
    """The report date asked for (``as_of=YYYY-MM-DD``), else the newest delivery's date; and any error."""
    text = request.GET.get("as_of", "").strip()
    if text:
        try:
            return dt.date.fromisoformat(text), ""
        except ValueError:
            return data_horizon(), _("The date must be written YYYY-MM-DD, e.g. 2018-07-26.")
    return data_horizon(), ""


@requires("report.status")
def status_report(request: HttpRequest) -> HttpResponse:
    """The same tables as ``reunify report status``, each figure with its definition."""
    as_of, error = _as_of(request)
    report = status_report_for(request.user, as_of)
    return render(
        request,
        "custody/status_report.html",
        {
            "report": report,
            "as_of": as_of,
            "error": error,
            "may_export": policy.allows(request.user, "export.run", STATUS_REPORT_EXPORT),
        },
    )


@requires("report.status")
def status_report_csv(request: HttpRequest) -> HttpResponse:
    """The report as ``reunify report status --format csv`` writes it; an export, so policy-checked and audited."""
    policy.require(request.user, "export.run", STATUS_REPORT_EXPORT)
    as_of, error = _as_of(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    text = render_csv(status_report_for(request.user, as_of))
    audit_record(
        request.user,
        "export.run",
        target_type="export",
        target_id=STATUS_REPORT_EXPORT,
        detail={"via": "web", "as_of": as_of.isoformat(), "bytes": len(text.encode())},
        request=request,
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="status-report-{as_of.isoformat()}.csv"'
    return response
