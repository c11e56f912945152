"""The normalised vocabulary of FIELDS.md, feed by feed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reunify.feeds.specs import SPECS

from .helpers import GOOD, read_one_good

CBP, USMS, ICE, ORR = "cbp_apprehensions", "usms_custody", "ice_detentions", "orr_referrals"
DNA, COURT, NGO = "dna_results", "court_findings", "ngo_locates"
COMMON = ("name", "dob", "dob_estimated", "sex", "a_number", "fin", "country", "event_id", "role_hint")

JOSE_LUIS = {
    "raw": "JOSE LUIS | LOPEZ GARCIA",
    "given": ["JOSE", "LUIS"],
    "surnames": ["LOPEZ", "GARCIA"],
    "tokens": ["JOSE", "LUIS", "LOPEZ", "GARCIA"],
    "order_certain": True,
}


@pytest.mark.parametrize("feed", list(SPECS))
def test_every_row_has_every_contract_column_and_the_common_vocabulary_as_json(
    tmp_path: Path, feed: str
) -> None:
    fields = read_one_good(tmp_path, feed).fields
    assert set(SPECS[feed].column_names) <= set(fields)
    assert set(COMMON) <= set(fields)
    assert json.loads(json.dumps(fields)) == fields


def test_cbp(tmp_path: Path) -> None:
    assert read_one_good(tmp_path, CBP).fields == {
        "record_id": "E3-0001234-01",
        "event_id": "EPT-18-005123",
        "fin": "1234567890",
        "a_number": "123456789",
        "last_name": "LOPEZ GARCIA",
        "first_name": "JOSE LUIS",
        "dob": "1985-03-02",
        "dob_estimated": False,
        "sex": "M",
        "citizenship": "GT",
        "apprehended_at": "2018-05-03T04:12:00-06:00",
        "sector": "EL PASO",
        "station": "PASO DEL NORTE",
        "state": "TX",
        "family_group_id": "FG-18-000123",
        "relationship": "HEAD",
        "classification": "FMUA",
        "disposition": "PROSECUTION",
        "transferred_to": "USMS",
        "transferred_at": "2018-05-04T09:30:00-06:00",
        "separated": True,
        "separation_reason": "PROSECUTION",
        "remarks": "SEPARATED FROM SON DUE TO 1325 PROSECUTION",
        "name": JOSE_LUIS,
        "country": "GT",
        "role_hint": "adult",
    }


@pytest.mark.parametrize(
    ("changes", "role"),
    [
        ({"classification": "UAC", "relationship": ""}, "child"),
        ({"classification": "SA", "relationship": ""}, "adult"),
        ({"classification": "FMUA", "relationship": "CHILD"}, "child"),
        ({"classification": "FMUA", "relationship": "SPOUSE"}, "adult"),
        ({"classification": "FMUA", "relationship": "OTHER", "dob": "2010-05-04"}, "child"),
        ({"classification": "", "relationship": "", "dob": "2000-05-03"}, "adult"),  # 18 that day
        ({"classification": "", "relationship": "", "dob": "2000-05-04"}, "child"),
        ({"classification": "", "relationship": "", "dob": ""}, None),
    ],
)
def test_cbp_role_hint(tmp_path: Path, changes: dict[str, str], role: str | None) -> None:
    assert read_one_good(tmp_path, CBP, **changes).fields["role_hint"] == role


def test_cbp_unknown_sex_and_estimated_birth_dates(tmp_path: Path) -> None:
    fields = read_one_good(tmp_path, CBP, sex="U", dob="2012-01-01", separated="N").fields
    assert (fields["sex"], fields["dob"], fields["dob_estimated"], fields["separated"]) == (
        None,
        "2012-01-01",
        True,
        False,
    )


def test_usms_local_times_in_the_district_zone(tmp_path: Path) -> None:
    fields = read_one_good(tmp_path, USMS).fields
    # W.D. Tex. keeps Central time, but its El Paso division (EP- cases) keeps Mountain time
    assert fields["tz"] == "America/Denver"
    assert fields["booked_at"] == "2018-05-04T10:15:00-06:00"
    assert fields["released_at"] == "2018-05-20T16:00:00-06:00"
    assert fields["name"] == {
        **JOSE_LUIS,
        "raw": "LOPEZ GARCIA, JOSE LUIS",
        "tokens": ["LOPEZ", "GARCIA", "JOSE", "LUIS"],  # in the order written
    }
    assert fields["dob"] == "1985-03-02"
    assert (fields["event_id"], fields["arrest_event_id"]) == ("EPT-18-005123", "EPT-18-005123")
    assert (fields["a_number"], fields["fin"], fields["sex"], fields["role_hint"]) == (
        None,
        "1234567890",
        "M",
        "adult",
    )
    assert (fields["released_to"], fields["disposition"]) == ("ICE", "GUILTY PLEA - TIME SERVED")
    other = read_one_good(tmp_path, USMS, district="S.D. Tex.", case_number="M-18-1234").fields
    assert (other["tz"], other["booked_at"]) == ("America/Chicago", "2018-05-04T10:15:00-05:00")


def test_ice(tmp_path: Path) -> None:
    fields = read_one_good(tmp_path, ICE, declined_reunification="Y", declined_at="2018-06-01").fields
    assert fields["book_in_at"] == "2018-05-20T23:00:00+00:00"
    assert fields["book_out_at"] == "2018-07-10T15:00:00+00:00"
    assert (fields["country_of_birth"], fields["country"], fields["removal_country"]) == ("GT", "GT", "GT")
    assert fields["a_number"] == "123456789"
    assert fields["stated_children"] == [
        {
            "name": {
                "raw": "JUAN CARLOS LOPEZ",
                "given": ["JUAN", "CARLOS"],
                "surnames": ["LOPEZ"],
                "tokens": ["JUAN", "CARLOS", "LOPEZ"],
                "order_certain": False,
            },
            "age": 6,
            "raw": "JUAN CARLOS LOPEZ|6",
        },
        {
            "name": {
                "raw": "MARIA LOPEZ",
                "given": ["MARIA"],
                "surnames": ["LOPEZ"],
                "tokens": ["MARIA", "LOPEZ"],
                "order_certain": False,
            },
            "age": 9,
            "raw": "MARIA LOPEZ|9",
        },
    ]
    assert (fields["declined_reunification"], fields["declined_at"]) == (True, "2018-06-01")
    assert (fields["event_id"], fields["role_hint"], fields["name"]) == (None, "adult", JOSE_LUIS)
    assert read_one_good(tmp_path, ICE, dob="2005-01-01").fields["role_hint"] == "child"


def test_orr(tmp_path: Path) -> None:
    fields = read_one_good(tmp_path, ORR).fields
    assert fields["name"] == {
        "raw": "Juan Carlos | López Pérez",
        "given": ["JUAN", "CARLOS"],
        "surnames": ["LOPEZ", "PEREZ"],
        "tokens": ["JUAN", "CARLOS", "LOPEZ", "PEREZ"],
        "order_certain": True,
    }
    assert (fields["dob"], fields["dob_estimated"], fields["age_at_referral"]) == ("2012-01-01", True, 6)
    assert (fields["gender"], fields["sex"]) == ("Male", "M")
    assert (fields["country_of_birth"], fields["country"]) == ("GT", "GT")
    assert (fields["languages"], fields["languages_raw"]) == (["SPANISH", "KICHE"], ["Spanish", "K'iche'"])
    assert fields["referred_at"] == "2018-05-05T18:00:00+00:00"
    assert (fields["event_id"], fields["apprehension_event_id"]) == ("EPT-18-005123", "EPT-18-005123")
    assert (fields["separated_from_parent"], fields["role_hint"], fields["a_number"]) == (True, "child", None)
    assert fields["stated_parents"] == [
        {
            "name": {
                "raw": "José Luis López",
                "given": ["JOSE", "LUIS"],
                "surnames": ["LOPEZ"],
                "tokens": ["JOSE", "LUIS", "LOPEZ"],
                "order_certain": False,
            },
            "relationship": "FATHER",
            "location": "detained",
            "phone": None,
        }
    ]
    assert fields["placements"] == [
        {
            "program": "Casa Padre",
            "program_state": "TX",
            "admitted_at": "2018-05-06T02:00:00+00:00",
            "discharged_at": "2018-06-30T15:00:00+00:00",
            "discharge_type": "TRANSFER",
        },
        {
            "program": "Cayuga Centers",
            "program_state": "NY",
            "admitted_at": "2018-06-30T20:00:00+00:00",
            "discharged_at": None,
            "discharge_type": None,
        },
    ]


def test_orr_estimate_flag_is_believed_and_gender_maps_to_sex(tmp_path: Path) -> None:
    fields = read_one_good(tmp_path, ORR, dob_estimated=False, gender="Female").fields
    assert (fields["dob_estimated"], fields["sex"]) == (False, "F")
    assert read_one_good(tmp_path, ORR, gender=None).fields["sex"] is None


def test_dna(tmp_path: Path) -> None:
    fields = read_one_good(tmp_path, DNA).fields
    assert fields["adult_name"] == fields["name"]
    assert fields["name"]["surnames"] == ["LOPEZ", "GARCIA"]
    assert fields["name"]["order_certain"] is False
    assert (fields["adult_a_number"], fields["a_number"]) == ("123456789", "123456789")
    assert (fields["child_uac_id"], fields["collected_at"], fields["reported_at"]) == (
        "UAC-18-012345",
        "2018-07-08",
        "2018-07-10",
    )
    assert (fields["result"], fields["role_hint"], fields["dob"]) == ("INCLUSION", "adult", None)


def test_court(tmp_path: Path) -> None:
    fields = read_one_good(tmp_path, COURT).fields
    assert fields["subject_name"] == fields["name"]
    assert fields["name"]["tokens"] == ["JOSE", "LUIS", "LOPEZ"]
    assert (fields["subject_dob"], fields["dob"], fields["a_number"]) == (
        "1985-03-02",
        "1985-03-02",
        "123456789",
    )
    assert (fields["finding"], fields["found_at"], fields["court"]) == (
        "NO_FINDING",
        "2018-06-01",
        "U.S. District Court, W.D. Tex.",
    )


def test_ngo(tmp_path: Path) -> None:
    fields = read_one_good(tmp_path, NGO).fields
    assert fields["parent_name"] == fields["name"]
    assert fields["name"]["tokens"] == ["MARIA", "GARCIA", "XOL"]
    assert fields["child_name"]["tokens"] == ["JUAN", "CARLOS", "LOPEZ"]
    assert (fields["child_age"], fields["country"], fields["phone"]) == (6, "MX", "+50255512345")
    assert (fields["parent_dob"], fields["dob"], fields["contacted_at"]) == (
        "1988-06-15",
        "1988-06-15",
        "2018-09-01",
    )
    assert (fields["outcome"], fields["preference"], fields["role_hint"]) == (
        "LOCATED",
        "REUNIFY_IN_US",
        "adult",
    )


def test_good_rows_are_the_contract_columns() -> None:
    for feed, row in GOOD.items():
        assert tuple(row) == SPECS[feed].column_names
