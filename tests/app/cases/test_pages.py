"""The case pages through the Django test client: scoping per role, casework forms, refusals, audit, Spanish."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from reunify.app.accounts.services import user_create
from reunify.app.audit.models import AuditEntry
from reunify.app.cases.models import Case, CaseContact, CaseStep, ParentChoice, ParentRemoval
from reunify.app.cases.services import case_assign, case_open_for_separations

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def cases(two_families: Any, supervisor: Any) -> dict[str, Case]:
    """The two families' cases; P-C1's is assigned to the caseworker ``cat``."""
    case_open_for_separations()
    return {c.child_person_id: c for c in Case.objects.all()}


@pytest.fixture
def cat(make_user: Callable[..., Any], cases: dict[str, Case], supervisor: Any) -> Any:
    """A caseworker assigned to P-C1's case (and to nothing else)."""
    user = make_user("cat.caseworker", "caseworker")
    case_assign(cases["P-C1"].case_id, seen_version=cases["P-C1"].version, by=supervisor, assignee=user)
    return user


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(case: Case, tail: str = "") -> str:
    return f"/cases/{case.case_id}/{tail}"


def _step(case: Case, kind: str) -> CaseStep:
    return CaseStep.objects.get(case=case, kind=kind)


def test_the_list_is_scoped_per_role(cases, cat, supervisor, make_user) -> None:
    young, older = cases["P-C1"], cases["P-C2"]
    page = _client(supervisor).get("/cases/").content.decode()
    assert young.case_id in page and older.case_id in page
    assert "P-C1" in page and "P-M1" in page
    assert "Overdue" in page and "usa-tag reunify-tag--overdue" in page  # 2018 deadlines long passed
    # Sorted by next deadline: the under-5 child's 14-day deadline comes before the older child's 30 days.
    assert page.index(young.case_id) < page.index(older.case_id)

    mine = _client(cat).get("/cases/", {"assigned": "mine"}).content.decode()
    assert young.case_id in mine and older.case_id not in mine
    assert AuditEntry.objects.filter(action="case.list", actor="cat.caseworker").exists()

    court = _client(make_user("cora.court", "court_monitor")).get("/cases/").content.decode()
    assert young.case_id in court and older.case_id in court
    assert not re.search(r"P-[CMF]\d", court), "the court's view carries no person ids or names"

    texas = user_create(None, "tex.monitor", "unused-password", "state_monitor", state="TX", validate=False)
    assert young.case_id not in _client(texas).get("/cases/").content.decode()  # nobody held in Texas

    for role in ("auditor", "matcher", "data_officer", "administrator"):
        agency = "orr" if role == "data_officer" else ""
        user = user_create(None, f"x.{role}", "unused-password", role, agency=agency, validate=False)
        assert _client(user).get("/cases/").status_code == 403, role
    assert Client().get("/cases/").status_code == 302  # to sign-in

    closed = _client(supervisor).get("/cases/", {"status": "CLOSED"}).content.decode()
    assert young.case_id not in closed


def test_the_assigned_caseworker_sees_the_family_and_the_read_is_audited(cases, cat) -> None:
    young = cases["P-C1"]
    response = _client(cat).get(_url(young))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("P-C1", "P-M1", "P-F1", 'href="/persons/P-M1/"', "Parentage verification", "Deadlines"):
        assert text in page, text
    assert "Overdue" in page and "days overdue" in page  # unmistakable: tag and words
    assert 'name="csrfmiddlewaretoken"' in page and "hx-post=" in page
    assert "<script>" not in page and "style=" not in page  # the content security policy allows neither
    entry = AuditEntry.objects.filter(action="case.view", target_id=young.case_id).get()
    assert entry.actor == "cat.caseworker" and "P-C1" in entry.detail_json


def test_an_unassigned_caseworker_reads_but_may_not_change(cases, cat, make_user) -> None:
    older = cases["P-C2"]  # not cat's
    client = _client(cat)
    page = client.get(_url(older)).content.decode()
    assert "You may read this case but not change it" in page
    assert "step_complete" not in page and "/steps/PARENTAGE/complete/" not in page
    response = client.post(_url(older, "steps/PARENTAGE/complete/"), {"seen_version": 1})
    assert response.status_code == 403
    assert "assigned to neither this user nor their team" in response.content.decode()
    assert _step(older, "PARENTAGE").status == CaseStep.NOT_STARTED


def test_roles_without_case_view_are_refused_the_case(cases, make_user) -> None:
    young = cases["P-C1"]
    for role in ("auditor", "matcher"):
        assert _client(make_user(f"r.{role}", role)).get(_url(young)).status_code == 403, role
    assert Client().get(_url(young)).status_code == 302
    assert _client(make_user("r.sup", "supervisor")).get("/cases/C-1999-000000/").status_code == 404


def test_the_court_monitor_sees_status_deadlines_and_steps_without_names(cases, make_user) -> None:
    young = cases["P-C1"]
    court = _client(make_user("cora.court", "court_monitor"))
    page = court.get(_url(young)).content.decode()
    assert young.case_id in page and "Parentage verification" in page and "Overdue" in page
    assert not re.search(r"P-[CMF]\d", page)
    assert "/persons/" not in page and "Where now" not in page
    assert not AuditEntry.objects.filter(action="case.view").exists()
    response = court.post(_url(young, "steps/PARENTAGE/complete/"), {"seen_version": 1})
    assert response.status_code == 403
    assert _step(young, "PARENTAGE").status == CaseStep.NOT_STARTED


def test_completing_a_step_full_page_and_with_htmx(cases, cat) -> None:
    young = cases["P-C1"]
    client = _client(cat)
    response = client.post(
        _url(young, "steps/PARENTAGE/complete/"),
        {"seen_version": 1, "notes": "birth certificate seen"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#panel-steps")
    step = _step(young, "PARENTAGE")
    assert (step.status, step.owner, step.version) == (CaseStep.DONE, cat, 2)
    assert "Step completed." in client.get(response["Location"]).content.decode()

    response = client.post(_url(young, "steps/BACKGROUND/start/"), {"seen_version": 1}, **HTMX)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.startswith('<section id="panel-steps"') and "Step started." in fragment
    assert "<html" not in fragment
    assert _step(young, "BACKGROUND").status == CaseStep.IN_PROGRESS


def test_a_stale_edit_is_refused_naming_who_and_the_first_change_is_kept(cases, cat, supervisor) -> None:
    young = cases["P-C1"]
    first, second = _client(cat), _client(supervisor)
    both_saw = _step(young, "INTERVIEW").version
    fields = {"status": "IN_PROGRESS", "owner": "", "due_on": ""}
    saved = first.post(
        _url(young, "steps/INTERVIEW/"),
        {**fields, "seen_version": both_saw, "notes": "interpreter booked (K'iche')"},
    )
    assert saved.status_code == 302
    refused = second.post(
        _url(young, "steps/INTERVIEW/"),
        {**fields, "seen_version": both_saw, "notes": "no interpreter needed"},
    )
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Someone else saved first" in page
    assert "was changed by cat.caseworker at" in page
    assert "interpreter booked (K&#x27;iche&#x27;)" in page, "the page shows the current state"
    assert _step(young, "INTERVIEW").notes == "interpreter booked (K'iche')"

    # The same through htmx: 200 so the panel is swapped in, with the refusal inside it.
    fragment = second.post(
        _url(young, "steps/INTERVIEW/"),
        {**fields, "seen_version": both_saw, "notes": "again"},
        **HTMX,
    ).content.decode()
    assert fragment.startswith('<section id="panel-steps"') and "was changed by cat.caseworker" in fragment
    assert _step(young, "INTERVIEW").notes == "interpreter booked (K'iche')"

    # The case's own version: the track form after an assignment moved it on.
    young.refresh_from_db()
    track = {"seen_version": young.version, "track": "STREAMLINED", "reason": "class member, July 2018 plan"}
    case_assign(young.case_id, seen_version=young.version, by=supervisor, team=None)
    response = first.post(_url(young, "track/"), track)
    assert response.status_code == 409 and "was changed by sam.supervisor" in response.content.decode()
    assert Case.objects.get(pk=young.pk).track == Case.STANDARD


def test_a_removal_without_a_decline_is_refused_with_the_reason(cases, cat) -> None:
    young = cases["P-C1"]
    client = _client(cat)
    removal = {"parent_person_id": "P-M1", "removed_at": "2018-07-20T10:00", "country": "GT"}
    response = client.post(_url(young, "removals/"), removal)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Removal refused" in page and "no choice of the parent is on file" in page
    assert 'role="alert"' in page
    assert not ParentRemoval.objects.exists()

    decline = {
        "parent_person_id": "P-M1", "choice": "DECLINE", "form_id": "ORR-PC-1", "form_name": "Parent options",
        "language": "Spanish", "signed_on": "2018-07-15", "witness": "R. Diaz", "document_ref": "DMS-77",
    }  # fmt: skip
    missing = client.post(_url(young, "choices/"), {**decline, "witness": ""})
    assert missing.status_code == 422 and "missing witness" in missing.content.decode()
    assert client.post(_url(young, "choices/"), decline).status_code == 302
    assert ParentChoice.objects.filter(case=young, choice="DECLINE").count() == 1
    assert client.post(_url(young, "removals/"), removal).status_code == 302
    assert ParentRemoval.objects.get().decline.form_id == "ORR-PC-1"


def test_logging_a_contact_clears_the_no_contact_flag(cases, make_user, supervisor) -> None:
    older = cases["P-C2"]  # one parent, P-M2; no call in 2018
    client = _client(supervisor)
    before = client.get(_url(older)).content.decode()
    assert "NO_CONTACT_IN_WINDOW" not in before  # shown in words, not as a code
    assert "no completed contact between parent P-M2 and the child" in before

    attempted = {
        "parent_person_id": "P-M2", "kind": "PHONE", "occurred_at": "2018-07-03T15:00",
        "completed": "no", "notes": "no answer",
    }  # fmt: skip
    assert client.post(_url(older, "contacts/"), attempted).status_code == 302
    assert "no completed contact between parent P-M2" in client.get(_url(older)).content.decode()

    held = {**attempted, "occurred_at": "2018-07-04T15:00", "completed": "yes", "duration_minutes": "12"}
    fragment = client.post(_url(older, "contacts/"), held, **HTMX).content.decode()
    assert fragment.startswith('<section id="panel-contacts"') and "Contact logged." in fragment
    assert (
        'id="panel-deadlines" class="reunify-panel" aria-labelledby="h-deadlines" hx-swap-oob="true"'
        in fragment
    )
    assert "no completed contact between parent P-M2" not in fragment
    assert "No contact flag" in fragment
    assert CaseContact.objects.filter(case=older, completed=True).count() == 1


def test_tasks_and_assignment(cases, cat, supervisor) -> None:
    young = cases["P-C1"]
    boss = _client(supervisor)
    response = boss.post(_url(young, "tasks/"), {"title": "Book the DNA swab", "assignee": cat.pk})
    assert response.status_code == 302
    task = young.tasks.get()
    assert task.assignee == cat
    # The caseworker may change its status but not assign (no case.assign): the form has no assignee field.
    page = _client(cat).get(_url(young)).content.decode()
    assert "Book the DNA swab" in page and 'name="assignee"' not in page
    assert _client(cat).post(_url(young, "assignment/"), {"seen_version": young.version}).status_code == 403
    done = _client(cat).post(_url(young, f"tasks/{task.pk}/"), {"seen_version": 1, "status": "DONE"})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == "DONE"


def test_spanish_headings(cases, cat) -> None:
    client = _client(cat)
    page = client.get(_url(cases["P-C1"]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es">' in page
    for heading in ("Plazos", "Registro de contactos", "Tareas", "Señales de alerta"):
        assert heading in page, heading
    listing = client.get("/cases/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Casos de reunificación" in listing and "Vencido" in listing


def _place_child_in_a_shelter(case: Case) -> None:
    """An ORR referral placing the case's child in a named shelter, linked to the child's person."""
    import datetime as dt

    from reunify.app.people.models import PersonRecord
    from reunify.app.records.models import Delivery, Record

    delivery = Delivery.objects.create(
        file_name="orr_referrals_2018-06-05.csv", feed="orr_referrals", delivery_date=dt.date(2018, 6, 5),
        sha256="0" * 64, size_bytes=1, source_path="test",
    )  # fmt: skip
    fields = {
        "uac_id": "UAC-1",
        "referred_at": "2018-06-02T10:00:00-05:00",
        "placements": [
            {
                "program": "Casa Esperanza Shelter",
                "program_state": "AZ",
                "admitted_at": "2018-06-03T09:00:00-07:00",
            }
        ],
    }
    record = Record.objects.create(
        record_key="orr_referrals:UAC-1", feed="orr_referrals", record_id="UAC-1", delivery=delivery,
        delivery_date=delivery.delivery_date, line=1, content_hash="x", raw=fields, fields=fields,
    )  # fmt: skip
    PersonRecord.objects.create(record=record, person=case.child, run=case.child.created_run)


def test_the_childs_exact_facility_needs_the_child_location_grant(cases, cat, supervisor) -> None:
    young = cases["P-C1"]
    _place_child_in_a_shelter(young)
    without = _client(cat).get(_url(young)).content.decode()
    assert "In custody" in without and "ORR" in without and "State: AZ" in without
    assert "Casa Esperanza" not in without and "exact location is withheld" in without
    granted = user_create(
        None, "gus.granted", "unused-password", "caseworker", grants=("child_location",), validate=False
    )
    page = _client(granted).get(_url(young)).content.decode()
    assert "Casa Esperanza Shelter" in page and "withheld" not in page
    entry = AuditEntry.objects.filter(action="case.view", actor="gus.granted").get()
    assert '"sensitive_shown":["child_location"]' in entry.detail_json
