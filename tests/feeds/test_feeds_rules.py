"""Every rule of docs/validation.md, column by column, with its exact reason.

Each case writes a real file with the feed's good row and a changed row, and
checks that the good row is parsed and the changed one quarantined with the
column and reason given here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .helpers import read_one_bad

CBP, USMS, ICE, ORR = "cbp_apprehensions", "usms_custody", "ice_detentions", "orr_referrals"
DNA, COURT, NGO = "dna_results", "court_findings", "ngo_locates"

A_NUMBER = "is not an A-number (8 or 9 digits, optionally A-prefixed)"
FIN = "is not a FIN (exactly 10 digits)"
WHOLE = "is not a whole number from 0 to 120"
ISO_DATE = "is not a valid date (YYYY-MM-DD)"
US_DATE = "is not a valid date (MM/DD/YYYY)"

# (feed, changes, column, reason)
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    # ---- 3. dates: documented form only, real calendar dates
    (CBP, {"dob": "2018-02-30"}, "dob", f"dob '2018-02-30' {ISO_DATE}"),
    (CBP, {"dob": "1985-13-02"}, "dob", f"dob '1985-13-02' {ISO_DATE}"),
    (CBP, {"dob": "03/02/1985"}, "dob", f"dob '03/02/1985' {ISO_DATE}"),
    (CBP, {"dob": "19850302"}, "dob", f"dob '19850302' {ISO_DATE}"),
    (CBP, {"dob": "1985-3-2"}, "dob", f"dob '1985-3-2' {ISO_DATE}"),
    (CBP, {"dob": "unknown"}, "dob", f"dob 'unknown' {ISO_DATE}"),
    (
        CBP,
        {"apprehended_at": "2018-05-03 04:12"},
        "apprehended_at",
        "apprehended_at '2018-05-03 04:12' is not a valid date-time (YYYY-MM-DDTHH:MM:SS±HH:MM)",
    ),
    (
        CBP,
        {"apprehended_at": "2018-05-03T04:12:00"},
        "apprehended_at",
        "apprehended_at '2018-05-03T04:12:00' is not a valid date-time (YYYY-MM-DDTHH:MM:SS±HH:MM)",
    ),
    (
        CBP,
        {"transferred_at": "2018-02-30T04:12:00-06:00"},
        "transferred_at",
        "transferred_at '2018-02-30T04:12:00-06:00' is not a valid date-time (YYYY-MM-DDTHH:MM:SS±HH:MM)",
    ),
    (USMS, {"dob": "1985-03-02"}, "dob", f"dob '1985-03-02' {US_DATE}"),
    (USMS, {"dob": "02/30/1985"}, "dob", f"dob '02/30/1985' {US_DATE}"),
    (USMS, {"dob": "13/02/1985"}, "dob", f"dob '13/02/1985' {US_DATE}"),
    (USMS, {"dob": "3/2/1985"}, "dob", f"dob '3/2/1985' {US_DATE}"),
    (
        USMS,
        {"booked_at": "2018-05-04T10:15"},
        "booked_at",
        "booked_at '2018-05-04T10:15' is not a valid date-time (YYYY-MM-DD HH:MM)",
    ),
    (
        USMS,
        {"released_at": "2018-05-20 25:00"},
        "released_at",
        "released_at '2018-05-20 25:00' is not a valid date-time (YYYY-MM-DD HH:MM)",
    ),
    (
        ICE,
        {"book_in_at": "2018-05-20T23:00:00Z"},
        "book_in_at",
        "book_in_at '2018-05-20T23:00:00Z' is not a valid date-time (YYYY-MM-DDTHH:MM:SS, UTC)",
    ),
    (
        ICE,
        {"book_out_at": "2018-07-10 15:00:00"},
        "book_out_at",
        "book_out_at '2018-07-10 15:00:00' is not a valid date-time (YYYY-MM-DDTHH:MM:SS, UTC)",
    ),
    (ICE, {"dob": "1985-02-29"}, "dob", f"dob '1985-02-29' {ISO_DATE}"),
    (ICE, {"declined_at": "07/01/2018"}, "declined_at", f"declined_at '07/01/2018' {ISO_DATE}"),
    (ORR, {"dob": "2012-01-01"}, "dob", f"dob '2012-01-01' {US_DATE}"),
    (ORR, {"dob": 2012}, "dob", f"dob '2012' {US_DATE}"),
    (
        ORR,
        {"referred_at": "2018-05-05T18:00:00"},
        "referred_at",
        "referred_at '2018-05-05T18:00:00' is not a valid date-time (YYYY-MM-DDTHH:MM:SSZ)",
    ),
    (
        ORR,
        {"referred_at": "2018-05-05T12:00:00-06:00"},
        "referred_at",
        "referred_at '2018-05-05T12:00:00-06:00' is not a valid date-time (YYYY-MM-DDTHH:MM:SSZ)",
    ),
    (DNA, {"collected_at": "2018-07-32"}, "collected_at", f"collected_at '2018-07-32' {ISO_DATE}"),
    (DNA, {"reported_at": "July 10, 2018"}, "reported_at", f"reported_at 'July 10, 2018' {ISO_DATE}"),
    (COURT, {"subject_dob": "1985-00-10"}, "subject_dob", f"subject_dob '1985-00-10' {ISO_DATE}"),
    (COURT, {"found_at": "2018/06/01"}, "found_at", f"found_at '2018/06/01' {ISO_DATE}"),
    (NGO, {"parent_dob": "15/06/1988"}, "parent_dob", f"parent_dob '15/06/1988' {ISO_DATE}"),
    (NGO, {"contacted_at": "2018-09-31"}, "contacted_at", f"contacted_at '2018-09-31' {ISO_DATE}"),
    # ---- 4. codes: as listed, case-sensitive; JSON booleans; ISO alpha-2
    (CBP, {"sex": "X"}, "sex", "sex 'X' is not one of M, F, U"),
    (CBP, {"sex": "m"}, "sex", "sex 'm' is not one of M, F, U"),
    (
        CBP,
        {"relationship": "FATHER"},
        "relationship",
        "relationship 'FATHER' is not one of HEAD, SPOUSE, CHILD, OTHER",
    ),
    (CBP, {"classification": "UAM"}, "classification", "classification 'UAM' is not one of FMUA, UAC, SA"),
    (
        CBP,
        {"disposition": "DEPORTED"},
        "disposition",
        "disposition 'DEPORTED' is not one of PROSECUTION, NTA, ER, VR, UAC_TRANSFER",
    ),
    (
        CBP,
        {"transferred_to": "BOP"},
        "transferred_to",
        "transferred_to 'BOP' is not one of USMS, ICE, ORR, RELEASED",
    ),
    (CBP, {"separated": "YES"}, "separated", "separated 'YES' is not one of Y, N"),
    (
        CBP,
        {"separation_reason": "UNKNOWN"},
        "separation_reason",
        "separation_reason 'UNKNOWN' is not one of PROSECUTION, CRIMINAL_HISTORY, FRAUD_SUSPECTED, MEDICAL, OTHER",
    ),
    (USMS, {"sex": "U"}, "sex", "sex 'U' is not one of M, F"),
    (USMS, {"released_to": "HOME"}, "released_to", "released_to 'HOME' is not one of ICE, BOP, RELEASED"),
    (
        USMS,
        {"disposition": "GUILTY PLEA"},
        "disposition",
        "disposition 'GUILTY PLEA' is not one of GUILTY PLEA - TIME SERVED, GUILTY PLEA - SENTENCED, "
        "DISMISSED, PENDING",
    ),
    (ICE, {"sex": "U"}, "sex", "sex 'U' is not one of M, F"),
    (
        ICE,
        {"book_out_reason": "DEPORTED"},
        "book_out_reason",
        "book_out_reason 'DEPORTED' is not one of TRANSFER, RELEASED, REMOVED, FAMILY_RESIDENTIAL, OTHER",
    ),
    (
        ICE,
        {"declined_reunification": "y"},
        "declined_reunification",
        "declined_reunification 'y' is not one of Y, N",
    ),
    (
        ICE,
        {"country_of_birth": "XX"},
        "country_of_birth",
        "country_of_birth 'XX' is not an assigned ISO 3166-1 alpha-2 code",
    ),
    (
        ICE,
        {"country_of_birth": "GTM"},
        "country_of_birth",
        "country_of_birth 'GTM' is not an assigned ISO 3166-1 alpha-2 code",
    ),
    (
        ICE,
        {"country_of_birth": "Guatemala"},
        "country_of_birth",
        "country_of_birth 'Guatemala' is not an assigned ISO 3166-1 alpha-2 code",
    ),
    (
        ICE,
        {"removal_country": "UK"},
        "removal_country",
        "removal_country 'UK' is not an assigned ISO 3166-1 alpha-2 code",
    ),
    (ORR, {"gender": "M"}, "gender", "gender 'M' is not one of Male, Female"),
    (ORR, {"gender": "male"}, "gender", "gender 'male' is not one of Male, Female"),
    (
        ORR,
        {"dob_estimated": "true"},
        "dob_estimated",
        "dob_estimated 'true' is not a JSON boolean (true, false or null)",
    ),
    (
        ORR,
        {"dob_estimated": 1},
        "dob_estimated",
        "dob_estimated 1 is not a JSON boolean (true, false or null)",
    ),
    (
        ORR,
        {"separated_from_parent": "Y"},
        "separated_from_parent",
        "separated_from_parent 'Y' is not a JSON boolean (true, false or null)",
    ),
    (
        ORR,
        {"stated_parents": [{"name": "Ana", "relationship": "mother"}]},
        "stated_parents",
        "stated_parents[0].relationship 'mother' is not one of MOTHER, FATHER, PARENT, OTHER",
    ),
    (
        ORR,
        {
            "placements": [
                {"program": "X", "admitted_at": "2018-05-06T02:00:00Z", "discharge_type": "ESCAPED"}
            ]
        },
        "placements",
        "placements[0].discharge_type 'ESCAPED' is not one of TRANSFER, REUNIFIED_WITH_PARENT, "
        "RELEASED_TO_SPONSOR, AGED_OUT, VOLUNTARY_DEPARTURE",
    ),
    (
        ORR,
        {"placements": [{"admitted_at": "2018-05-06"}]},
        "placements",
        "placements[0].admitted_at '2018-05-06' is not a valid date-time (YYYY-MM-DDTHH:MM:SSZ)",
    ),
    (
        DNA,
        {"result": "POSITIVE"},
        "result",
        "result 'POSITIVE' is not one of INCLUSION, EXCLUSION, INCONCLUSIVE",
    ),
    (
        COURT,
        {"finding": "GUILTY"},
        "finding",
        "finding 'GUILTY' is not one of UNFIT, DANGER_TO_CHILD, CRIMINAL_HISTORY, COMMUNICABLE_DISEASE, NO_FINDING",
    ),
    (NGO, {"outcome": "FOUND"}, "outcome", "outcome 'FOUND' is not one of LOCATED, UNREACHABLE, DECEASED"),
    (
        NGO,
        {"preference": "MAYBE"},
        "preference",
        "preference 'MAYBE' is not one of REUNIFY_IN_US, REUNIFY_ABROAD, DECLINED, UNDECIDED",
    ),
    # ---- 1. shapes (JSON Lines)
    (ORR, {"languages": "Spanish"}, "languages", "languages must be a list, found a string"),
    (ORR, {"languages": [["Spanish"]]}, "languages", "languages[0] must be a string, found a list"),
    (
        ORR,
        {"stated_parents": {"name": "Ana"}},
        "stated_parents",
        "stated_parents must be a list, found an object",
    ),
    (
        ORR,
        {"stated_parents": ["Ana López"]},
        "stated_parents",
        "stated_parents[0] must be an object, found a string",
    ),
    (
        ORR,
        {"stated_parents": [{"name": ["Ana"]}]},
        "stated_parents",
        "stated_parents[0].name must be a string, found a list",
    ),
    (ORR, {"placements": "none"}, "placements", "placements must be a list, found a string"),
    (ORR, {"placements": [None]}, "placements", "placements[0] must be an object, found null"),
    (ORR, {"placements": [{}, 3]}, "placements", "placements[1] must be an object, found a number"),
    (ORR, {"first_name": ["Juan"]}, "first_name", "first_name must be a string, found a list"),
    (ORR, {"uac_id": {"id": 1}}, "uac_id", "uac_id must be a string, found an object"),
    # ---- 5. identifiers
    (CBP, {"a_number": "A12345"}, "a_number", f"a_number 'A12345' {A_NUMBER}"),
    (CBP, {"a_number": "1234567890"}, "a_number", f"a_number '1234567890' {A_NUMBER}"),
    (CBP, {"a_number": "B123456789"}, "a_number", f"a_number 'B123456789' {A_NUMBER}"),
    (CBP, {"a_number": "A12345678X"}, "a_number", f"a_number 'A12345678X' {A_NUMBER}"),
    (CBP, {"a_number": "AA123456789"}, "a_number", f"a_number 'AA123456789' {A_NUMBER}"),
    (CBP, {"fin": "123456789"}, "fin", f"fin '123456789' {FIN}"),
    (CBP, {"fin": "123-456-7890"}, "fin", f"fin '123-456-7890' {FIN}"),
    (CBP, {"fin": "F123456789"}, "fin", f"fin 'F123456789' {FIN}"),
    (USMS, {"a_number": "0"}, "a_number", f"a_number '0' {A_NUMBER}"),
    (USMS, {"fin": "12345678901"}, "fin", f"fin '12345678901' {FIN}"),
    (ICE, {"a_number": "A-123-456-7"}, "a_number", f"a_number 'A-123-456-7' {A_NUMBER}"),
    (ICE, {"fin": "１２３４５６７８９０"}, "fin", f"fin '１２３４５６７８９０' {FIN}"),
    (ORR, {"a_number": "A 1234"}, "a_number", f"a_number 'A 1234' {A_NUMBER}"),
    (DNA, {"adult_a_number": "unknown"}, "adult_a_number", f"adult_a_number 'unknown' {A_NUMBER}"),
    (COURT, {"a_number": "A1234567890"}, "a_number", f"a_number 'A1234567890' {A_NUMBER}"),
    # ---- 6. whole numbers 0..120
    (ORR, {"age_at_referral": 121}, "age_at_referral", f"age_at_referral 121 {WHOLE}"),
    (ORR, {"age_at_referral": -1}, "age_at_referral", f"age_at_referral -1 {WHOLE}"),
    (ORR, {"age_at_referral": 6.5}, "age_at_referral", f"age_at_referral 6.5 {WHOLE}"),
    (ORR, {"age_at_referral": "six"}, "age_at_referral", f"age_at_referral 'six' {WHOLE}"),
    (ORR, {"age_at_referral": True}, "age_at_referral", f"age_at_referral true {WHOLE}"),
    (
        ORR,
        {"age_at_referral": [6]},
        "age_at_referral",
        "age_at_referral must be a whole number, found a list",
    ),
    (NGO, {"child_age": "abc"}, "child_age", f"child_age 'abc' {WHOLE}"),
    (NGO, {"child_age": "121"}, "child_age", f"child_age '121' {WHOLE}"),
    (NGO, {"child_age": "-1"}, "child_age", f"child_age '-1' {WHOLE}"),
    (NGO, {"child_age": "6.5"}, "child_age", f"child_age '6.5' {WHOLE}"),
    (
        ICE,
        {"stated_children": "JUAN CARLOS LOPEZ|6;MARIA LOPEZ|abc"},
        "stated_children",
        "stated_children: stated child 'MARIA LOPEZ|abc': age 'abc' is not a whole number from 0 to 120",
    ),
    (
        ICE,
        {"stated_children": "MARIA LOPEZ|121"},
        "stated_children",
        "stated_children: stated child 'MARIA LOPEZ|121': age '121' is not a whole number from 0 to 120",
    ),
    (
        ICE,
        {"stated_children": "MARIA LOPEZ|-1"},
        "stated_children",
        "stated_children: stated child 'MARIA LOPEZ|-1': age '-1' is not a whole number from 0 to 120",
    ),
    # ---- 7. chronology within the row (instants, zones, one day's tolerance for dates)
    (NGO, {"contacted_at": "2099-09-01"}, "contacted_at", "contacted_at '2099-09-01' is in the future"),
    (
        CBP,
        {"transferred_at": "2031-05-04T10:00:00-06:00"},
        "transferred_at",
        "transferred_at '2031-05-04T10:00:00-06:00' is in the future",
    ),
    (
        CBP,
        {"dob": "2018-05-05"},
        "dob",
        "dob '2018-05-05' is after apprehended_at '2018-05-03T04:12:00-06:00'",
    ),
    (CBP, {"dob": "1899-12-31"}, "dob", "dob '1899-12-31' is before 1900-01-01"),
    (
        CBP,
        {"transferred_at": "2018-05-03T04:11:00-06:00"},
        "transferred_at",
        "transferred_at '2018-05-03T04:11:00-06:00' is before apprehended_at '2018-05-03T04:12:00-06:00'",
    ),
    (
        # 05:00 at -05:00 is 10:00 UTC, before 04:12 at -06:00 (10:12 UTC)
        CBP,
        {"transferred_at": "2018-05-03T05:00:00-05:00"},
        "transferred_at",
        "transferred_at '2018-05-03T05:00:00-05:00' is before apprehended_at '2018-05-03T04:12:00-06:00'",
    ),
    (USMS, {"dob": "05/06/2018"}, "dob", "dob '05/06/2018' is after booked_at '2018-05-04 10:15'"),
    (USMS, {"dob": "12/31/1899"}, "dob", "dob '12/31/1899' is before 1900-01-01"),
    (
        USMS,
        {"released_at": "2018-05-04 10:14"},
        "released_at",
        "released_at '2018-05-04 10:14' is before booked_at '2018-05-04 10:15'",
    ),
    (ICE, {"dob": "2018-05-22"}, "dob", "dob '2018-05-22' is after book_in_at '2018-05-20T23:00:00'"),
    (
        ICE,
        {"book_out_at": "2018-05-20T22:59:59"},
        "book_out_at",
        "book_out_at '2018-05-20T22:59:59' is before book_in_at '2018-05-20T23:00:00'",
    ),
    (ORR, {"dob": "05/07/2018"}, "dob", "dob '05/07/2018' is after referred_at '2018-05-05T18:00:00Z'"),
    (ORR, {"dob": "01/01/1899"}, "dob", "dob '01/01/1899' is before 1900-01-01"),
    (
        ORR,
        {
            "placements": [
                {"admitted_at": "2018-05-06T02:00:00Z", "discharged_at": "2018-05-06T01:59:00Z"},
            ]
        },
        "placements",
        "placements[0].discharged_at '2018-05-06T01:59:00Z' is before admitted_at '2018-05-06T02:00:00Z'",
    ),
    (
        DNA,
        {"reported_at": "2018-07-07"},
        "reported_at",
        "reported_at '2018-07-07' is before collected_at '2018-07-08'",
    ),
    (
        COURT,
        {"subject_dob": "2018-06-02"},
        "subject_dob",
        "subject_dob '2018-06-02' is after found_at '2018-06-01'",
    ),
    (COURT, {"subject_dob": "1850-01-01"}, "subject_dob", "subject_dob '1850-01-01' is before 1900-01-01"),
    (
        NGO,
        {"parent_dob": "2018-09-02"},
        "parent_dob",
        "parent_dob '2018-09-02' is after contacted_at '2018-09-01'",
    ),
]


@pytest.mark.parametrize(
    ("feed", "changes", "column", "reason"),
    CASES,
    ids=[f"{feed}-{column}-{index}" for index, (feed, _, column, _) in enumerate(CASES)],
)
def test_malformed_row_is_quarantined_with_column_and_reason(
    tmp_path: Path, feed: str, changes: dict[str, Any], column: str, reason: str
) -> None:
    rejected = read_one_bad(tmp_path, feed, **changes)
    assert (rejected.column, rejected.reason) == (column, reason)
    assert rejected.line == 2 if feed == ORR else rejected.line == 3
    assert rejected.record_id is not None and rejected.record_id.endswith("-B")
