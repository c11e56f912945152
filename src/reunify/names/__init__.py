"""Normalisation of the values the agency feeds write in many ways.

Pure functions, no Django, no I/O: names (:mod:`.personal`), phonetic keys
(:mod:`.phonetic`), text folding (:mod:`.text`), A-numbers and FINs
(:mod:`.identifiers`), countries (:mod:`.countries`), dates and instants
(:mod:`.dates`) and the semi-structured "stated family" fields (:mod:`.stated`).
Every function returns ``None`` (or an empty value) for a blank input and raises
a :class:`NormalisationError` (a ``ValueError``) whose message is fit to show a
data officer as the reason a row was quarantined.
"""

from __future__ import annotations

from .countries import normalise_country, normalise_iso2
from .dates import (
    BirthDate,
    Instant,
    birth_date,
    day_month_swapped,
    district_zone,
    parse_iso_date,
    parse_local_minutes,
    parse_offset_datetime,
    parse_us_date,
    parse_utc_naive_datetime,
    parse_utc_z_datetime,
)
from .errors import InvalidDate, InvalidIdentifier, NormalisationError, UnknownCountry
from .identifiers import normalise_a_number, normalise_fin
from .personal import (
    PersonName,
    name_tokens,
    names_swapped,
    parse_free_name,
    parse_last_comma_first,
    parse_name,
)
from .phonetic import phonetic_key
from .stated import (
    RELATIONSHIPS,
    StatedChild,
    StatedParent,
    parse_stated_children,
    parse_stated_parents,
)
from .text import compact, fold

__all__ = [
    "RELATIONSHIPS",
    "BirthDate",
    "Instant",
    "InvalidDate",
    "InvalidIdentifier",
    "NormalisationError",
    "PersonName",
    "StatedChild",
    "StatedParent",
    "UnknownCountry",
    "birth_date",
    "compact",
    "day_month_swapped",
    "district_zone",
    "fold",
    "name_tokens",
    "names_swapped",
    "normalise_a_number",
    "normalise_country",
    "normalise_fin",
    "normalise_iso2",
    "parse_free_name",
    "parse_iso_date",
    "parse_last_comma_first",
    "parse_local_minutes",
    "parse_name",
    "parse_offset_datetime",
    "parse_stated_children",
    "parse_stated_parents",
    "parse_us_date",
    "parse_utc_naive_datetime",
    "parse_utc_z_datetime",
    "phonetic_key",
]
