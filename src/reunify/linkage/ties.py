"""Family ties: which person is whose mother or father, how sure, and on what evidence.

The agencies share no identifier and no system held the link between a
separated child and its parent; this module rebuilds it from what the
records say, after the person linkage has decided which records are one
person (``person_of``: record key -> person id).

How, in four steps:

1. **Profiles** (ties_people): everything each person's records say that
   bears on family -- names in every spelling, birth date, sex, country and
   language, apprehension events and CBP family groups, ICE stays, the
   parents a child named (ORR), the children an adult named (ICE, with ages),
   the child an NGO-located parent is looking for, DNA tests.
2. **Candidates** (ties_candidates): (adult, child) pairs connected by a
   shared event or family group, a joint booking into a facility, a DNA test,
   or a name someone stated for the other (looked up by phonetic keys of a
   given name and a surname, filtered by age).  Near-linear in the records.
   Two children CBP recorded as CHILD of one family unit are siblings, not
   candidates.
3. **Scoring** (ties_features, ties_model): each pair is compared on eight
   kinds of evidence, each discretised into levels: together (family group
   and relationship, and whether a second adult was in the unit; shared
   event; joint booking), the parents the child named (name and
   MOTHER/FATHER against the adult's sex), the children the adult named at
   ICE (name and age), the child an NGO locate names (name and age), surname
   inheritance read with the adult's sex, the age gap, country/language, and
   whether a DNA test was taken.  The weight of every level is learnt on
   this run's candidate pairs by EM (a Fellegi-Sunter / naive-Bayes
   mixture), with the pairs a DNA test or a person has settled clamped to
   their known class; the non-ties' level frequencies are learnt separately
   for pairs apprehended together, booked in together and neither (a
   relative travelling with a child shares its surname far more often than a
   stranger with the same name does), and the DNA comparison is learnt after
   EM from its classes (tests are not taken at random).
   We chose EM anchored by DNA labels over a classifier trained on DNA
   labels alone because DNA tests are not a sample of candidates (they are
   done on separated families and on suspected false parents), and over
   hand-set weights because those would fit one generator, not the next
   year's feeds.  The result is a probability per pair and, for every level,
   a readable weight log2(m/u).
4. **Decisions and constraints**: a human decision outranks everything (a
   confirmed tie is CONFIRMED, a rejected tie REJECTED and never returns); a
   DNA INCLUSION makes a tie CONFIRMED and an EXCLUSION makes it REJECTED and
   flags the adult who presented as the parent; a parent must be older than
   the child; probability >= ``probable_threshold`` is PROBABLE, the review
   band [``review_threshold``, ``probable_threshold``) CANDIDATE, below is
   dropped -- except a pair the records show as head or spouse and child of
   one family unit, which stays a flagged CANDIDATE (an adult who presented
   as a parent without support is for a person to judge); a child has at most one asserted mother and one asserted father
   (the most probable keeps the place, a competitor is sent to review as
   CANDIDATE).  The relationship is MOTHER or FATHER from the parent's sex,
   from the child's own word for a parent it named when the sex is unknown,
   else PARENT.

The core knows nothing of Django; the application stores ``TieResult``.
"""

from __future__ import annotations

import gc
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from reunify.linkage.person_records import LinkRecord
from reunify.linkage.ties_candidates import (
    SOURCE_BIT,
    CandidateSettings,
    Pair,
    generate_candidates,
    sources_of,
)
from reunify.linkage.ties_features import (
    COMPARISONS,
    CONTEXT_COMPARISON,
    CONTEXT_OF_TOGETHER,
    CONTEXTS,
    DECLARED_DECISIVE_LEVELS,
    DECLARED_RELATION_LEVELS,
    FULL,
    GIVEN_ONLY,
    MOST,
    PRESENTED_LEVELS,
    CompareContext,
    declared_relation,
    dna_result,
    explain_pair,
    match_name,
    parent_statements,
    pattern_of,
    too_young_to_be_parent,
)
from reunify.linkage.ties_model import ContextRule, TieModel, fit_tie_model
from reunify.linkage.ties_people import DnaRow, PersonProfile, build_profiles

__all__ = [
    "CANDIDATE",
    "COMPETING_PARENT",
    "CONFIRMED",
    "POSSIBLE_RELATIVE",
    "PRESENTED_UNSUPPORTED",
    "PROBABLE",
    "REJECTED",
    "REVIEW_REASONS",
    "TOO_YOUNG",
    "Evidence",
    "Tie",
    "TieDecisions",
    "TieFlag",
    "TieModel",
    "TieResult",
    "TieSettings",
    "link_ties",
]

CONFIRMED, PROBABLE, CANDIDATE, REJECTED = "CONFIRMED", "PROBABLE", "CANDIDATE", "REJECTED"
#: Why a tie is held for review rather than asserted (``Evidence.reason`` of a constraint line).
POSSIBLE_RELATIVE = "possible_relative"
PRESENTED_UNSUPPORTED = "presented_unsupported"
COMPETING_PARENT = "competing_parent"
TOO_YOUNG = "too_young"
REVIEW_REASONS = (POSSIBLE_RELATIVE, PRESENTED_UNSUPPORTED, COMPETING_PARENT, TOO_YOUNG)
MOTHER, FATHER, PARENT = "MOTHER", "FATHER", "PARENT"
_STATUS_RANK = {CONFIRMED: 0, PROBABLE: 1, CANDIDATE: 2, REJECTED: 3}


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class TieDecisions:
    """Human decisions about (parent person, child person) pairs, applied on every run.

    A confirmed pair is a CONFIRMED tie whatever the records say; a rejected
    pair is REJECTED and never comes back.  A pair may not be both: the
    decision log must be made consistent first.
    """

    confirmed: tuple[tuple[str, str], ...] = ()
    rejected: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        confirmed = tuple(sorted({(str(p), str(c)) for p, c in self.confirmed}))
        rejected = tuple(sorted({(str(p), str(c)) for p, c in self.rejected}))
        both = set(confirmed) & set(rejected)
        if both:
            raise ValueError(f"ties decided both confirmed and rejected: {sorted(both)[:5]}")
        object.__setattr__(self, "confirmed", confirmed)
        object.__setattr__(self, "rejected", rejected)


@dataclass(frozen=True)
class TieSettings:
    """Thresholds and limits of a tie run; the defaults are meant for the feeds of FEEDS.md at any size.

    ``probable_threshold`` and ``review_threshold`` are tie probabilities:
    at or above the first a tie is PROBABLE (asserted without review), in
    [review, probable) it is a CANDIDATE for a person to review, below it is
    dropped.  They are set by what a wrong assertion costs (a child handed to
    the wrong adult) against a reviewer's time, not tuned to a scenario:
    the review band starts at 0.2 because, measured on generated scenarios of
    several seeds and noise rates, candidates in [0.2, 0.5) are real ties
    about 40-50% of the time (a review well spent) and below 0.2 about 10-20%.
    With ``review_presented_parents`` an adult the records show as head or
    spouse of the child's family unit is never dropped silently: below the
    band the pair is still a CANDIDATE, and flagged, because an adult who
    presented as a parent without the evidence to support it is either a
    parent with unusual records or a false parent, and a person must look.

    Candidate generation: events and family groups with more than
    ``max_group_persons`` persons are not expanded pair by pair (a crowd is
    not a family); ``stay_window_minutes`` is how close two ICE book-ins into
    one facility must be for a pair (``stay_close_minutes`` separates "booked
    in together" from "close in time"); ``max_name_hits`` caps the persons one
    stated name may point at, and a word pair (given name and surname, or two
    surnames) shared by more than ``max_name_block`` persons is not looked up
    without an age to narrow it (it points at nobody in particular);
    ``min_offspring_gap_years`` lets two adults in one event be parent and
    adult offspring when their birth dates are that far apart;
    ``min_parent_gap_years``: an adult fewer years older than the child (an
    older sister, a young aunt) is never asserted as its parent by the
    model; such a pair goes to review at most (a DNA result or a person's
    decision still decides);
    ``age_tolerance`` is the years a stated age may differ from the age by
    birth date (plus one for an estimated birth date; candidate look-ups
    allow one more).

    EM: ``pseudo_count`` pairs per level and class of prior,
    ``context_strength`` (in pairs) with which a context's level distribution
    is shrunk towards the pooled one (ties_model.ContextRule),
    ``probability_floor`` for m and u, ``max_iterations`` and ``tolerance``.
    ``keep_candidates`` returns every candidate pair with its probability in
    ``TieResult.candidates`` (for a benchmark measuring candidate recall; a
    rebuild does not need it).
    """

    probable_threshold: float = 0.9
    review_threshold: float = 0.2
    max_group_persons: int = 40
    stay_window_minutes: float = 5.0
    stay_close_minutes: float = 1.0
    max_name_hits: int = 20
    max_name_block: int = 200
    min_offspring_gap_years: float = 13.0
    min_parent_gap_years: float = 13.0
    age_tolerance: int = 1
    pseudo_count: float = 1.0
    context_strength: float = 100.0
    probability_floor: float = 1e-6
    max_iterations: int = 500
    tolerance: float = 1e-7
    keep_candidates: bool = False
    review_presented_parents: bool = True

    def __post_init__(self) -> None:
        if not 0.0 < self.review_threshold <= self.probable_threshold < 1.0:
            raise ValueError("thresholds must satisfy 0 < review_threshold <= probable_threshold < 1")


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence behind a tie, in plain words.

    ``weight`` is the learnt log2 Bayes factor of the level found (the
    ``prior`` line carries the model's prior odds, so the lines of a tie add
    up to its match weight); human decisions and constraints carry 0.0
    because they decide the status rather than weigh on the probability.
    ``record_keys`` are the records the evidence was read from.  ``reason``
    names, for a constraint, which rule held the tie (one of
    ``REVIEW_REASONS``), so that a reader need not parse the words.
    """

    kind: str
    weight: float
    text: str
    record_keys: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Tie:
    """A parent-child tie between two persons.

    ``probability`` is the probability that the tie is real: 1.0 when a DNA
    inclusion or a person confirmed it, 0.0 when an exclusion or a person
    rejected it, else the model's; ``model_probability`` is always the
    model's, from the records alone (a decision does not change it).  ``found_by`` names the candidate sources that found
    the pair (ties_candidates.SOURCES).
    """

    parent: str
    child: str
    relationship: str
    status: str
    probability: float
    evidence: list[Evidence]
    model_probability: float = 0.0
    found_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class TieFlag:
    """A finding about a person that someone must look at (e.g. "presented as parent, DNA EXCLUSION")."""

    person: str
    kind: str
    text: str
    record_keys: tuple[str, ...] = ()
    other: str | None = None


@dataclass
class TieResult:
    """What a tie run produced: the ties at every status (dropped pairs are not ties), flags, counts, the model.

    ``candidates``, when the settings ask for it, lists every candidate pair
    as (parent person, child person, model probability, sources).
    """

    ties: list[Tie]
    flags: list[TieFlag]
    counts: dict[str, int]
    model: TieModel
    timings: dict[str, float] = field(default_factory=dict)
    candidates: list[tuple[str, str, float, tuple[str, ...]]] | None = field(default=None, repr=False)

    def by_child(self) -> dict[str, list[Tie]]:
        """Child person -> its ties, best first."""
        out: dict[str, list[Tie]] = defaultdict(list)
        for tie in self.ties:
            out[tie.child].append(tie)
        for ties in out.values():
            ties.sort(key=lambda t: (_STATUS_RANK[t.status], -t.probability, t.parent))
        return dict(out)


# --------------------------------------------------------------------------- the run


@dataclass
class _PairState:
    """A scored pair on its way to becoming a tie (or being dropped)."""

    adult: PersonProfile
    child: PersonProfile
    sources: int
    pattern: tuple[int, ...]
    model_probability: float
    status: str | None = None
    probability: float = 0.0
    relationship: str = PARENT
    notes: list[Evidence] = field(default_factory=list)


def link_ties(
    records: Iterable[LinkRecord],
    person_of: Mapping[str, str],
    decisions: TieDecisions | None = None,
    settings: TieSettings | None = None,
) -> TieResult:
    """Propose every parent-child tie between the persons of ``person_of``, with its evidence and status.

    See the module docstring for the method.  Decisions naming a person no
    record belongs to are counted (``decisions_unknown_persons``) and
    otherwise ignored: the person may have been merged away.
    """
    with _collector_paused():
        return _link_ties(records, person_of, decisions, settings)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the run builds millions of small objects.

    Why: nothing the run builds is garbage until it ends, yet the collector
    walks every tracked object again and again as they are allocated; at
    100,000 families that quadruples the time to build the profiles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _link_ties(
    records: Iterable[LinkRecord],
    person_of: Mapping[str, str],
    decisions: TieDecisions | None,
    settings: TieSettings | None,
) -> TieResult:
    settings = settings or TieSettings()
    decisions = decisions or TieDecisions()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    profiles, profile_counts = build_profiles(records, person_of)
    counts: Counter[str] = Counter(profile_counts)
    by_person = {profile.person: profile for profile in profiles}
    lap("profiles")

    candidates = generate_candidates(
        profiles,
        CandidateSettings(
            max_group_persons=settings.max_group_persons,
            stay_window_minutes=settings.stay_window_minutes,
            max_name_hits=settings.max_name_hits,
            max_name_block=settings.max_name_block,
            min_offspring_gap_years=settings.min_offspring_gap_years,
            age_tolerance=settings.age_tolerance + 1,
        ),
    )
    counts.update(
        {f"candidates_{k}" if k != "pairs" else "candidate_pairs": v for k, v in candidates.counts.items()}
    )
    decided: dict[Pair, bool] = {}
    for pairs, verdict in ((decisions.confirmed, True), (decisions.rejected, False)):
        for parent, child in pairs:
            adult_profile, child_profile = by_person.get(parent), by_person.get(child)
            if adult_profile is None or child_profile is None or parent == child:
                counts["decisions_unknown_persons"] += 1
                continue
            pair = (adult_profile.index, child_profile.index)
            decided[pair] = verdict
            candidates.pairs[pair] = candidates.pairs.get(pair, 0) | SOURCE_BIT["decision"]
            counts["decisions_confirmed" if verdict else "decisions_rejected"] += 1
    lap("candidates")

    context = CompareContext(
        stay_close_minutes=settings.stay_close_minutes,
        stay_window_minutes=settings.stay_window_minutes,
        age_tolerance=settings.age_tolerance,
        language_share=CompareContext.learn_languages(profiles),
        group_adults=CompareContext.count_group_adults(profiles),
        event_adults=CompareContext.count_event_adults(profiles),
        stated_fits=_stated_fits(profiles, candidates.pairs),
        min_parent_gap_years=settings.min_parent_gap_years,
    )
    pair_list = list(candidates.pairs.items())
    patterns = [pattern_of(profiles[a], profiles[c], context) for (a, c), _ in pair_list]
    dna_verdicts = {pair: dna_result(rows) for pair, rows in candidates.dna.items()}
    labels: list[bool | None] = []
    declared_at = [comparison.name for comparison in COMPARISONS].index("declared_relation")
    for pair, pattern in zip((pair for pair, _ in pair_list), patterns, strict=True):
        label = decided.get(pair)
        if label is None:
            verdict = dna_verdicts.get(pair)
            label = None if verdict is None or verdict[0] is None else verdict[0] == "INCLUSION"
        if label is None and _contrary(profiles[pair[0]], profiles[pair[1]], pattern[declared_at], settings):
            # The records say "not the parent": a relative, not a tie, for training as for status.
            label = False
            counts["labelled_contrary"] += 1
        labels.append(label)
    lap("comparisons")

    names = [comparison.name for comparison in COMPARISONS]
    rule = ContextRule(names.index(CONTEXT_COMPARISON), CONTEXTS, CONTEXT_OF_TOGETHER)
    model = fit_tie_model(
        COMPARISONS,
        patterns,
        labels,
        rule=rule,
        pseudo_count=settings.pseudo_count,
        context_strength=settings.context_strength,
        floor=settings.probability_floor,
        max_iterations=settings.max_iterations,
        tolerance=settings.tolerance,
    )
    counts["em_iterations"] = model.iterations
    lap("training")

    flags: list[TieFlag] = []
    states: list[_PairState] = []
    together_at = names.index("together")
    for ((adult_index, child_index), sources), pattern in zip(pair_list, patterns, strict=True):
        state = _PairState(
            profiles[adult_index], profiles[child_index], sources, pattern, model.probability(pattern)
        )
        _decide(
            state,
            decided.get((adult_index, child_index)),
            dna_verdicts.get((adult_index, child_index)),
            pattern[together_at] in PRESENTED_LEVELS,
            settings,
            flags,
        )
        if state.status in (PROBABLE, CANDIDATE) and _contrary(
            state.adult, state.child, pattern[declared_at], settings
        ):
            _contrary_to_review(state, context, settings, flags)
        if state.status is not None:
            state.relationship = _relationship(state.adult, state.child)
            states.append(state)
    _one_mother_one_father(states, flags)
    lap("decisions")

    ties = [_tie(state, model, context) for state in states]
    ties.sort(key=lambda t: (t.child, _STATUS_RANK[t.status], -t.probability, t.parent))
    for adult_index, row in candidates.unmatched_dna:
        flags.append(
            TieFlag(
                person=profiles[adult_index].person,
                kind="DNA_CHILD_NOT_FOUND",
                text=(
                    f"DNA test {row.record_key} ({row.result or 'no result'}) names child {row.child_uac_id}, "
                    "whose referral is not among the records"
                ),
                record_keys=(row.record_key,),
            )
        )
    lap("ties")

    for tie in ties:
        counts[f"ties_{tie.status.lower()}"] += 1
        counts[f"ties_{tie.relationship.lower()}"] += 1
    counts["ties"] = len(ties)
    counts["children_with_candidate"] = len({t.child for t in ties if t.status == CANDIDATE})
    counts["children_with_asserted"] = len({t.child for t in ties if t.status in (CONFIRMED, PROBABLE)})
    for flag in flags:
        counts[f"flags_{flag.kind.lower()}"] += 1
    counts["flags"] = len(flags)

    kept = None
    if settings.keep_candidates:
        kept = [
            (profiles[a].person, profiles[c].person, model.probability(pattern), sources_of(sources))
            for ((a, c), sources), pattern in zip(pair_list, patterns, strict=True)
        ]
    return TieResult(
        ties=ties, flags=flags, counts=dict(counts), model=model, timings=timings, candidates=kept
    )


def _stated_fits(profiles: Sequence[PersonProfile], pairs: Iterable[Pair]) -> dict[tuple[int, int], int]:
    """(child index, statement position) -> how many candidate adults the stated parent's name fits in full.

    Why count among the candidates: they are every adult the name look-up
    and the shared events could reach, so a name that fits one of them fits
    one adult of the records (the look-up is bounded, so "several" may be
    undercounted for very common names, never "one" overcounted).
    """
    pairs = [pair for pair in pairs if profiles[pair[1]].stated_parents]
    # The count is read only for a pair the name alone links (named_by_child): count for their children.
    wanted = {
        child_index
        for adult_index, child_index in pairs
        if profiles[adult_index].events.keys().isdisjoint(profiles[child_index].events.keys())
    }
    fits: Counter[tuple[int, int]] = Counter()
    for adult_index, child_index in pairs:
        if child_index not in wanted:
            continue
        child, adult = profiles[child_index], profiles[adult_index]
        for position, stated in parent_statements(child):
            if match_name(stated.name, adult.name_sets) == FULL:
                fits[(child_index, position)] += 1
    return dict(fits)


# --------------------------------------------------------------------------- status


def _decide(
    state: _PairState,
    decided: bool | None,
    dna: tuple[str | None, DnaRow | None, bool] | None,
    presented: bool,
    settings: TieSettings,
    flags: list[TieFlag],
) -> None:
    """Status before the one-mother-one-father constraint: decisions, then DNA, then age, then the model.

    ``presented`` says the records show the adult as head or spouse of the
    child's family unit: such a pair is never silently dropped (see
    ``TieSettings.review_presented_parents``).
    """
    adult, child = state.adult, state.child
    result, row, conflict = dna if dna is not None else (None, None, False)
    if row is not None and conflict:
        flags.append(
            TieFlag(
                adult.person,
                "DNA_CONFLICT",
                f"conclusive DNA results disagree for this adult and child {child.person}; the latest "
                f"({row.record_key}, {result}) is applied",
                (row.record_key,),
                child.person,
            )
        )
    if decided is not None:
        state.status = CONFIRMED if decided else REJECTED
        state.probability = 1.0 if decided else 0.0
        state.notes.append(
            Evidence("decision", 0.0, f"{'confirmed' if decided else 'rejected'} by a person's decision", ())
        )
        return
    if result == "EXCLUSION":
        state.status, state.probability = REJECTED, 0.0
        assert row is not None
        flags.append(
            TieFlag(
                adult.person,
                "DNA_EXCLUSION",
                f"presented as parent, DNA EXCLUSION: {_presentation(adult, child)}; "
                f"DNA test {row.record_key} excludes this adult as the parent of child {row.child_uac_id}",
                (row.record_key, *_presentation_keys(adult, child)),
                child.person,
            )
        )
        return
    if result == "INCLUSION":
        state.status, state.probability = CONFIRMED, 1.0
        if adult.dob is not None and child.dob is not None and adult.dob >= child.dob:
            assert row is not None
            flags.append(
                TieFlag(
                    adult.person,
                    "DNA_DATES_DISAGREE",
                    f"DNA INCLUSION ({row.record_key}) but the records make the parent (born {adult.dob}) "
                    f"no older than the child (born {child.dob}): a birth date or a person link is wrong",
                    (row.record_key, *adult.dob_keys[:1], *child.dob_keys[:1]),
                    child.person,
                )
            )
        return
    if adult.dob is not None and child.dob is not None and adult.dob >= child.dob:
        return  # a parent must be older than the child: never a tie
    probability = state.model_probability
    state.probability = probability
    if probability >= settings.probable_threshold:
        state.status = PROBABLE
    elif probability >= settings.review_threshold:
        state.status = CANDIDATE
    elif settings.review_presented_parents and presented:
        state.status = CANDIDATE
        state.notes.append(
            Evidence(
                "constraint",
                0.0,
                "the adult presented as this child's parent (head or spouse of the child's family unit) but the "
                "evidence does not support it: kept for review rather than dropped",
                tuple(_presentation_keys(adult, child)),
                PRESENTED_UNSUPPORTED,
            )
        )
        flags.append(
            TieFlag(
                adult.person,
                "PRESENTED_AS_PARENT_UNSUPPORTED",
                f"presented as parent: {_presentation(adult, child)}; the records give it probability "
                f"{probability:.2f}",
                tuple(_presentation_keys(adult, child)),
                child.person,
            )
        )


def _contrary(adult: PersonProfile, child: PersonProfile, declared: int, settings: TieSettings) -> bool:
    """Do the records say this adult is not the child's parent (a remark, an OTHER, an age gap too small)?

    Such a pair is a non-tie when the model is trained (like a DNA
    exclusion: relatives must teach the model what relatives look like, not
    what parents look like) and a review, never an assertion, when scored.
    """
    return declared in DECLARED_DECISIVE_LEVELS or (
        too_young_to_be_parent(adult, child, settings.min_parent_gap_years) is not None
    )


def _contrary_to_review(
    state: _PairState, context: CompareContext, settings: TieSettings, flags: list[TieFlag]
) -> None:
    """A pair the records say is not parent and child (a remark, an OTHER, too small an age gap) goes to review.

    Why not leave it to the probability: the remark or the gap is the one
    piece of evidence a matcher must read before a child is handed to an
    adult, and a model whose other comparisons all say "related" can still
    score a relative high.  So the pair is kept as a CANDIDATE (never
    PROBABLE, never silently dropped when it reached the review band or the
    adult presented as the parent), with the reason quoted, and the adult is
    flagged as a possible relative.  A DNA result or a person's decision has
    already decided the pairs they cover (``_decide``).
    """
    adult, child = state.adult, state.child
    reasons: list[str] = []
    keys: list[str] = []
    level, text, found_keys = declared_relation(adult, child, context, True)
    if level in DECLARED_DECISIVE_LEVELS:
        reasons.append(text or DECLARED_RELATION_LEVELS[level])
        keys.extend(found_keys)
    gap = too_young_to_be_parent(adult, child, settings.min_parent_gap_years)
    if gap is not None:
        reasons.append(
            f"the adult is only {gap:.1f} years older than the child (born {adult.dob} and {child.dob}): "
            f"under {settings.min_parent_gap_years:g} years, too young to be the parent"
        )
        keys.extend([*adult.dob_keys[:1], *child.dob_keys[:1]])
    reason = "; ".join(reasons)
    state.status = CANDIDATE
    state.notes.append(
        Evidence(
            "constraint",
            0.0,
            f"the records say this adult may be a relative, not the parent: {reason}; kept for review",
            tuple(dict.fromkeys(keys)),
            POSSIBLE_RELATIVE if level in DECLARED_DECISIVE_LEVELS else TOO_YOUNG,
        )
    )
    flags.append(
        TieFlag(
            adult.person,
            "POSSIBLE_RELATIVE",
            f"possible relative, not parent: {reason}",
            tuple(dict.fromkeys(keys)),
            child.person,
        )
    )


def _presentation(adult: PersonProfile, child: PersonProfile) -> str:
    """How the adult presented as the child's parent, in words, from the records."""
    for group in sorted(adult.family_groups.keys() & child.family_groups.keys()):
        codes = adult.family_groups[group][0]
        if codes & {"HEAD", "SPOUSE"}:
            return f"apprehended with the child as {'/'.join(sorted(codes))} of family group {group}"
    shared = sorted(adult.events.keys() & child.events.keys())
    if shared:
        return f"apprehended with the child in event {shared[0]}"
    for stated in adult.stated_children:
        if match_name(stated.name, child.name_sets) in (FULL, MOST, GIVEN_ONLY):
            return f"named the child '{stated.name.text}' at an ICE interview"
    return "tested as the child's parent"


def _presentation_keys(adult: PersonProfile, child: PersonProfile) -> list[str]:
    for group in sorted(adult.family_groups.keys() & child.family_groups.keys()):
        return adult.family_groups[group][1][:1] + child.family_groups[group][1][:1]
    for event in sorted(adult.events.keys() & child.events.keys()):
        return adult.events[event][:1] + child.events[event][:1]
    return []


def _relationship(adult: PersonProfile, child: PersonProfile) -> str:
    """MOTHER / FATHER from the parent's sex; else from the child's own word for a parent it named; else PARENT."""
    if adult.sex == "F":
        return MOTHER
    if adult.sex == "M":
        return FATHER
    said = {
        stated.relationship
        for stated in child.stated_parents
        if stated.relationship in (MOTHER, FATHER)
        and match_name(stated.name, adult.name_sets) in (FULL, MOST, GIVEN_ONLY)
    }
    return said.pop() if len(said) == 1 else PARENT


def _one_mother_one_father(states: list[_PairState], flags: list[TieFlag]) -> None:
    """At most one asserted MOTHER and one FATHER per child; a PARENT takes whichever place is free.

    Confirmed ties take their places first, then probable ones by
    probability.  A probable competitor for a taken place goes to review as
    CANDIDATE (a reviewer, not the model, should choose between two probable
    mothers); two confirmed ones both stay and the child is flagged.
    """
    by_child: dict[int, list[_PairState]] = defaultdict(list)
    for state in states:
        if state.status in (CONFIRMED, PROBABLE):
            by_child[state.child.index].append(state)
    for competing in by_child.values():
        if len(competing) < 2:
            continue
        competing.sort(
            key=lambda s: (
                _STATUS_RANK[s.status or REJECTED],
                -s.probability,
                -s.model_probability,
                s.adult.person,
            )
        )
        holder: dict[str, _PairState] = {}
        for state in competing:
            place = state.relationship if state.relationship in (MOTHER, FATHER) else None
            if place is None:
                place = next((p for p in (MOTHER, FATHER) if p not in holder), MOTHER)
            if place not in holder:
                holder[place] = state
                continue
            winner = holder[place]
            what = place.lower() if state.relationship != PARENT else "parent"
            if state.status == CONFIRMED:
                flags.append(
                    TieFlag(
                        state.child.person,
                        "TWO_CONFIRMED_PARENTS",
                        f"more than one confirmed {what}: {winner.adult.person} and {state.adult.person}",
                        (),
                        state.adult.person,
                    )
                )
                continue
            state.status = CANDIDATE
            state.notes.append(
                Evidence(
                    "constraint",
                    0.0,
                    f"another {what} ({winner.adult.person}, {winner.status}, probability {winner.probability:.3f}) "
                    "is more likely; sent to review",
                    (),
                    COMPETING_PARENT,
                )
            )


def _tie(state: _PairState, model: TieModel, context: CompareContext) -> Tie:
    """The tie with its evidence: the prior, each comparison that found something, then DNA/decision/constraint notes."""
    evidence = [
        Evidence(
            "prior",
            round(model.prior_weight, 3),
            f"share of candidate pairs that are ties, learnt from this run: {model.prior:.3f}",
            (),
        )
    ]
    index_of = {name: i for i, name in enumerate(model.comparisons)}
    for name, level, text, keys in explain_pair(state.adult, state.child, context):
        weight = model.weight(index_of[name], level, state.pattern)
        evidence.append(Evidence(name, round(weight, 3), text, tuple(keys)))
    evidence.extend(state.notes)
    return Tie(
        parent=state.adult.person,
        child=state.child.person,
        relationship=state.relationship,
        status=state.status or REJECTED,
        probability=state.probability,
        evidence=evidence,
        model_probability=state.model_probability,
        found_by=sources_of(state.sources),
    )
