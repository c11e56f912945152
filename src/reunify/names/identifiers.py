"""Identifiers shared across agencies: A-numbers and FINs.

An A-number is the one identifier that several agencies record for the same
person, but each writes it differently (``A123456789``, ``A-123-456-789``,
``123456789``, 8 digits without the leading zero). Linkage compares them as
plain 9-digit strings, so every form is reduced to that here, and anything else
is refused with a message precise enough for a data officer to fix the row.
"""

from __future__ import annotations

import unicodedata

from .errors import InvalidIdentifier

__all__ = ["normalise_a_number", "normalise_fin"]


def _as_text(raw: object, label: str) -> str | None:
    """Blank -> None; a whole number (a JSON feed may send one) -> its digits."""
    if raw is None:
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    if not isinstance(raw, str):
        raise InvalidIdentifier(f"{label} {raw!r} is not text; expected digits")
    return raw if raw.strip() else None


def _split_digits(text: str, separators: str) -> tuple[str, str]:
    """Return (ASCII digits, other characters) of ``text``, dropping separators.

    ``separators`` lists the ASCII separators allowed besides whitespace; a
    "-" in it also allows the Unicode dashes (en dash and the like) that word
    processors put in place of a hyphen.
    """
    dashes = "-" in separators
    digits: list[str] = []
    others: list[str] = []
    for char in text:
        if "0" <= char <= "9":
            digits.append(char)
        elif not (char.isspace() or char in separators or (dashes and unicodedata.category(char) == "Pd")):
            others.append(char)
    return "".join(digits), "".join(others)


def normalise_a_number(raw: str | None) -> str | None:
    """Return the A-number as 9 digits, or None when blank.

    Accepted: an optional leading ``A``/``a``, then 8 or 9 digits, optionally
    separated by dashes, dots or spaces. An 8-digit A-number is an old number
    written without its leading zero, so it is padded back to 9 digits.
    """
    text = _as_text(raw, "A-number")
    if text is None:
        return None
    body = text.strip()
    if body[:1] in ("A", "a"):
        body = body[1:]
    digits, others = _split_digits(body, "-.")
    if others:
        raise InvalidIdentifier(
            f"A-number {text!r} contains {others!r}; expected 8 or 9 digits, "
            "optionally after 'A' and separated by dashes, dots or spaces"
        )
    if len(digits) not in (8, 9):
        raise InvalidIdentifier(f"A-number {text!r} has {len(digits)} digits; expected 8 or 9")
    return digits.zfill(9)


def normalise_fin(raw: str | None) -> str | None:
    """Return the FIN (fingerprint identification number) as 10 digits, or None when blank.

    Spaces and dashes between the digits are tolerated; anything else is an
    error, since a FIN is compared exactly across CBP, USMS and ICE.
    """
    text = _as_text(raw, "FIN")
    if text is None:
        return None
    digits, others = _split_digits(text, "-")
    if others:
        raise InvalidIdentifier(
            f"FIN {text!r} contains {others!r}; expected exactly 10 digits (spaces and dashes allowed)"
        )
    if len(digits) != 10:
        raise InvalidIdentifier(f"FIN {text!r} has {len(digits)} digits; expected exactly 10")
    return digits
