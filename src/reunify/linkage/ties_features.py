"""The evidence the tie model compares, one discrete comparison per kind of evidence.

Why discrete levels: the weights are learnt from the data at hand (ties_model:
EM over the candidate pairs), and a level's weight is then simply how much
more often that level occurs among real parent-child pairs than among the
other candidates, log2(m/u), which a reviewer can read and a court can be
shown.  Each comparison returns a level index or None when the records hold
nothing to compare (None contributes no weight, it is not evidence against).

Each comparison folds together pieces of evidence that are plainly dependent
on each other (family group and shared event; surname pattern and the
parent's sex; country and language), so that the model's independence
assumption is not asked to hold where it obviously does not.  Levels are
listed strongest first only for readability and for choosing the best of
several stated names; no weight is written here.

DNA decides a tie's status (ties.py) and its INCLUSION/EXCLUSION pairs are
the labels the weights are learnt with; it is also a comparison, because
whether a pair was tested at all is itself informative (see ``dna``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from reunify.linkage.ties_people import DnaRow, NameForm, NameSets, PersonProfile, StatedRelative
from reunify.linkage.ties_remarks import DENIAL, DOUBT, RELATIVE, RelationSignal, read_remark

#: A finding: (level index or None, plain-words explanation, record keys behind it).
Finding = tuple[int | None, str, list[str]]


@dataclass
class CompareContext:
    """What the comparisons need beyond the two profiles: learnt tables and settings.

    ``language_share[country][language]`` is the share of children born in
    ``country`` who speak ``language``, learnt from the ORR referrals of this
    run, so that "this child's language is heard in the adult's country" needs
    no list written by hand.  ``stated_fits[(child index, statement
    position)]`` is how many of the child's candidate adults a parent's name
    the child stated fits in full: a full name that fits one adult only
    points at that adult, one that fits several (MARIA LOPEZ) does not.
    ``min_parent_gap_years``: an adult fewer years older than the child is
    not taken for its parent without a person's review.
    """

    stay_close_minutes: float = 1.0
    stay_window_minutes: float = 5.0
    age_tolerance: int = 1
    language_share: dict[str, dict[str, float]] = field(default_factory=dict)
    language_min_share: float = 0.02
    group_adults: dict[str, int] = field(default_factory=dict)
    event_adults: dict[str, Counter[str | None]] = field(default_factory=dict)
    stated_fits: dict[tuple[int, int], int] = field(default_factory=dict)
    min_parent_gap_years: float = 13.0

    @staticmethod
    def count_event_adults(profiles: Iterable[PersonProfile]) -> dict[str, Counter[str | None]]:
        """Event -> how many adult-side persons of each sex (None: unknown) it holds.

        Why: a remark on a child's row ("TRAVELING WITH AUNT") points at the
        one woman of the child's apprehension only when there is one; with a
        mother and an aunt both there it is ambiguous and weighs less.
        """
        counts: dict[str, Counter[str | None]] = defaultdict(Counter)
        for profile in profiles:
            if profile.is_adult and not profile.is_child:
                for event in profile.events:
                    counts[event][profile.sex] += 1
        return dict(counts)

    @staticmethod
    def count_group_adults(profiles: Iterable[PersonProfile]) -> dict[str, int]:
        """Family group -> how many persons are recorded in it as HEAD or SPOUSE."""
        counts: Counter[str] = Counter()
        for profile in profiles:
            for group, (codes, _) in profile.family_groups.items():
                if codes & {"HEAD", "SPOUSE"}:
                    counts[group] += 1
        return dict(counts)

    @staticmethod
    def learn_languages(
        profiles: Iterable[PersonProfile], min_children: int = 20
    ) -> dict[str, dict[str, float]]:
        """Country -> language -> share of that country's children who speak it (countries with enough children)."""
        speakers: dict[str, Counter[str]] = defaultdict(Counter)
        children: Counter[str] = Counter()
        for profile in profiles:
            if profile.is_child and profile.country and profile.languages:
                children[profile.country] += 1
                speakers[profile.country].update(profile.languages)
        return {
            country: {language: count / children[country] for language, count in speakers[country].items()}
            for country in children
            if children[country] >= min_children
        }


@dataclass(frozen=True)
class Comparison:
    """One kind of evidence: its name (the Evidence ``kind``), its levels and how to find the level of a pair.

    ``leaning`` says, per level, only which way it is expected to point
    (+1 towards a tie, -1 against, 0 either): it orients the first step of
    EM so that the "tie" class is the one the model ends up calling a tie.
    It is not a weight; the weights are learnt.  ``sign`` is stronger and
    rarer: a level whose meaning is "not this child's parent" (a remark
    saying UNCLE, a birth-date gap too small for parenthood, a DNA
    exclusion) may have its *size* learnt but never its direction, because
    EM over candidate pairs learns "related", and relatives travelling with
    a child resemble parents on every other comparison: left free, such a
    level was learnt as support.  ``sign[level]`` is -1 (the weight is at
    most 0), +1 (at least 0) or 0 (free); the model clamps, never sets.  ``after_em`` marks evidence
    that is learnt once EM has converged, from its classes, per context for
    ties and non-ties alike, without taking part in EM (ties_model): the DNA
    test, whose levels coincide with the labels EM is anchored by.
    """

    name: str
    title: str
    levels: tuple[str, ...]
    find: Callable[[PersonProfile, PersonProfile, CompareContext, bool], Finding]
    leaning: tuple[int, ...]
    after_em: bool = False
    sign: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if len(self.leaning) != len(self.levels):
            raise ValueError(f"comparison {self.name}: one leaning per level")
        if self.sign is not None and (
            len(self.sign) != len(self.levels) or any(s not in (-1, 0, 1) for s in self.sign)
        ):
            raise ValueError(f"comparison {self.name}: one sign (-1, 0 or +1) per level")

    def fixed_sign(self, level: int) -> int:
        """The sign the domain fixes for a level's weight: -1 never for a tie, +1 never against, 0 free."""
        return self.sign[level] if self.sign is not None else 0


# --------------------------------------------------------------------------- name matching


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one insertion, deletion, substitution or transposition."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True
        # two neighbouring sounds exchanged (GRESON / GERSON)
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    return a[i:] == b[i + 1 :]


def _hit(key: str, targets: set[str] | frozenset[str], shortest: int = 4) -> bool:
    """``key`` is among ``targets``, or one typing error away from one of them (words of ``shortest``+ sounds)."""
    if key in targets:
        return True
    if len(key) < shortest:
        return False
    return any(len(t) >= shortest and _one_edit(key, t) for t in targets)


def _overlap(first: set[str], second: set[str], shortest: int = 3) -> bool:
    """Some word of ``first`` is, or is one typing error from, a word of ``second`` (words of 3+ symbols).

    Between two given persons a one-letter difference in a surname
    (KHOC / CHOC as sounds, ZAVALA / ZAHALA or CONTRERAS / CONTRRAS as
    letters) is far more likely a spelling than a different family, so
    pairwise comparisons allow it down to three sounds.
    """
    return any(_hit(word, second, shortest) for word in first)


#: How a stated name matches a person: every word / all but one word / only given names were stated
#: and they match / the given name matches but a stated surname does not / only a surname matches.
FULL, MOST, GIVEN_ONLY, GIVEN, SURNAME = "full", "most", "given only", "given", "surname"


def match_name(stated: NameForm, sets: NameSets) -> str | None:
    """How a name someone stated for a relative matches a person's names (FULL ... SURNAME, or None).

    A stated name is free text written given name first, whose split was
    guessed, so only its first word is required to be a given name; each
    other word may be any of the person's name words, and at least one of
    them must be a surname for more than a given-name match.  A stated word
    the person's records never carry counts against the match (a person may
    well carry more words than were stated: a dropped second surname is
    normal).  A name written surname first (``LOPEZ MARIA``) is read both
    ways.  A word matches when it sounds the same, or is one typing error
    away in sound or in letters.
    """
    words = list(zip(stated.words, stated.spelled_words or stated.words, strict=False))
    if not words:
        return None
    found = _match_words(words, sets)
    if found in (FULL, GIVEN_ONLY) or len(words) < 2:
        return found
    turned = _match_words([words[-1], *words[:-1]], sets)
    order = (FULL, MOST, GIVEN_ONLY, GIVEN, SURNAME, None)
    return turned if order.index(turned) < order.index(found) and turned in (FULL, MOST) else found


def _word_hit(word: tuple[str, str], keys: set[str], spelled: set[str]) -> bool:
    """A (sound, spelling) word is among ``keys`` or one error from one, or one letter from a word of ``spelled``."""
    key, letters = word
    if _hit(key, keys):
        return True
    return len(letters) >= 4 and any(len(s) >= 4 and _one_edit(letters, s) for s in spelled)


def _match_words(words: Sequence[tuple[str, str]], sets: NameSets) -> str | None:
    given = sets.given or sets.tokens
    surnames = sets.surnames or sets.tokens
    first_hit = _word_hit(words[0], given, sets.spelled_given if sets.given else sets.spelled)
    rest = words[1:]
    unmatched = sum(1 for word in rest if not _word_hit(word, sets.tokens, sets.spelled))
    surname_hit = any(_hit(word[0], surnames) for word in rest)
    if first_hit:
        if not rest or (unmatched == 0 and not surname_hit):
            return GIVEN_ONLY
        if surname_hit:
            return FULL if unmatched == 0 else (MOST if unmatched == 1 else GIVEN)
        return GIVEN
    if surname_hit:
        return SURNAME
    return None


def _best(findings: Iterable[Finding]) -> Finding:
    """The strongest finding (lowest level index) among several, or a null finding when there is none."""
    best: Finding = (None, "", [])
    for finding in findings:
        level = finding[0]
        if level is not None and (best[0] is None or level < best[0]):
            best = finding
    return best


def _name_text(profile: PersonProfile) -> str:
    certain = [form for form in profile.names if form.certain]
    form = (certain or profile.names or [None])[0]
    return form.text if form is not None else "(no name)"


# --------------------------------------------------------------------------- together


TOGETHER_LEVELS = (
    "one family unit, with a second adult",
    "one family unit, the only adult",
    "same family group, both recorded as children",
    "same family group, the adult's relationship unrecorded, the child the head's CHILD",
    "same family group",
    "same apprehension event",
    "same apprehension event, the adult processed as a single adult",
    "booked in together",
    "booked in close in time",
    "never together",
)


def together(adult: PersonProfile, child: PersonProfile, ctx: CompareContext, explain: bool) -> Finding:
    """Apprehended together (CBP family group and relationship, shared event) or booked into a facility together.

    The three are one comparison because a family group implies a shared
    event and a family booked in together was usually apprehended together:
    counted separately they would be counted twice.  "Never together" needs
    both persons to have an apprehension event: a parent held in adult
    detention and a child in a family facility are in different places by
    design, and a child whose apprehension record is missing says nothing.
    """
    shared_groups = adult.family_groups.keys() & child.family_groups.keys()
    if shared_groups:
        best: tuple[int, str] | None = None
        for group in sorted(shared_groups):
            adult_codes = adult.family_groups[group][0]
            child_codes = child.family_groups[group][0]
            if adult_codes & {"HEAD", "SPOUSE"} and ("CHILD" in child_codes or not child_codes):
                # a member of the head's unit whose relationship went unrecorded is, as a child, the head's child
                level = 0 if ctx.group_adults.get(group, 1) > 1 else 1
            elif adult_codes == {"CHILD"}:
                level = 2
            elif not adult_codes and "CHILD" in child_codes:
                level = 3
            else:
                level = 4
            if best is None or level < best[0]:
                best = (level, group)
        assert best is not None
        level, group = best
        if not explain:
            return level, "", []
        adult_codes, adult_keys = adult.family_groups[group]
        child_codes, child_keys = child.family_groups[group]
        if level <= 1:
            others = ctx.group_adults.get(group, 1) - 1
            text = (
                f"apprehended as one family unit: family group {group}, the adult as "
                f"{'/'.join(sorted(adult_codes))}, the child as {'/'.join(sorted(child_codes)) or 'unrecorded'}, "
                f"{'with ' + str(others) + ' other adult(s)' if others else 'the only adult'} of the unit"
            )
        else:
            text = (
                f"in the same family group {group}, the adult as {'/'.join(sorted(adult_codes)) or 'unrecorded'}, "
                f"the child as {'/'.join(sorted(child_codes)) or 'unrecorded'}"
            )
        return level, text, adult_keys + child_keys
    shared_events = adult.events.keys() & child.events.keys()
    if shared_events:
        # Border Patrol processed the adult apart from the child's family unit (SA) in every shared event:
        # it did not take the adult for the child's parent, or the parent was already split off.
        level = 6 if shared_events <= adult.single_adult_events else 5
        if not explain:
            return level, "", []
        event = sorted(shared_events)[0]
        text = f"apprehended in the same event {event}, with no shared family group recorded" + (
            ", the adult processed as a single adult (SA)" if level == 6 else ""
        )
        return level, text, adult.events[event] + child.events[event]
    closest: tuple[float, str, str, str] | None = None
    for adult_stay in adult.stays:
        for child_stay in child.stays:
            if adult_stay.facility != child_stay.facility:
                continue
            minutes = abs((adult_stay.book_in - child_stay.book_in).total_seconds()) / 60
            if minutes <= ctx.stay_window_minutes and (closest is None or minutes < closest[0]):
                closest = (minutes, adult_stay.facility, adult_stay.record_key, child_stay.record_key)
    if closest is not None:
        level = 7 if closest[0] <= ctx.stay_close_minutes else 8
        if not explain:
            return level, "", []
        text = f"booked into facility {closest[1]} {closest[0]:.0f} minutes apart, with no shared apprehension event"
        return level, text, [closest[2], closest[3]]
    if adult.events and child.events:
        if not explain:
            return 9, "", []
        keys = [k for keys in adult.events.values() for k in keys][:3] + [
            k for keys in child.events.values() for k in keys
        ][:3]
        return 9, "apprehended in different events and never booked in together", keys
    return None, "", []


# --------------------------------------------------------------------------- what the child said


NAMED_BY_CHILD_LEVELS = (
    "full name, role agrees",
    "full name, role agrees, one of several adults it fits",
    "full name",
    "most of the name",
    "given name only, role agrees",
    "given name only",
    "partial name",
    "name, role disagrees",
    "named another parent in the adult's role",
)


def _role_agrees(relationship: str | None, sex: str | None) -> bool | None:
    """Does a stated MOTHER/FATHER agree with the adult's sex?  None when either says nothing."""
    if relationship not in ("MOTHER", "FATHER") or sex is None:
        return None
    return (relationship == "MOTHER") == (sex == "F")


def parent_statements(child: PersonProfile) -> list[tuple[int, StatedRelative]]:
    """(position, statement) of the parents the child named, leaving out those named as OTHER (not a parent)."""
    return [(i, s) for i, s in enumerate(child.stated_parents) if s.relationship != "OTHER"]


def named_by_child(adult: PersonProfile, child: PersonProfile, ctx: CompareContext, explain: bool) -> Finding:
    """The parents the child (or ORR staff) named, against the adult's names and sex.

    Only what the child said of a *parent* counts here (a relative it named
    as OTHER is read by ``declared_relation``).  A statement about the other
    parent says nothing of this adult: a child who named only its mother is
    no evidence against its father.  The child's word is evidence against
    the adult only when it named someone in this adult's role (a FATHER, for
    a man) who is not this adult, or named two or more parents none of whom
    is this adult.
    """
    statements = parent_statements(child)
    if not statements:
        return None, "", []
    findings: list[Finding] = []
    unmatched_own_role: list[StatedRelative] = []
    unmatched_any: list[StatedRelative] = []
    for position, stated in statements:
        kind = match_name(stated.name, adult.name_sets)
        agrees = _role_agrees(stated.relationship, adult.sex)
        if agrees is False:
            if kind not in (FULL, MOST, GIVEN_ONLY):
                continue  # about the other parent
            level = 7
        elif kind == FULL and agrees:
            # When the name is the only link, a name that fits several adults points at none of them;
            # apprehended together, the shared event has already singled this adult out.
            level = (
                0
                if ctx.stated_fits.get((child.index, position), 2) <= 1
                or not adult.events.keys().isdisjoint(child.events.keys())
                else 1
            )
        elif kind == FULL:
            level = 2
        elif kind == MOST:
            level = 3
        elif kind == GIVEN_ONLY:
            level = 4 if agrees else 5
        elif kind is not None:
            level = 6
        else:
            unmatched_any.append(stated)
            if agrees:
                unmatched_own_role.append(stated)
            continue
        text = ""
        if explain:
            said = stated.relationship or "parent"
            text = (
                f"the child named a {said} '{stated.name.text}'; the adult is {_name_text(adult)}"
                f"{', ' + {'M': 'a man', 'F': 'a woman'}[adult.sex] if adult.sex else ''}"
                f": {NAMED_BY_CHILD_LEVELS[level]}"
            )
        findings.append((level, text, [stated.record_key]))
    if not findings and (unmatched_own_role or len(unmatched_any) >= 2):
        against = unmatched_own_role or unmatched_any
        text = ""
        if explain:
            text = "the child named parents, none of whom is this adult: " + "; ".join(
                f"{s.relationship or 'parent'} '{s.name.text}'" for s in against[:4]
            )
        findings.append((8, text, [against[0].record_key]))
    level, text, keys = _best(findings)
    if level is None:
        return None, "", []
    return level, text, keys + [f.record_key for f in adult.names[:1]]


# --------------------------------------------------------------------------- what the records say against


DECLARED_RELATION_LEVELS = (
    "the records say the adult is not the parent",
    "a remark names the adult as another relative",
    "the child named the adult as a relative, not a parent",
    "recorded as OTHER in the child's family unit",
    "a remark doubts the claimed relationship",
    "a remark names another relative travelling with the child",
)
#: The levels that send a tie to review whatever its probability (a person must read the remark).
DECLARED_DECISIVE_LEVELS = frozenset({0, 1, 2})
_SIGNAL_LEVEL = {DENIAL: 0, RELATIVE: 1, DOUBT: 4}


def _points_at(signal: RelationSignal, adult: PersonProfile) -> bool:
    return signal.sex is None or adult.sex is None or signal.sex == adult.sex


def declared_relation(
    adult: PersonProfile, child: PersonProfile, ctx: CompareContext, explain: bool
) -> Finding:
    """What the records say *against* the adult being this child's parent: remarks, OTHER codes, the child's word.

    Every level here means "not this child's parent" (or doubts it), so
    each has a fixed negative sign: its size is learnt, its direction is
    not.  A remark on the adult's own row in the child's apprehension (or a
    court summary about the adult) is about the adult; a remark on the
    child's row is about the adults of the child's apprehension whose sex
    its kin word names (AUNT: the women) and weighs less when several fit.
    The child naming the adult as OTHER, and CBP recording the adult as
    OTHER in a unit where the child is the head's CHILD, say it in codes.
    """
    findings: list[Finding] = []
    shared = adult.events.keys() & child.events.keys()
    for remark in adult.remarks:
        if remark.event is not None and remark.event not in shared:
            continue
        signal = read_remark(remark.text)
        if signal is None or not _points_at(signal, adult):
            continue
        if remark.event is None and signal.kind == DOUBT:
            continue  # a court's doubt is about a claim we cannot place
        level = _SIGNAL_LEVEL[signal.kind]
        findings.append(
            (
                level,
                f'remark on the adult\'s record {remark.record_key}: "{remark.text.strip()}" '
                f"({signal.words}): {DECLARED_RELATION_LEVELS[level]}"
                if explain
                else "",
                [remark.record_key],
            )
        )
    for remark in child.remarks:
        if remark.event is None or remark.event not in shared:
            continue
        signal = read_remark(remark.text)
        if signal is None or not _points_at(signal, adult):
            continue
        level = _SIGNAL_LEVEL[signal.kind]
        if level < 4:
            adults = ctx.event_adults.get(remark.event)
            fitting = (
                sum(n for sex, n in adults.items() if signal.sex is None or sex in (None, signal.sex))
                if adults
                else 1
            )
            if fitting > 1:
                level = 5
        findings.append(
            (
                level,
                f'remark on the child\'s record {remark.record_key}: "{remark.text.strip()}" '
                f"({signal.words}): {DECLARED_RELATION_LEVELS[level]}"
                if explain
                else "",
                [remark.record_key],
            )
        )
    for stated in child.stated_parents:
        if stated.relationship == "OTHER" and match_name(stated.name, adult.name_sets) in (FULL, MOST, GIVEN_ONLY):
            findings.append(
                (
                    2,
                    f"the child named '{stated.name.text}' as a relative (OTHER), not a parent; the adult is "
                    f"{_name_text(adult)}"
                    if explain
                    else "",
                    [stated.record_key],
                )
            )
            break
    for group in adult.family_groups.keys() & child.family_groups.keys():
        adult_codes, adult_keys = adult.family_groups[group]
        child_codes, child_keys = child.family_groups[group]
        if "OTHER" in adult_codes and not adult_codes & {"HEAD", "SPOUSE"} and "CHILD" in child_codes:
            findings.append(
                (
                    3,
                    f"in family group {group} the adult is recorded as OTHER and the child as the head's CHILD"
                    if explain
                    else "",
                    adult_keys[:1] + child_keys[:1],
                )
            )
            break
    return _best(findings)


def too_young_to_be_parent(adult: PersonProfile, child: PersonProfile, min_gap: float) -> float | None:
    """The age gap in years when it is below ``min_gap`` (estimated dates read a year towards it), else None."""
    gap = age_gap_years(adult, child)
    if gap is None:
        return None
    if adult.dob_estimated or child.dob_estimated:
        gap += 1.0
    return gap if gap < min_gap else None


# --------------------------------------------------------------------------- what the parent said


NAMED_CHILD_LEVELS = (
    "full name, age agrees",
    "full name",
    "most of the name, age agrees",
    "given name only, age agrees",
    "name, age disagrees",
    "most of the name or given name only",
    "partial name",
    "no named child matches",
)


def _age_agrees(stated: StatedRelative, child: PersonProfile, tolerance: int) -> bool | None:
    if stated.age is None:
        return None
    age = child.age_at(stated.on)
    if age is None:
        return None
    return abs(age - stated.age) <= tolerance + (1 if child.dob_estimated else 0)


def _named_child(
    statements: Sequence[StatedRelative],
    source: str,
    child: PersonProfile,
    ctx: CompareContext,
    explain: bool,
    absence_counts: bool = True,
) -> Finding:
    if not statements:
        return None, "", []
    findings: list[Finding] = []
    for stated in statements:
        kind = match_name(stated.name, child.name_sets)
        agrees = _age_agrees(stated, child, ctx.age_tolerance)
        if kind in (FULL, MOST, GIVEN_ONLY) and agrees is False:
            level = 4
        elif kind == FULL:
            level = 0 if agrees else 1
        elif kind == MOST:
            level = 2 if agrees else 5
        elif kind == GIVEN_ONLY:
            level = 3 if agrees else 5
        elif kind is not None:
            level = 6
        else:
            level = 7
        text = ""
        if explain:
            stated_age = f", age {stated.age}" if stated.age is not None else ""
            actual = child.age_at(stated.on)
            actual_age = f" (aged {actual} then)" if actual is not None else ""
            text = (
                f"{source} named a child '{stated.name.text}'{stated_age}; the child is "
                f"{_name_text(child)}{actual_age}: {NAMED_CHILD_LEVELS[level]}"
            )
        findings.append((level, text, [stated.record_key]))
    level, text, keys = _best(findings)
    if level == 7 and not absence_counts:
        return None, "", []
    if explain and level == 7:
        text = f"{source} named children, none of whom matches this child: " + "; ".join(
            f"'{s.name.text}'" for s in statements[:4]
        )
    return level, text, keys + [f.record_key for f in child.names[:1]]


def named_by_parent(
    adult: PersonProfile, child: PersonProfile, ctx: CompareContext, explain: bool
) -> Finding:
    """The children the adult named at an ICE interview (name and age), against the child."""
    return _named_child(adult.stated_children, "the adult (ICE interview)", child, ctx, explain)


def named_by_ngo(adult: PersonProfile, child: PersonProfile, ctx: CompareContext, explain: bool) -> Finding:
    """The child an NGO's located parent is looking for (name and age), against the child.

    A locate names the one child the parent is looking for, so a parent of
    two is no less the parent of the child it did not name: an NGO row that
    names another child is no evidence either way.
    """
    return _named_child(
        adult.ngo_children, "an NGO locate of the adult", child, ctx, explain, absence_counts=False
    )


# --------------------------------------------------------------------------- surnames


_SURNAME_PATTERNS = (
    "adult's first surname is the child's first",
    "adult's first surname is the child's second",
    "another shared surname",
    "no shared surname",
    "no shared surname, the child's second surname never recorded",
    "both surnames the child's, in order (as siblings share them)",
)
_SEX_WORDS = {"M": "man", "F": "woman", None: "sex unknown"}
SURNAME_LEVELS = tuple(
    f"{pattern} ({_SEX_WORDS[sex]})" for sex in ("M", "F", None) for pattern in _SURNAME_PATTERNS
)


def surnames(adult: PersonProfile, child: PersonProfile, ctx: CompareContext, explain: bool) -> Finding:
    """Surname inheritance, read with the adult's sex.

    A child's surnames are usually the father's first surname then the
    mother's first surname, so which of the child's surnames the adult's
    first surname is, and whether the adult is a man or a woman, go together;
    how much each combination weighs (a single mother passes on her own first
    surname first) is learnt, not assumed.
    """
    a, c = adult.name_sets, child.name_sets
    if not (a.surnames or a.tokens) or not (c.surnames or c.tokens):
        return None, "", []
    first = _overlap(a.first_surnames, c.first_surnames) or _overlap(a.spelled_first, c.spelled_first, 4)
    second = _overlap(a.first_surnames, c.second_surnames) or _overlap(a.spelled_first, c.spelled_second, 4)
    both = (
        first
        and bool(a.second_surnames)
        and bool(c.second_surnames)
        and (
            _overlap(a.second_surnames, c.second_surnames, 4)
            or _overlap(a.spelled_second, c.spelled_second, 4)
        )
    )
    if both:
        # Full siblings carry the same two surnames; a father's second surname is his mother's, not the
        # child's mother's, so the pair is far likelier siblings (or a single mother's two surnames).
        pattern = 5
    elif first and second:
        pattern = 1 if adult.sex == "F" else 0
    elif first:
        pattern = 0
    elif second:
        pattern = 1
    elif _overlap(a.surnames or a.tokens, c.surnames or c.tokens):
        pattern = 2
    elif not (c.second_surnames or (not c.surnames and len(c.tokens) > 2)):
        # The child's records carry one surname: a mother's, which comes second, cannot show.
        pattern = 4
    else:
        pattern = 3
    level = {"M": 0, "F": 6, None: 12}[adult.sex] + pattern
    if not explain:
        return level, "", []
    text = f"the adult {_name_text(adult)}, the child {_name_text(child)}: {SURNAME_LEVELS[level]}"
    keys = [f.record_key for f in adult.names[:1]] + [f.record_key for f in child.names[:1]]
    return level, text, keys


# --------------------------------------------------------------------------- age gap


AGE_GAP_LEVELS = (
    "13 to 17 years",
    "18 to 44 years",
    "45 to 60 years",
    "10 to 13 years",
    "under 10 years",
    "over 60 years",
)


def age_gap_years(adult: PersonProfile, child: PersonProfile) -> float | None:
    """How many years older the adult is than the child, from their most trusted birth dates."""
    if adult.dob is None or child.dob is None:
        return None
    return (child.dob - adult.dob).days / 365.2425


def age_gap(adult: PersonProfile, child: PersonProfile, ctx: CompareContext, explain: bool) -> Finding:
    """How much older the adult is: a parent is at least about 13 and usually at most 60 years older.

    An estimated birth date (1 January of a guessed year) is a year either
    way, so such a gap is read up to one year towards 13-60 before its level
    is chosen: a 12.6-year gap from an estimate is not evidence of a sibling.
    The levels under 13 years have a fixed negative sign (an aunt or an
    older sister, not a mother) and a tie with one goes to review (ties.py).
    """
    gap = age_gap_years(adult, child)
    if gap is None:
        return None, "", []
    low = ctx.min_parent_gap_years
    if adult.dob_estimated or child.dob_estimated:
        gap = min(max(gap, min(low, gap + 1)), max(60.0, gap - 1))
    if gap < 10:
        level = 4
    elif gap < low:
        level = 3
    elif gap < 18:
        level = 0
    elif gap < 45:
        level = 1
    elif gap <= 60:
        level = 2
    else:
        level = 5
    if not explain:
        return level, "", []
    estimates = [who for who, p in (("adult", adult), ("child", child)) if p.dob_estimated]
    note = f" ({' and '.join(estimates)} born on an estimated date)" if estimates else ""
    text = f"the adult (born {adult.dob}) is {gap:.1f} years older than the child (born {child.dob}){note}"
    return level, text, adult.dob_keys[:2] + child.dob_keys[:2]


# --------------------------------------------------------------------------- country and language


ORIGIN_LEVELS = (
    "same country",
    "child's language heard there",
    "child's language unusual there",
    "different country",
)


def origin(adult: PersonProfile, child: PersonProfile, ctx: CompareContext, explain: bool) -> Finding:
    """Country of the adult against the child's country and languages.

    Only ORR records a language, and only for children, so a language is
    compared with the adult's country through how often children from that
    country speak it in this run's data.
    """
    if adult.country is None:
        return None, "", []
    if child.country == adult.country:
        level = 0
    else:
        shares = ctx.language_share.get(adult.country)
        if child.languages and shares is not None:
            fits = all(shares.get(language, 0.0) >= ctx.language_min_share for language in child.languages)
            level = 1 if fits else 2
        elif child.country is not None:
            level = 3
        else:
            return None, "", []
    if not explain:
        return level, "", []
    languages = f", speaks {', '.join(sorted(child.languages))}" if child.languages else ""
    text = f"adult from {adult.country}; child from {child.country or 'unknown'}{languages}: {ORIGIN_LEVELS[level]}"
    return level, text, adult.country_keys[:2] + (child.country_keys[:2] or child.language_keys[:1])


# --------------------------------------------------------------------------- separation said


SEPARATION_SAID_LEVELS = (
    "the child's row says it was separated from its mother or father, this adult's role",
    "the child's row says it was separated from a parent",
    "the child's row says it was separated from a parent of the other sex",
)


def separation_said(adult: PersonProfile, child: PersonProfile, ctx: CompareContext, explain: bool) -> Finding:
    """What the child's Border Patrol row says of a separation from a parent, in the apprehension both share.

    Agents wrote "SEPARATED FROM MOTHER" (or set the ``separated`` flag)
    when they took the child from someone they took for its parent, so it
    weighs for the adults of that apprehension, most for the one of the
    sex the remark names; how much is learnt (fraudulent units were written
    up the same way).
    """
    if not child.separated_said:
        return None, "", []
    for event in sorted(child.separated_said.keys() & adult.events.keys()):
        said, key = child.separated_said[event]
        if not said or adult.sex is None:
            level = 1  # the row does not say which parent, or the adult's sex is unknown
        elif said == adult.sex:
            level = 0
        else:
            level = 2
        text = (
            f"the child's Border Patrol row {key} of event {event} says it was separated from "
            f"{ {'F': 'its mother', 'M': 'its father'}.get(said, 'a parent')}: {SEPARATION_SAID_LEVELS[level]}"
            if explain
            else ""
        )
        return level, text, [key]
    return None, "", []


# --------------------------------------------------------------------------- hand-over


HANDED_BACK_LEVELS = (
    "the child was handed to a parent when this adult left custody",
    "the child was handed to a parent, not when this adult left custody",
)
#: How close the refugee office's discharge to a parent and the adult's release (or family book-in) must be.
HANDOVER_WINDOW = dt.timedelta(days=1)


def handed_back(adult: PersonProfile, child: PersonProfile, ctx: CompareContext, explain: bool) -> Finding:
    """Whether the refugee office handed the child to a parent when this adult left ICE custody.

    Why it is evidence: the office released a child "reunified with parent"
    only after checking the parent (documents, often DNA), and the parent
    left ICE custody (released, or moved with the child to a family
    facility) that same day; a relative or a stranger's release seldom
    coincides with the child's discharge to a parent.  A discharge at
    another time says the child went to someone else, perhaps the other
    parent, so it is learnt rather than fixed against.
    """
    if not child.handed_to_parent or not (adult.left_custody or adult.stays):
        return None, "", []
    moments = [*adult.left_custody, *((stay.book_in, stay.record_key) for stay in adult.stays)]
    for handed, child_key in child.handed_to_parent:
        for moment, adult_key in moments:
            if abs(moment - handed) <= HANDOVER_WINDOW:
                text = (
                    f"the refugee office discharged the child to a parent at {handed:%Y-%m-%d %H:%M}Z and the adult "
                    f"left ICE custody or booked in with a child at {moment:%Y-%m-%d %H:%M}Z"
                    if explain
                    else ""
                )
                return 0, text, [child_key, adult_key]
    if not adult.left_custody:
        return None, "", []  # the adult's custody never ended on record: nothing to set the discharge against
    handed, child_key = child.handed_to_parent[0]
    text = (
        f"the refugee office discharged the child to a parent at {handed:%Y-%m-%d %H:%M}Z; the adult left "
        f"custody at other times"
        if explain
        else ""
    )
    return 1, text, [child_key, adult.left_custody[0][1]]


# --------------------------------------------------------------------------- DNA


DNA_LEVELS = ("DNA inclusion", "DNA exclusion")


def dna_rows(adult: PersonProfile, child: PersonProfile) -> list[DnaRow]:
    """The DNA rows that test this adult (the row's subject) against this child (ORR ``uac_id``)."""
    return [row for row in adult.dna if row.child_uac_id in child.uac_ids]


def dna_result(rows: Sequence[DnaRow]) -> tuple[str | None, DnaRow | None, bool]:
    """(INCLUSION / EXCLUSION / None, the row that decides, whether conclusive rows disagree).

    INCONCLUSIVE is no evidence.  When conclusive rows disagree the latest
    reported one decides (the disagreement is for a person to look at).
    """
    conclusive = [row for row in rows if row.result in ("INCLUSION", "EXCLUSION")]
    if not conclusive:
        return None, None, False
    conclusive.sort(key=lambda r: (r.reported_at is not None, r.reported_at or dt.date.min, r.record_key))
    latest = conclusive[-1]
    return latest.result, latest, len({row.result for row in conclusive}) > 1


def dna(adult: PersonProfile, child: PersonProfile, ctx: CompareContext, explain: bool) -> Finding:
    """A parentage test between the two, as evidence of the model (the status is decided by it in ties.py).

    Why "no conclusive test" is no evidence (None) rather than a learnt
    level: tests are not done at random -- adults who presented as a
    child's parent were tested when they were doubted -- so the share of
    real parents among untested pairs measures the testing policy, not
    parentage.  Learnt as a level it gave every untested pair (strangers
    found by a common name included) about +1 bit, which turned
    presentation alone into PROBABLE ties.  INCONCLUSIVE counts as no test.
    """
    rows = dna_rows(adult, child)
    result, row, _ = dna_result(rows)
    if row is None:
        return None, "", []
    level = 0 if result == "INCLUSION" else 1
    child_keys = [k for k in child.record_keys if k.startswith("orr_referrals:")][:2]
    text = (
        f"DNA {result} ({row.record_key}, reported {row.reported_at or 'on an unknown date'}): the tested adult "
        f"{'is' if result == 'INCLUSION' else 'is not'} the parent of child {row.child_uac_id}"
    )
    return level, text, [row.record_key, *child_keys]


# --------------------------------------------------------------------------- the list


COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "together",
        "apprehended or detained together",
        TOGETHER_LEVELS,
        together,
        (1, 1, -1, 1, 1, 1, 0, 1, 0, -1),
        sign=(0, 0, -1, 0, 0, 0, 0, 0, 0, 0),
    ),
    Comparison(
        "named_by_child",
        "parents the child named",
        NAMED_BY_CHILD_LEVELS,
        named_by_child,
        (1, 0, 1, 1, 1, 0, 0, -1, -1),
        sign=(1, 0, 0, 0, 0, 0, 0, -1, -1),
    ),
    Comparison(
        "named_by_parent",
        "children the adult named",
        NAMED_CHILD_LEVELS,
        named_by_parent,
        (1, 1, 1, 1, -1, 0, 0, -1),
        sign=(1, 0, 0, 0, -1, 0, 0, -1),
    ),
    Comparison(
        "named_by_ngo",
        "child named in an NGO locate",
        NAMED_CHILD_LEVELS,
        named_by_ngo,
        (1, 1, 1, 1, -1, 0, 0, -1),
        sign=(1, 0, 0, 0, -1, 0, 0, -1),
    ),
    Comparison(
        "declared_relation",
        "what the records say against",
        DECLARED_RELATION_LEVELS,
        declared_relation,
        (-1, -1, -1, -1, -1, -1),
        sign=(-1, -1, -1, -1, -1, -1),
    ),
    Comparison(
        "surnames",
        "surname inheritance",
        SURNAME_LEVELS,
        surnames,
        (1, 0, 0, -1, -1, 0, 0, 1, 0, -1, 0, 0, 1, 1, 0, -1, 0, 0),
        sign=(0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1, 0),
    ),
    Comparison(
        "age_gap",
        "age gap",
        AGE_GAP_LEVELS,
        age_gap,
        (0, 1, 0, -1, -1, -1),
        sign=(0, 0, 0, -1, -1, -1),
    ),
    Comparison(
        "origin", "country and language", ORIGIN_LEVELS, origin, (1, 0, -1, -1), sign=(0, 0, -1, -1)
    ),
    Comparison(
        "separation_said", "separation from a parent recorded", SEPARATION_SAID_LEVELS, separation_said, (1, 1, -1)
    ),
    Comparison("handed_back", "handed back to this adult", HANDED_BACK_LEVELS, handed_back, (1, -1)),
    Comparison("dna", "parentage test", DNA_LEVELS, dna, (1, -1), after_em=True, sign=(1, -1)),
)


#: The comparison whose level sets the context the others are learnt in (ties_model.ContextRule),
#: the contexts, and the context of each of its levels.
CONTEXT_COMPARISON = "together"
CONTEXTS = ("apprehended together", "booked in together", "not together")
CONTEXT_OF_TOGETHER = (0, 0, 0, 0, 0, 0, 0, 1, 1, 2)
#: The ``together`` levels at which the records show the adult as head or spouse of the child's family unit.
PRESENTED_LEVELS = frozenset({0, 1})


def pattern_of(adult: PersonProfile, child: PersonProfile, ctx: CompareContext) -> tuple[int, ...]:
    """The level of every comparison for a pair (-1 where there was nothing to compare)."""
    out = []
    for comparison in COMPARISONS:
        level = comparison.find(adult, child, ctx, False)[0]
        out.append(-1 if level is None else level)
    return tuple(out)


def explain_pair(
    adult: PersonProfile, child: PersonProfile, ctx: CompareContext
) -> list[tuple[str, int, str, list[str]]]:
    """(comparison name, level, text, record keys) for every comparison that found something."""
    out = []
    for comparison in COMPARISONS:
        level, text, keys = comparison.find(adult, child, ctx, True)
        if level is not None:
            out.append((comparison.name, level, text, list(dict.fromkeys(keys))))
    return out
