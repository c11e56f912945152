"""The dashboard per role, over a scenario linked by the real pipeline: figures scoped before they are counted."""

from __future__ import annotations

import pytest
from django.utils import timezone

from reunify.app.cases.models import Case, Team
from reunify.app.people.models import Tie
from reunify.app.records.models import Delivery
from tests.app.api.conftest import linked_scenario  # noqa: F401 - the module's data
from tests.app.pages import signed_in, text

pytestmark = [pytest.mark.slow, pytest.mark.django_db, pytest.mark.usefixtures("linked_scenario")]


def _figure(page: str, heading: str) -> str:
    """The number shown on the card headed ``heading``."""
    after = page.split(heading, 1)[1]
    return after.split('<p class="reunify-figure', 1)[1].split(">", 1)[1].split("<", 1)[0]


def test_a_caseworker_sees_cases_deadlines_overdue_and_the_review_queue() -> None:
    caseworker, client = signed_in("caseworker")
    page = text(client.get("/"))
    assert _figure(page, "Open cases") == "0", "a caseworker's figures cover their own and their team's cases"
    team = Team.objects.create(name="dashboard-team", created_at=timezone.now())
    team.members.add(caseworker)
    mine = list(Case.objects.filter(status=Case.OPEN).order_by("case_id").values_list("pk", flat=True)[:3])
    Case.objects.filter(pk__in=mine).update(team=team)
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert _figure(page, "Open cases") == str(len(mine))
    assert "Deadlines in the next 7 days" in page and "Overdue cases" in page
    assert _figure(page, "Candidate ties to review") == str(Tie.objects.filter(status=Tie.CANDIDATE).count())


def test_the_court_monitor_gets_counts_only() -> None:
    _, client = signed_in("court_monitor")
    page = text(client.get("/"))
    assert _figure(page, "Open cases") == str(Case.objects.filter(status=Case.OPEN).count())
    assert "/cases/C-" not in page and "Review queue</h2>" not in page


def test_a_state_monitor_counts_only_cases_in_their_state() -> None:
    _, client = signed_in("state_monitor", state="ZZ")
    assert _figure(text(client.get("/")), "Open cases") == "0"


def test_a_data_officer_sees_their_agencys_deliveries_and_quarantine() -> None:
    _, client = signed_in("data_officer", agency="orr")
    page = text(client.get("/"))
    assert "Latest deliveries" in page and "Quarantined rows by feed" in page and "Open cases" not in page
    for delivery in Delivery.objects.exclude(feed="orr_referrals"):
        assert delivery.file_name not in page


def test_the_auditor_and_the_administrator() -> None:
    _, auditor = signed_in("auditor")
    page = text(auditor.get("/"))
    assert "Entries in the last 24 hours" in page and "Open cases" not in page
    _, admin = signed_in("administrator")
    page = text(admin.get("/"))
    assert "active account" in page and "Administrators without a second factor" in page


def test_signed_out_visitors_go_to_sign_in() -> None:
    from django.test import Client

    assert Client().get("/")["Location"].startswith("/accounts/sign-in/")


def test_spanish_dashboard() -> None:
    _, client = signed_in("caseworker")
    page = text(client.get("/", headers={"Accept-Language": "es"}))
    assert "Casos abiertos" in page and "Plazos en los próximos 7 días" in page
