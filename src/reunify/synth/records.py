"""From simulated facts to feed rows: versions, corrections and broken rows.

Every record is built as a list of *versions* ``(known_at, row)``: an ICE stay
is known open at book-in and closed at book-out, an ORR referral changes with
each placement.  ``Emitter.emit`` maps the versions onto the feed's delivery
schedule (the last state known before each delivery wins), may add a later
correction (an earlier version carried a wrong name, birth date or A-number),
may break the record on purpose (then it is written once, never re-sent), and
records the truth line of ``persons.csv``.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from .breakage import break_row
from .clock import DATA_END, DAY, SEPARATED_KEY_FROM, iso_date, us_date
from .config import SynthConfig
from .deliveries import CBP, COURT, DNA, FEEDS, ICE, NGO, ORR, USMS, DeliveryFiles, Schedule
from .people import Person, Scribe

Version = tuple[dt.datetime, dict[str, Any]]

# Per feed: (name columns, (dob column, form), a-number column) for corrections.
_CORRECTABLE: dict[str, tuple[tuple[str, ...], tuple[str, str] | None, str | None]] = {
    CBP: (("last_name", "first_name"), ("dob", "iso"), "a_number"),
    USMS: (("name",), ("dob", "us"), "a_number"),
    ICE: (("last_name", "first_name"), ("dob", "iso"), "a_number"),
    ORR: (("first_name", "last_name"), ("dob", "us"), "a_number"),
    DNA: (("adult_name",), None, "adult_a_number"),
    COURT: (("subject_name",), ("subject_dob", "iso"), "a_number"),
    NGO: (("parent_name",), ("parent_dob", "iso"), None),
}


class Emitter:
    """Writes records to their deliveries and keeps the counts the summary reports."""

    def __init__(
        self,
        rng: random.Random,
        cfg: SynthConfig,
        scribe: Scribe,
        files: DeliveryFiles,
        schedules: dict[str, Schedule],
        write_person: Callable[[str, str, str], None],
    ) -> None:
        self.rng = rng
        self.cfg = cfg
        self.scribe = scribe
        self.files = files
        self.schedules = schedules
        self.write_person = write_person
        self.records = dict.fromkeys(FEEDS, 0)
        self.malformed_records = dict.fromkeys(FEEDS, 0)
        self.corrections = 0
        self._rows_all = 0
        self._rows_breakable = 0
        self._broken_rows = 0
        #: The newest well-formed version of the last record emitted (None when
        #: it was broken or not delivered): what the truth may quote of it.
        self.last_row: dict[str, Any] | None = None

    # ------------------------------------------------------------------ core
    def emit(
        self,
        feed: str,
        record_id: str,
        person: Person,
        versions: list[Version],
        protect: bool = False,
        force_broken: bool = False,
    ) -> bool:
        """Deliver one record; returns whether it was delivered at all.

        ``protect`` keeps a record well-formed because the truth files quote
        it (the ORR discharge of a reunification, the stay of a removal).
        ``force_broken`` writes it malformed whatever the rates say (a protected
        CBP row broken at ``broken_protected_cbp_rate``); such rows stay out of
        the running ``broken_rate`` target, which keeps its own meaning.
        """
        rng = self.rng
        self.last_row = None
        schedule = self.schedules[feed]
        slots: list[tuple[int, dict[str, Any]]] = []
        for known_at, row in versions:
            index = schedule.index_for(known_at)
            if index is None:
                continue
            if slots and slots[-1][0] == index:
                slots[-1] = (index, row)
            elif slots and slots[-1][0] > index:
                raise AssertionError(f"{feed}:{record_id}: versions out of order")
            else:
                slots.append((index, row))
        if not slots:
            return False
        self.records[feed] += 1
        key = f"{feed}:{record_id}"
        count = len(slots)
        self._rows_all += count
        if not protect:
            self._rows_breakable += count
        if force_broken:
            self._emit_broken(feed, key, person, slots[-1], counted=False)
            return True
        if not protect and self.cfg.broken_rate > 0:
            # Protected records cannot break, and their share drifts over the
            # period, so aim at the running target: the configured share of all
            # rows so far, nudged by how far behind or ahead the count is.
            rate = self.cfg.broken_rate
            boost = (self._rows_all + 200) / (self._rows_breakable + 200)
            deficit = rate * self._rows_all - self._broken_rows
            if rng.random() < rate * count * boost + 0.02 * deficit:
                self._emit_broken(feed, key, person, slots[-1])
                return True
        if rng.random() < self.cfg.correction_rate:
            slots = self._corrected(feed, schedule, versions[-1][0], slots)
        for index, row in slots:
            seq = 2 if schedule.has_second[index] and rng.random() < 0.35 else 1
            self.files.write(feed, index, seq, row)
        person.rows += len(slots)
        person.ok_rows += len(slots)
        self.write_person(key, person.pid, "N")
        self.last_row = slots[-1][1]
        return True

    def _emit_broken(
        self,
        feed: str,
        key: str,
        person: Person,
        slot: tuple[int, dict[str, Any]],
        counted: bool = True,
    ) -> None:
        """Write the record once, broken; one in twelve as a duplicate pair in one file."""
        rng = self.rng
        index, row = slot
        schedule = self.schedules[feed]
        seq = 2 if schedule.has_second[index] and rng.random() < 0.35 else 1
        target = self.files.target(feed, index, seq)
        if feed == ORR:
            row = copy.deepcopy(row)
            if target.day < SEPARATED_KEY_FROM:
                row.pop("separated_from_parent", None)
            good = copy.deepcopy(row)
        else:
            row = {c: row.get(c, "") for c in target.columns}
            good = dict(row)
        duplicate = rng.random() < 1 / 12
        payload, kind, rule = break_row(row, feed, rng, target.columns, field_only=duplicate)
        self.files.write(feed, index, seq, payload, note=(key, kind, rule))
        rows = 1
        if duplicate:
            # The same record id again in the same file, this time well-formed:
            # a second row for one id is itself malformed (validation rule 2).
            self.files.write(feed, index, seq, good, note=(key, "duplicate_record_id", 2), defer=True)
            rows = 2
        person.rows += rows
        if counted:
            self._broken_rows += rows
        self.malformed_records[feed] += 1
        self.write_person(key, person.pid, "Y")

    def _corrected(
        self,
        feed: str,
        schedule: Schedule,
        last_known: dt.datetime,
        slots: list[tuple[int, dict[str, Any]]],
    ) -> list[tuple[int, dict[str, Any]]]:
        """Earlier versions get one wrong value; a later delivery re-sends the row fixed."""
        rng = self.rng
        when = last_known + DAY * rng.randint(7, 75)
        if when > DATA_END:
            return slots
        index = schedule.index_for(when)
        if index is None or index <= slots[-1][0]:
            return slots
        final = slots[-1][1]
        change = self._wrong_value(feed, final)
        if change is None:
            return slots
        column, value = change
        wrong = []
        for slot_index, row in slots:
            row = copy.deepcopy(row) if feed == ORR else dict(row)
            row[column] = value
            wrong.append((slot_index, row))
        self.corrections += 1
        return [*wrong, (index, final)]

    def _wrong_value(self, feed: str, row: dict[str, Any]) -> tuple[str, Any] | None:
        names, dob, a_column = _CORRECTABLE[feed]
        options: list[str] = []
        if any(row.get(n) for n in names):
            options.append("name")
        if dob is not None and row.get(dob[0]):
            options.append("dob")
        if a_column is not None and row.get(a_column):
            options.append("a_number")
        if not options:
            return None
        what = options[self.rng.randrange(len(options))]
        if what == "name":
            column = next(n for n in names if row.get(n))
            return column, self.scribe.typo(row[column])
        if what == "dob":
            assert dob is not None
            column, form = dob
            text = row[column]
            day = (
                dt.date.fromisoformat(text)
                if form == "iso"
                else dt.date(int(text[6:]), int(text[:2]), int(text[3:5]))
            )
            # Always earlier, so a wrong birth date never falls after the event.
            earlier = day - DAY * self.rng.randint(1, 400)
            if earlier < dt.date(1900, 1, 1):
                return None  # a placeholder date of 1900-01-01 has nowhere earlier to go
            return column, iso_date(earlier) if form == "iso" else us_date(earlier)
        assert a_column is not None
        text = row[a_column]
        digits = [i for i, ch in enumerate(text) if ch.isdigit()]
        i = digits[self.rng.randrange(len(digits))]
        replacement = str((int(text[i]) + self.rng.randint(1, 9)) % 10)
        return a_column, text[:i] + replacement + text[i + 1 :]
