"""Personal names: one structure for names written five different ways.

The feeds write a person's name in two fields (CBP, ICE, ORR), as
``LAST, FIRST MIDDLE`` (USMS) or as free text (courts, DNA kits, NGOs, names
stated at interview). Linkage needs the same three things from all of them: the
given names, the (at most two) surnames, and every name word for comparisons
that must not depend on a split that was guessed. :class:`PersonName` carries
those, folded (see :func:`reunify.names.text.fold`) and with particles merged,
so that ``DE LA CRUZ`` and ``DELACRUZ`` are the same surname.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

from ._lexicon import CONJUNCTIONS, GIVEN_NAMES, PARTICLES, SURNAMES
from .phonetic import phonetic_key
from .text import fold

__all__ = [
    "PersonName",
    "name_tokens",
    "names_swapped",
    "parse_free_name",
    "parse_last_comma_first",
    "parse_name",
    "phonetic_key",
]

MAX_SURNAMES = 2


@dataclass(frozen=True)
class PersonName:
    """A person's name as written, and its folded, comparable parts.

    ``raw`` keeps the spelling of the source (accents included) for display and
    evidence; the tuples hold folded words. ``surnames`` holds at most two
    surnames (Hispanic naming: father's first surname, mother's first surname);
    any further surname words are only in ``tokens``. ``order_certain`` is False
    when the given/surname split was guessed from free text, in which case
    comparisons should fall back on the order-free ``tokens``.
    """

    raw: str
    given: tuple[str, ...]
    surnames: tuple[str, ...]
    tokens: tuple[str, ...]
    order_certain: bool

    def swapped(self) -> PersonName:
        """Return this name with given names and surnames exchanged.

        Feeds sometimes put the surnames in the first-name field; comparing a
        record with the swapped form of another recognises that. The result keeps
        at most two surnames (the first two given names), so swapping a name with
        three given names twice does not give it back whole; ``tokens`` is kept.
        """
        return replace(self, given=self.surnames, surnames=self.given[:MAX_SURNAMES])

    @property
    def display(self) -> str:
        """The canonical folded form, given names first: ``JOSE LUIS LOPEZ GARCIA``."""
        return " ".join(self.given + self.surnames)

    @property
    def is_empty(self) -> bool:
        """True when nothing name-like was written (blank, or only punctuation)."""
        return not self.tokens


_EMPTY = PersonName(raw="", given=(), surnames=(), tokens=(), order_certain=False)


def _text(value: object) -> str | None:
    """Coerce a feed value to text: None stays None, anything else is its str().

    A float NaN (how pandas writes a missing cell) is None too: its str() would
    otherwise become a person called "NAN".
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def name_tokens(text: str | None) -> tuple[str, ...]:
    """Fold ``text`` and split it into name words, merging particles.

    A particle (DE, DEL, LA, LAS, LOS, DA, DI, VAN, VON, SAN, SANTA) is glued to
    the word after it, repeatedly, so ``DE LA CRUZ`` becomes ``DELACRUZ`` and
    compares equal to a feed that already merged it. A particle with nothing
    after it is an ordinary word. The conjunction ``Y`` between two words (and
    ``E`` before a word starting with I or HI), as in ``ORTEGA Y GASSET``, is
    dropped: it belongs to neither surname, and gluing it to the second would
    stop ``LOPEZ Y GARCIA`` matching ``LOPEZ GARCIA``.
    """
    return _name_tokens_cached(fold(text))


@lru_cache(maxsize=65536)
def _name_tokens_cached(folded: str) -> tuple[str, ...]:
    words = folded.split()
    last = len(words) - 1
    kept = [
        word
        for index, word in enumerate(words)
        if not (word in CONJUNCTIONS and 0 < index < last and _joins(word, words[index + 1]))
    ]
    merged: list[str] = []
    for word in reversed(kept):
        if word in PARTICLES and merged:
            merged[-1] = word + merged[-1]
        else:
            merged.append(word)
    merged.reverse()
    return tuple(merged)


def _joins(conjunction: str, following: str) -> bool:
    # Spanish writes "e" instead of "y" before an /i/ sound (GARCIA E IBARRA);
    # elsewhere a lone E is more likely an initial and is kept.
    return conjunction == "Y" or following.startswith(("I", "HI"))


def parse_name(given: str | None, family: str | None) -> PersonName:
    """Parse a name delivered in two fields (CBP, ICE, ORR first/last name).

    The fields decide the split, so ``order_certain`` is True even though the
    fields themselves may have been swapped by the source (see
    :func:`names_swapped`). ``raw`` is ``"<given> | <family>"`` as written.
    """
    given_text, family_text = _text(given), _text(family)
    if _blank(given_text) and _blank(family_text):
        return _EMPTY
    given_words = name_tokens(given_text)
    family_words = name_tokens(family_text)
    return PersonName(
        raw=f"{given_text or ''} | {family_text or ''}",
        given=given_words,
        surnames=family_words[:MAX_SURNAMES],
        tokens=given_words + family_words,
        order_certain=True,
    )


def parse_last_comma_first(text: str | None) -> PersonName:
    """Parse ``LAST, FIRST MIDDLE`` (USMS); the part before the comma is the surnames.

    Without a comma the value is treated as free text (:func:`parse_free_name`),
    because a clerk who left out the comma most likely typed the name in
    speaking order.
    """
    text = _text(text)
    if text is None or _blank(text):
        return _EMPTY
    if "," not in text:
        return parse_free_name(text)
    family_part, _, given_part = text.partition(",")
    family_words = name_tokens(family_part)
    given_words = name_tokens(given_part)
    return PersonName(
        raw=text,
        given=given_words,
        surnames=family_words[:MAX_SURNAMES],
        tokens=family_words + given_words,
        order_certain=True,
    )


def parse_free_name(text: str | None) -> PersonName:
    """Parse a free-text name written ``First Last`` and guess the split.

    One word is taken as a given name. Two words are given name and surname,
    unless both are known given names (``JUAN CARLOS``: a child named without
    a surname). Three words are two given names and a surname when the middle
    word is a known given name (``JOSE LUIS LOPEZ``), else one given name and
    two surnames (``JOSE LOPEZ GARCIA``). Four or more words are two given names
    and surnames, one given name if the second word is a known surname and no
    given name, three if the third word is a known given name and no surname.
    ``order_certain`` is False because all of this is a guess. A comma means the
    writer put the surnames first, and the value is read as ``LAST, FIRST``.
    """
    text = _text(text)
    if text is None or _blank(text):
        return _EMPTY
    if "," in text:
        return parse_last_comma_first(text)
    words = name_tokens(text)
    given_count = _free_text_given_count(words)
    return PersonName(
        raw=text,
        given=words[:given_count],
        surnames=words[given_count : given_count + MAX_SURNAMES],
        tokens=words,
        order_certain=False,
    )


def _is_given_only(word: str) -> bool:
    return word in GIVEN_NAMES and word not in SURNAMES


def _free_text_given_count(words: tuple[str, ...]) -> int:
    count = len(words)
    if count <= 1:
        return count
    if count == 2:
        both_given = words[0] in GIVEN_NAMES and _is_given_only(words[1])
        return 2 if both_given else 1
    if count == 3:
        return 2 if words[1] in GIVEN_NAMES else 1
    if words[1] in SURNAMES and words[1] not in GIVEN_NAMES:
        return 1
    given_count = 2
    while given_count < count - 1 and _is_given_only(words[given_count]):
        given_count += 1
    return given_count


def _side_matches(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """Equal, or one is a shorter non-empty prefix of the other (a dropped second name)."""
    if not first or not second:
        return False
    shorter = min(len(first), len(second))
    return first[:shorter] == second[:shorter]


def names_swapped(a: PersonName, b: PersonName) -> bool:
    """True when ``a`` looks like ``b`` with given names and surnames exchanged.

    ``a``'s given names must match ``b``'s surnames and ``b``'s given names
    ``a``'s surnames, where a side may lack its second word (feeds drop the
    second surname). Two names that are simply equal are not "swapped", since
    equality is no evidence of a swap.
    """
    if not (a.given and a.surnames and b.given and b.surnames):
        return False
    if a.given == b.given and a.surnames == b.surnames:
        return False
    return _side_matches(a.given, b.surnames) and _side_matches(b.given, a.surnames)
