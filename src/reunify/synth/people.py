"""The real people behind the rows, and how each agency writes them down.

``People`` makes persons with family-consistent names (a child's surnames are
the father's first and the mother's first), plausible ages and identifiers
that are unique by construction (A-numbers and FINs are issued from counters,
as the agencies did, so that a shared A-number only happens when the
configuration asks for one).  ``Scribe`` turns a person into what one agency
wrote: dropped surnames, swapped parts, merged particles, Mayan spellings,
typos, estimated or swapped birth dates and the many written forms of an
A-number, all at the configured rates.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import deque
from dataclasses import dataclass, field

from .config import SynthConfig
from .pools import (
    ALT_FEMALE_GIVEN,
    ALT_MALE_GIVEN,
    ALT_MAYAN_SURNAMES,
    ALT_SURNAMES,
    FEMALE_GIVEN,
    MALE_GIVEN,
    MAYAN_LANGUAGES,
    MAYAN_SURNAME_SET,
    MAYAN_SURNAMES,
    SPANISH_SURNAMES,
    Weighted,
    country_pool,
    mayan_spellings,
    plain_upper,
    strip_accents,
)


@dataclass(slots=True, eq=False)
class Person:
    """One real person; ``ok_rows`` counts their well-formed rows written so far."""

    pid: str
    sex: str
    given: tuple[str, ...]
    surnames: tuple[str, ...]
    dob: dt.date
    country: str
    languages: tuple[str, ...]
    a_number: str
    alt_a_number: str | None
    fin: str | None
    mayan: bool
    uac_id: str | None = None
    ok_rows: int = 0
    rows: int = 0
    written: dict[str, tuple] = field(default_factory=dict)
    #: Event ids named by this person's well-formed rows (CBP event_id, USMS
    #: arrest_event_id, ORR apprehension_event_id): the evidence EXPORTS.md
    #: asks of a separation.
    events: set[str] = field(default_factory=set)

    @property
    def is_male(self) -> bool:
        """Whether the person is male (for MOTHER/FATHER)."""
        return self.sex == "M"


class People:
    """Creates persons; keeps only small reservoirs (recent names, recent A-numbers)."""

    def __init__(self, rng: random.Random, cfg: SynthConfig) -> None:
        self.rng = rng
        self.cfg = cfg
        self._next_pid = 0
        self._a_number = 201_400_000
        self._old_a_number = 87_100_000
        self._fin = 1_100_000_000
        self._recent_names: deque[tuple[str, tuple[str, ...], tuple[str, ...]]] = deque(maxlen=600)
        self.recent_a_numbers: deque[str] = deque(maxlen=600)
        alt = cfg.name_pool == "alt"
        self._male = ALT_MALE_GIVEN if alt else MALE_GIVEN
        self._female = ALT_FEMALE_GIVEN if alt else FEMALE_GIVEN
        self._surnames = ALT_SURNAMES if alt else SPANISH_SURNAMES
        self._mayan = ALT_MAYAN_SURNAMES if alt else MAYAN_SURNAMES
        self._countries = country_pool(cfg.country_weights)

    # ------------------------------------------------------------------ identifiers
    def new_a_number(self, old: bool = False) -> str:
        """A unique 9-digit A-number; ``old`` ones start with 0 (8 digits when the 0 is dropped)."""
        if old:
            self._old_a_number += self.rng.randint(1, 60)
            return f"{self._old_a_number:09d}"
        self._a_number += self.rng.randint(1, 400)
        return f"{self._a_number:09d}"

    def new_fin(self) -> str:
        """A unique 10-digit fingerprint identification number."""
        self._fin += self.rng.randint(1, 5000)
        return f"{self._fin:010d}"

    # ------------------------------------------------------------------ names
    def country(self) -> str:
        """A country of origin, by ``country_weights`` (default: the shares of 2018)."""
        return self._countries.pick(self.rng)

    def is_mayan(self, country: str) -> bool:
        """Whether a family from this country carries Mayan-language names."""
        return country == "GT" and self.rng.random() < self.cfg.mayan_share_guatemala

    def surname(self, mayan: bool) -> str:
        """One surname; Mayan families mostly carry Mayan ones."""
        if mayan and self.rng.random() < 0.7:
            return self._mayan.pick(self.rng)
        return self._surnames.pick(self.rng)

    def surname_pair(self, mayan: bool) -> tuple[str, str]:
        """Father's first and mother's first surname of someone's own parents."""
        first = self.surname(mayan)
        second = self.surname(mayan)
        if second == first:
            second = self.surname(mayan)
        return first, second

    def given(self, sex: str, avoid: tuple[str, ...] = ()) -> tuple[str, ...]:
        """One or two given names; ``avoid`` keeps twins and siblings apart."""
        pool: Weighted = self._male if sex == "M" else self._female
        for _ in range(8):
            first = pool.pick(self.rng)
            names: tuple[str, ...]
            if self.rng.random() < 0.55:
                second = pool.pick(self.rng)
                names = (first, second) if second != first else (first,)
            else:
                names = (first,)
            if names[0] not in avoid:
                return names
        return names

    def languages(self, country: str, mayan: bool) -> tuple[str, ...]:
        """Languages as ORR lists them."""
        if mayan:
            native = MAYAN_LANGUAGES.pick(self.rng)
            return (native,) if self.rng.random() < 0.3 else ("Spanish", native)
        return ("Spanish",)

    # ------------------------------------------------------------------ persons
    def person(
        self,
        sex: str,
        dob: dt.date,
        given: tuple[str, ...],
        surnames: tuple[str, ...],
        country: str,
        mayan: bool,
        fingerprinted: bool,
        adult: bool,
    ) -> Person:
        """A person with fresh identifiers; adults may take a name already seen (homonyms)."""
        rng = self.rng
        if adult:
            if self._recent_names and rng.random() < self.cfg.same_name_rate:
                for _ in range(6):
                    other = self._recent_names[rng.randrange(len(self._recent_names))]
                    if other[0] == sex:
                        given, surnames = other[1], other[2]
                        break
            self._recent_names.append((sex, given, surnames))
        self._next_pid += 1
        old = rng.random() < self.cfg.leading_zero_a_number
        a_number = self.new_a_number(old=old)
        alt = self.new_a_number() if rng.random() < self.cfg.a_number_disagree else None
        self.recent_a_numbers.append(a_number)
        return Person(
            pid=f"P{self._next_pid:07d}",
            sex=sex,
            given=given,
            surnames=surnames,
            dob=dob,
            country=country,
            languages=self.languages(country, mayan),
            a_number=a_number,
            alt_a_number=alt,
            fin=self.new_fin() if fingerprinted else None,
            mayan=mayan,
        )

    def dob_for_age(self, age: int, on: dt.date) -> dt.date:
        """A birth date making someone ``age`` whole years old on ``on``."""
        days = self.rng.randint(1, 364)
        try:
            birthday = on.replace(year=on.year - age)
        except ValueError:  # 29 February
            birthday = on.replace(year=on.year - age, day=28)
        return birthday - dt.timedelta(days=days)


class Scribe:
    """Writes persons the way one agency would, at the configured messiness rates."""

    def __init__(self, rng: random.Random, cfg: SynthConfig, people: People) -> None:
        self.rng = rng
        self.cfg = cfg
        self.people = people

    # ------------------------------------------------------------------ name pieces
    def _parts(self, person: Person) -> tuple[list[str], list[str]]:
        rng, cfg = self.rng, self.cfg
        given = list(person.given)
        surnames = list(person.surnames)
        if len(surnames) == 2 and rng.random() < cfg.drop_second_surname:
            surnames = surnames[:1]
        if len(given) == 2 and rng.random() < cfg.drop_second_given:
            given = given[:1]
        return given, surnames

    def mayan_variant(self, upper: str) -> str:
        """Another spelling of this (uppercase) Mayan name: usually one habit, sometimes two.

        Drawn afresh at each writing, so one person's surname takes several
        spellings across the feeds (CHOC, CHOOC, XOC; TZUL, TZUUL; KOJ, COJ).
        """
        options = mayan_spellings(upper, 1 if self.rng.random() < 0.7 else 2)
        if not options:
            return upper
        return options[self.rng.randrange(len(options))]

    def typo(self, text: str) -> str:
        """A plain typing error: substitution, deletion, transposition or a doubled letter."""
        rng = self.rng
        letters = [i for i, ch in enumerate(text) if ch.isalpha()]
        if len(letters) < 3:
            return text
        i = letters[rng.randrange(len(letters))]
        roll = rng.random()
        if roll < 0.35:
            ch = "ABCDEFGHIJLMNOPRSTUVYZ"[rng.randrange(22)]
            if text[i].islower():
                ch = ch.lower()
            return text[:i] + ch + text[i + 1 :]
        if roll < 0.6:
            return text[:i] + text[i + 1 :]
        if roll < 0.85:
            if i + 1 < len(text) and text[i + 1].isalpha():
                return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
            return text[:i] + text[i] + text[i:]
        return text[:i] + text[i] + text[i:]

    def _upper_surname(self, surname: str) -> str:
        upper = plain_upper(surname)
        if " " in upper and upper.startswith("DE") and self.rng.random() < self.cfg.particle_merge:
            upper = upper.replace(" ", "")
        if surname in MAYAN_SURNAME_SET and self.rng.random() < self.cfg.mayan_variant:
            upper = self.mayan_variant(upper)
        return upper

    def upper_name(self, person: Person) -> tuple[str, str]:
        """(last, first) UPPERCASE without accents: CBP, ICE, USMS."""
        given, surnames = self._parts(person)
        last = " ".join(self._upper_surname(s) for s in surnames)
        first = " ".join(plain_upper(g) for g in given)
        if self.rng.random() < self.cfg.typo:
            if self.rng.random() < 0.5:
                last = self.typo(last)
            else:
                first = self.typo(first)
        if self.rng.random() < self.cfg.swap_given_family:
            last, first = first, last
        if self.rng.random() < self.cfg.hard_tail:
            if self.rng.random() < 0.5:
                first = "FNU"  # first name unknown
            else:
                last, first = "", f"{first} {last}"
        return last, first

    def _title(self, upper: str) -> str:
        return " ".join(
            w if w in ("de", "la", "del", "los") else w.capitalize() for w in upper.lower().split()
        )

    def orr_name(self, person: Person) -> tuple[str, str]:
        """(first, last) as ORR writes: mixed case with accents, sometimes without."""
        rng, cfg = self.rng, self.cfg
        given, surnames = self._parts(person)
        written = []
        for s in surnames:
            if s in MAYAN_SURNAME_SET and rng.random() < cfg.mayan_variant:
                s = self._title(self.mayan_variant(plain_upper(s)))
            elif " " in s and rng.random() < cfg.particle_merge:
                s = s.replace(" ", "").capitalize()
            written.append(s)
        first, last = " ".join(given), " ".join(written)
        if rng.random() < cfg.typo:
            if rng.random() < 0.5:
                last = self.typo(last)
            else:
                first = self.typo(first)
        if rng.random() < cfg.orr_accents_dropped:
            first, last = strip_accents(first), strip_accents(last)
        if rng.random() < cfg.orr_all_caps:
            first, last = first.upper(), last.upper()
        if rng.random() < cfg.swap_given_family_orr:
            first, last = last, first
        return first, last

    def free_name(
        self, person: Person, upper: bool = False, accents: bool = True, subject: bool = False
    ) -> str:
        """``First Last`` as free text (court, NGO, DNA kit): often partial.

        ``subject`` marks the name the row is about (NGO ``parent_name``, court
        ``subject_name``, DNA ``adult_name``): typed by someone far from the
        agencies' systems, it carries one surname only and typos at their own
        rates (``free_text_one_surname``, ``free_text_typo``).
        """
        rng, cfg = self.rng, self.cfg
        given, surnames = self._parts(person)
        if rng.random() < 0.3:
            given = given[:1]
        if subject and len(surnames) == 2 and rng.random() < cfg.free_text_one_surname:
            surnames = surnames[1:] if rng.random() < 0.15 else surnames[:1]
        text = " ".join(given + surnames)
        if rng.random() < cfg.typo:
            text = self.typo(text)
        if subject and rng.random() < cfg.free_text_typo:
            text = self.typo(text)
        if upper:
            return plain_upper(text)
        return text if accents else strip_accents(text)

    def spoken_name(self, person: Person, with_surname: float = 0.5) -> str:
        """A name as a relative says it: the given name, maybe one surname, no accents, upper."""
        parts = [person.given[0]]
        if self.rng.random() < 0.35 and len(person.given) > 1:
            parts.append(person.given[1])
        if self.rng.random() < with_surname:
            parts.append(person.surnames[0])
        text = plain_upper(" ".join(parts))
        if self.rng.random() < self.cfg.typo:
            text = self.typo(text)
        return text

    # ------------------------------------------------------------------ dates
    def dob(self, person: Person, latest: dt.date, child: bool) -> tuple[dt.date, bool]:
        """A written birth date never after ``latest``; (date, is_estimate)."""
        rng, cfg = self.rng, self.cfg
        dob = person.dob
        if not child and rng.random() < cfg.hard_tail:
            return dt.date(1900, 1, 1), True  # the system's "unknown"
        if child and rng.random() < cfg.dob_estimated:
            year = dob.year + (-1, 0, 0, 0, 1)[rng.randrange(5)]
            guess = dt.date(year, 1, 1)
            if guess <= latest:
                return guess, True
            return dt.date(dob.year, 1, 1), True
        roll = rng.random()
        if roll < cfg.dob_day_month_swap:
            if dob.day <= 12 and dob.day != dob.month:
                swapped = dt.date(dob.year, dob.day, dob.month)
                if swapped <= latest:
                    return swapped, False
        elif roll < cfg.dob_day_month_swap + cfg.dob_year_slip:
            slip = dob.year + (-1 if rng.random() < 0.5 else 1)
            try:
                slipped = dob.replace(year=slip)
            except ValueError:
                slipped = dob.replace(year=slip, day=28)
            if slipped <= latest:
                return slipped, False
        return dob, False

    # ------------------------------------------------------------------ identifiers
    def a_number_digits(self, person: Person) -> str:
        """Which A-number this agency recorded: usually the person's own."""
        rng = self.rng
        if rng.random() < self.cfg.a_number_shared and self.people.recent_a_numbers:
            other = self.people.recent_a_numbers[rng.randrange(len(self.people.recent_a_numbers))]
            return other
        if person.alt_a_number is not None and rng.random() < 0.5:
            return person.alt_a_number
        return person.a_number

    def a_number_form(self, digits: str, forms: Weighted) -> str:
        """One of the written forms of FEEDS.md (and 8 digits where a leading 0 is dropped)."""
        if digits[0] == "0" and self.rng.random() < self.cfg.eight_digit_a_number:
            short = digits[1:]
            return ("A" + short) if self.rng.random() < 0.5 else short
        varied = self.rng.random() < self.cfg.a_number_form_variety
        form = forms.pick(self.rng) if varied else forms.items[0]  # else the agency's usual form
        if form == "A9":
            return "A" + digits
        if form == "9":
            return digits
        if form == "A-":
            return f"A-{digits[:3]}-{digits[3:6]}-{digits[6:]}"
        if form == "-":
            return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
        if form == "A ":
            return f"A {digits[:3]} {digits[3:6]} {digits[6:]}"
        return f"{digits[:3]}.{digits[3:6]}.{digits[6:]}"


A_FORMS_CBP = Weighted([("9", 45), ("A9", 25), ("-", 15), ("A-", 10), ("A ", 3), (".", 2)])
A_FORMS_ICE = Weighted([("A9", 60), ("9", 20), ("A-", 12), ("-", 6), ("A ", 2)])
A_FORMS_ORR = Weighted([("A9", 40), ("A-", 25), ("9", 20), ("-", 15)])
A_FORMS_OTHER = Weighted([("A-", 35), ("A9", 25), ("9", 20), ("-", 15), (".", 5)])
