"""Deliberately broken rows: each breaks exactly one rule of docs/validation.md.

A breaker takes a well-formed row (as the generator built it) and returns the
broken payload, or ``None`` when its kind does not apply to that row (a DNA row
has no date of birth to push past the event).  Breakers keep ``record_id``
readable: JSON stays an object whose first key is the record id, CSV keeps it
in the first field, so that the quarantine can name the record key.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from typing import Any

from .clock import iso_date, us_date
from .deliveries import CBP, COURT, DNA, ICE, NGO, ORR, USMS

# Rule numbers of docs/validation.md.
SHAPE, IDENTITY, DATES, CODES, IDENTIFIERS, NUMBERS, CHRONOLOGY = 1, 2, 3, 4, 5, 6, 7

# Column date forms.
ISO_DATE, US_DATE, OFFSET_DT, UTC_PLAIN, UTC_Z, LOCAL_MIN = (
    "iso_date", "us_date", "offset_dt", "utc_plain", "utc_z", "local_min",
)  # fmt: skip

DATE_COLUMNS: dict[str, dict[str, str]] = {
    CBP: {"dob": ISO_DATE, "apprehended_at": OFFSET_DT, "transferred_at": OFFSET_DT},
    USMS: {"dob": US_DATE, "booked_at": LOCAL_MIN, "released_at": LOCAL_MIN},
    ICE: {"dob": ISO_DATE, "book_in_at": UTC_PLAIN, "book_out_at": UTC_PLAIN,
          "declined_at": ISO_DATE},
    ORR: {"dob": US_DATE, "referred_at": UTC_Z},
    DNA: {"collected_at": ISO_DATE, "reported_at": ISO_DATE},
    COURT: {"subject_dob": ISO_DATE, "found_at": ISO_DATE},
    NGO: {"parent_dob": ISO_DATE, "contacted_at": ISO_DATE},
}  # fmt: skip

# Enumerated columns and values that are not among their codes.
BAD_CODES: dict[str, dict[str, tuple[Any, ...]]] = {
    CBP: {
        "sex": ("X", "MALE", "f"),
        "relationship": ("SON", "MOTHER", "HIJO"),
        "classification": ("FAM", "ADULT", "UC"),
        "disposition": ("DEPORT", "NTA/ER", "I-213"),
        "transferred_to": ("HHS", "DHS", "BOP"),
        "separated": ("YES", "1"),
        "separation_reason": ("1325", "CUSTODY"),
    },
    USMS: {
        "sex": ("U", "X", "MALE"),
        "released_to": ("DHS", "ORR", "ICE ERO"),
        "disposition": ("GUILTY", "CONVICTED", "TIME SERVED"),
    },
    ICE: {
        "sex": ("U", "X"),
        "country_of_birth": ("HO", "EL", "GUA"),
        "book_out_reason": ("DEPORTED", "REMOVAL", "RELEASE"),
        "declined_reunification": ("YES", "X"),
    },
    ORR: {"gender": ("M", "male", "MALE", "Masculino")},
    DNA: {"result": ("POSITIVE", "MATCH", "inclusion")},
    COURT: {"finding": ("GUILTY", "DANGER", "unfit")},
    NGO: {"outcome": ("FOUND", "CONTACTED"), "preference": ("STAY", "REUNIFY")},
}

A_NUMBER_COLUMNS = {
    CBP: "a_number", USMS: "a_number", ICE: "a_number", ORR: "a_number", DNA: "adult_a_number",
    COURT: "a_number",
}  # fmt: skip
FIN_COLUMNS = {CBP: "fin", USMS: "fin", ICE: "fin"}

# (dob column, event column) and (end column, start column).
DOB_EVENT = {
    CBP: ("dob", "apprehended_at"),
    USMS: ("dob", "booked_at"),
    ICE: ("dob", "book_in_at"),
    ORR: ("dob", "referred_at"),
    COURT: ("subject_dob", "found_at"),
    NGO: ("parent_dob", "contacted_at"),
}
END_START = {
    CBP: ("transferred_at", "apprehended_at"),
    USMS: ("released_at", "booked_at"),
    ICE: ("book_out_at", "book_in_at"),
    DNA: ("reported_at", "collected_at"),
}

Row = dict[str, Any]
Broken = tuple[Any, str, int]  # (payload, kind, rule)


# ---------------------------------------------------------------------------- value helpers
def _parse_any(value: str, form: str) -> tuple[dt.datetime, str]:
    """A well-formed value of a form -> (naive local datetime, trailing offset text)."""
    if form == ISO_DATE:
        return dt.datetime.strptime(value, "%Y-%m-%d"), ""
    if form == US_DATE:
        return dt.datetime.strptime(value, "%m/%d/%Y"), ""
    if form == OFFSET_DT:
        return dt.datetime.fromisoformat(value[:19]), value[19:]
    if form == UTC_PLAIN:
        return dt.datetime.fromisoformat(value), ""
    if form == UTC_Z:
        return dt.datetime.fromisoformat(value[:-1]), "Z"
    return dt.datetime.strptime(value, "%Y-%m-%d %H:%M"), ""


def _format_any(moment: dt.datetime, form: str, tail: str) -> str:
    if form == ISO_DATE:
        return iso_date(moment.date())
    if form == US_DATE:
        return us_date(moment.date())
    if form == OFFSET_DT:
        return moment.isoformat() + tail
    if form == UTC_PLAIN:
        return moment.isoformat()
    if form == UTC_Z:
        return moment.isoformat() + "Z"
    return f"{iso_date(moment.date())} {moment.hour:02d}:{moment.minute:02d}"


def _impossible(value: str, form: str, rng: random.Random) -> str:
    """The same value with an impossible calendar date in the same form."""
    moment, tail = _parse_any(value, form)
    year = moment.year
    month, day = ((2, 30), (2, 31), (4, 31), (13, 5), (6, 31), (0, 12), (9, 31))[rng.randrange(7)]
    time = f"T{moment.hour:02d}:{moment.minute:02d}:00"
    if form == ISO_DATE:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if form == US_DATE:
        return f"{month:02d}/{day:02d}/{year:04d}"
    if form == OFFSET_DT:
        return f"{year:04d}-{month:02d}-{day:02d}{time}{tail}"
    if form == UTC_PLAIN:
        return f"{year:04d}-{month:02d}-{day:02d}{time}"
    if form == UTC_Z:
        return f"{year:04d}-{month:02d}-{day:02d}{time}Z"
    return f"{year:04d}-{month:02d}-{day:02d} {moment.hour:02d}:{moment.minute:02d}"


def _wrong_form(value: str, form: str) -> str:
    """The same moment in a form the column does not accept."""
    moment, _ = _parse_any(value, form)
    hm = f"{moment.hour:02d}:{moment.minute:02d}"
    if form == ISO_DATE:
        return us_date(moment.date())
    if form == US_DATE:
        return iso_date(moment.date())
    if form == OFFSET_DT:
        return f"{us_date(moment.date())} {hm}"
    if form == UTC_PLAIN:
        return f"{moment.day:02d}-{_MONTHS[moment.month - 1]}-{moment.year} {hm}"
    if form == UTC_Z:
        return f"{us_date(moment.date())} {hm}:00"
    return f"{us_date(moment.date())} {hm}"


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_UNPARSEABLE = ("UNKNOWN", "N/A", "??/??/2010", "2018-05", "03 MAYO 2018", "SEE REMARKS", "TBD")


def _shift(value: str, form: str, days: int) -> str:
    moment, tail = _parse_any(value, form)
    return _format_any(moment + dt.timedelta(days=days), form, tail)


def _to_form(moment: dt.datetime, form: str, like: str | None) -> str:
    tail = ""
    if form == OFFSET_DT and like:
        tail = like[19:]
    return _format_any(moment, form, tail)


# ---------------------------------------------------------------------------- CSV/JSON-level
def _date_cells(feed: str, row: Row) -> list[tuple[str, str]]:
    return [(col, form) for col, form in DATE_COLUMNS[feed].items() if row.get(col)]


def _orr_date_slots(row: Row) -> list[tuple[Any, str, str]]:
    """(container, key, form) for every filled date in an ORR row, placements included."""
    slots: list[tuple[Any, str, str]] = []
    for key, form in DATE_COLUMNS[ORR].items():
        if row.get(key):
            slots.append((row, key, form))
    for placement in row.get("placements") or []:
        for key in ("admitted_at", "discharged_at"):
            if placement.get(key):
                slots.append((placement, key, UTC_Z))
    return slots


def _date_break(row: Row, feed: str, rng: random.Random, change: Callable[[str, str], str]) -> Row | None:
    if feed == ORR:
        slots = _orr_date_slots(row)
        if not slots:
            return None
        holder, key, form = slots[rng.randrange(len(slots))]
        holder[key] = change(holder[key], form)
        return row
    cells = _date_cells(feed, row)
    if not cells:
        return None
    column, form = cells[rng.randrange(len(cells))]
    row[column] = change(row[column], form)
    return row


def break_date_unparseable(row: Row, feed: str, rng: random.Random) -> Broken | None:
    """Rule 3: a date that no form reads (``UNKNOWN``, ``2018-05``)."""
    out = _date_break(row, feed, rng, lambda v, f: _UNPARSEABLE[rng.randrange(len(_UNPARSEABLE))])
    return None if out is None else (out, "date_unparseable", DATES)


def break_date_impossible(row: Row, feed: str, rng: random.Random) -> Broken | None:
    """Rule 3: the column's own form, but a day that does not exist (Feb 30, month 13)."""
    out = _date_break(row, feed, rng, lambda v, f: _impossible(v, f, rng))
    return None if out is None else (out, "date_impossible", DATES)


def break_date_wrong_form(row: Row, feed: str, rng: random.Random) -> Broken | None:
    """Rule 3: a real moment written in another column's form (US for ISO, ...)."""
    out = _date_break(row, feed, rng, _wrong_form)
    return None if out is None else (out, "date_wrong_form", DATES)


def break_unknown_code(row: Row, feed: str, rng: random.Random) -> Broken | None:
    """Rule 4: a value outside the documented codes (case matters; JSON booleans too)."""
    if feed == ORR:
        options: list[tuple[Any, str, Any]] = [(row, "gender", v) for v in BAD_CODES[ORR]["gender"]]
        options += [(row, "dob_estimated", v) for v in ("yes", "true", 1, "N")]
        if "separated_from_parent" in row:
            options.append((row, "separated_from_parent", "Y"))
        for placement in row.get("placements") or []:
            options += [(placement, "discharge_type", v) for v in ("REUNIFIED", "SPONSOR")]
        for parent in row.get("stated_parents") or []:
            options += [(parent, "relationship", v) for v in ("MADRE", "Mother", "PAPA")]
        holder, key, value = options[rng.randrange(len(options))]
        holder[key] = value
        return row, "unknown_code", CODES
    choices = [(c, v) for c, values in BAD_CODES[feed].items() if c in row for v in values]
    column, value = choices[rng.randrange(len(choices))]
    row[column] = value
    return row, "unknown_code", CODES


_BAD_A = ("A1234567", "A12345678901", "A12B456789", "A-123-456", "AXXXXXXXXX", "A0000000000")


def break_a_number(row: Row, feed: str, rng: random.Random) -> Broken | None:
    """Rule 5: an A-number that is not 8 or 9 digits once ``A`` and separators go."""
    column = A_NUMBER_COLUMNS.get(feed)
    if column is None:
        return None
    row[column] = _BAD_A[rng.randrange(len(_BAD_A))]
    return row, "bad_a_number", IDENTIFIERS


_BAD_FIN = ("123456789", "12345678901", "12345678AB", "FIN-1234567")


def break_fin(row: Row, feed: str, rng: random.Random) -> Broken | None:
    """Rule 5: a FIN that is not exactly 10 digits."""
    column = FIN_COLUMNS.get(feed)
    if column is None:
        return None
    row[column] = _BAD_FIN[rng.randrange(len(_BAD_FIN))]
    return row, "bad_fin", IDENTIFIERS


def break_integer(row: Row, feed: str, rng: random.Random) -> Broken | None:
    """Rule 6: a whole-number field holding a fraction, words, or a value outside 0..120."""
    if feed == ORR:
        row["age_at_referral"] = (7.5, "siete", -1, 150, "12 years")[rng.randrange(5)]
        return row, "bad_integer", NUMBERS
    if feed == NGO:
        row["child_age"] = ("7 años", "7.5", "siete", "200", "-3")[rng.randrange(5)]
        return row, "bad_integer", NUMBERS
    if feed == ICE:
        bad = ("6.5", "SEIS", "130", "-2", "6 MESES")[rng.randrange(5)]
        items = row.get("stated_children", "")
        if items:
            first, _, rest = items.partition(";")
            name = first.split("|", 1)[0]
            row["stated_children"] = f"{name}|{bad}" + (";" + rest if rest else "")
        else:
            row["stated_children"] = f"JUAN|{bad}"
        return row, "bad_integer", NUMBERS
    return None


def break_dob_after_event(row: Row, feed: str, rng: random.Random) -> Broken | None:
    """Rule 7: a birth date days after the row's own event (or before 1900)."""
    pair = DOB_EVENT.get(feed)
    if pair is None:
        return None
    dob_col, event_col = pair
    event = row.get(event_col)
    if not event:
        return None
    form = US_DATE if feed in (USMS, ORR) else ISO_DATE
    if rng.random() < 0.2:
        row[dob_col] = _format_any(dt.datetime(1899, rng.randint(1, 12), rng.randint(1, 28)), form, "")
        return row, "dob_before_1900", CHRONOLOGY
    event_form = DATE_COLUMNS[feed][event_col]
    moment, _ = _parse_any(event, event_form)
    row[dob_col] = _format_any(moment + dt.timedelta(days=rng.randint(3, 400)), form, "")
    if feed == ORR and isinstance(row.get("age_at_referral"), int):
        row["age_at_referral"] = 0
    return row, "dob_after_event", CHRONOLOGY


def break_end_before_start(row: Row, feed: str, rng: random.Random) -> Broken | None:
    """Rule 7: an end (release, book-out, discharge, report) days before its start."""
    back = -rng.randint(2, 6)
    if feed == ORR:
        placements = row.get("placements") or []
        if not placements:
            return None
        placement = placements[rng.randrange(len(placements))]
        placement["discharged_at"] = _shift(placement["admitted_at"], UTC_Z, back)
        return row, "end_before_start", CHRONOLOGY
    pair = END_START.get(feed)
    if pair is None:
        return None
    end_col, start_col = pair
    start = row.get(start_col)
    if not start:
        return None
    row[end_col] = _shift(start, DATE_COLUMNS[feed][start_col], back)
    return row, "end_before_start", CHRONOLOGY


# ---------------------------------------------------------------------------- shape
def break_column_count(row: Row, feed: str, rng: random.Random, columns: tuple[str, ...]) -> Broken:
    """Rule 1: a CSV line with one field too few or too many."""
    fields = [str(row.get(c, "")) for c in columns]
    roll = rng.random()
    if roll < 0.4:
        fields.pop()  # a truncated export line
    elif roll < 0.7:
        fields.append("")  # a trailing separator
    else:
        # A comma inside a free-text value that the export did not quote.
        index = len(fields) - 1
        fields[index:] = [fields[index] or "SEE FILE", "PAGE 2"]
    return fields, "column_count", SHAPE


def break_json_invalid(row: Row, feed: str, rng: random.Random) -> Broken:
    """Rule 1: a line that is not JSON (cut short, an extra brace, a missing comma)."""
    text = json.dumps(row, ensure_ascii=False)
    roll = rng.random()
    if roll < 0.4:
        cut = max(len(text) * 6 // 10, text.index(",") + 2)
        return text[:cut], "json_invalid", SHAPE
    if roll < 0.7:
        return text + "}", "json_invalid", SHAPE
    # a missing comma between two keys after the record id
    at = text.find(', "', text.index(",") + 1)
    return text[:at] + " " + text[at + 2 :], "json_invalid", SHAPE


def break_json_shape(row: Row, feed: str, rng: random.Random) -> Broken:
    """Rule 1: a list or object key holding the wrong kind of value."""
    roll = rng.random()
    placements = row.get("placements") or []
    if roll < 0.35 and placements:
        row["placements"] = placements[0]
    elif roll < 0.55:
        languages = row.get("languages") or ["Spanish"]
        row["languages"] = ", ".join(languages)
    elif roll < 0.75 and row.get("stated_parents"):
        row["stated_parents"][0] = "see case file"
    elif placements:
        placement = placements[-1]
        row["placements"][-1] = [placement.get("program"), placement.get("admitted_at")]
    else:
        row["stated_parents"] = {"name": None, "relationship": None}
    return row, "json_shape", SHAPE


FIELD_BREAKERS: tuple[Callable[[Row, str, random.Random], Broken | None], ...] = (
    break_date_unparseable,
    break_date_impossible,
    break_date_wrong_form,
    break_unknown_code,
    break_a_number,
    break_fin,
    break_integer,
    break_dob_after_event,
    break_end_before_start,
)


def break_row(
    row: Row, feed: str, rng: random.Random, columns: tuple[str, ...], field_only: bool = False
) -> Broken:
    """Break a row (a fresh copy) by one rule; ``field_only`` keeps its shape (for duplicates).

    For CSV feeds ``row`` must hold only the columns of the file it goes to.
    """
    kinds = len(FIELD_BREAKERS) + (0 if field_only else 1)
    for _ in range(40):
        pick = rng.randrange(kinds)
        if pick < len(FIELD_BREAKERS):
            result = FIELD_BREAKERS[pick](row, feed, rng)
            if result is not None:
                return result
            continue
        if feed == ORR:
            if rng.random() < 0.5:
                return break_json_invalid(row, feed, rng)
            return break_json_shape(row, feed, rng)
        return break_column_count(row, feed, rng, columns)
    result = break_date_unparseable(row, feed, rng)  # every row has a filled date
    assert result is not None
    return result
