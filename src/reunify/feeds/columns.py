"""Column kinds: how one delivered value is checked against docs/validation.md and normalised.

A ``Column`` is built once per feed (see ``specs.py``) with everything the row
loop needs precomputed: the reason texts' prefixes, the code sets, the parser.
The loop then calls ``column.parse(value, warnings)`` with a non-blank value
(stripped text for CSV and JSON strings) and stores ``column.to_json(result)``
in the row's fields. A parser raises ``RowProblem`` with the full, precise
reason when the value makes the row malformed; it appends to ``warnings`` when
the value is legitimate messiness that is kept and flagged.

Parsed values stay rich (``date``, ``Instant``, ``PersonName``) until they are
turned into JSON, so that the per-feed chronology checks compare instants.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reunify.names import (
    Instant,
    NormalisationError,
    PersonName,
    birth_date,
    fold,
    normalise_a_number,
    normalise_country,
    normalise_iso2,
    parse_free_name,
    parse_iso_date,
    parse_last_comma_first,
    parse_local_minutes,
    parse_name,
    parse_offset_datetime,
    parse_stated_children,
    parse_stated_parents,
    parse_us_date,
    parse_utc_naive_datetime,
    parse_utc_z_datetime,
)

from .rows import RowProblem

Parser = Callable[[Any, list[str]], Any]

#: JSON shapes a column may hold (CSV values are always text).
TEXT, BOOL, INT, LIST = "text", "bool", "int", "list"

EARLIEST_BIRTH = datetime.date(1900, 1, 1)
ONE_DAY = datetime.timedelta(days=1)

# Documented forms (docs/validation.md rule 3: only the documented form of each
# column is accepted). The names parsers give the values; these patterns keep
# the contract exactly as FEEDS.md writes it even where names is more lenient
# (parse_us_date also reads M/D/YYYY, parse_utc_z_datetime also +00:00).
# ASCII digits only.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_US_DATE = re.compile(r"[0-9]{2}/[0-9]{2}/[0-9]{4}")
_OFFSET_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:[+-][0-9]{2}:[0-9]{2}|Z)"
)
_UTC_NAIVE_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")
_UTC_Z_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?Z")
_LOCAL_MINUTES = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}")
_A_NUMBER_NOISE = str.maketrans("", "", " .-")
_FIN = re.compile(r"[0-9]{10}")
_WHOLE = re.compile(r"[0-9]{1,3}")
# States, DC and the inhabited territories (USPS codes).
_US_STATES = frozenset(
    (
        *("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL"),
        *("IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE"),
        *("NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD"),
        *("TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI"),
    )
)


def quote(value: Any) -> str:
    """A value as it appears in a reason: strings in quotes, JSON values as JSON."""
    if isinstance(value, str):
        return repr(value)
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


@dataclass(frozen=True, slots=True)
class Column:
    """One contract column (CSV) or key (JSONL) of a feed.

    ``name`` is the header / key name, also the key under which the normalised
    value is stored in the row's fields. ``parse`` is None for text kept as
    written. ``shape`` is the JSON type the key must hold (CSV ignores it).
    ``to_json`` turns the parsed value into its JSON form (None: already JSON).
    """

    name: str
    parse: Parser | None = None
    to_json: Callable[[Any], Any] | None = None
    shape: str = TEXT


_MISSING = object()


def memoise(fn: Callable[[Any], Any], limit: int = 20_000) -> Callable[[Any], Any]:
    """A bounded memo for a pure one-argument parser of values that repeat across rows.

    Names, countries, birth dates and event times repeat a great deal in a
    delivery (a family shares surnames, a group its apprehension time); caching
    them keeps the reader fast. The memo is emptied when it reaches ``limit``
    entries, so memory stays bounded whatever the size of the file. Exceptions
    are not cached: memoised functions return a value (None for "invalid").
    """
    store: dict[Any, Any] = {}
    get = store.get

    def cached(key: Any) -> Any:
        value = get(key, _MISSING)
        if value is _MISSING:
            value = fn(key)
            if len(store) >= limit:
                store.clear()
            store[key] = value
        return value

    return cached


# --------------------------------------------------------------------------- text


def text(name: str) -> Column:
    """Free text, kept as written (surrounding blanks removed)."""
    return Column(name)


def json_text(name: str) -> Column:
    """Free text in a JSON key: same as ``text`` (the reader enforces the shape)."""
    return Column(name)


def code(name: str, codes: tuple[str, ...]) -> Column:
    """An enumerated column: the codes FEEDS.md lists, case-sensitive (rule 4)."""
    allowed = frozenset(codes)
    suffix = f" is not one of {', '.join(codes)}"

    def parse(value: str, warnings: list[str]) -> str:
        if value in allowed:
            return value
        raise RowProblem(name, f"{name} {quote(value)}{suffix}")

    return Column(name, parse)


def yes_no(name: str) -> Column:
    """``Y``/``N`` -> True/False (rule 4: anything else is an unknown code)."""

    def parse(value: str, warnings: list[str]) -> bool:
        if value == "Y":
            return True
        if value == "N":
            return False
        raise RowProblem(name, f"{name} {quote(value)} is not one of Y, N")

    return Column(name, parse)


def json_bool(name: str) -> Column:
    """A JSON boolean: only ``true``/``false``/``null`` (rule 4)."""

    def parse(value: Any, warnings: list[str]) -> bool:
        if value is True or value is False:
            return value
        raise RowProblem(name, f"{name} {quote(value)} is not a JSON boolean (true, false or null)")

    return Column(name, parse, shape=BOOL)


def whole_number(name: str) -> Column:
    """A whole number from 0 to 120 (rule 6); JSON ints, or digits as text."""
    reason = " is not a whole number from 0 to 120"

    def parse(value: Any, warnings: list[str]) -> int:
        if isinstance(value, str):
            if _WHOLE.fullmatch(value) and int(value) <= 120:
                return int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            if 0 <= value <= 120:
                return value
        elif isinstance(value, float) and value.is_integer() and 0 <= value <= 120:
            return int(value)
        raise RowProblem(name, f"{name} {quote(value)}{reason}")

    return Column(name, parse, shape=INT)


def us_state(name: str) -> Column:
    """A 2-letter US state: not an enumerated contract column, so an unknown
    value is kept as written and flagged, never quarantined."""

    def parse(value: str, warnings: list[str]) -> str:
        if value not in _US_STATES:
            warnings.append(f"{name} {value!r} is not a US state code; kept as written")
        return value

    return Column(name, parse)


# --------------------------------------------------------------------------- identifiers


def _a_number(value: str) -> str:
    digits = value.translate(_A_NUMBER_NOISE)
    if digits[:1] in ("A", "a"):
        digits = digits[1:]
    if not (len(digits) in (8, 9) and digits.isascii() and digits.isdigit()):
        raise NormalisationError("not 8 or 9 digits")
    # Hand names the bare digits: the contract (rule 5) has already decided
    # what is acceptable, names only canonicalises (pads 8 digits to 9).
    normalised = normalise_a_number(digits)
    if normalised is None:  # pragma: no cover - names returns None only for blank
        raise NormalisationError("blank")
    return normalised


def a_number(name: str) -> Column:
    """An A-number: 8 or 9 digits once ``A``/``a``, dashes, dots, spaces are removed (rule 5)."""
    reason = " is not an A-number (8 or 9 digits, optionally A-prefixed)"

    def parse(value: str, warnings: list[str]) -> str:
        try:
            return _a_number(value)
        except NormalisationError:
            raise RowProblem(name, f"{name} {quote(value)}{reason}") from None

    return Column(name, parse)


def fin(name: str) -> Column:
    """A FIN: exactly 10 digits (rule 5)."""
    reason = " is not a FIN (exactly 10 digits)"

    def parse(value: str, warnings: list[str]) -> str:
        # Exactly ten ASCII digits is already the canonical form that
        # names.normalise_fin returns (it would only remove separators, which
        # this contract does not allow), so it is not called on the hot path.
        if _FIN.fullmatch(value):
            return value
        raise RowProblem(name, f"{name} {quote(value)}{reason}")

    return Column(name, parse)


# --------------------------------------------------------------------------- countries


def _country(value: str) -> str | None:
    try:
        return normalise_country(value)
    except NormalisationError:  # UnknownCountry and any other refusal: free text
        return None


_country_memo = memoise(_country, limit=5_000)


def country_name(name: str) -> Column:
    """A country written as a name (English or Spanish): free text by contract.

    Unrecognised names are legitimate messiness: the ISO2 value is None, the
    raw row keeps what was written, and the row carries a warning.
    """

    def parse(value: str, warnings: list[str]) -> str | None:
        iso2 = _country_memo(value)
        if iso2 is None:
            warnings.append(f"{name} {value!r} not recognised; kept as written")
        return iso2

    return Column(name, parse)


def _iso2(value: str) -> str | None:
    try:
        return normalise_iso2(value)
    except NormalisationError:
        return None


_iso2_memo = memoise(_iso2, limit=5_000)


def iso2(name: str) -> Column:
    """An ISO 3166-1 alpha-2 column: must be an assigned code (rule 4)."""
    reason = " is not an assigned ISO 3166-1 alpha-2 code"

    def parse(value: str, warnings: list[str]) -> str:
        code_ = _iso2_memo(value)
        if code_ is None:
            raise RowProblem(name, f"{name} {quote(value)}{reason}")
        return code_

    return Column(name, parse)


# --------------------------------------------------------------------------- dates


def _date_parser(
    name: str,
    pattern: re.Pattern[str],
    parser: Callable[[str], datetime.date | None],
    form: str,
) -> Parser:
    reason = f" is not a valid date ({form})"

    def checked(value: str) -> datetime.date | None:
        # The documented form first (names may accept more, e.g. M/D/YYYY).
        if not pattern.fullmatch(value):
            return None
        try:
            return parser(value)
        except (NormalisationError, ValueError):
            return None

    memo = memoise(checked, limit=20_000)

    def parse(value: str, warnings: list[str]) -> datetime.date:
        parsed = memo(value)
        if parsed is None:
            raise RowProblem(name, f"{name} {quote(value)}{reason}")
        return parsed

    return parse


def _date_json(value: datetime.date) -> str:
    return value.isoformat()


def iso_date(name: str) -> Column:
    """``YYYY-MM-DD`` (rule 3)."""
    return Column(name, _date_parser(name, _ISO_DATE, parse_iso_date, "YYYY-MM-DD"), _date_json)


def us_date(name: str) -> Column:
    """``MM/DD/YYYY`` (rule 3)."""
    return Column(name, _date_parser(name, _US_DATE, parse_us_date, "MM/DD/YYYY"), _date_json)


class Moment:
    """A parsed date-time, with the forms readers need computed once.

    ``instant`` is the ``reunify.names.Instant``; ``utc`` is what chronology
    compares; ``iso`` is ``Instant.iso()`` (stored in the fields);
    ``local_date`` is the calendar date in the zone it was written in (the
    date a date-only column is compared with). Moments are memoised by the
    text they were parsed from, since one apprehension time is shared by a
    whole group and one transfer time by a whole bus.
    """

    __slots__ = ("instant", "iso", "local_date", "utc")

    def __init__(self, instant: Instant, iso: str | None = None) -> None:
        self.instant = instant
        self.utc = instant.utc
        self.iso = iso if iso is not None else instant.iso()
        self.local_date = datetime.date.fromisoformat(self.iso[:10])


# When the text is already what Instant.iso() would write (the usual case:
# seconds, no fraction, a non-zero offset or UTC), the text itself is the ISO
# form and the costly zone conversion is skipped. tests/feeds checks that both
# ways agree.
_CANONICAL_OFFSET = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}")
_CANONICAL_Z = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def _offset_iso(value: str) -> str | None:
    if _CANONICAL_OFFSET.fullmatch(value) and not value.endswith("-00:00"):
        return value
    return None


def _utc_naive_iso(value: str) -> str | None:
    return value + "+00:00"  # the documented form always has seconds and never a fraction


def _utc_z_iso(value: str) -> str | None:
    return value[:-1] + "+00:00" if _CANONICAL_Z.fullmatch(value) else None


def _moment_parser(
    pattern: re.Pattern[str],
    parser: Callable[[str], Instant | None],
    canonical: Callable[[str], str | None],
) -> Callable[[str], Moment | None]:
    """A memoised parser: the documented form (rule 3) first, then names' parser."""

    def checked(value: str) -> Moment | None:
        if not pattern.fullmatch(value):
            return None
        try:
            instant = parser(value)
        except (NormalisationError, ValueError):
            return None
        return Moment(instant, canonical(value)) if instant is not None else None

    return memoise(checked, limit=20_000)


_offset_moment = _moment_parser(_OFFSET_DATETIME, parse_offset_datetime, _offset_iso)
_utc_naive_moment = _moment_parser(_UTC_NAIVE_DATETIME, parse_utc_naive_datetime, _utc_naive_iso)
_utc_z_moment = _moment_parser(_UTC_Z_DATETIME, parse_utc_z_datetime, _utc_z_iso)


def _local(key: tuple[str, str]) -> Moment | None:
    value, zone = key
    if not _LOCAL_MINUTES.fullmatch(value):
        return None
    try:
        instant = parse_local_minutes(value, zone)
    except (NormalisationError, ValueError):
        return None
    return Moment(instant) if instant is not None else None


_local_moment = memoise(_local, limit=20_000)


def _instant_parser(name: str, memo: Callable[[str], Moment | None], form: str) -> Parser:
    reason = f" is not a valid date-time ({form})"

    def parse(value: str, warnings: list[str]) -> Moment:
        moment = memo(value)
        if moment is None:
            raise RowProblem(name, f"{name} {quote(value)}{reason}")
        return moment

    return parse


def moment_json(value: Moment) -> str:
    """A date-time as ISO 8601 with offset, in the zone it was written in."""
    return value.iso


def offset_datetime(name: str) -> Column:
    """CBP: ISO 8601 date-time with offset (rule 3)."""
    form = "YYYY-MM-DDTHH:MM:SS±HH:MM"
    return Column(name, _instant_parser(name, _offset_moment, form), moment_json)


def utc_naive_datetime(name: str) -> Column:
    """ICE: ``YYYY-MM-DDTHH:MM:SS`` in UTC, no offset (rule 3)."""
    form = "YYYY-MM-DDTHH:MM:SS, UTC"
    parse = _instant_parser(name, _utc_naive_moment, form)
    return Column(name, parse, moment_json)


def utc_z_datetime(name: str) -> Column:
    """ORR: ISO 8601 in UTC with ``Z`` (rule 3)."""
    form = "YYYY-MM-DDTHH:MM:SSZ"
    return Column(name, _instant_parser(name, _utc_z_moment, form), moment_json)


def local_minutes(name: str, value: str, zone: str) -> Moment:
    """USMS: ``YYYY-MM-DD HH:MM`` in the district's zone (rule 3).

    Not a Column: the zone comes from another column of the same row, so the
    USMS feed parses these after its columns (see ``specs.py``).
    """
    moment = _local_moment((value, zone))
    if moment is not None:
        return moment
    raise RowProblem(name, f"{name} {quote(value)} is not a valid date-time (YYYY-MM-DD HH:MM)")


# --------------------------------------------------------------------------- names


def name_json(name: PersonName | None) -> dict[str, Any] | None:
    """The common name vocabulary (FIELDS.md): raw, given, surnames, tokens, order_certain."""
    if name is None or not name.tokens:
        return None
    return {
        "raw": name.raw,
        "given": list(name.given),
        "surnames": list(name.surnames),
        "tokens": list(name.tokens),
        "order_certain": name.order_certain,
    }


_free_name_memo = memoise(parse_free_name)
_last_comma_first_memo = memoise(parse_last_comma_first)
_split_name_memo = memoise(lambda key: parse_name(*key))


def _safe_free_name(name: str, value: str, warnings: list[str]) -> PersonName | None:
    try:
        return _free_name_memo(value)
    except NormalisationError as error:
        # A name is never a reason to quarantine (validation.md lists none):
        # keep the raw text and flag it.
        warnings.append(f"{name} {value!r} could not be read as a name ({error}); kept as written")
        return None


def free_name(name: str) -> Column:
    """A name as free text (DNA kits, court findings, NGO reports)."""

    def parse(value: str, warnings: list[str]) -> PersonName | None:
        return _safe_free_name(name, value, warnings)

    return Column(name, parse, name_json)


def last_comma_first(name: str) -> Column:
    """USMS ``LAST, FIRST MIDDLE``; a name without the comma is read as free text, flagged."""

    def parse(value: str, warnings: list[str]) -> PersonName | None:
        if "," not in value:
            warnings.append(f"{name} {value!r} has no comma (LAST, FIRST); read as free text")
            return _safe_free_name(name, value, warnings)
        try:
            return _last_comma_first_memo(value)
        except NormalisationError as error:
            warnings.append(f"{name} {value!r} could not be read as a name ({error}); kept as written")
            return None

    return Column(name, parse, name_json)


def split_name(given: str | None, family: str | None, warnings: list[str]) -> PersonName | None:
    """A name delivered as given-name and family-name columns (CBP, ICE, ORR)."""
    if not given and not family:
        return None
    try:
        return _split_name_memo((given or "", family or ""))
    except NormalisationError as error:
        warnings.append(
            f"name {given or ''!r} / {family or ''!r} could not be read ({error}); kept as written"
        )
        return None


# --------------------------------------------------------------------------- birth dates


_birth_memo = memoise(lambda key: birth_date(*key), limit=20_000)


def birth(value: datetime.date | None, estimated: bool | None = None) -> Any:
    """A BirthDate (names decides whether an unflagged date looks estimated)."""
    if value is None:
        return None
    return _birth_memo((value, estimated))


# --------------------------------------------------------------------------- compound values


def stated_children(name: str) -> Column:
    """ICE ``NAME|AGE;NAME|AGE``: an AGE that is not 0..120 quarantines the row (rule 6)."""

    def parse(value: str, warnings: list[str]) -> list[dict[str, Any]]:
        try:
            children = parse_stated_children(value)
        except NormalisationError as error:
            raise RowProblem(name, f"{name}: {error}") from None
        return [{"name": name_json(child.name), "age": child.age, "raw": child.raw} for child in children]

    return Column(name, parse)


def languages(name: str) -> Column:
    """ORR languages: a list of strings, folded for comparison (raw kept beside)."""

    def parse(value: Any, warnings: list[str]) -> dict[str, list[str]]:
        written: list[str] = []
        for position, item in enumerate(value):
            if item is None or item == "":
                continue
            if isinstance(item, str):
                item = item.strip()
                if item:
                    written.append(item)
            elif isinstance(item, (list, dict)):
                raise RowProblem(name, f"{name}[{position}] must be a string, found {json_type(item)}")
            else:
                written.append(json.dumps(item))
                warnings.append(f"{name}[{position}] {quote(item)} is not a string; read as text")
        return {"folded": [fold(item) for item in written], "raw": written}

    return Column(name, parse, shape=LIST)


STATED_PARENT_RELATIONSHIPS = ("MOTHER", "FATHER", "PARENT", "OTHER")
PLACEMENT_DISCHARGE_TYPES = (
    "TRANSFER",
    "REUNIFIED_WITH_PARENT",
    "RELEASED_TO_SPONSOR",
    "AGED_OUT",
    "VOLUNTARY_DEPARTURE",
)


def json_type(value: Any) -> str:
    """The JSON type of a decoded value, for shape reasons."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__  # pragma: no cover - json.loads makes nothing else


def nested_text(column: str, where: str, item: dict[str, Any], key: str, warnings: list[str]) -> str | None:
    """A text key inside a nested object: blank -> None, scalars -> text, lists/objects refused."""
    value = item.get(key)
    if value.__class__ is str:
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        raise RowProblem(column, f"{where}.{key} must be a string, found {json_type(value)}")
    warnings.append(f"{where}.{key} {quote(value)} is not a string; read as text")
    return json.dumps(value)


def stated_parents(name: str) -> Column:
    """ORR stated_parents: a list of objects whose keys may all be null (rule 1, rule 4)."""
    relationships = frozenset(STATED_PARENT_RELATIONSHIPS)
    relationship_reason = f" is not one of {', '.join(STATED_PARENT_RELATIONSHIPS)}"

    def parse(value: Any, warnings: list[str]) -> list[dict[str, Any]]:
        cleaned: list[dict[str, Any]] = []
        for position, item in enumerate(value):
            where = f"{name}[{position}]"
            if not isinstance(item, dict):
                raise RowProblem(name, f"{where} must be an object, found {json_type(item)}")
            entry = {
                key: nested_text(name, where, item, key, warnings)
                for key in ("name", "relationship", "location", "phone")
            }
            relationship = entry["relationship"]
            if relationship is not None and relationship not in relationships:
                raise RowProblem(name, f"{where}.relationship {relationship!r}{relationship_reason}")
            cleaned.append(entry)
        try:
            parents = parse_stated_parents(cleaned)
        except NormalisationError as error:
            raise RowProblem(name, f"{name}: {error}") from None
        return [
            {
                "name": name_json(parent.name),
                "relationship": parent.relationship,
                "location": parent.location,
                "phone": parent.phone,
            }
            for parent in parents
        ]

    return Column(name, parse, shape=LIST)


def placements(name: str) -> Column:
    """ORR placements: a list of objects; date-times in UTC with Z; a discharge
    before its admission quarantines the row (rule 7)."""
    discharge_types = frozenset(PLACEMENT_DISCHARGE_TYPES)
    discharge_reason = f" is not one of {', '.join(PLACEMENT_DISCHARGE_TYPES)}"

    def instant(where: str, item: dict[str, Any], key: str, warnings: list[str]) -> Moment | None:
        value = nested_text(name, where, item, key, warnings)
        if value is None:
            return None
        moment = _utc_z_moment(value)
        if moment is not None:
            return moment
        raise RowProblem(name, f"{where}.{key} {value!r} is not a valid date-time (YYYY-MM-DDTHH:MM:SSZ)")

    def parse(value: Any, warnings: list[str]) -> list[dict[str, Any]]:
        cleaned: list[dict[str, Any]] = []
        for position, item in enumerate(value):
            where = f"{name}[{position}]"
            if not isinstance(item, dict):
                raise RowProblem(name, f"{where} must be an object, found {json_type(item)}")
            admitted = instant(where, item, "admitted_at", warnings)
            discharged = instant(where, item, "discharged_at", warnings)
            discharge_type = nested_text(name, where, item, "discharge_type", warnings)
            if discharge_type is not None and discharge_type not in discharge_types:
                raise RowProblem(name, f"{where}.discharge_type {discharge_type!r}{discharge_reason}")
            if admitted is not None and discharged is not None and discharged.utc < admitted.utc:
                raise RowProblem(
                    name,
                    f"{where}.discharged_at {item['discharged_at'].strip()!r} is before "
                    f"admitted_at {item['admitted_at'].strip()!r}",
                )
            cleaned.append(
                {
                    "program": nested_text(name, where, item, "program", warnings),
                    "program_state": nested_text(name, where, item, "program_state", warnings),
                    "admitted_at": admitted.iso if admitted is not None else None,
                    "discharged_at": discharged.iso if discharged is not None else None,
                    "discharge_type": discharge_type,
                }
            )
        return cleaned

    return Column(name, parse, shape=LIST)


# --------------------------------------------------------------------------- chronology


def born_after_date(
    dob_column: str, dob: datetime.date, event_column: str, event: datetime.date, raw: dict
) -> None:
    """Rule 7, date against date: a birth after the event's day quarantines the row."""
    if dob > event:
        raise RowProblem(
            dob_column,
            f"{dob_column} {quote(raw_value(raw, dob_column))} is after "
            f"{event_column} {quote(raw_value(raw, event_column))}",
        )


def born_after_instant(dob_column: str, dob: datetime.date, event_column: str, event: Any, raw: dict) -> None:
    """Rule 7, date against date-time: one day's tolerance.

    A date has no zone, so a birth date is only "after" an event when it is
    later than the day after the event's own (local) date.
    """
    if dob > event.local_date + ONE_DAY:
        raise RowProblem(
            dob_column,
            f"{dob_column} {quote(raw_value(raw, dob_column))} is after "
            f"{event_column} {quote(raw_value(raw, event_column))}",
        )


def born_too_early(dob_column: str, dob: datetime.date, raw: dict) -> None:
    """Rule 7: a birth date before 1900-01-01 quarantines the row."""
    if dob < EARLIEST_BIRTH:
        raise RowProblem(dob_column, f"{dob_column} {quote(raw_value(raw, dob_column))} is before 1900-01-01")


def ends_before(end_column: str, end: Any, start_column: str, start: Any, raw: dict) -> None:
    """Rule 7: an end strictly before its start (instants compared in UTC)."""
    if end is not None and start is not None and end.utc < start.utc:
        raise RowProblem(
            end_column,
            f"{end_column} {quote(raw_value(raw, end_column))} is before "
            f"{start_column} {quote(raw_value(raw, start_column))}",
        )


def raw_value(raw: dict, column: str) -> Any:
    """The value as delivered, for reasons (stripped when text)."""
    value = raw.get(column)
    return value.strip() if isinstance(value, str) else value


def future_limit() -> datetime.date:
    """The latest date a row may carry: tomorrow (UTC), read once per file.

    An extract cannot describe what has not happened yet. The delivery date in
    the file name is not used as the bound: agencies (and people writing test
    files) stamp extracts loosely, so only "after today" is certainly impossible.
    """
    return datetime.datetime.now(datetime.UTC).date() + ONE_DAY


def _latest_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    utc = getattr(value, "utc", None)
    if isinstance(utc, datetime.datetime):
        return utc.date()
    return None


def not_in_future(typed: dict[str, Any], limit: datetime.date, raw: dict) -> None:
    """Rule 7: a date or date-time later than the day of reading is impossible."""
    for column, value in typed.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            candidates = item.items() if isinstance(item, dict) else [(column, item)]
            for name, candidate in candidates:
                found = _latest_date(candidate)
                if found is not None and found > limit:
                    label = column if name == column else f"{column}.{name}"
                    shown = raw_value(raw, column) if name == column else found.isoformat()
                    raise RowProblem(column, f"{label} {quote(shown)} is in the future")
