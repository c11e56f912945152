"""Time in the scenario: instants in UTC, and each feed's own way of writing them.

Every instant is a naive ``datetime`` in UTC with whole minutes.  Local time is
only produced when a feed writes it (CBP with its offset, USMS as the
district's wall clock), using the US daylight-saving rule of 2007 on, which is
all the years 2017–2018 need; the generator does not depend on a tz database.
"""

from __future__ import annotations

import datetime as dt

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)

FIRST_APPREHENSION = dt.date(2017, 7, 1)
ZERO_TOLERANCE = dt.date(2018, 4, 6)
LAST_APPREHENSION = dt.date(2018, 6, 20)
SEPARATED_COLUMN_FROM = dt.date(2018, 4, 19)
SEPARATED_KEY_FROM = dt.date(2018, 7, 5)
COURT_ORDER = dt.date(2018, 6, 26)
#: Nothing happens after this instant: it is "the end of the data".
DATA_END = dt.datetime(2018, 12, 15, 23, 59)
#: Every feed's last delivery, so that every event up to DATA_END is delivered.
FINAL_DELIVERY = dt.date(2018, 12, 17)

_STANDARD = {"C": -6 * 60, "M": -7 * 60, "P": -8 * 60, "AZ": -7 * 60}


def _nth_sunday(year: int, month: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def _dst_windows() -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    windows: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    for zone, standard in _STANDARD.items():
        spans = []
        if zone != "AZ":
            for year in (2016, 2017, 2018, 2019):
                start_local = dt.datetime.combine(_nth_sunday(year, 3, 2), dt.time(2))
                end_local = dt.datetime.combine(_nth_sunday(year, 11, 1), dt.time(2))
                start = start_local - dt.timedelta(minutes=standard)
                end = end_local - dt.timedelta(minutes=standard + 60)
                spans.append((start, end))
        windows[zone] = spans
    return windows


_DST = _dst_windows()


def offset_minutes(zone: str, utc: dt.datetime) -> int:
    """The zone's offset from UTC at that instant, in minutes (e.g. -360)."""
    standard = _STANDARD[zone]
    for start, end in _DST[zone]:
        if start <= utc < end:
            return standard + 60
    return standard


def with_offset(utc: dt.datetime, offset: int) -> str:
    """CBP form: ``2018-05-03T04:12:00-06:00`` (local wall time and its offset)."""
    local = utc + dt.timedelta(minutes=offset)
    sign = "-" if offset < 0 else "+"
    hours, minutes = divmod(abs(offset), 60)
    return f"{local.isoformat()}{sign}{hours:02d}:{minutes:02d}"


def utc_plain(utc: dt.datetime) -> str:
    """ICE form: ``2018-05-03T10:12:00`` (UTC, no offset)."""
    return utc.isoformat()


def utc_z(utc: dt.datetime) -> str:
    """ORR form: ``2018-05-03T10:12:00Z``."""
    return utc.isoformat() + "Z"


def local_minutes(utc: dt.datetime, zone: str) -> str:
    """USMS form: ``2018-05-03 04:12``, the district's wall clock, no offset."""
    local = utc + dt.timedelta(minutes=offset_minutes(zone, utc))
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"


def iso_date(day: dt.date) -> str:
    """``YYYY-MM-DD``."""
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def us_date(day: dt.date) -> str:
    """``MM/DD/YYYY``."""
    return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"


def local_date(utc: dt.datetime, offset: int) -> dt.date:
    """The calendar date at that instant in a zone given by its offset."""
    return (utc + dt.timedelta(minutes=offset)).date()


def age_on(dob: dt.date, day: dt.date) -> int:
    """Whole years of age on a day."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def daytime(day: dt.date, rng_minute: int) -> dt.datetime:
    """An instant on ``day`` between 14:00 and 22:00 UTC (daytime in every US zone).

    Used for hand-overs (discharges, releases) so that the UTC date written by
    ORR and ICE is the local date of the hand-over too.
    """
    return dt.datetime.combine(day, dt.time(14)) + dt.timedelta(minutes=rng_minute % 480)


def local_to_utc(local: dt.datetime, zone: str) -> tuple[dt.datetime, int]:
    """A local wall-clock time in a zone -> (UTC instant, offset in minutes)."""
    offset = offset_minutes(zone, local - dt.timedelta(minutes=_STANDARD[zone]))
    return local - dt.timedelta(minutes=offset), offset
