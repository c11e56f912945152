"""Separations whose Border Patrol row was quarantined (EXPORTS.md: another well-formed row names the event).

Each family is built by hand: a parent's CBP row missing but the Marshals
booking naming the event, a child's CBP row missing but the refugee-office
referral naming it, and the counter-examples that must not become separations.
"""

from __future__ import annotations

import datetime as dt

from custody_records import cbp, court, ice, orr, usms

from reunify.custody import detect_separations, separation_facts
from reunify.linkage.person_records import LinkRecord

EVENT = "EPT-18-500"
APPREHENDED = "2018-05-20T04:00:00-06:00"
#: The truth of these families: the parent left joint Border Patrol custody on 2018-05-20 (local).
TRUE_SEPARATION = dt.date(2018, 5, 20)


def _parent_cbp() -> LinkRecord:
    return cbp(
        "E3-500-01",
        EVENT,
        APPREHENDED,
        "USMS",
        "2018-05-20T23:30:00-06:00",
        disposition="PROSECUTION",
        separation_reason="PROSECUTION",
        remarks="SEPARATED FROM SON DUE TO 1325 PROSECUTION",
    )


def _parent_custody(
    event_id: str | None = EVENT, booked_at: str = "2018-05-21T00:45:00-05:00"
) -> list[LinkRecord]:
    """Marshals booking (naming the event or not), then ICE and removal."""
    return [
        usms("USMS-500", booked_at, "2018-05-23T09:00:00-05:00", "ICE", event_id=event_id),
        ice(
            "EARM-500",
            "2018-05-23T18:00:00+00:00",
            "2018-07-20T12:00:00+00:00",
            "REMOVED",
            removal_country="GT",
        ),
    ]


def _child_cbp(
    transferred_to: str | None = "ORR", transferred_at: str | None = "2018-05-22T08:00:00-06:00"
) -> LinkRecord:
    return cbp("E3-500-02", EVENT, APPREHENDED, transferred_to, transferred_at, classification="UAC")


def _referral(event_id: str | None = EVENT, admitted_at: str = "2018-05-22T20:00:00+00:00") -> LinkRecord:
    return orr(
        "R-500",
        event_id,
        "2018-05-22T14:00:00+00:00",
        [("Casa Padre", "TX", admitted_at, "2018-08-01T16:00:00+00:00", "RELEASED_TO_SPONSOR")],
    )


TIES = [("P", "C", "CONFIRMED")]


def test_parent_row_missing_marshals_booking_names_the_event() -> None:
    persons = {
        "P": [*_parent_custody(), court("CF-500", "CRIMINAL_HISTORY", "2018-05-01")],
        "C": [_child_cbp(), _referral()],
    }
    [separation] = detect_separations(persons, TIES)
    # The booking (00:45 Central) is 23:45 on the 20th where the family was apprehended (-06:00).
    assert separation.separated_at == TRUE_SEPARATION
    assert separation.separated_instant == "2018-05-21T00:45:00-05:00"
    assert separation.event_id == EVENT
    assert separation.apprehended_at == APPREHENDED
    assert (separation.outcome, separation.judicial_basis) == ("PARENT_REMOVED", True)
    assert (separation.parent_transferred_to, separation.child_transferred_to) == (None, "ORR")
    # The stated reason comes only from the surviving (child's) row: no parent disposition.
    assert separation.reason.parent_disposition is None
    assert separation.reason.separation_reasons == ()
    assert set(separation.source_keys) >= {
        "usms_custody:USMS-500",
        "cbp_apprehensions:E3-500-02",
        "orr_referrals:R-500",
        "ice_detentions:EARM-500",
        "court_findings:CF-500",
    }
    assert any("usms_custody:USMS-500" in note and "booked_at" in note for note in separation.notes)
    facts = separation_facts(separation, persons["C"], persons["P"])
    assert facts.evidence["separated_at"] == ("usms_custody:USMS-500", "cbp_apprehensions:E3-500-02")


def test_parent_row_missing_late_booking_gives_way_to_the_child_transfer() -> None:
    late = "2018-05-25T10:00:00-05:00"
    persons = {"P": _parent_custody(booked_at=late), "C": [_child_cbp(), _referral()]}
    [separation] = detect_separations(persons, TIES)
    assert separation.separated_at == dt.date(2018, 5, 22)  # the child's own transfer out
    assert separation.separated_instant == "2018-05-22T08:00:00-06:00"


def test_child_row_missing_referral_names_the_event() -> None:
    persons = {"P": [_parent_cbp(), *_parent_custody()], "C": [_referral()]}
    [separation] = detect_separations(persons, TIES)
    assert separation.separated_at == TRUE_SEPARATION  # the parent's transfer: exact
    assert abs(separation.separated_at - TRUE_SEPARATION) <= dt.timedelta(days=1)
    assert separation.apprehended_at == APPREHENDED
    assert separation.outcome == "PARENT_REMOVED"
    assert (separation.parent_transferred_to, separation.child_transferred_to) == ("USMS", None)
    assert separation.reason.separation_reasons == ("PROSECUTION",)
    assert separation.reason.parent_disposition == "PROSECUTION"
    assert separation.reason.remarks == ("SEPARATED FROM SON DUE TO 1325 PROSECUTION",)
    assert {"cbp_apprehensions:E3-500-01", "orr_referrals:R-500"} <= set(separation.source_keys)
    assert any("orr_referrals:R-500" in note for note in separation.notes)


def test_child_row_missing_placement_converted_to_the_apprehension_date() -> None:
    parent = cbp("E3-500-01", EVENT, APPREHENDED, None, None, disposition="PROSECUTION")
    # Admitted 03:00 UTC on the 23rd: 21:00 on the 22nd where the family was apprehended.
    persons = {"P": [parent], "C": [_referral(admitted_at="2018-05-23T03:00:00+00:00")]}
    [separation] = detect_separations(persons, TIES)
    assert separation.separated_at == dt.date(2018, 5, 22)
    assert any("admitted_at" in note for note in separation.notes)


def test_no_row_naming_the_event_is_no_separation() -> None:
    # The parent's Border Patrol row is gone and the booking does not name the event.
    unnamed_booking = {"P": _parent_custody(event_id=None), "C": [_child_cbp(), _referral()]}
    assert detect_separations(unnamed_booking, TIES) == []
    # The child's Border Patrol row is gone and the referral does not name the event.
    unnamed_referral = {"P": [_parent_cbp(), *_parent_custody()], "C": [_referral(event_id=None)]}
    assert detect_separations(unnamed_referral, TIES) == []


def test_released_with_the_other_parent_is_no_separation() -> None:
    """The father's booking names the event, but the child left Border Patrol with the mother."""
    released = "2018-05-21T10:00:00-06:00"
    persons = {
        "F": _parent_custody(),
        "M": [cbp("E3-500-03", EVENT, APPREHENDED, "RELEASED", released)],
        "C": [_child_cbp("RELEASED", released)],
    }
    ties = [("F", "C", "CONFIRMED"), ("M", "C", "CONFIRMED")]
    assert detect_separations(persons, ties) == []


def test_referred_from_a_later_event_is_no_separation() -> None:
    """Apprehended with the parent, let go with no transfer written, referred to ORR from a later event."""
    later = orr(
        "R-501",
        "EPT-18-777",
        "2018-06-10T14:00:00+00:00",
        [("Casa Padre", "TX", "2018-06-10T20:00:00+00:00", None, None)],
    )
    blank_transfer = {"P": [_parent_cbp(), *_parent_custody()], "C": [_child_cbp(None, None), later]}
    assert detect_separations(blank_transfer, TIES) == []
    # And with the child's first Border Patrol row missing, the later referral names nothing here.
    no_row = {"P": [_parent_cbp(), *_parent_custody()], "C": [later]}
    assert detect_separations(no_row, TIES) == []


def test_child_row_missing_but_family_custody_came_first_is_no_separation() -> None:
    """A referral naming the event, after the child went to a family facility with a parent."""
    persons = {
        "P": [cbp("E3-500-01", EVENT, APPREHENDED, "ICE", "2018-05-21T12:00:00-06:00")],
        "C": [
            ice(
                "EARM-501",
                "2018-05-21T20:00:00+00:00",
                "2018-06-01T12:00:00+00:00",
                "TRANSFER",
                facility_code="DIL",
            ),
            orr(
                "R-502",
                EVENT,
                "2018-06-01T14:00:00+00:00",
                [("Casa Padre", "TX", "2018-06-01T20:00:00+00:00", None, None)],
            ),
        ],
    }
    assert detect_separations(persons, TIES) == []


def test_two_parents_one_only_through_the_marshals() -> None:
    """Father with his Border Patrol row, mother's row quarantined but her booking names the event."""
    father = [
        cbp("E3-500-04", EVENT, APPREHENDED, "USMS", "2018-05-20T10:00:00-06:00", disposition="PROSECUTION"),
        usms("USMS-504", "2018-05-20T11:30:00-05:00", None, None, event_id=EVENT),
    ]
    mother = [usms("USMS-505", "2018-05-21T09:00:00-05:00", None, None, event_id=EVENT)]
    child = [_child_cbp(), _referral()]
    ties = [("F", "C", "CONFIRMED"), ("M", "C", "PROBABLE")]
    rows = detect_separations({"F": father, "M": mother, "C": child}, ties)
    assert [(s.parent_person, s.separated_at, s.tie_status) for s in rows] == [
        ("F", dt.date(2018, 5, 20), "CONFIRMED"),
        ("M", dt.date(2018, 5, 21), "PROBABLE"),  # 08:00 local: the booking, before the child's transfer
    ]
    assert rows[1].source_keys[0] == "usms_custody:USMS-505"

    # Without the child's row too, the father's row still places the apprehension for both pairs.
    rows = detect_separations({"F": father, "M": mother, "C": [_referral()]}, ties)
    assert [(s.parent_person, s.separated_at, s.apprehended_at) for s in rows] == [
        ("F", dt.date(2018, 5, 20), APPREHENDED),
        ("M", dt.date(2018, 5, 21), APPREHENDED),
    ]
    assert "cbp_apprehensions:E3-500-04" in rows[1].source_keys
