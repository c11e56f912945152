"""The data officer's deliveries and quarantine pages, scoped to the officer's agency."""

from __future__ import annotations

import json

import pytest

from reunify.app.accounts.policy import AGENCY_FEEDS
from reunify.app.audit.models import AuditEntry
from reunify.app.records.models import Delivery, QuarantinedRow
from tests.app.api.conftest import linked_scenario  # noqa: F401 - the module's data
from tests.app.pages import signed_in, text

pytestmark = [pytest.mark.slow, pytest.mark.django_db, pytest.mark.usefixtures("linked_scenario")]


def _agency_with_quarantine() -> tuple[str, str]:
    """An agency and one of its deliveries with quarantined rows."""
    row = QuarantinedRow.objects.select_related("delivery").order_by("delivery__file_name", "line").first()
    assert row is not None, "the scenario quarantined nothing"
    agency = next(a for a, feeds in AGENCY_FEEDS.items() if row.delivery.feed in feeds)
    return agency, row.delivery.file_name


def test_a_data_officer_sees_only_their_agencys_deliveries() -> None:
    _, client = signed_in("data_officer", agency="orr")
    response = client.get("/data/deliveries/")
    assert response.status_code == 200
    page = text(response)
    for delivery in Delivery.objects.all():
        assert (delivery.file_name in page) == (delivery.feed == "orr_referrals"), delivery.file_name
    orr = Delivery.objects.filter(feed="orr_referrals").count()
    assert f"{orr} deliver" in page
    assert "<caption>" in page and 'scope="col"' in page


def test_quarantine_rows_with_file_line_column_and_reason_filtered_by_delivery() -> None:
    agency, file_name = _agency_with_quarantine()
    _, client = signed_in("data_officer", agency=agency)
    response = client.get("/data/quarantine/", {"delivery": file_name})
    assert response.status_code == 200
    page = text(response)
    rows = QuarantinedRow.objects.filter(delivery__file_name=file_name)
    assert f"{rows.count()} quarantined row" in page
    first = rows.order_by("line").first()
    assert first.reason.replace("'", "&#x27;").replace('"', "&quot;")[:40] in page
    others = QuarantinedRow.objects.exclude(delivery__feed__in=AGENCY_FEEDS[agency])
    for other_file in others.values_list("delivery__file_name", flat=True)[:20]:
        assert other_file not in page
    entry = AuditEntry.objects.filter(action="quarantine.view").latest("seq")
    assert json.loads(entry.detail_json)["delivery"] == file_name


def test_another_agencys_delivery_shows_nothing() -> None:
    agency, file_name = _agency_with_quarantine()
    other = next(a for a in AGENCY_FEEDS if a != agency)
    _, client = signed_in("data_officer", agency=other)
    page = text(client.get("/data/quarantine/", {"delivery": file_name}))
    assert "0 quarantined rows" in page


def test_the_pages_are_paginated() -> None:
    _, client = signed_in("supervisor")
    total = QuarantinedRow.objects.count()
    page = text(client.get("/data/quarantine/"))
    if total > 50:
        assert "Page 1 of" in page and "page=2" in page
    assert text(client.get("/data/quarantine/", {"page": "999"})).count("<tr>") >= 1


@pytest.mark.parametrize("role", ["caseworker", "matcher", "state_monitor", "court_monitor", "auditor"])
def test_the_pages_are_refused_to_roles_without_them(role: str) -> None:
    _, client = signed_in(role)
    assert client.get("/data/deliveries/").status_code == 403
    assert client.get("/data/quarantine/").status_code == 403


def test_spanish_headings() -> None:
    _, client = signed_in("data_officer")
    spanish = {"Accept-Language": "es"}
    assert "<h1>Entregas</h1>" in text(client.get("/data/deliveries/", headers=spanish))
    assert "<h1>Cuarentena</h1>" in text(client.get("/data/quarantine/", headers=spanish))
