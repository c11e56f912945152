"""``/api/reports``: the court's status report for any date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router

from .. import selectors
from ..schemas import StatusReportOut
from . import READ_ERRORS, audit_read

router = Router(tags=["reports"])


@router.get("/status", response={200: StatusReportOut, **READ_ERRORS}, summary="Court status report")
def report_status(request: HttpRequest, as_of: dt.date) -> Any:
    """Figures as of the end of ``as_of`` (YYYY-MM-DD), from what was known by then, each with its definition
    (``report.status``)."""
    data = selectors.report_status(request.user, as_of)
    audit_read(request, "api.report.status", "report", f"status/{as_of.isoformat()}", selectors.Read())
    return data
