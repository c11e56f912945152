"""What people said about their family: ICE ``stated_children``, ORR ``stated_parents``.

These fields are often the only link a record gives between a parent and a
child, so every item is kept, even when it carries only a name or only an age;
an item is refused only where validation.md says a row must be quarantined
(an age that is not a whole number from 0 to 120, a stated_parents value of the
wrong shape, a relationship outside the documented codes).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import NormalisationError
from .personal import PersonName, parse_free_name

__all__ = [
    "RELATIONSHIPS",
    "StatedChild",
    "StatedParent",
    "parse_stated_children",
    "parse_stated_parents",
]

MAX_AGE = 120
RELATIONSHIPS: tuple[str, ...] = ("MOTHER", "FATHER", "PARENT", "OTHER")
_WHOLE_NUMBER = re.compile(r"[0-9]{1,3}")


@dataclass(frozen=True)
class StatedChild:
    """One child an adult named at interview: the name, the age in years if given, the item as written."""

    name: PersonName
    age: int | None
    raw: str


def parse_stated_children(raw: str | None) -> list[StatedChild]:
    """Parse ICE ``stated_children``: ``NAME|AGE`` items separated by ``;``.

    ``JUAN CARLOS LOPEZ|6;MARIA LOPEZ|9`` gives two children. AGE may be blank
    (``MARIA|``) or absent with its bar (``MARIA``); spaces around separators
    and empty items (``a|3;;b|4;``, a lone ``|``) are ignored. An AGE that is not a whole
    number from 0 to 120 raises :class:`NormalisationError` naming the item.
    Blank gives an empty list.
    """
    if raw is None:
        return []
    if not isinstance(raw, str):
        raise NormalisationError(f"stated_children {raw!r} is not text; expected NAME|AGE;...")
    children: list[StatedChild] = []
    for part in raw.split(";"):
        item = part.strip()
        if not item:
            continue
        name_text, bar, age_text = item.partition("|")
        age_text = age_text.strip()
        if "|" in age_text:
            raise NormalisationError(f"stated child {item!r} has more than one '|'; expected NAME|AGE")
        age: int | None = None
        if bar and age_text:
            if not _WHOLE_NUMBER.fullmatch(age_text) or int(age_text) > MAX_AGE:
                raise NormalisationError(
                    f"stated child {item!r}: age {age_text!r} is not a whole number from 0 to {MAX_AGE}"
                )
            age = int(age_text)
        name = parse_free_name(name_text.strip())
        if name.is_empty and age is None:
            continue  # "|" alone says nothing about a child
        children.append(StatedChild(name=name, age=age, raw=item))
    return children


@dataclass(frozen=True)
class StatedParent:
    """One parent a child (or staff) reported: every part may be unknown."""

    name: PersonName
    relationship: str | None
    location: str | None
    phone: str | None


def _optional_text(value: object) -> str | None:
    """None, NaN or blank -> None; text stripped; a number or other scalar kept as its text.

    validation.md does not quarantine a row for, say, a phone sent as a JSON
    number, so such a value is kept rather than refused.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = value if isinstance(value, str) else str(value)
    return text.strip() or None


def parse_stated_parents(value: object) -> list[StatedParent]:
    """Parse ORR ``stated_parents``, a decoded JSON list of ``{name, relationship, location, phone}``.

    ``None`` gives an empty list. A value that is not a list, an item that is
    not an object, or a relationship other than MOTHER, FATHER, PARENT, OTHER
    (case-sensitive, as documented) or null raises :class:`NormalisationError`.
    Missing keys and nulls are unknowns; unknown extra keys are ignored here (the
    raw row keeps them).
    """
    if value is None:
        return []
    if not isinstance(value, list):
        raise NormalisationError(
            f"stated_parents is {type(value).__name__} {value!r}; expected a list of objects"
        )
    parents: list[StatedParent] = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise NormalisationError(
                f"stated_parents item {number} is {type(item).__name__} {item!r}; "
                "expected an object with name, relationship, location, phone"
            )
        relationship = item.get("relationship")
        if relationship == "":
            relationship = None
        if relationship is not None and relationship not in RELATIONSHIPS:
            raise NormalisationError(
                f"stated_parents item {number}: relationship {relationship!r} is not one of "
                f"{', '.join(RELATIONSHIPS)}"
            )
        parents.append(
            StatedParent(
                name=parse_free_name(_optional_text(item.get("name"))),
                relationship=relationship,
                location=_optional_text(item.get("location")),
                phone=_optional_text(item.get("phone")),
            )
        )
    return parents
