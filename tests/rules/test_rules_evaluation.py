"""Judging separations on literal examples: class membership, deadlines, the removal prohibition."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from reunify.rules import ContactEvent, JudicialFinding, SeparationFacts, evaluate_separation, load_rule_book
from reunify.rules.report import render_csv, render_html, render_markdown, status_report

BOOK = load_rule_book()
UTC = dt.UTC
D = dt.date


def facts(**changes: object) -> SeparationFacts:
    """A child of 7 separated on 2018-05-20, placed with the refugee office the next day, still apart."""
    base = SeparationFacts(
        child_person="C1",
        parent_person="P1",
        separated_at=D(2018, 5, 20),
        separated_instant=dt.datetime(2018, 5, 20, 18, 0, tzinfo=UTC),
        child_dob=D(2011, 3, 1),
        parent_dob=D(1985, 1, 1),
        child_referred_at=dt.datetime(2018, 5, 21, 10, 0, tzinfo=UTC),
        child_placed_at=dt.datetime(2018, 5, 22, 9, 0, tzinfo=UTC),
        evidence={"outcome": ("orr_referrals:R1",), "child_placed_at": ("orr_referrals:R1",)},
    )
    return dataclasses.replace(base, **changes)


def deadline(evaluation, rule: str):
    return next(d for d in evaluation.deadlines if d.rule == rule)


def test_under_5_and_5_to_17_have_their_own_deadlines() -> None:
    older = evaluate_separation(facts(), BOOK, D(2018, 7, 1))
    younger = evaluate_separation(facts(child_dob=D(2014, 8, 1)), BOOK, D(2018, 7, 1))
    assert older.membership.status == younger.membership.status == "MEMBER"
    assert (older.group, younger.group) == ("5–17", "under 5")
    assert deadline(older, "reunify-5-17").due == "2018-07-26"
    assert deadline(younger, "reunify-under-5").due == "2018-07-10"
    assert not any(d.rule == "reunify-under-5" for d in older.deadlines)
    # A child who turns 5 after the order keeps the under-5 deadline: the age counts on the order's date.
    turning = evaluate_separation(facts(child_dob=D(2013, 7, 1)), BOOK, D(2018, 7, 1))
    assert turning.group == "under 5"


def test_met_missed_and_open_as_of_a_date() -> None:
    reunified = facts(outcome="REUNIFIED", outcome_at=D(2018, 7, 20))
    assert deadline(evaluate_separation(reunified, BOOK, D(2018, 7, 10)), "reunify-5-17").status == "OPEN"
    met = deadline(evaluate_separation(reunified, BOOK, D(2018, 7, 26)), "reunify-5-17")
    assert (met.status, met.done_at, met.evidence) == ("MET", "2018-07-20", ("orr_referrals:R1",))
    late = facts(outcome="REUNIFIED", outcome_at=D(2018, 7, 27))
    assert deadline(evaluate_separation(late, BOOK, D(2018, 7, 26)), "reunify-5-17").status == "OPEN"
    assert deadline(evaluate_separation(late, BOOK, D(2018, 7, 27)), "reunify-5-17").status == "MISSED"
    apart = deadline(evaluate_separation(facts(), BOOK, D(2018, 8, 1)), "reunify-5-17")
    assert (apart.status, apart.done_at) == ("MISSED", None)
    declined = facts(outcome="PARENT_DECLINED", outcome_at=D(2018, 7, 15), parent_declined_at=D(2018, 7, 15))
    assert deadline(evaluate_separation(declined, BOOK, D(2018, 8, 1)), "reunify-5-17").status == "EXCUSED"


def test_contact_is_never_invented() -> None:
    none_logged = evaluate_separation(facts(), BOOK, D(2018, 7, 1))
    assert deadline(none_logged, "phone-contact").status == "OPEN"
    assert deadline(evaluate_separation(facts(), BOOK, D(2018, 7, 7)), "phone-contact").status == "MISSED"
    call = ContactEvent("PHONE", dt.datetime(2018, 7, 3, 15, 0, tzinfo=UTC), "case:contact:1")
    logged = deadline(evaluate_separation(facts(contacts=(call,)), BOOK, D(2018, 7, 7)), "phone-contact")
    assert (logged.status, logged.evidence) == ("MET", ("case:contact:1",))
    letter = ContactEvent("LETTER", dt.datetime(2018, 7, 3, 15, 0, tzinfo=UTC))
    assert (
        deadline(evaluate_separation(facts(contacts=(letter,)), BOOK, D(2018, 7, 7)), "phone-contact").status
        == "MISSED"
    )


def test_transfer_limits_in_hours() -> None:
    evaluation = evaluate_separation(facts(), BOOK, D(2018, 5, 25))
    assert deadline(evaluation, "notify-refugee-office").status == "MET"
    assert deadline(evaluation, "transfer-to-refugee-office").due == "2018-05-23T18:00:00+00:00"
    slow = facts(child_placed_at=dt.datetime(2018, 5, 23, 18, 1, tzinfo=UTC))
    assert (
        deadline(evaluate_separation(slow, BOOK, D(2018, 5, 25)), "transfer-to-refugee-office").status
        == "MISSED"
    )
    waiting = facts(child_placed_at=None)
    assert (
        deadline(evaluate_separation(waiting, BOOK, D(2018, 5, 21)), "transfer-to-refugee-office").status
        == "OPEN"
    )
    unknown = facts(separated_instant=None)
    assert (
        deadline(evaluate_separation(unknown, BOOK, D(2018, 5, 25)), "notify-refugee-office").status
        == "UNKNOWN"
    )
    # The statute applies to every separated child, in the class or not, and before the order.
    assert any(d.rule == "notify-refugee-office" for d in evaluation.deadlines)
    assert evaluation.membership.status == "NO_CLASS"


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("CRIMINAL_HISTORY", "PARENT_CRIMINAL_HISTORY"),
        ("UNFIT", "PARENT_UNFIT"),
        ("DANGER_TO_CHILD", "PARENT_DANGER_TO_CHILD"),
        ("COMMUNICABLE_DISEASE", "PARENT_COMMUNICABLE_DISEASE"),
    ],
)
def test_exclusions_name_their_reason_and_evidence(kind: str, reason: str) -> None:
    found = facts(judicial_findings=(JudicialFinding(kind, D(2018, 7, 2), "court_findings:CF-1"),))
    before = evaluate_separation(found, BOOK, D(2018, 7, 1))
    assert before.membership.status == "MEMBER"  # not found yet on that date
    after = evaluate_separation(found, BOOK, D(2018, 7, 2))
    assert after.membership.status == "EXCLUDED"
    assert [(r.code, r.evidence) for r in after.membership.reasons] == [(reason, ("court_findings:CF-1",))]
    assert not any(d.rule.startswith("reunify") for d in after.deadlines)


def test_children_who_are_not_minors_and_parents_who_are_not_adults() -> None:
    adult_child = evaluate_separation(facts(child_dob=D(2000, 1, 1)), BOOK, D(2018, 7, 1))
    assert [r.code for r in adult_child.membership.reasons] == ["CHILD_NOT_MINOR"]
    young_parent = evaluate_separation(facts(parent_dob=D(2001, 1, 1)), BOOK, D(2018, 7, 1))
    assert [r.code for r in young_parent.membership.reasons] == ["PARENT_NOT_ADULT"]


def test_the_2019_expansion_reaches_children_released_before_the_order() -> None:
    released = facts(
        separated_at=D(2017, 8, 1),
        separated_instant=dt.datetime(2017, 8, 1, 18, tzinfo=UTC),
        child_discharged_at=D(2017, 11, 1),
        child_discharge_type="RELEASED_TO_SPONSOR",
        outcome="RELEASED_TO_SPONSOR",
        outcome_at=D(2017, 11, 1),
    )
    as_certified = evaluate_separation(released, BOOK, D(2018, 7, 26))
    assert as_certified.membership.status == "OUT_OF_PERIOD"
    assert "left government care on 2017-11-01" in as_certified.membership.reasons[0].text
    expanded = evaluate_separation(released, BOOK, D(2019, 3, 8))
    assert (expanded.membership.status, expanded.membership.rule) == ("MEMBER", "class-expansion-2019")
    assert "ms-l-class@2" in expanded.rule_sets
    before_july_2017 = dataclasses.replace(released, separated_at=D(2017, 6, 30))
    assert evaluate_separation(before_july_2017, BOOK, D(2019, 3, 8)).membership.status == "OUT_OF_PERIOD"
    # A child still in care on the order's date is in the class as certified.
    in_care = evaluate_separation(
        dataclasses.replace(released, child_discharged_at=D(2018, 8, 1)), BOOK, D(2018, 8, 2)
    )
    assert (in_care.membership.status, in_care.membership.rule) == ("MEMBER", "class-as-certified")


def test_removal_without_the_child_is_flagged_unless_the_parent_declined_first() -> None:
    removed = facts(outcome="PARENT_REMOVED", outcome_at=D(2018, 7, 5), parent_removed_at=D(2018, 7, 5),
                    evidence={"parent_removed_at": ("ice_detentions:EARM-1",)})  # fmt: skip
    finding = evaluate_separation(removed, BOOK, D(2018, 7, 26)).findings
    assert [(f.kind, f.evidence) for f in finding] == [("REMOVED_WITHOUT_CHILD", ("ice_detentions:EARM-1",))]
    assert not evaluate_separation(removed, BOOK, D(2018, 7, 4)).findings
    declined_first = dataclasses.replace(removed, parent_declined_at=D(2018, 7, 1))
    assert not evaluate_separation(declined_first, BOOK, D(2018, 7, 26)).findings
    declined_after = dataclasses.replace(removed, parent_declined_at=D(2018, 7, 10))
    assert evaluate_separation(declined_after, BOOK, D(2018, 7, 26)).findings
    together = dataclasses.replace(removed, parent_removed_with_child=True)
    assert not evaluate_separation(together, BOOK, D(2018, 7, 26)).findings


def test_facts_round_trip_through_json() -> None:
    call = ContactEvent("PHONE", dt.datetime(2018, 7, 3, 15, 0, tzinfo=UTC), "case:contact:1")
    original = facts(
        judicial_findings=(JudicialFinding("UNFIT", D(2018, 7, 2), "court_findings:CF-1"),), contacts=(call,)
    )
    assert SeparationFacts.from_json(original.as_json()) == original


def test_the_status_report_counts_with_definitions_and_renders_identically() -> None:
    rows = [
        facts(child_person="C1", outcome="REUNIFIED", outcome_at=D(2018, 7, 20)),
        facts(child_person="C2", child_dob=D(2015, 1, 1)),
        facts(
            child_person="C3",
            judicial_findings=(JudicialFinding("UNFIT", D(2018, 7, 2), "court_findings:CF-1"),),
        ),
        facts(
            child_person="C4", child_discharged_at=D(2018, 6, 1), child_discharge_type="RELEASED_TO_SPONSOR"
        ),
        facts(child_person="C5", separated_at=D(2018, 8, 1)),  # after the report date: not counted
    ]
    as_of = D(2018, 7, 26)
    report = status_report(
        [(f, evaluate_separation(f, BOOK, as_of)) for f in rows], as_of, "literal rows", ["under 5", "5–17"]
    )
    expected = {
        "children_separated": 4,
        "children_in_class": 2,
        "children_in_class_under 5": 1,
        "children_in_class_5–17": 1,
        "children_reunified": 1,
        "children_in_care": 1,
        "ineligible_PARENT_UNFIT": 1,
        "ineligible_OUT_OF_PERIOD": 1,
        "deadline_reunify-5-17_met": 1,
        "deadline_reunify-under-5_missed": 1,
        "separations_without_judicial_basis": 4,
    }
    assert {key: report.figure(key) for key in expected} == expected
    assert all(f.definition for table in report.tables for f in table.figures)
    for render in (render_csv, render_markdown, render_html):
        assert render(report) == render(
            status_report(
                [(f, evaluate_separation(f, BOOK, as_of)) for f in rows],
                as_of,
                "literal rows",
                ["under 5", "5–17"],
            )
        )
    assert "| children in the class, under 5 | 1 |" in render_markdown(report)
