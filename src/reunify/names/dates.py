"""Dates and instants, each feed's documented form only.

Every feed writes dates and times its own way: CBP with an offset, ICE in UTC
without one, ORR in UTC with ``Z``, USMS in the local time of the court's
district. Chronology checks and custody timelines compare *instants*, so every
date-time becomes an :class:`Instant` (UTC plus the zone it was written in, to
show it back as written and to know its local date). Each parser accepts only
its column's documented form (validation.md, rule 3): a value in another form is
a data error the source must hear about, not something to guess at.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InvalidDate, NormalisationError
from .text import compact

__all__ = [
    "BirthDate",
    "Instant",
    "birth_date",
    "day_month_swapped",
    "district_zone",
    "parse_iso_date",
    "parse_local_minutes",
    "parse_offset_datetime",
    "parse_us_date",
    "parse_utc_naive_datetime",
    "parse_utc_z_datetime",
]

_D = "[0-9]"  # ASCII digits only: str.isdigit() and \d also accept other scripts' digits
_ISO_DATE = re.compile(rf"({_D}{{4}})-({_D}{{2}})-({_D}{{2}})")
_US_DATE = re.compile(rf"({_D}{{1,2}})/({_D}{{1,2}})/({_D}{{4}})")
_DATE_TIME = rf"({_D}{{4}})-({_D}{{2}})-({_D}{{2}})T({_D}{{2}}):({_D}{{2}})"
_SECONDS = rf"(?::({_D}{{2}})(?:\.({_D}{{1,6}}))?)?"
_ZONE = rf"(Z|[+-]{_D}{{2}}:{_D}{{2}})"
_OFFSET_DATE_TIME = re.compile(_DATE_TIME + _SECONDS + _ZONE)
_NAIVE_DATE_TIME = re.compile(_DATE_TIME + _SECONDS)
_UTC_NAIVE = re.compile(rf"{_DATE_TIME}:({_D}{{2}})")
_LOCAL_MINUTES = re.compile(rf"({_D}{{4}})-({_D}{{2}})-({_D}{{2}}) ({_D}{{2}}):({_D}{{2}})")
_OFFSET_NAME = re.compile(rf"([+-])({_D}{{2}}):({_D}{{2}})")

_UTC = dt.UTC


def _text(raw: object, form: str) -> str | None:
    """Blank -> None, text -> stripped text, anything else -> error naming ``form``."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InvalidDate(f"{raw!r} is not {form}")
    text = raw.strip()
    return text or None


# ---------------------------------------------------------------- dates


def parse_iso_date(raw: str | None) -> dt.date | None:
    """Parse ``YYYY-MM-DD`` strictly; None when blank."""
    text = _text(raw, "a date in the form YYYY-MM-DD")
    if text is None:
        return None
    match = _ISO_DATE.fullmatch(text)
    if match is None:
        raise InvalidDate(f"{raw!r} is not a date in the form YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidDate(f"{raw!r} is not a valid date (YYYY-MM-DD)") from None


def parse_us_date(raw: str | None) -> dt.date | None:
    """Parse ``MM/DD/YYYY`` (also ``M/D/YYYY``) strictly; None when blank.

    Only the US order is read: ``13/05/2018`` is an error, never 13 May, since a
    feed documented as MM/DD/YYYY that writes a day first is wrong everywhere.
    """
    text = _text(raw, "a date in the form MM/DD/YYYY")
    if text is None:
        return None
    match = _US_DATE.fullmatch(text)
    if match is None:
        raise InvalidDate(f"{raw!r} is not a date in the form MM/DD/YYYY")
    month, day, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidDate(f"{raw!r} is not a valid date (MM/DD/YYYY)") from None


@dataclass(frozen=True)
class BirthDate:
    """A date of birth, and whether it is an agency's estimate.

    Agencies that do not know a child's birthday write 1 January of the
    estimated year; linkage must weigh such a date as "born around that year",
    not as an exact day.
    """

    value: dt.date
    estimated: bool

    def iso(self) -> str:
        """The date as ``YYYY-MM-DD``."""
        return self.value.isoformat()


def birth_date(value: dt.date | None, estimated_flag: bool | None = None) -> BirthDate | None:
    """Wrap a date of birth with its estimate flag; None when there is no date.

    A source that says whether the date is estimated (ORR ``dob_estimated``) is
    believed, either way. Without such a flag (``None``), a date on 1 January is
    taken as an estimate, since that is how agencies write one.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if estimated_flag is not None:
        return BirthDate(value=value, estimated=bool(estimated_flag))
    return BirthDate(value=value, estimated=value.month == 1 and value.day == 1)


def day_month_swapped(a: dt.date, b: dt.date) -> bool:
    """True when ``b`` is ``a`` with day and month exchanged (5 March / 3 May).

    Feeds swap day and month of birth dates; such a pair is weak agreement, not
    disagreement. Equal dates are not "swapped".
    """
    return a != b and a.year == b.year and a.day == b.month and a.month == b.day


# ---------------------------------------------------------------- instants


@functools.lru_cache(maxsize=512)
def _zone(name: str) -> dt.tzinfo:
    """The tzinfo for an :attr:`Instant.tz` name: "UTC", "+HH:MM"/"-HH:MM" or an IANA zone.

    Cached because a feed writes the same handful of zones on every row and building
    a tzinfo dominated the cost of reading a date-time.
    """
    if name == "UTC":
        return _UTC
    match = _OFFSET_NAME.fullmatch(name)
    if match is not None:
        sign, hours, minutes = match.groups()
        delta = dt.timedelta(hours=int(hours), minutes=int(minutes))
        return dt.timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise NormalisationError(f"{name!r} is not a known time zone") from None


@dataclass(frozen=True)
class Instant:
    """A moment in time, and the zone its source wrote it in.

    ``utc`` is what is compared and stored; ``tz`` ("-06:00", "UTC" or an IANA
    name such as "America/Denver") lets the moment be shown as written and gives
    its local date, which is what separations are dated by.
    """

    utc: dt.datetime
    tz: str

    def __post_init__(self) -> None:
        offset = self.utc.utcoffset()
        if offset is None or offset != dt.timedelta(0):
            raise ValueError(f"Instant.utc must be an aware UTC datetime, got {self.utc!r}")
        _zone(self.tz)

    def local(self) -> dt.datetime:
        """The moment as an aware datetime in the zone it was written in."""
        return self.utc.astimezone(_zone(self.tz))

    def iso(self) -> str:
        """ISO 8601 in the zone it was written in, with offset: ``2018-05-03T04:12:00-06:00``."""
        return self.local().isoformat()

    def local_date(self) -> dt.date:
        """The calendar date in the zone it was written in."""
        return self.local().date()


def _offset(text: str, raw: object) -> tuple[dt.tzinfo, str]:
    """The tzinfo and :attr:`Instant.tz` name for a written offset ("Z" or "±HH:MM")."""
    if text == "Z":
        return _UTC, "UTC"
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 23 or minutes > 59:
        raise InvalidDate(f"{raw!r} has an impossible UTC offset {text!r}")
    return _zone(text), text


def _build(raw: object, groups: tuple[str | None, ...], tzinfo: dt.tzinfo, valid_form: str) -> dt.datetime:
    year, month, day, hour, minute = (int(part) for part in groups[:5])
    second = int(groups[5]) if len(groups) > 5 and groups[5] else 0
    fraction = groups[6] if len(groups) > 6 and groups[6] else ""
    microsecond = int(fraction.ljust(6, "0")) if fraction else 0
    try:
        return dt.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=tzinfo)
    except ValueError:
        raise InvalidDate(f"{raw!r} is not a valid date-time ({valid_form})") from None


def parse_offset_datetime(raw: str | None) -> Instant | None:
    """Parse CBP's ISO 8601 date-time with offset, e.g. ``2018-05-03T04:12:00-06:00``.

    The offset is required (``Z`` is accepted, as UTC): without it the moment
    cannot be placed, and guessing the station's zone would hide a source error.
    Seconds and fractional seconds are optional.
    """
    form = "an ISO 8601 date-time with offset, e.g. 2018-05-03T04:12:00-06:00"
    text = _text(raw, form)
    if text is None:
        return None
    match = _OFFSET_DATE_TIME.fullmatch(text)
    if match is None:
        if _NAIVE_DATE_TIME.fullmatch(text):
            raise InvalidDate(f"{raw!r} has no UTC offset; expected {form}")
        raise InvalidDate(f"{raw!r} is not {form}")
    tzinfo, tz = _offset(match.group(8), raw)
    moment = _build(raw, match.groups()[:7], tzinfo, "YYYY-MM-DDTHH:MM:SS±HH:MM")
    return Instant(utc=moment.astimezone(_UTC), tz=tz)


def parse_utc_naive_datetime(raw: str | None) -> Instant | None:
    """Parse ICE's ``YYYY-MM-DDTHH:MM:SS``, which is UTC written without an offset.

    Only that form is accepted: a value with an offset or ``Z``, or without
    seconds, is not what the feed documents and is reported, not reinterpreted.
    """
    form = "a date-time in the form YYYY-MM-DDTHH:MM:SS (UTC, no offset)"
    text = _text(raw, form)
    if text is None:
        return None
    match = _UTC_NAIVE.fullmatch(text)
    if match is None:
        if _OFFSET_DATE_TIME.fullmatch(text):
            raise InvalidDate(f"{raw!r} has a UTC offset; expected {form}")
        raise InvalidDate(f"{raw!r} is not {form}")
    moment = _build(raw, match.groups(), _UTC, "YYYY-MM-DDTHH:MM:SS")
    return Instant(utc=moment, tz="UTC")


def parse_utc_z_datetime(raw: str | None) -> Instant | None:
    """Parse ORR's ISO 8601 UTC date-time: ``2018-07-02T15:04:05Z``.

    ``+00:00`` instead of ``Z`` and fractional seconds are accepted (both are
    the same instant in ISO 8601); any other offset, or none, is an error,
    because the feed promises UTC.
    """
    form = "an ISO 8601 date-time in UTC, e.g. 2018-07-02T15:04:05Z"
    text = _text(raw, form)
    if text is None:
        return None
    match = _OFFSET_DATE_TIME.fullmatch(text)
    if match is None:
        if _NAIVE_DATE_TIME.fullmatch(text):
            raise InvalidDate(f"{raw!r} has no Z (UTC) suffix; expected {form}")
        raise InvalidDate(f"{raw!r} is not {form}")
    zone = match.group(8)
    if zone not in ("Z", "+00:00", "-00:00"):
        raise InvalidDate(f"{raw!r} is not in UTC (offset {zone}); expected {form}")
    moment = _build(raw, match.groups()[:7], _UTC, "YYYY-MM-DDTHH:MM:SSZ")
    return Instant(utc=moment, tz="UTC")


def parse_local_minutes(raw: str | None, zone: str) -> Instant | None:
    """Parse USMS's ``YYYY-MM-DD HH:MM``, a local time in the IANA ``zone``.

    Local times around a daylight-saving change are resolved with ``fold=0``,
    the rule of Python's zoneinfo, so that the same text always gives the same
    instant: a time that occurs twice (the autumn hour repeated) is the first
    occurrence, still on daylight time; a time that does not exist (the spring
    hour skipped) is read with the offset in force before the change, i.e. as
    standard time (02:30 in Chicago on 2018-03-11 is 08:30 UTC, shown as 03:30
    daylight time).
    """
    form = "a local date-time in the form YYYY-MM-DD HH:MM"
    text = _text(raw, form)
    if text is None:
        return None
    match = _LOCAL_MINUTES.fullmatch(text)
    if match is None:
        raise InvalidDate(f"{raw!r} is not {form}")
    moment = _build(raw, match.groups(), _zone(zone), "YYYY-MM-DD HH:MM")
    return Instant(utc=moment.replace(fold=0).astimezone(_UTC), tz=zone)


# ---------------------------------------------------------------- USMS districts

_MOUNTAIN = "America/Denver"
_CENTRAL = "America/Chicago"
_ARIZONA = "America/Phoenix"
_PACIFIC = "America/Los_Angeles"

_WESTERN_TEXAS = ("W.D. Tex.", "W.D. Tx.", "Western District of Texas")

# Federal districts of the border states, by their usual abbreviations and
# names; looked up by compact folded form, so that "W.D. Tex.", "WD TEX" and
# "W. D. Tex" are one district.
_DISTRICTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (_CENTRAL, _WESTERN_TEXAS),
    (_CENTRAL, ("S.D. Tex.", "S.D. Tx.", "Southern District of Texas")),
    (_CENTRAL, ("N.D. Tex.", "N.D. Tx.", "Northern District of Texas")),
    (_CENTRAL, ("E.D. Tex.", "E.D. Tx.", "Eastern District of Texas")),
    (_MOUNTAIN, ("D.N.M.", "D.N. Mex.", "District of New Mexico")),
    (_ARIZONA, ("D. Ariz.", "D. Az.", "District of Arizona")),
    (_PACIFIC, ("S.D. Cal.", "S.D. Calif.", "S.D. Ca.", "Southern District of California")),
    (_PACIFIC, ("C.D. Cal.", "C.D. Calif.", "C.D. Ca.", "Central District of California")),
    (_PACIFIC, ("E.D. Cal.", "E.D. Calif.", "E.D. Ca.", "Eastern District of California")),
    (_PACIFIC, ("N.D. Cal.", "N.D. Calif.", "N.D. Ca.", "Northern District of California")),
)
_DISTRICT_ZONES = {compact(name): zone for zone, names in _DISTRICTS for name in names}
_WESTERN_TEXAS_KEYS = frozenset(compact(name) for name in _WESTERN_TEXAS)
_EL_PASO_CASE = re.compile(r"\s*EP(?![A-Z])", re.IGNORECASE)


def district_zone(district: str | None, case_number: str | None = None) -> str:
    """Return the IANA time zone in which a USMS district writes its local times.

    Most of the Western District of Texas keeps Central time, but its El Paso
    division (case numbers starting ``EP``, e.g. ``EP-18-MJ-01234``) keeps
    Mountain time. An unknown or blank district gives ``"UTC"``, never a guessed
    border zone: the caller can see that the zone is unknown and flag the
    booking, whereas a plausible guess would silently shift its times by hours.
    """
    key = compact(district)
    zone = _DISTRICT_ZONES.get(key)
    if zone is None:
        return "UTC"
    if key in _WESTERN_TEXAS_KEYS and case_number and _EL_PASO_CASE.match(case_number):
        return _MOUNTAIN
    return zone
