"""The search page over a scenario linked by the real pipeline: misspelt names, identifiers, case ids, scope."""

from __future__ import annotations

import json

import pytest

from reunify.app.audit.models import AuditEntry
from reunify.app.cases.models import Case
from reunify.app.search.models import PersonSummary
from tests.app.api.conftest import linked_scenario  # noqa: F401 - the module's data
from tests.app.pages import signed_in, text

pytestmark = [pytest.mark.slow, pytest.mark.django_db, pytest.mark.usefixtures("linked_scenario")]


def _misspell(word: str) -> str:
    """Two neighbouring letters exchanged in the middle: one edit, as a hurried caseworker types it."""
    i = len(word) // 2
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _child() -> PersonSummary:
    for summary in PersonSummary.objects.filter(is_child=True).order_by("public_id"):
        words = summary.display_name.split()
        if len(words) >= 2 and len(words[-1]) >= 5 and _misspell(words[-1]) != words[-1]:
            return summary
    raise AssertionError("the scenario has no child with a surname of five letters")


def test_a_child_is_found_by_a_misspelt_name_and_the_read_is_audited() -> None:
    child = _child()
    given, surname = child.display_name.split()[0], child.display_name.split()[-1]
    query = f"{given.lower()} {_misspell(surname).lower()}"
    _, client = signed_in("caseworker")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    page = text(response)
    assert f'href="/persons/{child.public_id}/"' in page
    assert "<caption>" in page and 'scope="col"' in page and "Why it matched" in page
    entry = AuditEntry.objects.filter(action="search.run").latest("seq")
    detail = json.loads(entry.detail_json)
    assert detail["q"] == query and child.public_id in detail["children"]


def test_live_results_are_a_fragment_and_the_form_works_without_script() -> None:
    child = _child()
    _, client = signed_in("matcher")
    page = text(client.get("/search/"))
    assert 'hx-get="/search/"' in page and "delay:400ms" in page and 'action="/search/"' in page
    assert '<label class="usa-label" for="search-q">' in page
    fragment = text(client.get("/search/", {"q": child.display_name}, headers={"HX-Request": "true"}))
    assert "<html" not in fragment and child.public_id in fragment


def test_identifiers_are_found_whole() -> None:
    summary = PersonSummary.objects.exclude(a_numbers=[]).order_by("public_id").first()
    _, client = signed_in("supervisor")
    page = text(client.get("/search/", {"q": summary.a_numbers[0]}))
    assert summary.public_id in page and "A-number" in page


def test_a_case_id_leads_to_its_case() -> None:
    case = Case.objects.order_by("case_id").first()
    _, client = signed_in("caseworker")
    page = text(client.get("/search/", {"q": case.case_id.lower()}))
    assert f'href="/cases/{case.case_id}/"' in page


def test_a_state_monitor_finds_nobody_outside_their_state() -> None:
    child = _child()
    _, client = signed_in("state_monitor", state="ZZ")
    page = text(client.get("/search/", {"q": child.display_name}))
    assert child.public_id not in page and "0 persons found" in page


@pytest.mark.parametrize("role", ["court_monitor", "data_officer", "auditor", "administrator"])
def test_the_search_is_refused_to_roles_without_search_run(role: str) -> None:
    _, client = signed_in(role)
    assert client.get("/search/", {"q": "maria"}).status_code == 403


def test_spanish_heading_and_label() -> None:
    _, client = signed_in("caseworker")
    page = text(client.get("/search/", headers={"Accept-Language": "es"}))
    assert "<h1>Buscar</h1>" in page and "Nombre, número A, FIN, clave de registro o número de caso" in page
