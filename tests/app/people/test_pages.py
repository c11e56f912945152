"""The person page and the review queue over a scenario linked by the real pipeline.

Built once for the module (``linked_scenario``); each test runs in a transaction rolled back after it.
"""

from __future__ import annotations

import json

import pytest

from reunify.app.audit.models import AuditEntry
from reunify.app.people.models import LinkRun, Person, PersonDecision, PersonRecord, PersonReview, Tie
from reunify.app.records.models import Record
from tests.app.api.conftest import linked_scenario  # noqa: F401 - the module's data
from tests.app.pages import signed_in, text

pytestmark = [pytest.mark.slow, pytest.mark.django_db, pytest.mark.usefixtures("linked_scenario")]


def _child_with_placements() -> tuple[str, str]:
    """A child in the refugee office's care and the program (its exact location) of its first placement."""
    for link in (
        PersonRecord.objects.filter(record__feed="orr_referrals", person__ties_as_child__isnull=False)
        .select_related("person", "record")
        .order_by("person__public_id")
    ):
        placements = link.record.fields.get("placements") or []
        if placements and placements[0].get("program"):
            return link.person.public_id, placements[0]["program"]
    raise AssertionError("the scenario has no child with a placement")


def _adult_with_dna_result() -> str:
    return (
        PersonRecord.objects.filter(record__feed="dna_results")
        .order_by("person__public_id")
        .values_list("person__public_id", flat=True)
        .first()
    )


def test_the_person_page_shows_records_side_by_side_the_timeline_and_ties() -> None:
    child, _ = _child_with_placements()
    _, client = signed_in("caseworker")
    response = client.get(f"/persons/{child}/")
    assert response.status_code == 200
    page = text(response)
    assert '<ol class="reunify-timeline"' in page and "reunify-timeline__item" in page
    assert "Where the person is now" in page
    keys = Record.objects.filter(person_link__person__public_id=child).values_list("record_key", flat=True)
    assert keys and all(key in page for key in keys)
    assert "name as written" in page and "Records side by side" in page
    tie = Tie.objects.filter(child__public_id=child).select_related("parent").first()
    assert f'href="/persons/{tie.parent.public_id}/"' in page and tie.status in page
    assert "<script>" not in page and "style=" not in page


def test_the_match_weights_of_each_link_load_separately() -> None:
    """Re-scoring a link takes seconds, so the page asks for the weights when they are scrolled to."""
    from django.db.models import Count

    two = (
        PersonRecord.objects.exclude(record__feed="dna_results")
        .values("person__public_id")
        .annotate(n=Count("id"))
        .filter(n=2)
        .order_by("person__public_id")
        .first()["person__public_id"]
    )
    _, client = signed_in("matcher")
    assert f'hx-get="/persons/{two}/links/"' in text(client.get(f"/persons/{two}/"))
    fragment = text(client.get(f"/persons/{two}/links/", headers={"HX-Request": "true"}))
    assert "<html" not in fragment and "Match weights of the linkage model" in fragment
    keys = PersonRecord.objects.filter(person__public_id=two).values_list("record__record_key", flat=True)
    assert all(key in fragment for key in keys) and '<th scope="col">Weight</th>' in fragment
    assert "<h1>" in text(client.get(f"/persons/{two}/links/"))  # without script: a page of its own
    assert AuditEntry.objects.filter(action="person.links", target_id=two).exists()
    _, refused = signed_in("court_monitor")
    assert refused.get(f"/persons/{two}/links/").status_code == 403


@pytest.mark.parametrize("role", ["court_monitor", "data_officer", "auditor", "administrator"])
def test_the_person_page_is_refused_to_roles_without_person_view(role: str) -> None:
    child, _ = _child_with_placements()
    _, client = signed_in(role)
    assert client.get(f"/persons/{child}/").status_code == 403


def test_a_state_monitor_is_refused_a_person_outside_their_state() -> None:
    child, _ = _child_with_placements()
    _, client = signed_in("state_monitor", state="ZZ")
    assert client.get(f"/persons/{child}/").status_code == 403


def test_dna_results_need_the_grant() -> None:
    adult = _adult_with_dna_result()
    _, allowed = signed_in("matcher", "matcher.dna")
    _, refused = signed_in("matcher", "matcher.plain", grants=())
    shown = text(allowed.get(f"/persons/{adult}/"))
    hidden = text(refused.get(f"/persons/{adult}/"))
    assert "dna_results:" in shown
    assert "dna_results:" not in hidden
    assert "Withheld: you hold no grant for" in hidden and "DNA parentage results" in hidden


def test_a_childs_exact_location_needs_the_grant() -> None:
    child, program = _child_with_placements()
    _, allowed = signed_in("caseworker", "cw.location")
    _, refused = signed_in("caseworker", "cw.plain", grants=())
    assert program in text(allowed.get(f"/persons/{child}/"))
    assert program not in text(refused.get(f"/persons/{child}/"))


def test_reading_a_child_is_audited_with_the_sensitive_categories_shown() -> None:
    child, _ = _child_with_placements()
    _, client = signed_in("caseworker")
    client.get(f"/persons/{child}/")
    entry = AuditEntry.objects.filter(action="person.view", target_id=child).latest("seq")
    detail = json.loads(entry.detail_json)
    assert detail["children"] == [child] and detail["via"] == "web"
    assert "child_location" in detail["sensitive_shown"]


def test_a_retired_id_redirects_to_the_person_it_merged_into() -> None:
    survivor = Person.objects.filter(retired_run__isnull=True).order_by("public_id").first()
    Person.objects.create(
        public_id="PRETIRED01",
        created_run=survivor.created_run,
        retired_run=survivor.created_run,
        merged_into=survivor,
    )
    _, client = signed_in("caseworker")
    response = client.get("/persons/PRETIRED01/")
    assert response.status_code == 302 and response["Location"] == f"/persons/{survivor.public_id}/"
    assert client.get("/persons/NOSUCHID/").status_code == 404


def test_the_review_queue_shows_both_tabs_with_weights() -> None:
    _, client = signed_in("matcher")
    persons = client.get("/review/")
    ties = client.get("/review/", {"tab": "ties"})
    assert persons.status_code == ties.status_code == 200
    assert "Records that may be the same person" in text(persons)
    page = text(ties)
    candidates = Tie.objects.filter(status=Tie.CANDIDATE).count()
    assert f"{candidates} tie" in page
    if candidates:
        assert "Is this adult the child" in page and "Evidence for the tie, each line with its weight" in page


@pytest.mark.parametrize("role", ["state_monitor", "court_monitor", "data_officer", "auditor"])
def test_the_review_queue_is_refused_to_roles_without_review_view(role: str) -> None:
    _, client = signed_in(role)
    assert client.get("/review/").status_code == 403


def _candidate_tie() -> Tie:
    tie = Tie.objects.filter(status=Tie.CANDIDATE).select_related("parent", "child").first()
    if tie is None:  # the scenario's model was sure of every tie: put one back to review
        tie = Tie.objects.select_related("parent", "child").first()
        Tie.objects.filter(pk=tie.pk).update(status=Tie.CANDIDATE)
        tie.refresh_from_db()
    return tie


def test_a_tie_confirmed_in_the_queue_changes_status_at_once() -> None:
    tie = _candidate_tie()
    _, client = signed_in("matcher")
    form = {
        "parent": tie.parent.public_id,
        "child": tie.child.public_id,
        "expected_status": "CANDIDATE",
        "entry": "tie-1-1",
        "decision": "confirm",
    }
    refused = client.post("/review/ties/decide/", {**form, "reason": "  "}, headers={"HX-Request": "true"})
    assert refused.status_code == 200 and refused["HX-Retarget"] == "#tie-1-1-error"
    assert "Give a reason" in text(refused)
    assert Tie.objects.get(pk=tie.pk).status == Tie.CANDIDATE

    response = client.post(
        "/review/ties/decide/", {**form, "reason": "birth certificate seen"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert Tie.objects.get(pk=tie.pk).status == Tie.CONFIRMED
    page = text(response)
    assert 'id="tie-1-1"' in page and "the tie is now CONFIRMED" in page and "<html" not in page
    entry = AuditEntry.objects.filter(action="review.tie_decide").latest("seq")
    assert json.loads(entry.detail_json)["via"] == "web"

    stale = client.post("/review/ties/decide/", {**form, "reason": "again"}, headers={"HX-Request": "true"})
    assert "is CONFIRMED now, not CANDIDATE" in text(stale)


def test_a_decision_without_htmx_redirects_back_to_the_queue() -> None:
    tie = _candidate_tie()
    _, client = signed_in("supervisor")
    response = client.post(
        "/review/ties/decide/",
        {
            "parent": tie.parent.public_id,
            "child": tie.child.public_id,
            "decision": "reject",
            "reason": "DNA excluded",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/review/?tab=ties"
    assert Tie.objects.get(pk=tie.pk).status == Tie.REJECTED


def test_a_caseworker_reads_the_queue_but_may_not_decide() -> None:
    tie = _candidate_tie()
    _, client = signed_in("caseworker")
    assert "Record the decision" not in text(client.get("/review/", {"tab": "ties"}))
    response = client.post(
        "/review/ties/decide/",
        {"parent": tie.parent.public_id, "child": tie.child.public_id, "decision": "confirm", "reason": "x"},
    )
    assert response.status_code == 403
    assert Tie.objects.get(pk=tie.pk).status == Tie.CANDIDATE


def _open_pair() -> PersonReview:
    """An open pair of the queue; when the model was sure of every pair, two adults' records put up for review."""
    pair = (
        PersonReview.objects.filter(status=PersonReview.OPEN)
        .exclude(record_key_a__startswith="dna_results:")
        .exclude(record_key_b__startswith="dna_results:")
        .first()
    )
    if pair is not None:
        return pair
    keys = list(
        PersonRecord.objects.filter(record__feed="ice_detentions")
        .order_by("person__public_id")
        .values_list("record__record_key", "person__public_id")[:40]
    )
    first = keys[0]
    second = next(k for k in keys if k[1] != first[1])
    a, b = sorted((first[0], second[0]))
    return PersonReview.objects.create(
        run=LinkRun.objects.order_by("-started_at").first(),
        record_key_a=a,
        record_key_b=b,
        match_probability=0.42,
        match_weight=-0.46,
        explanation=[
            {"comparison": "dob", "label": "year only", "weight": 1.25, "text": "same year of birth"}
        ],
    )


def test_a_person_decision_leaves_the_queue_and_is_applied_at_once() -> None:
    pair = _open_pair()
    _, client = signed_in("matcher")
    queue = text(client.get("/review/"))
    assert pair.record_key_a in queue and "Each comparison and its match weight" in queue
    response = client.post(
        "/review/persons/decide/",
        {
            "record_key_a": pair.record_key_a,
            "record_key_b": pair.record_key_b,
            "expected_status": "OPEN",
            "decision": "different",
            "reason": "different mothers named",
            "entry": "pair-1-1",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Applied at once: the persons were linked again." in text(response)
    assert not PersonReview.objects.filter(
        record_key_a=pair.record_key_a, record_key_b=pair.record_key_b, status=PersonReview.OPEN
    ).exists()
    assert PersonDecision.objects.filter(record_key_a=pair.record_key_a, decided_by="matcher.pages").exists()


def test_spanish_headings() -> None:
    child, _ = _child_with_placements()
    _, client = signed_in("caseworker")
    spanish = {"Accept-Language": "es"}
    person = text(client.get(f"/persons/{child}/", headers=spanish))
    assert '<html lang="es">' in person
    assert "Cronología de custodia" in person and "Registros lado a lado" in person
    assert "Cola de revisión" in text(client.get("/review/", headers=spanish))
