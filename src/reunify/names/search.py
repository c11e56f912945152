"""Search terms: how a name, an identifier or a key is found again when it is typed wrong.

A caseworker types ``yoselin lopes`` for JOSELYN LÓPEZ, or an A-number with
dashes, or half a record key.  The index holds, per person, a few short terms
(the folded words, their phonetic keys, identifiers in canonical form); a query
is expanded into the terms it may have meant, looked up in one indexed ``IN``,
and the persons found are ranked by how well each query word was matched.

Why expand the query rather than index misspellings: the index stays one row
per distinct word and identifier (a few per person, so hundreds of thousands
of persons stay small), while a query word of five sounds has only a few
hundred neighbours at one edit, which one index look-up answers.

Grades, best first, for one query word against one indexed word: the same
folded spelling (3), the same phonetic key (2: LOPES / LOPEZ, SHOL / XOL),
spellings or phonetic keys one edit apart (1: MARAI / MARIA, YOSELIN /
JOSELYN).  An edit is a letter left out, added, changed, or two neighbours
exchanged.  A
person's score is the sum of the best grade per query word; a person must
match every query word at some grade (or all but one when the query has four
words or more), so a query for two names never returns everyone who has one
of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .identifiers import normalise_a_number, normalise_fin
from .personal import name_tokens
from .phonetic import phonetic_key

#: Prefixes of the indexed terms, one per kind, so a word never collides with an identifier.
WORD, SOUND, A_NUMBER, FIN, KEY = "w:", "p:", "a:", "f:", "k:"

EXACT, PHONETIC, NEAR = 3, 2, 1

_SOUND_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = re.compile(r"\d")


def _neighbours(key: str) -> set[str]:
    """Every phonetic key one edit (deletion, insertion, substitution, transposition) from ``key``."""
    found: set[str] = set()
    for i in range(len(key)):
        found.add(key[:i] + key[i + 1 :])
        for letter in _SOUND_ALPHABET:
            found.add(key[:i] + letter + key[i + 1 :])
        if i + 1 < len(key):
            found.add(key[:i] + key[i + 1] + key[i] + key[i + 2 :])
    for i in range(len(key) + 1):
        for letter in _SOUND_ALPHABET:
            found.add(key[:i] + letter + key[i:])
    found.discard(key)
    found.discard("")
    return found


def name_terms(words: Iterable[str]) -> set[str]:
    """The indexed terms of some name words: each folded word and its phonetic key."""
    terms: set[str] = set()
    for word in words:
        for token in name_tokens(word):
            terms.add(WORD + token)
            key = phonetic_key(token)
            if key:
                terms.add(SOUND + key)
    return terms


def identifier_terms(fields: Mapping[str, object]) -> set[str]:
    """The indexed identifiers of one normalised row: A-number and FIN, already canonical."""
    terms: set[str] = set()
    if fields.get("a_number"):
        terms.add(A_NUMBER + str(fields["a_number"]))
    if fields.get("fin"):
        terms.add(FIN + str(fields["fin"]))
    return terms


@dataclass(frozen=True)
class QueryWord:
    """One word of a name query and the terms that would match it, by grade."""

    text: str
    grades: dict[str, int]


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: name words with their expansions, and the identifiers it could be.

    ``identifiers`` are exact terms (A-number, FIN, a record key or case id
    typed whole); ``words`` are name words.  ``terms()`` is every term to look
    up at once.
    """

    text: str
    words: tuple[QueryWord, ...] = ()
    identifiers: frozenset[str] = field(default_factory=frozenset)

    def terms(self) -> set[str]:
        found = set(self.identifiers)
        for word in self.words:
            found.update(word.grades)
        return found

    @property
    def required(self) -> int:
        """How many query words a person must match to be shown at all."""
        count = len(self.words)
        return count - 1 if count >= 4 else count


def parse_query(text: str) -> SearchQuery:
    """Read what a user typed: identifiers when it looks like one, name words otherwise (or both)."""
    text = (text or "").strip()
    identifiers: set[str] = set()
    if ":" in text or re.fullmatch(r"[A-Za-z]+-[\w-]+", text):
        identifiers.add(KEY + text.strip().upper())
    digits = "".join(_DIGITS.findall(text))
    if digits and len(digits) >= len(text.replace(" ", "").replace("-", "")) - 1:
        for normalise, prefix in ((normalise_a_number, A_NUMBER), (normalise_fin, FIN)):
            try:
                value = normalise(text)
            except ValueError:
                value = None
            if value:
                identifiers.add(prefix + value)
        return SearchQuery(text, (), frozenset(identifiers))
    words: list[QueryWord] = []
    if not identifiers:
        for token in dict.fromkeys(name_tokens(text)):
            if len(token) < 2:
                continue
            grades: dict[str, int] = {WORD + token: EXACT}
            key = phonetic_key(token)
            if key:
                grades.setdefault(SOUND + key, PHONETIC)
            if len(token) >= 4:  # one edit from a short word reaches half the population
                for near in _neighbours(token):
                    grades.setdefault(WORD + near, NEAR)
                if key and len(key) >= 3:
                    for near in _neighbours(key):
                        grades.setdefault(SOUND + near, NEAR)
            words.append(QueryWord(token, grades))
    return SearchQuery(text, tuple(words), frozenset(identifiers))


@dataclass(frozen=True)
class Hit:
    """One person found: higher ``score`` first, then more words matched; ``matched`` says how."""

    score: int
    words_matched: int
    person: str
    matched: tuple[str, ...] = ()


def rank(query: SearchQuery, found: Iterable[tuple[str, str]], limit: int = 50) -> list[Hit]:
    """Rank persons from the ``(person, term)`` rows the index returned for ``query.terms()``.

    An identifier match outranks any name match (it is one person's own
    number); name matches need ``query.required`` words.
    """
    by_person: dict[str, dict[str, str]] = {}
    for person, term in found:
        by_person.setdefault(person, {})[term] = term
    hits: list[Hit] = []
    for person, terms in by_person.items():
        if query.identifiers & terms.keys():
            hits.append(Hit(100, len(query.words), person, tuple(sorted(query.identifiers & terms.keys()))))
            continue
        score = matched = 0
        how: list[str] = []
        for word in query.words:
            best = max((word.grades[t] for t in terms if t in word.grades), default=0)
            if best:
                score += best
                matched += 1
                how.append(f"{word.text}:{('near', 'sounds like', 'exact')[best - 1]}")
        if matched and matched >= query.required:
            hits.append(Hit(score, matched, person, tuple(how)))
    hits.sort(key=lambda h: (-h.score, -h.words_matched, h.person))
    return hits[:limit]
