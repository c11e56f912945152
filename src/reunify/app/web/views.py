"""The layout's own page: the role dashboard (filled by the pages issue). Refusals render 403.html."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reunify.app.accounts import policy
from reunify.app.web.selectors import DUE_SOON_DAYS, dashboard_figures


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in landing page; what it shows depends on the role (see ``web/dashboard.html``)."""
    access = policy.access_of(request.user)
    return render(
        request,
        "web/dashboard.html",
        {
            "role": access.role if access else "",
            "role_description": policy.ROLES.get(access.role, "") if access else "",
            "figures": dashboard_figures(request.user),
            "due_soon_days": DUE_SOON_DAYS,
        },
    )
