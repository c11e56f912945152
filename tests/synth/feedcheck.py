"""An independent reading of docs/validation.md, for checking generated scenarios.

Deliberately written apart from ``reunify.synth`` (and from ``reunify.feeds``):
it parses every delivery file and lists, for each row, the rules it breaks, so
the tests can require that the rows the generator declared broken break
exactly their one rule and that every other row breaks none.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FILE_NAME = re.compile(
    r"^(?P<feed>cbp_apprehensions|usms_custody|ice_detentions|orr_referrals|dna_results|"
    r"court_findings|ngo_locates)_(?P<date>\d{8})(?:_(?P<seq>\d+))?\.(?P<ext>csv|jsonl)$"
)

HEADERS = {
    "cbp_apprehensions": "record_id,event_id,fin,a_number,last_name,first_name,dob,sex,citizenship,"
    "apprehended_at,sector,station,state,family_group_id,relationship,classification,disposition,"
    "transferred_to,transferred_at,separated,separation_reason,remarks",
    "usms_custody": "record_id,register_number,name,dob,sex,a_number,fin,arrest_event_id,booked_at,"
    "released_at,released_to,district,case_number,charge,disposition",
    "ice_detentions": "record_id,a_number,fin,last_name,first_name,dob,sex,country_of_birth,"
    "book_in_at,book_out_at,facility_code,facility_name,facility_state,book_out_reason,"
    "removal_country,stated_children,declined_reunification,declined_at",
    "dna_results": "record_id,child_uac_id,adult_a_number,adult_name,collected_at,result,reported_at",
    "court_findings": "record_id,court,case_number,subject_name,subject_dob,a_number,finding,"
    "found_at,summary",
    "ngo_locates": "record_id,organization,parent_name,parent_dob,country,locality,phone,child_name,"
    "child_age,contacted_at,outcome,preference",
}


def expected_header(feed: str, day: dt.date) -> list[str]:
    """The documented header of a CSV delivery of that date."""
    columns = HEADERS[feed].split(",")
    if feed == "cbp_apprehensions" and day < dt.date(2018, 4, 19):
        columns = [c for c in columns if c not in ("separated", "separation_reason")]
    return columns


CODES: dict[str, dict[str, set[str]]] = {
    "cbp_apprehensions": {
        "sex": {"M", "F", "U"},
        "relationship": {"HEAD", "SPOUSE", "CHILD", "OTHER"},
        "classification": {"FMUA", "UAC", "SA"},
        "disposition": {"PROSECUTION", "NTA", "ER", "VR", "UAC_TRANSFER"},
        "transferred_to": {"USMS", "ICE", "ORR", "RELEASED"},
        "separated": {"Y", "N"},
        "separation_reason": {"PROSECUTION", "CRIMINAL_HISTORY", "FRAUD_SUSPECTED", "MEDICAL", "OTHER"},
    },
    "usms_custody": {
        "sex": {"M", "F"},
        "released_to": {"ICE", "BOP", "RELEASED"},
        "disposition": {"GUILTY PLEA - TIME SERVED", "GUILTY PLEA - SENTENCED", "DISMISSED", "PENDING"},
    },
    "ice_detentions": {
        "sex": {"M", "F"},
        "book_out_reason": {"TRANSFER", "RELEASED", "REMOVED", "FAMILY_RESIDENTIAL", "OTHER"},
        "declined_reunification": {"Y", "N"},
    },
    "dna_results": {"result": {"INCLUSION", "EXCLUSION", "INCONCLUSIVE"}},
    "court_findings": {
        "finding": {"UNFIT", "DANGER_TO_CHILD", "CRIMINAL_HISTORY", "COMMUNICABLE_DISEASE", "NO_FINDING"}
    },
    "ngo_locates": {
        "outcome": {"LOCATED", "UNREACHABLE", "DECEASED"},
        "preference": {"REUNIFY_IN_US", "REUNIFY_ABROAD", "DECLINED", "UNDECIDED"},
    },
}
# Enough of ISO 3166-1 for the scenario; the generator's bad codes are not in it.
ISO2 = {"GT", "HN", "SV", "MX", "EC", "NI", "US", "BR", "CO", "PE", "VE", "CU", "DO", "HT", "IN"}
ISO2_COLUMNS = {"ice_detentions": ("country_of_birth", "removal_country")}

DATE_FORMS: dict[str, dict[str, str]] = {
    "cbp_apprehensions": {"dob": "iso", "apprehended_at": "offset", "transferred_at": "offset"},
    "usms_custody": {"dob": "us", "booked_at": "local", "released_at": "local"},
    "ice_detentions": {"dob": "iso", "book_in_at": "utc", "book_out_at": "utc", "declined_at": "iso"},
    "dna_results": {"collected_at": "iso", "reported_at": "iso"},
    "court_findings": {"subject_dob": "iso", "found_at": "iso"},
    "ngo_locates": {"parent_dob": "iso", "contacted_at": "iso"},
}
PATTERNS = {
    "iso": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "us": re.compile(r"^(\d{2})/(\d{2})/(\d{4})$"),
    "offset": re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-]\d{2}:\d{2})$"),
    "utc": re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$"),
    "z": re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$"),
    "local": re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$"),
}


class Problem(Exception):
    def __init__(self, rule: int, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def parse_date(value: str, form: str) -> Any:
    """A value in its column's form -> date or datetime (UTC-aware for offset/z); Problem(3)."""
    match = PATTERNS[form].match(value)
    if not match:
        raise Problem(3, f"{value!r} is not in {form} form")
    parts = match.groups()
    try:
        if form == "iso":
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        if form == "us":
            return dt.date(int(parts[2]), int(parts[0]), int(parts[1]))
        moment = dt.datetime(*(int(p) for p in parts[:5]), *([int(parts[5])] if len(parts) > 5 else []))
    except ValueError as error:
        raise Problem(3, f"{value!r}: {error}") from None
    if form == "offset":
        sign = -1 if parts[6][0] == "-" else 1
        offset = dt.timedelta(hours=int(parts[6][1:3]), minutes=int(parts[6][4:6])) * sign
        return moment.replace(tzinfo=dt.timezone(offset))
    if form in ("utc", "z"):
        return moment.replace(tzinfo=dt.UTC)
    return moment  # local wall clock, zone unknown here


def a_number_ok(value: str) -> bool:
    text = value[1:] if value[:1] in ("A", "a") else value
    digits = re.sub(r"[-. ]", "", text)
    return digits.isdigit() and len(digits) in (8, 9)


def whole(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 <= value <= 120
    if isinstance(value, str):
        return value.isdigit() and 0 <= int(value) <= 120
    return False


def _day_of(value: Any) -> dt.date:
    return value if not isinstance(value, dt.datetime) else value.date()


def _dob_check(dob: dt.date | None, event: Any) -> None:
    if dob is None:
        return
    if dob < dt.date(1900, 1, 1):
        raise Problem(7, f"dob {dob} before 1900")
    if event is None:
        return
    if isinstance(event, dt.datetime):
        # one day of tolerance for a date against a date-time
        if dob > _day_of(event) + dt.timedelta(days=1):
            raise Problem(7, f"dob {dob} after {event}")
    elif dob > event:
        raise Problem(7, f"dob {dob} after {event}")


def _end_check(end: Any, start: Any, what: str) -> None:
    if end is not None and start is not None and end < start:
        raise Problem(7, f"{what}: {end} before {start}")


@dataclass
class Row:
    file: str
    line: int
    record_id: str | None
    rules: set[int] = field(default_factory=set)
    values: dict[str, Any] | None = None


def _check_csv_row(feed: str, values: dict[str, str]) -> set[int]:
    rules: set[int] = set()
    parsed: dict[str, Any] = {}
    for column, form in DATE_FORMS[feed].items():
        text = values.get(column, "").strip()
        if not text:
            parsed[column] = None
            continue
        try:
            parsed[column] = parse_date(text, form)
        except Problem as problem:
            rules.add(problem.rule)
            parsed[column] = None
    for column, allowed in CODES[feed].items():
        text = values.get(column, "").strip()
        if text and text not in allowed:
            rules.add(4)
    for column in ISO2_COLUMNS.get(feed, ()):
        text = values.get(column, "").strip()
        if text and text not in ISO2:
            rules.add(4)
    for column in ("a_number", "adult_a_number"):
        text = values.get(column, "").strip()
        if text and not a_number_ok(text):
            rules.add(5)
    fin = values.get("fin", "").strip()
    if fin and not (fin.isdigit() and len(fin) == 10):
        rules.add(5)
    if feed == "ngo_locates" and values["child_age"].strip() and not whole(values["child_age"].strip()):
        rules.add(6)
    if feed == "ice_detentions" and values["stated_children"].strip():
        for item in values["stated_children"].split(";"):
            age = item.split("|", 1)[1] if "|" in item else ""
            if age.strip() and not whole(age.strip()):
                rules.add(6)
    try:
        p = parsed
        if feed == "cbp_apprehensions":
            _dob_check(p["dob"], p["apprehended_at"])
            _end_check(p["transferred_at"], p["apprehended_at"], "transfer")
        elif feed == "usms_custody":
            _dob_check(p["dob"], p["booked_at"])
            _end_check(p["released_at"], p["booked_at"], "release")
        elif feed == "ice_detentions":
            _dob_check(p["dob"], p["book_in_at"])
            _end_check(p["book_out_at"], p["book_in_at"], "book-out")
        elif feed == "dna_results":
            _end_check(p["reported_at"], p["collected_at"], "report")
        elif feed == "court_findings":
            _dob_check(p["subject_dob"], p["found_at"])
        elif feed == "ngo_locates":
            _dob_check(p["parent_dob"], p["contacted_at"])
    except Problem as problem:
        rules.add(problem.rule)
    return rules


ORR_CODES = {
    "gender": {"Male", "Female"},
    "relationship": {"MOTHER", "FATHER", "PARENT", "OTHER"},
    "discharge_type": {
        "TRANSFER", "REUNIFIED_WITH_PARENT", "RELEASED_TO_SPONSOR", "AGED_OUT", "VOLUNTARY_DEPARTURE",
    },
}  # fmt: skip


def _check_orr(obj: dict[str, Any]) -> set[int]:
    rules: set[int] = set()

    def text(value: Any) -> str | None:
        return value if isinstance(value, str) and value.strip() else None

    for key in ("languages", "stated_parents", "placements"):
        if obj.get(key) is not None and not isinstance(obj[key], list):
            return {1}
    for parent in obj.get("stated_parents") or []:
        if not isinstance(parent, dict):
            return {1}
    for placement in obj.get("placements") or []:
        if not isinstance(placement, dict):
            return {1}
    dob = referred = None
    try:
        dob = parse_date(obj["dob"], "us") if text(obj.get("dob")) else None
    except Problem:
        rules.add(3)
    try:
        referred = parse_date(obj["referred_at"], "z") if text(obj.get("referred_at")) else None
    except Problem:
        rules.add(3)
    for key in ("dob_estimated", "separated_from_parent"):
        if key in obj and obj[key] is not None and not isinstance(obj[key], bool):
            rules.add(4)
    if text(obj.get("gender")) and obj["gender"] not in ORR_CODES["gender"]:
        rules.add(4)
    if text(obj.get("a_number")) and not a_number_ok(obj["a_number"]):
        rules.add(5)
    age = obj.get("age_at_referral")
    if age is not None and age != "" and not (isinstance(age, int) and whole(age)):
        rules.add(6)
    for parent in obj.get("stated_parents") or []:
        if text(parent.get("relationship")) and parent["relationship"] not in ORR_CODES["relationship"]:
            rules.add(4)
    for placement in obj.get("placements") or []:
        if (
            text(placement.get("discharge_type"))
            and placement["discharge_type"] not in ORR_CODES["discharge_type"]
        ):
            rules.add(4)
        try:
            admitted = (
                parse_date(placement["admitted_at"], "z") if text(placement.get("admitted_at")) else None
            )
            out = (
                parse_date(placement["discharged_at"], "z") if text(placement.get("discharged_at")) else None
            )
            _end_check(out, admitted, "placement")
        except Problem as problem:
            rules.add(problem.rule)
    try:
        _dob_check(dob, referred)
    except Problem as problem:
        rules.add(problem.rule)
    return rules


def read_file(path: Path) -> tuple[list[str] | None, list[Row]]:
    """(header or None for JSONL, rows with the rules each breaks)."""
    match = FILE_NAME.match(path.name)
    assert match, path.name
    feed = match["feed"]
    rows: list[Row] = []
    seen: dict[str, int] = {}
    text = path.read_bytes().decode("utf-8-sig")
    if feed == "orr_referrals":
        for number, line in enumerate(text.split("\n"), 1):
            if not line:
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                found = re.search(r'"record_id"\s*:\s*"([^"]*)"', line)
                rows.append(Row(path.name, number, found.group(1) if found else None, {1}))
                continue
            if not isinstance(obj, dict):
                rows.append(Row(path.name, number, None, {1}))
                continue
            record_id = obj.get("record_id")
            row = Row(path.name, number, record_id, _check_orr(obj), obj)
            if not record_id or record_id in seen:
                row.rules.add(2)
            else:
                seen[record_id] = number
            rows.append(row)
        return None, rows
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    end = reader.line_num
    for cells in reader:
        start, end = end + 1, reader.line_num
        if len(cells) != len(header):
            rows.append(Row(path.name, start, cells[0] if cells else None, {1}))
            continue
        values = dict(zip(header, cells, strict=True))
        record_id = values["record_id"].strip()
        row = Row(path.name, start, record_id, _check_csv_row(feed, values), values)
        if not record_id or record_id in seen:
            row.rules.add(2)
        else:
            seen[record_id] = start
        rows.append(row)
    return header, rows


def delivery_files(out_dir: Path) -> list[Path]:
    """Delivery files in delivery order: date, then sequence."""
    files = [p for p in out_dir.iterdir() if p.is_file() and FILE_NAME.match(p.name)]

    def order(path: Path) -> tuple[str, int, str]:
        match = FILE_NAME.match(path.name)
        assert match
        return match["date"], int(match["seq"] or 1), path.name

    return sorted(files, key=order)


def file_day(path: Path) -> dt.date:
    match = FILE_NAME.match(path.name)
    assert match
    return dt.datetime.strptime(match["date"], "%Y%m%d").date()


def read_scenario(out_dir: Path) -> dict[str, list[Row]]:
    """Every row of every delivery, per file name, in delivery order."""
    return {path.name: read_file(path)[1] for path in delivery_files(out_dir)}


def newest_versions(rows_by_file: dict[str, list[Row]]) -> dict[str, dict[str, dict[str, Any]]]:
    """feed -> record_id -> the newest well-formed version (the newest delivery wins)."""
    newest: dict[str, dict[str, dict[str, Any]]] = {}
    for name, rows in rows_by_file.items():
        match = FILE_NAME.match(name)
        assert match
        records = newest.setdefault(match["feed"], {})
        for row in rows:
            if not row.rules and row.record_id and row.values is not None:
                records[row.record_id] = row.values
    return newest
