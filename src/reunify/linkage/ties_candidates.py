"""Which (adult, child) pairs are worth scoring: candidate generation in near-linear time.

Why not every adult against every child: 100,000 families hold about 100,000
adults and 110,000 children, ten billion pairs, nearly all of them strangers.
A parent and a child are connected in the records in a few concrete ways,
and each is an index look-up:

- ``event``: apprehended in the same Border Patrol event (CBP ``event_id``,
  USMS ``arrest_event_id``, ORR ``apprehension_event_id``);
- ``family_group``: in the same CBP family group;
- ``stay``: booked into the same ICE facility within a few minutes (a family
  held together, e.g. when the CBP row of one of them is missing);
- ``dna``: tested together (the DNA row is in the adult's person, the child
  is the person holding the ORR referral with that ``uac_id``);
- ``stated_child`` / ``ngo``: a name an adult gave for a child (ICE
  interview, NGO locate), looked up among children by the phonetic keys of
  a given name and a surname, filtered by the stated age;
- ``stated_parent``: a name a child gave for a parent, looked up among
  adults the same way.

An event or a family group is a handful of people, so the pairs inside it
are few.  A name look-up is bounded whatever the population: a word pair
shared by too many persons is not looked up without an age, at most
``EXAMINED_PER_KEPT`` x ``max_name_hits`` namesakes are examined (best first)
and ``max_name_hits`` kept.  So every source is linear in the records, and
the whole is too (100,000 families: 0.8 million candidate pairs, 10,000:
65,000).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from reunify.linkage.ties_features import FULL, GIVEN_ONLY, MOST, match_name
from reunify.linkage.ties_people import DnaRow, NameForm, PersonProfile, StatedRelative

SOURCES: tuple[str, ...] = (
    "event",
    "family_group",
    "stay",
    "dna",
    "stated_child",
    "ngo",
    "stated_parent",
    "decision",
)
SOURCE_BIT: dict[str, int] = {name: 1 << i for i, name in enumerate(SOURCES)}

Pair = tuple[int, int]

#: A name look-up examines at most this many times ``max_name_hits`` persons, best first (most word
#: pairs shared, then closest in age): past that, a name is too common to point at anyone, and
#: examining every namesake would make the cost grow with the square of the population.
EXAMINED_PER_KEPT = 4


def sources_of(mask: int) -> tuple[str, ...]:
    """The names of the sources in a bit mask."""
    return tuple(name for name in SOURCES if mask & SOURCE_BIT[name])


@dataclass(frozen=True)
class CandidateSettings:
    """Limits of candidate generation (see TieSettings for what each one is for)."""

    max_group_persons: int = 40
    stay_window_minutes: float = 5.0
    max_name_hits: int = 20
    max_name_block: int = 200
    min_offspring_gap_years: float = 13.0
    min_lookup_gap_years: float = 10.0
    age_tolerance: int = 2


@dataclass
class Candidates:
    """The candidate pairs (adult index, child index) with the sources that found each, and the DNA rows.

    ``dna`` maps a pair to the DNA rows testing it; ``unmatched_dna`` lists
    (adult index, row) for rows whose ``child_uac_id`` no child's referral carries.
    """

    pairs: dict[Pair, int] = field(default_factory=dict)
    dna: dict[Pair, list[DnaRow]] = field(default_factory=lambda: defaultdict(list))
    unmatched_dna: list[tuple[int, DnaRow]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, adult: int, child: int, source: str) -> None:
        pair = (adult, child)
        before = self.pairs.get(pair, 0)
        self.pairs[pair] = before | SOURCE_BIT[source]
        if not before:
            self.counts["pairs"] += 1
        if not before & SOURCE_BIT[source]:
            self.counts[f"found_by_{source}"] += 1


def _gap(adult: PersonProfile, child: PersonProfile) -> float | None:
    if adult.dob is None or child.dob is None:
        return None
    return (child.dob - adult.dob).days / 365.2425


def can_be_parent(adult: PersonProfile, child: PersonProfile, min_offspring_gap: float) -> bool:
    """Could ``adult`` be ``child``'s parent, by roles and birth dates alone?

    The parent must be on the adult side (a record says adult, or nothing
    says either).  An adult and a child-side person can, unless the birth
    dates make the adult no older than the child; two adults (an adult
    offspring travelling with a parent) only with a clear age gap.  Two
    children never can: an older sibling looks like a parent in everything
    but age, and a 16-year-old parent is recorded as an adult head of family.
    """
    if adult.index == child.index or not adult.is_adult:
        return False
    gap = _gap(adult, child)
    if gap is not None and gap <= 0:
        return False
    if child.is_child:
        return True
    return gap is not None and gap >= min_offspring_gap


def siblings_by_record(adult: PersonProfile, child: PersonProfile) -> bool:
    """True when CBP recorded both as CHILD of one family unit (relationship is to the unit's head).

    Two children of the head are not each other's parent; a pair the
    records describe so is not a candidate (unless a DNA test names it).
    """
    for group in adult.family_groups.keys() & child.family_groups.keys():
        adult_codes = adult.family_groups[group][0]
        if (
            "CHILD" in adult_codes
            and not adult_codes & {"HEAD", "SPOUSE"}
            and "CHILD" in child.family_groups[group][0]
        ):
            return True
    return False


def generate_candidates(profiles: Sequence[PersonProfile], settings: CandidateSettings) -> Candidates:
    """Every candidate pair from every source (module docstring), with counts per source."""
    candidates = Candidates()
    _from_groups(profiles, settings, candidates)
    _from_stays(profiles, settings, candidates)
    _from_dna(profiles, candidates)
    _from_names(profiles, settings, candidates)
    for pair, sources in list(candidates.pairs.items()):
        if not sources & SOURCE_BIT["dna"] and siblings_by_record(profiles[pair[0]], profiles[pair[1]]):
            del candidates.pairs[pair]
            candidates.counts["pairs"] -= 1
            candidates.counts["excluded_siblings_by_family_group"] += 1
    return candidates


# --------------------------------------------------------------------------- events and family groups


def _pairs_within(
    members: Sequence[int], profiles: Sequence[PersonProfile], settings: CandidateSettings
) -> Iterable[Pair]:
    for first, second in itertools.permutations(members, 2):
        if can_be_parent(profiles[first], profiles[second], settings.min_offspring_gap_years):
            yield first, second


def _from_groups(
    profiles: Sequence[PersonProfile], settings: CandidateSettings, candidates: Candidates
) -> None:
    events: dict[str, list[int]] = defaultdict(list)
    groups: dict[str, list[int]] = defaultdict(list)
    for profile in profiles:
        for event in profile.events:
            events[event].append(profile.index)
        for group in profile.family_groups:
            groups[group].append(profile.index)
    for source, members_of in (("event", events), ("family_group", groups)):
        for members in members_of.values():
            if len(members) < 2:
                continue
            if len(members) > settings.max_group_persons:
                candidates.counts[f"{source}s_too_large"] += 1
                continue
            for adult, child in _pairs_within(members, profiles, settings):
                candidates.add(adult, child, source)


# --------------------------------------------------------------------------- stays


def _from_stays(
    profiles: Sequence[PersonProfile], settings: CandidateSettings, candidates: Candidates
) -> None:
    """Adult and child booked into one facility within the window: buckets of the window's width."""
    window = dt.timedelta(minutes=settings.stay_window_minutes)
    width = max(settings.stay_window_minutes * 60, 60.0)
    buckets: dict[tuple[str, int], list[tuple[int, dt.datetime]]] = defaultdict(list)
    for profile in profiles:
        if profile.is_child or profile.dob is not None:
            for stay in profile.stays:
                buckets[(stay.facility, int(stay.book_in.timestamp() // width))].append(
                    (profile.index, stay.book_in)
                )
    for profile in profiles:
        for stay in profile.stays:
            bucket = int(stay.book_in.timestamp() // width)
            for offset in (-1, 0, 1):
                for other, booked in buckets.get((stay.facility, bucket + offset), ()):
                    if abs(booked - stay.book_in) <= window and can_be_parent(
                        profile, profiles[other], settings.min_offspring_gap_years
                    ):
                        candidates.add(profile.index, other, "stay")


# --------------------------------------------------------------------------- DNA


def _from_dna(profiles: Sequence[PersonProfile], candidates: Candidates) -> None:
    """The DNA row's person is the tested adult; the child is whoever holds the ORR ``uac_id``."""
    holders: dict[str, list[int]] = defaultdict(list)
    for profile in profiles:
        for uac_id in profile.uac_ids:
            holders[uac_id].append(profile.index)
    for profile in profiles:
        for row in profile.dna:
            children = [i for i in holders.get(row.child_uac_id, ()) if i != profile.index]
            if not children:
                candidates.unmatched_dna.append((profile.index, row))
                continue
            for child in children:
                candidates.add(profile.index, child, "dna")
                candidates.dna[(profile.index, child)].append(row)


# --------------------------------------------------------------------------- names


def _index_keys(form: NameForm) -> set[tuple[str, str]]:
    """The phonetic word pairs a person is found under.

    (given, surname) for every given name and surname, (first surname,
    second surname) and (first given name, second given name); every
    ordered word pair when the split was guessed.
    """
    if form.certain and form.given and form.surnames:
        keys = {(g, s) for g in form.given[:3] for s in form.surnames}
        if len(form.surnames) > 1:
            keys.add((form.surnames[0], form.surnames[1]))
        if len(form.given) > 1:
            keys.add((form.given[0], form.given[1]))
        return keys
    return {(a, b) for a in form.tokens for b in form.tokens if a != b}


def _query_keys(form: NameForm) -> set[tuple[str, str]]:
    """Every ordered pair of the stated name's words: a stated name's split is never trusted."""
    return {(a, b) for a in form.tokens for b in form.tokens if a != b}


@dataclass
class _NameIndex:
    """Persons by phonetic word pair (with their birth year) and, for children, by given name and birth year."""

    by_pair: dict[tuple[str, str], list[tuple[int, int | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_given_year: dict[tuple[str, int], list[int]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, profiles: Iterable[PersonProfile], with_years: bool) -> _NameIndex:
        index = cls()
        for profile in profiles:
            keys: set[tuple[str, str]] = set()
            givens: set[str] = set()
            for form in profile.names:
                keys |= _index_keys(form)
                givens.update(form.given or form.tokens)
            year = profile.dob.year if profile.dob is not None else None
            for key in keys:
                index.by_pair[key].append((profile.index, year))
            if with_years and year is not None:
                for given in givens:
                    index.by_given_year[(given, year)].append(profile.index)
        return index

    def pair_hits(self, form: NameForm, years: range | None, max_block: int) -> Counter[int]:
        """Persons sharing word pairs with ``form``, with how many pairs each shares.

        With ``years`` only persons born in them (or of unknown birth) count;
        without, a word pair shared by more than ``max_block`` persons is
        skipped as pointing at nobody in particular (MARIA LOPEZ).
        """
        hits: Counter[int] = Counter()
        for key in _query_keys(form):
            entries = self.by_pair.get(key, ())
            if years is None:
                if len(entries) > max_block:
                    continue
                for person, _ in entries:
                    hits[person] += 1
            else:
                for person, year in entries:
                    if year is None or year in years:
                        hits[person] += 1
        return hits


def _age_fits(stated: StatedRelative, child: PersonProfile, tolerance: int) -> bool | None:
    if stated.age is None:
        return None
    age = child.age_at(stated.on)
    if age is None:
        return None
    return abs(age - stated.age) <= tolerance + (1 if child.dob_estimated else 0)


def _from_names(
    profiles: Sequence[PersonProfile], settings: CandidateSettings, candidates: Candidates
) -> None:
    children = _NameIndex.of((p for p in profiles if p.is_child), with_years=True)
    adults = _NameIndex.of((p for p in profiles if p.is_adult), with_years=False)
    limit = settings.max_name_hits

    for adult in profiles:
        for source, statements in (("stated_child", adult.stated_children), ("ngo", adult.ngo_children)):
            for stated in statements:
                found = _children_named(stated, adult, profiles, children, settings)
                if len(found) > limit:
                    candidates.counts[f"{source}_names_capped"] += 1
                for child in found[:limit]:
                    candidates.add(adult.index, child, source)

    for child in profiles:
        for stated in child.stated_parents:
            if len(stated.name.tokens) < 2:
                continue  # a lone given name is found through the events, not through an index of adults
            hits = adults.pair_hits(stated.name, None, settings.max_name_block)
            wanted_sex = {"MOTHER": "F", "FATHER": "M"}.get(stated.relationship or "")
            ranked = []
            for person, score in hits.items():
                adult = profiles[person]
                if wanted_sex is not None and adult.sex not in (None, wanted_sex):
                    continue
                same_country = adult.country is not None and adult.country == child.country
                ranked.append((-score, not same_country, adult.person, person))
            ranked.sort()
            kept = 0
            for *_, person in ranked[: settings.max_name_hits * EXAMINED_PER_KEPT]:
                adult = profiles[person]
                if not _plausible_parent(adult, child, settings):
                    continue
                if match_name(stated.name, adult.name_sets) not in (FULL, MOST):
                    continue
                if kept == limit:
                    candidates.counts["stated_parent_names_capped"] += 1
                    break
                candidates.add(person, child.index, "stated_parent")
                kept += 1


def _plausible_parent(adult: PersonProfile, child: PersonProfile, settings: CandidateSettings) -> bool:
    """``can_be_parent``, and for a pair found by name only, a plausible age gap when both birth dates are known."""
    if not can_be_parent(adult, child, settings.min_offspring_gap_years):
        return False
    gap = _gap(adult, child)
    return gap is None or gap >= settings.min_lookup_gap_years


def _children_named(
    stated: StatedRelative,
    adult: PersonProfile,
    profiles: Sequence[PersonProfile],
    index: _NameIndex,
    settings: CandidateSettings,
) -> list[int]:
    """Children whose names carry the stated name, best first, those of a plainly wrong age left out."""
    ranked = []
    seen: set[int] = set()
    if len(stated.name.tokens) >= 2:
        years = None
        if stated.age is not None and stated.on is not None:
            born = stated.on.year - stated.age
            years = range(born - settings.age_tolerance - 2, born + settings.age_tolerance + 2)
        found = index.pair_hits(stated.name, years, settings.max_name_block)
        expected = stated.on.year - stated.age if stated.age is not None and stated.on is not None else None

        def closeness(hit: tuple[int, int]) -> tuple[int, int, str]:
            born = profiles[hit[0]].dob
            off = abs(born.year - expected) if born is not None and expected is not None else 99
            return -hit[1], off, profiles[hit[0]].person

        hits = sorted(found.items(), key=closeness)[: settings.max_name_hits * EXAMINED_PER_KEPT]
        for person, score in hits:
            if len(ranked) > settings.max_name_hits:
                break  # enough to know the name is capped
            child = profiles[person]
            seen.add(person)
            fits = _age_fits(stated, child, settings.age_tolerance)
            if fits is False or not _plausible_parent(adult, child, settings):
                continue
            kind = match_name(stated.name, child.name_sets)
            if kind not in (FULL, MOST, GIVEN_ONLY):
                continue
            ranked.append((-score, kind != FULL, fits is None, child.person, person))
    if stated.age is not None and stated.on is not None and len(stated.name.tokens) == 1:
        # A lone given name (``MELVIL|8``) is only worth a look-up with an age: children of that
        # given name born in the years the age allows, unless there are too many of them.
        words = stated.name.tokens
        born = stated.on.year - stated.age
        namesakes: list[PersonProfile] = []
        too_many = settings.max_name_hits * EXAMINED_PER_KEPT
        for year in range(born - settings.age_tolerance - 1, born + settings.age_tolerance + 1):
            for person in index.by_given_year.get((stated.name.words[0], year), ()):
                if person in seen:
                    continue
                seen.add(person)
                child = profiles[person]
                if all(word in child.name_sets.tokens for word in words) and _age_fits(
                    stated, child, settings.age_tolerance
                ):
                    namesakes.append(child)
                    if len(namesakes) > too_many:
                        break
            if len(namesakes) > too_many:
                break
        if len(namesakes) <= too_many:  # else too common a name to point at anyone
            by_age = [
                (0, False, False, child.person, child.index)
                for child in namesakes
                if match_name(stated.name, child.name_sets) in (FULL, GIVEN_ONLY)
                and _plausible_parent(adult, child, settings)
            ]
            if len(by_age) <= settings.max_name_hits:
                ranked.extend(by_age)
    ranked.sort()
    return [person for *_, person in ranked]
