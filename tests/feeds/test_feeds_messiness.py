"""FEEDS.md's "known messiness": normalised or kept and flagged, never quarantined."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reunify.feeds import ParsedRow
from reunify.feeds.specs import SPECS

from .helpers import GOOD, read, read_one_good, write_rows

CBP, USMS, ICE, ORR = "cbp_apprehensions", "usms_custody", "ice_detentions", "orr_referrals"
DNA, COURT, NGO = "dna_results", "court_findings", "ngo_locates"


@pytest.mark.parametrize("feed", list(SPECS))
def test_every_column_but_record_id_may_be_blank(tmp_path: Path, feed: str) -> None:
    blank: Any = None if feed == ORR else ""
    row = {column: blank for column in SPECS[feed].column_names}
    row["record_id"] = "R-1"
    [parsed] = read(write_rows(tmp_path, feed, [row]))
    assert isinstance(parsed, ParsedRow), parsed
    assert parsed.fields["name"] is None
    assert parsed.fields["dob"] is None
    assert parsed.fields["a_number"] is None
    contract = set(SPECS[feed].column_names[1:]) - {"dob_estimated"}  # common key: False when no dob
    assert {key: value for key, value in parsed.fields.items() if key in contract and value is not None} == {}
    assert parsed.fields["dob_estimated"] is False


@pytest.mark.parametrize(
    "written",
    ["A123456789", "a123456789", "A-123-456-789", "123456789", "123-456-789", "A 123 456 789", "123.456.789"],
)
def test_a_number_forms(tmp_path: Path, written: str) -> None:
    assert read_one_good(tmp_path, CBP, a_number=written).fields["a_number"] == "123456789"


@pytest.mark.parametrize("written", ["A12345678", "12345678", "A-12-345-678"])
def test_eight_digit_a_numbers_get_their_leading_zero_back(tmp_path: Path, written: str) -> None:
    assert read_one_good(tmp_path, ICE, a_number=written).fields["a_number"] == "012345678"


def test_surrounding_spaces_are_not_part_of_a_value(tmp_path: Path) -> None:
    row = read_one_good(tmp_path, CBP, sex=" F ", dob=" 1985-03-02", classification="SA ", fin=" 1234567890 ")
    assert (row.fields["sex"], row.fields["dob"], row.fields["classification"]) == ("F", "1985-03-02", "SA")
    assert row.fields["fin"] == "1234567890"
    assert row.raw["sex"] == " F "


def test_unrecognised_citizenship_is_kept_and_flagged(tmp_path: Path) -> None:
    row = read_one_good(tmp_path, CBP, citizenship="GUATEMLA")
    assert row.fields["citizenship"] is None
    assert row.fields["country"] is None
    assert row.raw["citizenship"] == "GUATEMLA"
    assert row.warnings == ["citizenship 'GUATEMLA' not recognised; kept as written"]


@pytest.mark.parametrize(
    ("written", "iso2"),
    [
        ("México", "MX"),
        ("Guatemala", "GT"),
        ("EL SALVADOR", "SV"),
        ("honduras", "HN"),
        ("Estados Unidos", "US"),
    ],
)
def test_ngo_countries_in_spanish_or_english(tmp_path: Path, written: str, iso2: str) -> None:
    row = read_one_good(tmp_path, NGO, country=written)
    assert row.fields["country"] == iso2
    assert row.warnings == []


def test_unrecognised_ngo_and_orr_countries_are_flagged(tmp_path: Path) -> None:
    assert read_one_good(tmp_path, NGO, country="Guatemal").warnings == [
        "country 'Guatemal' not recognised; kept as written"
    ]
    orr = read_one_good(tmp_path, ORR, country_of_birth="Guatamala")
    assert orr.fields["country_of_birth"] is None
    assert orr.warnings == ["country_of_birth 'Guatamala' not recognised; kept as written"]


def test_iso_alpha2_in_lower_case_is_accepted(tmp_path: Path) -> None:
    assert read_one_good(tmp_path, ICE, country_of_birth="hn").fields["country_of_birth"] == "HN"


def test_mixed_case_and_accented_names(tmp_path: Path) -> None:
    row = read_one_good(tmp_path, ORR, first_name="josé  LUIS", last_name="De la Cruz Pérez")
    assert row.fields["name"] == {
        "raw": "josé  LUIS | De la Cruz Pérez",
        "given": ["JOSE", "LUIS"],
        "surnames": ["DELACRUZ", "PEREZ"],
        "tokens": ["JOSE", "LUIS", "DELACRUZ", "PEREZ"],
        "order_certain": True,
    }
    assert row.fields["first_name"] == "josé  LUIS"


def test_birth_on_the_day_after_a_date_time_is_within_the_one_day_tolerance(tmp_path: Path) -> None:
    # apprehended 2018-05-03 local: a birth on 05-03 or 05-04 is not "after" it
    assert read_one_good(tmp_path, CBP, dob="2018-05-03").fields["dob"] == "2018-05-03"
    assert read_one_good(tmp_path, CBP, dob="2018-05-04").fields["dob"] == "2018-05-04"
    assert read_one_good(tmp_path, ORR, dob="05/06/2018").fields["dob"] == "2018-05-06"
    assert read_one_good(tmp_path, USMS, dob="05/05/2018").fields["dob"] == "2018-05-05"


def test_chronology_compares_instants_not_wall_clocks(tmp_path: Path) -> None:
    # 03:30 at -07:00 is 10:30 UTC, after 04:12 at -06:00 (10:12 UTC)
    row = read_one_good(tmp_path, CBP, transferred_at="2018-05-03T03:30:00-07:00")
    assert row.fields["transferred_at"] == "2018-05-03T03:30:00-07:00"


def test_an_end_equal_to_its_start_is_fine(tmp_path: Path) -> None:
    read_one_good(tmp_path, USMS, released_at="2018-05-04 10:15")
    read_one_good(tmp_path, ICE, book_out_at="2018-05-20T23:00:00")
    read_one_good(tmp_path, DNA, reported_at="2018-07-08")


@pytest.mark.parametrize(
    ("written", "children"),
    [
        ("MARIA|", [("MARIA", None)]),
        ("JUAN CARLOS", [("JUAN CARLOS", None)]),
        ("a|3;;b|4;", [("a", 3), ("b", 4)]),
        (" JUAN | 0 ; ANA|120", [("JUAN", 0), ("ANA", 120)]),
        ("|", []),
    ],
)
def test_stated_children_variants(
    tmp_path: Path, written: str, children: list[tuple[str, int | None]]
) -> None:
    row = read_one_good(tmp_path, ICE, stated_children=written)
    assert [(child["name"]["raw"], child["age"]) for child in row.fields["stated_children"]] == children


def test_stated_parents_with_every_key_null_or_missing(tmp_path: Path) -> None:
    parents = [{"name": None, "relationship": None, "location": None, "phone": None}, {}]
    row = read_one_good(tmp_path, ORR, stated_parents=parents)
    assert row.fields["stated_parents"] == [
        {"name": None, "relationship": None, "location": None, "phone": None},
        {"name": None, "relationship": None, "location": None, "phone": None},
    ]


def test_languages_with_null_items_and_empty_lists(tmp_path: Path) -> None:
    row = read_one_good(tmp_path, ORR, languages=["Español", None, "", "Mam"])
    assert row.fields["languages"] == ["ESPANOL", "MAM"]
    assert row.fields["languages_raw"] == ["Español", "Mam"]
    assert read_one_good(tmp_path, ORR, languages=[]).fields["languages"] == []


def test_ages_written_as_text_in_json_are_whole_numbers(tmp_path: Path) -> None:
    assert read_one_good(tmp_path, ORR, age_at_referral="6").fields["age_at_referral"] == 6
    assert read_one_good(tmp_path, ORR, age_at_referral=6.0).fields["age_at_referral"] == 6
    assert read_one_good(tmp_path, NGO, child_age="0").fields["child_age"] == 0


def test_unknown_district_reads_times_as_utc_with_a_warning(tmp_path: Path) -> None:
    row = read_one_good(tmp_path, USMS, district="D. Mars")
    assert row.fields["tz"] == "UTC"
    assert row.fields["booked_at"] == "2018-05-04T10:15:00+00:00"
    assert row.warnings == ["district 'D. Mars' not recognised; booked_at/released_at read as UTC"]
    blank = read_one_good(tmp_path, USMS, district="")
    assert blank.warnings == ["district is blank; booked_at/released_at read as UTC"]


def test_usms_name_without_a_comma_is_read_as_free_text_with_a_warning(tmp_path: Path) -> None:
    row = read_one_good(tmp_path, USMS, name="JOSE LUIS LOPEZ GARCIA")
    assert row.fields["name"]["order_certain"] is False
    assert row.fields["name"]["surnames"] == ["LOPEZ", "GARCIA"]
    assert row.warnings == ["name 'JOSE LUIS LOPEZ GARCIA' has no comma (LAST, FIRST); read as free text"]


def test_other_flags(tmp_path: Path) -> None:
    assert read_one_good(tmp_path, NGO, phone="555-1234").warnings == [
        "phone '555-1234' is not in E.164 form; kept as written"
    ]
    assert read_one_good(tmp_path, CBP, state="XX").warnings == [
        "state 'XX' is not a US state code; kept as written"
    ]
    assert read_one_good(tmp_path, ICE, book_out_reason="TRANSFER").warnings == [
        "removal_country 'GT' given but book_out_reason is TRANSFER"
    ]


def test_good_rows_have_no_warnings(tmp_path: Path) -> None:
    for feed in GOOD:
        assert read_one_good(tmp_path, feed).warnings == []
