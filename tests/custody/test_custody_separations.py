"""Separation detection on hand-built families (EXPORTS.md's definition, FEEDS.md's records)."""

from __future__ import annotations

import datetime as dt

from custody_records import cbp, court, ice, ngo, orr, usms

from reunify.custody import detect_separations

EVENT = "EPT-18-100"
APPREHENDED = "2018-05-20T04:00:00-06:00"


def _parent_prosecuted(*, removed: bool = True, declined_at: str | None = None) -> list:
    """A parent referred for 1325 prosecution, then Marshals, ICE, and (maybe) removal."""
    return [
        cbp(
            "E3-100-01",
            EVENT,
            APPREHENDED,
            "USMS",
            # 23:30 local is already the 21st in UTC: separated_at must be the local date.
            "2018-05-20T23:30:00-06:00",
            disposition="PROSECUTION",
            separation_reason="PROSECUTION",
            remarks="SEPARATED FROM SON DUE TO 1325 PROSECUTION",
        ),
        usms("USMS-100", "2018-05-21T01:00:00-05:00", "2018-05-23T09:00:00-05:00", "ICE", event_id=EVENT),
        ice(
            "EARM-100",
            "2018-05-23T18:00:00+00:00",
            "2018-07-20T12:00:00+00:00" if removed else None,
            "REMOVED" if removed else None,
            removal_country="GT" if removed else None,
            declined=True if declined_at else None,
            declined_at=declined_at,
        ),
    ]


def _child(discharge_type: str | None, discharged_at: str | None = "2018-08-01T16:00:00+00:00") -> list:
    return [
        cbp("E3-100-02", EVENT, APPREHENDED, "ORR", "2018-05-22T08:00:00-06:00", classification="UAC"),
        orr(
            "R-100",
            EVENT,
            "2018-05-22T14:00:00+00:00",
            [
                (
                    "Casa Padre",
                    "TX",
                    "2018-05-22T20:00:00+00:00",
                    discharged_at if discharge_type else None,
                    discharge_type,
                )
            ],
        ),
    ]


def test_zero_tolerance_separation_parent_removed() -> None:
    persons = {
        "P": [*_parent_prosecuted(), ngo("NGO-1", "2018-09-01")],
        "C": _child("RELEASED_TO_SPONSOR"),
    }
    [separation] = detect_separations(persons, [("P", "C", "CONFIRMED")])
    assert separation.export_row() == {
        "child_person_id": "C",
        "parent_person_id": "P",
        "separated_at": "2018-05-20",
        "reunified_at": "",
        "outcome": "PARENT_REMOVED",  # outranks the child's release to a sponsor
        "judicial_basis": "N",
    }
    assert separation.separated_instant == "2018-05-20T23:30:00-06:00"
    assert separation.agency == "CBP"
    assert (separation.parent_transferred_to, separation.child_transferred_to) == ("USMS", "ORR")
    assert separation.reason.separation_reasons == ("PROSECUTION",)
    assert separation.reason.parent_disposition == "PROSECUTION"
    assert separation.reason.remarks == ("SEPARATED FROM SON DUE TO 1325 PROSECUTION",)
    assert separation.outcome_at == dt.date(2018, 7, 20)
    assert separation.parent_removed_to == "GT"
    assert separation.ngo_locates == ("ngo_locates:NGO-1",)
    assert set(separation.source_keys) >= {
        "cbp_apprehensions:E3-100-01",
        "cbp_apprehensions:E3-100-02",
        "orr_referrals:R-100",
        "ice_detentions:EARM-100",
        "ngo_locates:NGO-1",
    }


def test_released_to_sponsor_when_the_parent_stays() -> None:
    persons = {"P": _parent_prosecuted(removed=False), "C": _child("RELEASED_TO_SPONSOR")}
    [separation] = detect_separations(persons, [("P", "C", "CONFIRMED")])
    assert separation.outcome == "RELEASED_TO_SPONSOR"
    assert separation.outcome_at == dt.date(2018, 8, 1)
    assert separation.ngo_locates == ()


def test_still_apart() -> None:
    persons = {"P": _parent_prosecuted(removed=False), "C": _child(None)}
    [separation] = detect_separations(persons, [("P", "C", "PROBABLE")])
    assert (separation.outcome, separation.outcome_at, separation.tie_status) == ("APART", None, "PROBABLE")


def test_reunification() -> None:
    persons = {
        "P": _parent_prosecuted(removed=False),
        "C": _child("REUNIFIED_WITH_PARENT", "2018-07-12T21:45:00+00:00"),
    }
    [separation] = detect_separations(persons, [("P", "C", "CONFIRMED")])
    assert separation.outcome == "REUNIFIED"
    assert separation.reunified_at == dt.date(2018, 7, 12)
    assert separation.export_row()["reunified_at"] == "2018-07-12"
    assert "orr_referrals:R-100" in separation.source_keys


def test_decline_outranks_removal() -> None:
    persons = {
        "P": _parent_prosecuted(removed=True, declined_at="2018-07-10"),
        "C": _child(None),
    }
    [separation] = detect_separations(persons, [("P", "C", "CONFIRMED")])
    assert separation.outcome == "PARENT_DECLINED"
    assert separation.outcome_at == dt.date(2018, 7, 10)


def test_family_released_together_is_no_separation() -> None:
    persons = {
        "P": [cbp("E3-200-01", "EPT-18-200", APPREHENDED, "RELEASED", "2018-05-21T10:00:00-06:00")],
        "C": [cbp("E3-200-02", "EPT-18-200", APPREHENDED, "RELEASED", "2018-05-21T10:00:00-06:00")],
    }
    assert detect_separations(persons, [("P", "C", "CONFIRMED")]) == []


def _two_parent_family(mother_to: str) -> dict[str, list]:
    event = "EPT-18-300"
    father = [
        cbp("E3-300-01", event, APPREHENDED, "USMS", "2018-05-20T10:00:00-06:00", disposition="PROSECUTION"),
        usms("USMS-300", "2018-05-20T11:00:00-05:00", None, None),
    ]
    if mother_to == "ICE":
        family = ("2018-05-21T20:00:00+00:00", None, None)
        mother = [
            cbp("E3-300-02", event, APPREHENDED, "ICE", "2018-05-21T12:00:00-06:00"),
            ice("EARM-301", *family, facility_code="DIL", facility_name="DILLEY", state="TX"),
        ]
        child = [
            cbp("E3-300-03", event, APPREHENDED, "ICE", "2018-05-21T12:00:00-06:00"),
            ice("EARM-302", *family, facility_code="DIL", facility_name="DILLEY", state="TX"),
        ]
    else:
        mother = [
            cbp("E3-300-02", event, APPREHENDED, "ICE", "2018-05-21T12:00:00-06:00"),
            ice("EARM-301", "2018-05-21T20:00:00+00:00", None, None),
        ]
        child = [
            cbp("E3-300-03", event, APPREHENDED, "ORR", "2018-05-22T09:00:00-06:00"),
            orr(
                "R-300",
                event,
                "2018-05-22T15:00:00+00:00",
                [("Bokenkamp", "TX", "2018-05-23T01:00:00+00:00", None, None)],
            ),
        ]
    return {"F": father, "M": mother, "C": child}


def test_child_staying_with_one_parent_is_no_separation() -> None:
    persons = _two_parent_family("ICE")
    ties = [("F", "C", "CONFIRMED"), ("M", "C", "CONFIRMED")]
    assert detect_separations(persons, ties) == []


def test_child_losing_both_parents_gives_one_row_per_parent() -> None:
    persons = _two_parent_family("ORR")
    ties = [("F", "C", "CONFIRMED"), ("M", "C", "PROBABLE")]
    rows = {(s.parent_person, s.separated_at) for s in detect_separations(persons, ties)}
    # Each pair's joint custody ended at the earlier of the two transfers out.
    assert rows == {("F", dt.date(2018, 5, 20)), ("M", dt.date(2018, 5, 21))}


def test_only_asserted_ties_and_shared_events_count() -> None:
    persons = {"P": _parent_prosecuted(), "C": _child(None)}
    assert detect_separations(persons, [("P", "C", "CANDIDATE")]) == []
    assert detect_separations(persons, [("P", "C", "REJECTED")]) == []
    elsewhere = {
        **persons,
        "C": [cbp("E3-9-02", "EPT-18-999", APPREHENDED, "ORR", "2018-05-22T08:00:00-06:00")],
    }
    assert detect_separations(elsewhere, [("P", "C", "CONFIRMED")]) == []


def test_placement_found_from_the_referral_when_the_transfer_is_blank() -> None:
    persons = {"P": _parent_prosecuted(), "C": _child(None)}
    child_cbp = cbp("E3-100-02", EVENT, APPREHENDED, None, None, classification="UAC")
    persons["C"] = [child_cbp, persons["C"][1]]
    [separation] = detect_separations(persons, [("P", "C", "CONFIRMED")])
    assert separation.separated_at == dt.date(2018, 5, 20)  # the parent's transfer out


def test_judicial_basis_only_strictly_before_separation() -> None:
    child = _child(None)
    before = {"P": [*_parent_prosecuted(), court("CF-1", "CRIMINAL_HISTORY", "2018-05-19")], "C": child}
    [separation] = detect_separations(before, [("P", "C", "CONFIRMED")])
    assert separation.judicial_basis is True
    assert separation.judicial_findings == ("court_findings:CF-1",)
    assert "court_findings:CF-1" in separation.source_keys

    same_day = {"P": [*_parent_prosecuted(), court("CF-2", "UNFIT", "2018-05-20")], "C": child}
    after = {"P": [*_parent_prosecuted(), court("CF-3", "DANGER_TO_CHILD", "2018-06-01")], "C": child}
    no_finding = {"P": [*_parent_prosecuted(), court("CF-4", "NO_FINDING", "2018-05-01")], "C": child}
    for persons in (same_day, after, no_finding):
        [separation] = detect_separations(persons, [("P", "C", "CONFIRMED")])
        assert separation.judicial_basis is False
        assert separation.export_row()["judicial_basis"] == "N"
