"""Text folding: one canonical spelling for comparing names and places.

Feeds write the same name as ``José``, ``JOSE`` and ``Jose``, Mayan names with or
without glottal-stop apostrophes (``K'iche'`` / ``Kiche``), and surnames with or
without hyphens. Comparisons must not depend on any of that, so every comparison
in the project goes through :func:`fold`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Marks that write a glottal stop or an elision inside a word. They are removed,
# not turned into a space, so that ``K'ICHE'`` folds to ``KICHE`` and not ``K ICHE``.
# The acute accent U+00B4 is here because NFKD would turn it into a space.
_APOSTROPHES = "'`´’‘ʼʻ′ˈ"
_DROP_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)

# Latin letters that Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSABLE = {
    "Ø": "O",
    "ø": "O",
    "Æ": "AE",
    "æ": "AE",
    "Œ": "OE",
    "œ": "OE",
    "Ł": "L",
    "ł": "L",
    "Đ": "D",
    "đ": "D",
    "Ð": "D",
    "ð": "D",
    "Þ": "TH",
    "þ": "TH",
    "ı": "I",
}

_ASCII_APOSTROPHES = re.compile(r"['`]")
_ASCII_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")


def fold(text: str | None) -> str:
    """Return ``text`` uppercased, without accents, apostrophes or punctuation.

    Accents are removed by NFKD decomposition (``Ñ`` -> ``N``), apostrophes and
    backticks disappear (``K'ICHE'`` -> ``KICHE``), every other character that is
    not a letter or digit (hyphens, dots, commas, slashes, ...) becomes a space,
    and runs of whitespace collapse to one space. ``None`` folds to ``""`` so
    that a missing value compares equal to an empty one.
    """
    if text is None:
        return ""
    return _fold_cached(text)


@lru_cache(maxsize=65536)
def _fold_cached(text: str) -> str:
    # The same names recur thousands of times in a delivery; the cache makes
    # folding them again free.
    if text.isascii():
        text = _ASCII_APOSTROPHES.sub("", text)
        return " ".join(_ASCII_SEPARATORS.sub(" ", text).upper().split())
    text = text.translate(_DROP_APOSTROPHES)
    pieces: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char):
            continue
        char = _UNDECOMPOSABLE.get(char, char)
        pieces.append(char.upper() if char.isalnum() else " ")
    return " ".join("".join(pieces).split())


def compact(text: str | None) -> str:
    """Return :func:`fold` of ``text`` with the spaces removed as well.

    Used for lookups where spacing and punctuation carry no meaning, e.g.
    ``U.S.A.`` / ``USA`` or ``W.D. Tex.`` / ``WD TEX``.
    """
    return fold(text).replace(" ", "")
