"""A phonetic key for Spanish names and Spanish spellings of Mayan names.

Soundex and Metaphone are built for English and merge the wrong things for the
people in these feeds (they drop vowels, so MARIA and MARIO collide) while
missing the spellings that really vary here: B/V, S/Z/C, silent H, LL/Y, the
J/G/X sounds, and the several Spanish transcriptions of Mayan consonants
(K'ICHE' / QUICHE, XOL / SHOL, TZOC / SOC, Q'EQCHI' / KEKCHI).

The key is a string over this alphabet, one symbol per sound:

=====  ==========================================================
B      B, V
K      K, Q, QU before E/I, C before A/O/U or a consonant
S      S, Z, C before E/I, TZ, TS
C      CH
X      J, G before E/I, X, SH  (the /h/ of JIMENA and the /ʃ/ of XOL;
       X is written for both, so both fold into one symbol)
Y      LL, Y or I before a vowel
I      I, or Y not before a vowel
W      W, GU before A/O, HU before a vowel
G      G before A/O/U or a consonant, GU before E/I
F      F, PH
       H elsewhere is silent and dropped
=====  ==========================================================

Other letters stand for themselves. Vowels are kept, so a change of vowel is a
different key (MARIA / MARIO), and a doubled symbol counts once (ROSSANA /
ROSANA, CAAL / CAL).
"""

from __future__ import annotations

from functools import lru_cache

from .text import fold

_VOWELS = frozenset("AEIOU")
_FRONT = frozenset("EI")
_BACK = frozenset("AO")


def phonetic_key(token: str) -> str:
    """Return the phonetic key of one name word (see the module docstring).

    The word is folded first, so accents and apostrophes do not matter
    (K'ICHE' == KICHE); a value of several words is keyed as if written as one
    word, so ``DE LA CRUZ`` and ``DELACRUZ`` share a key.
    """
    return _key(fold(token).replace(" ", ""))


@lru_cache(maxsize=65536)
def _key(word: str) -> str:
    symbols: list[str] = []
    length = len(word)
    index = 0
    while index < length:
        letter = word[index]
        following = word[index + 1] if index + 1 < length else ""
        after = word[index + 2] if index + 2 < length else ""
        symbol, consumed = _sound(letter, following, after)
        if symbol and (not symbols or symbols[-1] != symbol):
            symbols.append(symbol)
        index += consumed
    return "".join(symbols)


def _sound(letter: str, following: str, after: str) -> tuple[str, int]:
    """The symbol for ``letter`` given the two letters after it, and how many letters it used."""
    if letter in "IY":
        return ("Y" if following in _VOWELS else "I"), 1
    if letter in _VOWELS:
        return letter, 1
    if letter in "BV":
        return "B", 1
    if letter == "C":
        if following == "H":
            return "C", 2
        return ("S" if following in _FRONT else "K"), 1
    if letter == "Q":
        if following == "U" and after in _FRONT:
            return "K", 2
        return "K", 1
    if letter == "G":
        if following in _FRONT:
            return "X", 1
        if following == "U" and after in _BACK:
            return "W", 2
        if following == "U" and after in _FRONT:
            return "G", 2
        return "G", 1
    if letter == "H":
        if following == "U" and after in _VOWELS:
            return "W", 2
        return "", 1
    if letter in "JX":
        return "X", 1
    if letter == "S":
        return ("X", 2) if following == "H" else ("S", 1)
    if letter == "T":
        return ("S", 2) if following in ("Z", "S") else ("T", 1)
    if letter == "Z":
        return "S", 1
    if letter == "L":
        return ("Y", 2) if following == "L" else ("L", 1)
    if letter == "P":
        return ("F", 2) if following == "H" else ("P", 1)
    return letter, 1
