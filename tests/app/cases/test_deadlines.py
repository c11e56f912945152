"""A case's deadlines and contact flags come from the rule sets, counted down from any date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reunify.app.cases.deadlines import FLAG_NO_CONTACT, rule_book
from reunify.app.cases.models import Case
from reunify.app.cases.selectors import case_deadlines, case_flags, case_summaries, rule_flags
from reunify.app.cases.services import case_close, case_contact_log, case_open_for_separations
from reunify.rules import PACKAGED_DIR

from .test_services import _choice

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def cases(two_families) -> dict[str, Case]:
    case_open_for_separations()
    return {c.child_person_id: c for c in Case.objects.all()}


def _only(deadlines, rule_id: str, parent: str):
    [found] = [d for d in deadlines if d.rule_id == rule_id and d.parent_person_id == parent]
    return found


def test_reunification_deadline_counts_down_then_is_overdue(cases) -> None:
    young, older = cases["P-C1"], cases["P-C2"]
    soon = _only(case_deadlines(young, dt.date(2018, 7, 5)), "reunify-under-5", "P-M1")
    assert (soon.rule_set_id, soon.rule_set_version) == ("ms-l-injunction", 1)
    assert soon.due_at == dt.datetime(2018, 7, 11, tzinfo=UTC), (
        "14 days from the order, to the end of the day"
    )
    assert (soon.days_left, soon.status, soon.overdue) == (5, "OPEN", False)

    late = _only(case_deadlines(young, dt.date(2018, 7, 12)), "reunify-under-5", "P-M1")
    assert (late.days_left, late.status, late.overdue) == (-2, "MISSED", True)
    assert not [d for d in case_deadlines(older, dt.date(2018, 7, 12)) if d.rule_id == "reunify-under-5"]
    assert _only(case_deadlines(older, dt.date(2018, 7, 12)), "reunify-5-17", "P-M2").days_left == 14

    overdue = {
        s.case.child_person_id: s for s in case_summaries(as_of=dt.date(2018, 7, 12), overdue_only=True)
    }
    assert {d.rule_id for d in overdue["P-C1"].overdue} == {"reunify-under-5", "phone-contact"}
    assert {d.rule_id for d in overdue["P-C2"].overdue} == {"phone-contact"}, "no call logged by July 6"
    assert case_summaries(as_of=dt.date(2018, 7, 5), overdue_only=True) == []


def test_a_reunification_or_a_signed_decline_settles_the_deadline(cases, supervisor) -> None:
    young, older = cases["P-C1"], cases["P-C2"]
    case_close(
        young.case_id,
        outcome="REUNIFIED",
        seen_version=1,
        by=supervisor,
        at=dt.datetime(2018, 7, 9, tzinfo=UTC),
    )
    young.refresh_from_db()
    met = _only(case_deadlines(young, dt.date(2018, 7, 20)), "reunify-under-5", "P-M1")
    assert (met.status, met.overdue) == ("MET", False)

    _choice(older.case_id, "P-M2", "DECLINE", supervisor, signed_on=dt.date(2018, 7, 10))
    excused = _only(case_deadlines(older, dt.date(2018, 8, 1)), "reunify-5-17", "P-M2")
    assert (excused.status, excused.overdue) == ("EXCUSED", False)


def test_no_completed_contact_within_the_window_is_flagged(cases, supervisor) -> None:
    young = cases["P-C1"]
    as_of = dt.date(2018, 7, 7)  # the phone-contact window (10 days from the order) closed on July 6
    assert {f.parent_person_id for f in rule_flags(young, as_of) if f.kind == FLAG_NO_CONTACT} == {
        "P-M1",
        "P-F1",
    }

    def log(at: dt.datetime, completed: bool) -> None:
        case_contact_log(
            young.case_id,
            parent_person_id="P-M1",
            kind="PHONE",
            occurred_at=at,
            completed=completed,
            by=supervisor,
            duration_minutes=12 if completed else None,
        )

    log(dt.datetime(2018, 7, 3, 15, 0, tzinfo=UTC), completed=False)
    assert {f.parent_person_id for f in rule_flags(young, as_of) if f.kind == FLAG_NO_CONTACT} == {
        "P-M1",
        "P-F1",
    }
    log(dt.datetime(2018, 7, 4, 15, 0, tzinfo=UTC), completed=True)
    flagged = [f for f in case_flags(young, as_of) if f["kind"] == FLAG_NO_CONTACT]
    assert [f["parent_person_id"] for f in flagged] == ["P-F1"]
    assert "ms-l-injunction@1 phone-contact" in flagged[0]["text"]
    assert _only(case_deadlines(young, as_of), "phone-contact", "P-M1").status == "MET"
    before = _only(case_deadlines(young, dt.date(2018, 7, 2)), "phone-contact", "P-F1")
    assert (before.status, before.days_left) == ("OPEN", 4)


def test_a_new_version_of_a_rule_set_changes_the_deadline_without_code(
    cases, settings, tmp_path: Path
) -> None:
    text = (PACKAGED_DIR / "ms-l-injunction.toml").read_text(encoding="utf-8")
    text = text.replace("version = 1", "version = 2").replace(
        "in_force_from = 2018-06-26", "in_force_from = 2018-06-27"
    )
    text = text.replace("days = 10", "days = 5")
    (tmp_path / "ms-l-injunction-2.toml").write_text(text, encoding="utf-8")
    settings.RULES_DIRS = [tmp_path]
    rule_book.cache_clear()
    try:
        contact = _only(case_deadlines(cases["P-C1"], dt.date(2018, 7, 2)), "phone-contact", "P-M1")
    finally:
        rule_book.cache_clear()
    assert (contact.rule_set_version, contact.due_at, contact.days_left) == (
        2,
        dt.datetime(2018, 7, 2, tzinfo=UTC),
        -1,
    )
    assert contact.status == "MISSED"
