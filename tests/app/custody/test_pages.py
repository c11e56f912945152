"""Separations and the court's status report pages, over a scenario linked by the real pipeline."""

from __future__ import annotations

import json

import pytest

from reunify.app.accounts import policy
from reunify.app.audit.models import AuditEntry
from reunify.app.custody.models import StoredSeparation
from reunify.app.custody.selectors import data_horizon, status_report_as_of
from reunify.app.people.models import Person
from tests.app.api.conftest import linked_scenario  # noqa: F401 - the module's data
from tests.app.pages import signed_in, text

pytestmark = [pytest.mark.slow, pytest.mark.django_db, pytest.mark.usefixtures("linked_scenario")]


def test_separations_with_evidence_outcome_membership_and_deadlines() -> None:
    _, client = signed_in("caseworker")
    response = client.get("/separations/")
    assert response.status_code == 200
    page = text(response)
    current = StoredSeparation.objects.filter(current=True)
    assert f"{current.count()} separation" in page
    first = current.order_by("child__public_id", "parent__public_id").select_related("child").first()
    assert f'href="/persons/{first.child.public_id}/"' in page
    for heading in ("Judicial basis", "Outcome", "Class membership", "Deadlines", "Evidence"):
        assert f'<th scope="col">{heading}</th>' in page
    entry = AuditEntry.objects.filter(action="separation.list").latest("seq")
    assert first.child.public_id in json.loads(entry.detail_json)["children"]


def test_the_filter_without_judicial_basis() -> None:
    _, client = signed_in("matcher")
    without = StoredSeparation.objects.filter(current=True, judicial_basis=False).count()
    page = text(client.get("/separations/", {"without_judicial_basis": "1"}))
    assert f"{without} separation" in page and "Separations without a judicial basis, by child" in page
    fragment = text(client.get("/separations/", {"without_judicial_basis": "1"}, headers={"HX-Request": "1"}))
    assert "<html" not in fragment and f"{without} separation" in fragment


def test_a_state_monitor_counts_only_separations_in_their_state() -> None:
    user, client = signed_in("state_monitor", state="TX")
    visible = policy.scope_persons(user, Person.objects.all()).values("pk")
    expected = (
        StoredSeparation.objects.filter(current=True).filter(child__in=visible).count()
        + StoredSeparation.objects.filter(current=True, parent__in=visible).exclude(child__in=visible).count()
    )
    assert f"{expected} separation" in text(client.get("/separations/"))
    _, nowhere = signed_in("state_monitor", "monitor.zz", state="ZZ")
    assert "0 separations" in text(nowhere.get("/separations/"))


@pytest.mark.parametrize("role", ["court_monitor", "data_officer", "auditor", "administrator"])
def test_separations_are_refused_to_roles_without_separation_view(role: str) -> None:
    _, client = signed_in(role)
    assert client.get("/separations/").status_code == 403


def test_the_status_report_renders_the_commands_tables_with_definitions() -> None:
    as_of = data_horizon()
    report = status_report_as_of(as_of)
    _, client = signed_in("court_monitor")
    response = client.get("/reports/status/", {"as_of": as_of.isoformat()})
    assert response.status_code == 200
    page = text(response)
    assert f"Status report as of {as_of.isoformat()}" in page
    for table in report.tables:
        assert f"<h2>{table.title}</h2>" in page
        for figure in table.figures[:2]:
            assert f"<td>{figure.value}</td>" in page
    assert "Download as CSV" not in page  # the court monitor writes no exports
    assert client.get("/reports/status/csv/", {"as_of": as_of.isoformat()}).status_code == 403
    assert "YYYY-MM-DD" in text(client.get("/reports/status/", {"as_of": "26/07/2018"}))


def test_the_csv_download_is_the_commands_csv_and_is_audited() -> None:
    from reunify.rules.report import render_csv

    as_of = data_horizon()
    _, client = signed_in("supervisor")
    assert "Download as CSV" in text(client.get("/reports/status/"))
    response = client.get("/reports/status/csv/", {"as_of": as_of.isoformat()})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode() == render_csv(status_report_as_of(as_of))
    entry = AuditEntry.objects.filter(action="export.run").latest("seq")
    assert entry.target_id == "status_report" and json.loads(entry.detail_json)["as_of"] == as_of.isoformat()


@pytest.mark.parametrize("role", ["matcher", "data_officer", "auditor", "administrator"])
def test_the_status_report_is_refused_to_roles_without_report_status(role: str) -> None:
    _, client = signed_in(role)
    assert client.get("/reports/status/").status_code == 403


def test_spanish_headings() -> None:
    _, client = signed_in("caseworker")
    spanish = {"Accept-Language": "es"}
    assert "<h1>Separaciones</h1>" in text(client.get("/separations/", headers=spanish))
    assert "Informe de situación al" in text(client.get("/reports/status/", headers=spanish))
