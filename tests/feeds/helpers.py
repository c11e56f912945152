"""Small real delivery files for the feed reader tests.

Each feed has one good row (``good(feed)``) that satisfies docs/validation.md;
tests change a column or two and write real files in ``tmp_path``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from reunify.feeds import FeedFile, ParsedRow, RejectedRow, detect_feed, read_feed_file
from reunify.feeds.specs import SPECS

GOOD: dict[str, dict[str, Any]] = {
    "cbp_apprehensions": {
        "record_id": "E3-0001234-01",
        "event_id": "EPT-18-005123",
        "fin": "1234567890",
        "a_number": "A123456789",
        "last_name": "LOPEZ GARCIA",
        "first_name": "JOSE LUIS",
        "dob": "1985-03-02",
        "sex": "M",
        "citizenship": "GUATEMALA",
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
        "separated": "Y",
        "separation_reason": "PROSECUTION",
        "remarks": "SEPARATED FROM SON DUE TO 1325 PROSECUTION",
    },
    "usms_custody": {
        "record_id": "USMS-2018-0045123",
        "register_number": "12345-280",
        "name": "LOPEZ GARCIA, JOSE LUIS",
        "dob": "03/02/1985",
        "sex": "M",
        "a_number": "",
        "fin": "1234567890",
        "arrest_event_id": "EPT-18-005123",
        "booked_at": "2018-05-04 10:15",
        "released_at": "2018-05-20 16:00",
        "released_to": "ICE",
        "district": "W.D. Tex.",
        "case_number": "EP-18-MJ-01234",
        "charge": "8 USC 1325(a)(1)",
        "disposition": "GUILTY PLEA - TIME SERVED",
    },
    "ice_detentions": {
        "record_id": "EARM-7712345",
        "a_number": "123-456-789",
        "fin": "1234567890",
        "last_name": "LOPEZ GARCIA",
        "first_name": "JOSE LUIS",
        "dob": "1985-03-02",
        "sex": "M",
        "country_of_birth": "GT",
        "book_in_at": "2018-05-20T23:00:00",
        "book_out_at": "2018-07-10T15:00:00",
        "facility_code": "OTR",
        "facility_name": "OTERO COUNTY PROCESSING CENTER",
        "facility_state": "NM",
        "book_out_reason": "REMOVED",
        "removal_country": "GT",
        "stated_children": "JUAN CARLOS LOPEZ|6;MARIA LOPEZ|9",
        "declined_reunification": "N",
        "declined_at": "",
    },
    "orr_referrals": {
        "record_id": "ORR-R-0012345",
        "uac_id": "UAC-18-012345",
        "a_number": None,
        "first_name": "Juan Carlos",
        "last_name": "López Pérez",
        "dob": "01/01/2012",
        "dob_estimated": True,
        "age_at_referral": 6,
        "gender": "Male",
        "country_of_birth": "Guatemala",
        "languages": ["Spanish", "K'iche'"],
        "referred_at": "2018-05-05T18:00:00Z",
        "referring_agency": "CBP",
        "referring_office": "EL PASO STATION",
        "apprehension_event_id": "EPT-18-005123",
        "separated_from_parent": True,
        "stated_parents": [
            {"name": "José Luis López", "relationship": "FATHER", "location": "detained", "phone": None}
        ],
        "placements": [
            {
                "program": "Casa Padre",
                "program_state": "TX",
                "admitted_at": "2018-05-06T02:00:00Z",
                "discharged_at": "2018-06-30T15:00:00Z",
                "discharge_type": "TRANSFER",
            },
            {
                "program": "Cayuga Centers",
                "program_state": "NY",
                "admitted_at": "2018-06-30T20:00:00Z",
                "discharged_at": None,
                "discharge_type": None,
            },
        ],
    },
    "dna_results": {
        "record_id": "DNA-000123",
        "child_uac_id": "UAC-18-012345",
        "adult_a_number": "A123456789",
        "adult_name": "Jose Luis Lopez Garcia",
        "collected_at": "2018-07-08",
        "result": "INCLUSION",
        "reported_at": "2018-07-10",
    },
    "court_findings": {
        "record_id": "CF-2018-000123",
        "court": "U.S. District Court, W.D. Tex.",
        "case_number": "3:18-cr-01234",
        "subject_name": "Jose Luis Lopez",
        "subject_dob": "1985-03-02",
        "a_number": "A123456789",
        "finding": "NO_FINDING",
        "found_at": "2018-06-01",
        "summary": "No finding of unfitness.",
    },
    "ngo_locates": {
        "record_id": "NGO-KIND-000123",
        "organization": "KIND",
        "parent_name": "María García Xol",
        "parent_dob": "1988-06-15",
        "country": "México",
        "locality": "Tapachula",
        "phone": "+50255512345",
        "child_name": "Juan Carlos López",
        "child_age": "6",
        "contacted_at": "2018-09-01",
        "outcome": "LOCATED",
        "preference": "REUNIFY_IN_US",
    },
}

FILE_NAMES = {feed: f"{feed}_20180615.{'jsonl' if feed == 'orr_referrals' else 'csv'}" for feed in SPECS}


def good(feed: str, **changes: Any) -> dict[str, Any]:
    """The feed's good row with some columns changed (a copy)."""
    row = json.loads(json.dumps(GOOD[feed]))
    row.update(changes)
    return row


def csv_text(header: list[str], rows: list[list[str]], newline: str = "\n") -> str:
    """RFC 4180 text, quoting only where needed, with the given line end."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_rows(folder: Path, feed: str, rows: list[dict[str, Any]], name: str | None = None) -> FeedFile:
    """A delivery file of the feed with these rows (CSV: the contract's header)."""
    path = folder / (name or FILE_NAMES[feed])
    if SPECS[feed].format == "jsonl":
        path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    else:
        header = list(SPECS[feed].column_names)
        path.write_text(csv_text(header, [[row.get(c, "") for c in header] for row in rows]), "utf-8")
    return detect_feed(path)


def read(feed_file: FeedFile) -> list[ParsedRow | RejectedRow]:
    """Every row of a file (the FeedRows iterator, exhausted)."""
    with read_feed_file(feed_file) as rows:
        return list(rows)


def read_one_bad(folder: Path, feed: str, **changes: Any) -> RejectedRow:
    """Write the good row then a changed one; assert the first is parsed, return the second."""
    second = good(feed, **changes)
    if "record_id" not in changes:
        second["record_id"] = f"{GOOD[feed]['record_id']}-B"
    rows = read(write_rows(folder, feed, [good(feed), second]))
    assert len(rows) == 2, rows
    assert isinstance(rows[0], ParsedRow), rows[0]
    assert isinstance(rows[1], RejectedRow), rows[1]
    return rows[1]


def read_one_good(folder: Path, feed: str, **changes: Any) -> ParsedRow:
    """Write one changed row and return it, asserting that it was parsed."""
    rows = read(write_rows(folder, feed, [good(feed, **changes)]))
    assert len(rows) == 1, rows
    assert isinstance(rows[0], ParsedRow), rows[0]
    return rows[0]
