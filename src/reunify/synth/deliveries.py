"""Delivery schedules and the files they are written to, streaming.

Each feed is delivered on its own rhythm (CBP weekly, ICE every two weeks,
USMS monthly, ...).  A row version that became known at instant *t* goes into
the first delivery dated after *t*'s day: a delivery holds what changed since
the previous one, as known on its date.  Files are opened when their first
row arrives and written as rows come, so memory does not grow with the size of
the scenario; each file draws its own surface (BOM, CRLF, quote-all) once.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .clock import FINAL_DELIVERY, SEPARATED_COLUMN_FROM, SEPARATED_KEY_FROM
from .config import SynthConfig

CBP = "cbp_apprehensions"
USMS = "usms_custody"
ICE = "ice_detentions"
ORR = "orr_referrals"
DNA = "dna_results"
COURT = "court_findings"
NGO = "ngo_locates"

FEEDS = (CBP, USMS, ICE, ORR, DNA, COURT, NGO)
EXTENSIONS = {feed: ("jsonl" if feed == ORR else "csv") for feed in FEEDS}

COLUMNS: dict[str, tuple[str, ...]] = {
    CBP: (
        "record_id", "event_id", "fin", "a_number", "last_name", "first_name", "dob", "sex",
        "citizenship", "apprehended_at", "sector", "station", "state", "family_group_id",
        "relationship", "classification", "disposition", "transferred_to", "transferred_at",
        "separated", "separation_reason", "remarks",
    ),
    USMS: (
        "record_id", "register_number", "name", "dob", "sex", "a_number", "fin",
        "arrest_event_id", "booked_at", "released_at", "released_to", "district", "case_number",
        "charge", "disposition",
    ),
    ICE: (
        "record_id", "a_number", "fin", "last_name", "first_name", "dob", "sex",
        "country_of_birth", "book_in_at", "book_out_at", "facility_code", "facility_name",
        "facility_state", "book_out_reason", "removal_country", "stated_children",
        "declined_reunification", "declined_at",
    ),
    ORR: (
        "record_id", "uac_id", "a_number", "first_name", "last_name", "dob", "dob_estimated",
        "age_at_referral", "gender", "country_of_birth", "languages", "referred_at",
        "referring_agency", "referring_office", "apprehension_event_id", "separated_from_parent",
        "stated_parents", "placements",
    ),
    DNA: (
        "record_id", "child_uac_id", "adult_a_number", "adult_name", "collected_at", "result",
        "reported_at",
    ),
    COURT: (
        "record_id", "court", "case_number", "subject_name", "subject_dob", "a_number",
        "finding", "found_at", "summary",
    ),
    NGO: (
        "record_id", "organization", "parent_name", "parent_dob", "country", "locality", "phone",
        "child_name", "child_age", "contacted_at", "outcome", "preference",
    ),
}  # fmt: skip

#: CBP files dated before 2018-04-19 lack these two columns.
CBP_LATE_COLUMNS = ("separated", "separation_reason")
CBP_EARLY_COLUMNS = tuple(c for c in COLUMNS[CBP] if c not in CBP_LATE_COLUMNS)

FILE_NAME = re.compile(
    r"^(?P<feed>" + "|".join(FEEDS) + r")_(?P<date>\d{8})(?:_(?P<seq>\d+))?\.(?P<ext>csv|jsonl)$"
)


def columns_for(feed: str, day: dt.date) -> tuple[str, ...]:
    """The header (or key set) a delivery of ``feed`` dated ``day`` carries."""
    if feed == CBP and day < SEPARATED_COLUMN_FROM:
        return CBP_EARLY_COLUMNS
    return COLUMNS[feed]


def file_name(feed: str, day: dt.date, seq: int) -> str:
    """``<feed>_<YYYYMMDD>[_<seq>].<ext>``; the first file of a day has no sequence."""
    suffix = "" if seq == 1 else f"_{seq}"
    return f"{feed}_{day:%Y%m%d}{suffix}.{EXTENSIONS[feed]}"


# (first date, step in days, jitter in days, switch date, step after switch)
_CADENCE: dict[str, tuple[dt.date, int, int, dt.date | None, int]] = {
    CBP: (dt.date(2017, 7, 3), 7, 1, dt.date(2018, 7, 9), 30),
    ORR: (dt.date(2017, 7, 7), 7, 1, None, 7),
    ICE: (dt.date(2017, 7, 14), 14, 2, None, 14),
    USMS: (dt.date(2017, 7, 31), 30, 3, None, 30),
    DNA: (dt.date(2018, 7, 9), 7, 0, dt.date(2018, 8, 10), 30),
    COURT: (dt.date(2017, 8, 1), 30, 3, None, 30),
    NGO: (dt.date(2018, 8, 15), 30, 3, None, 30),
}


@dataclass(slots=True)
class Schedule:
    """The delivery dates of one feed, and which of them carry a ``_2`` file."""

    feed: str
    days: list[dt.date]
    has_second: list[bool]

    def index_for(self, known_at: dt.datetime) -> int | None:
        """The first delivery dated after the day something became known, or None."""
        index = bisect_right(self.days, known_at.date())
        return index if index < len(self.days) else None


def build_schedules(rng: random.Random, cfg: SynthConfig) -> dict[str, Schedule]:
    """Every feed's delivery dates, ending with the common final delivery."""
    schedules = {}
    for feed in FEEDS:
        start, step, jitter, switch, later = _CADENCE[feed]
        days: list[dt.date] = []
        nominal = start
        while nominal < FINAL_DELIVERY:
            actual = nominal + dt.timedelta(days=rng.randint(-jitter, jitter) if jitter else 0)
            if (not days or actual > days[-1]) and actual < FINAL_DELIVERY:
                days.append(actual)
            gap = later if switch is not None and nominal >= switch else step
            nominal += dt.timedelta(days=gap)
        days.append(FINAL_DELIVERY)
        second = [rng.random() < cfg.second_sequence_rate for _ in days]
        schedules[feed] = Schedule(feed, days, second)
    return schedules


@dataclass(slots=True)
class _File:
    path: Path
    feed: str
    day: dt.date
    columns: tuple[str, ...]
    bom: bool
    eol: str
    quote_all: bool
    handle: IO[str] | None = None
    lines: int = 0
    rows: int = 0
    pending: list[tuple[Any, tuple | None]] = field(default_factory=list)


_NEEDS_QUOTES = re.compile(r'[",\r\n]').search


def csv_line(fields: list[str], quote_all: bool, eol: str) -> str:
    """One RFC 4180 record: quoted when needed (or always), quotes doubled."""
    out = []
    for value in fields:
        if quote_all or _NEEDS_QUOTES(value):
            value = '"' + value.replace('"', '""') + '"'
        out.append(value)
    return ",".join(out) + eol


BrokenNote = tuple[str, str, int]  # (record_key, kind, rule)


class DeliveryFiles:
    """All delivery files of a scenario, opened lazily and written streaming.

    A payload is a ``dict`` (a well-formed row, serialised with the file's
    columns), a ``list`` (CSV fields already in order, e.g. a wrong count) or
    a ``str`` (a raw JSON Lines line).  Broken rows carry a note, written to
    ``truth/broken_rows.csv`` with the physical line they landed on.
    """

    def __init__(
        self,
        out_dir: Path,
        schedules: dict[str, Schedule],
        rng: random.Random,
        cfg: SynthConfig,
        on_broken: Callable[[str, int, BrokenNote], None],
    ) -> None:
        self.out_dir = out_dir
        self.schedules = schedules
        self.on_broken = on_broken
        self.files: dict[tuple[str, int, int], _File] = {}
        for feed in FEEDS:
            schedule = schedules[feed]
            for index, day in enumerate(schedule.days):
                for seq in (1, 2) if schedule.has_second[index] else (1,):
                    csv_file = EXTENSIONS[feed] == "csv"
                    self.files[(feed, index, seq)] = _File(
                        path=out_dir / file_name(feed, day, seq),
                        feed=feed,
                        day=day,
                        columns=columns_for(feed, day),
                        bom=csv_file and rng.random() < cfg.bom_rate,
                        eol="\r\n" if csv_file and rng.random() < cfg.crlf_rate else "\n",
                        quote_all=csv_file and rng.random() < cfg.quote_all_rate,
                    )

    def target(self, feed: str, index: int, seq: int) -> _File:
        """The file a row goes to (for its columns and date)."""
        return self.files[(feed, index, seq)]

    def write(
        self,
        feed: str,
        index: int,
        seq: int,
        payload: Any,
        note: BrokenNote | None = None,
        defer: bool = False,
    ) -> None:
        """Write one row; ``defer`` holds it back until after the file's next row."""
        target = self.files[(feed, index, seq)]
        if defer:
            target.pending.append((payload, note))
            return
        self._write(target, payload, note)
        if target.pending:
            waiting, target.pending = target.pending, []
            for held, held_note in waiting:
                self._write(target, held, held_note)

    def _write(self, target: _File, payload: Any, note: BrokenNote | None) -> None:
        if target.handle is None:
            target.handle = target.path.open("w", encoding="utf-8", newline="")
            if target.bom:
                target.handle.write("\ufeff")
            if target.feed != ORR:
                target.handle.write(csv_line(list(target.columns), target.quote_all, target.eol))
                target.lines = 1
        if isinstance(payload, str):
            text = payload + "\n"
        elif target.feed == ORR:
            if target.day < SEPARATED_KEY_FROM:
                payload.pop("separated_from_parent", None)
            text = json.dumps(payload, ensure_ascii=False) + "\n"
        else:
            if isinstance(payload, dict):
                payload = [payload.get(c, "") for c in target.columns]
            text = csv_line(payload, target.quote_all, target.eol)
        line = target.lines + 1
        target.lines += text.count("\n")
        target.rows += 1
        target.handle.write(text)
        if note is not None:
            self.on_broken(target.path.name, line, note)

    def close(self) -> dict[str, list[_File]]:
        """Flush held rows, write a header-only base file beside any lone ``_2``, close all."""
        for target in self.files.values():
            if target.pending:
                waiting, target.pending = target.pending, []
                for held, held_note in waiting:
                    self._write(target, held, held_note)
        for (feed, index, seq), target in self.files.items():
            if seq == 2 and target.handle is not None:
                base = self.files[(feed, index, 1)]
                if base.handle is None:
                    base.handle = base.path.open("w", encoding="utf-8", newline="")
                    if base.bom:
                        base.handle.write("\ufeff")
                    if feed != ORR:
                        base.handle.write(csv_line(list(base.columns), base.quote_all, base.eol))
        written: dict[str, list[_File]] = {feed: [] for feed in FEEDS}
        for target in self.files.values():
            if target.handle is not None:
                target.handle.close()
                written[target.feed].append(target)
        return written
