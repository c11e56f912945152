"""What each person's records say that bears on family ties: the input of the tie model.

Why a profile per person rather than per record: a tie is between two
*persons* (the person linkage already decided which records are one person),
and the evidence for it is scattered over their records -- the apprehension
event is on the CBP row, the names a parent gave for the children on the ICE
stay, the child's account of its parents on the ORR referral, the DNA row on a
record of its own.  Folding every record of a person into one
:class:`PersonProfile` once makes each pair comparison a handful of set
look-ups, so hundreds of thousands of candidate pairs score in seconds.

Names are compared through :func:`reunify.names.phonetic_key`, so accents,
merged particles and the Spanish spellings of Mayan names agree; a profile
keeps every spelling its records used, since one person's CBP row may have
dropped the second surname that the ORR referral kept.

Nothing here decides a tie; it only gathers what the records claim.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reunify.linkage.person_records import LinkRecord
from reunify.names import fold, phonetic_key

#: Feeds whose row's subject is always an adult (FIELDS.md ``role_hint``).
ADULT_FEEDS = frozenset({"usms_custody", "dna_results", "court_findings", "ngo_locates"})
#: Feeds whose row's subject is always a child.
CHILD_FEEDS = frozenset({"orr_referrals"})

#: Birth dates before this year are placeholders for "unknown" (``1900-01-01``), not ages.
PLACEHOLDER_BIRTH_YEAR = 1910

#: Below this age at the record's date a person with no role hint is taken for a child.
ADULT_AGE = 18

_RECORD_DATES: dict[str, str] = {
    "cbp_apprehensions": "apprehended_at",
    "usms_custody": "booked_at",
    "ice_detentions": "book_in_at",
    "orr_referrals": "referred_at",
    "dna_results": "collected_at",
    "court_findings": "found_at",
    "ngo_locates": "contacted_at",
}


# --------------------------------------------------------------------------- small parsing helpers


def parse_day(value: Any) -> dt.date | None:
    """The calendar date of a FIELDS.md date or instant string (its local date), or None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_instant(value: Any) -> dt.datetime | None:
    """A FIELDS.md instant as an aware datetime (naive ones are taken as UTC), or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def age_on(born: dt.date, on: dt.date) -> int:
    """Whole years of age on a date (negative when ``on`` is before the birth)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _keyed(words: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(phonetic keys, the words as spelled), in order, one per distinct sound, words with no sound dropped."""
    keys: list[str] = []
    spelled: list[str] = []
    for word in words:
        key = sys.intern(phonetic_key(word)) if word else ""
        if key and key not in keys:
            keys.append(key)
            spelled.append(sys.intern(word))
    return tuple(keys), tuple(spelled)


# --------------------------------------------------------------------------- names


@dataclass(frozen=True, slots=True)
class NameForm:
    """One spelling of a name, as phonetic keys: the given names, up to two surnames, every word.

    ``words`` keeps every word in the order written (the feeds' ``tokens``),
    ``tokens`` every distinct word, given names and surnames included.  The ``spelled_*`` fields are the same words
    as folded letters, not sounds, position for position: a typing error
    that changes two sounds (CONTRERAS / CONTRRAS, GERSON / GRESON) is still
    one letter.
    ``certain`` is False when the given/surname split was guessed from free
    text (FIELDS.md ``order_certain``); positional comparisons (which surname
    came first) then only trust the order-free ``tokens``.
    """

    given: tuple[str, ...]
    surnames: tuple[str, ...]
    tokens: tuple[str, ...]
    words: tuple[str, ...]
    certain: bool
    text: str
    record_key: str
    spelled_words: tuple[str, ...] = ()
    spelled_given: tuple[str, ...] = ()
    spelled_surnames: tuple[str, ...] = ()

    @classmethod
    def from_field(cls, name: Any, record_key: str) -> NameForm | None:
        """The form of a FIELDS.md name dict, or None when nothing name-like was written."""
        if not isinstance(name, Mapping):
            return None
        given, spelled_given = _keyed(name.get("given") or ())
        surnames, spelled_surnames = _keyed(name.get("surnames") or ())
        words, spelled_words = _keyed(name.get("tokens") or ())
        if not words:
            words, spelled_words = given + surnames, spelled_given + spelled_surnames
        tokens = tuple(dict.fromkeys(words + given + surnames))
        if not tokens:
            return None
        text = " ".join(w for w in (name.get("tokens") or ()) if w) or str(name.get("raw") or "")
        return cls(
            given,
            surnames[:2],
            tokens,
            words,
            bool(name.get("order_certain")),
            text,
            record_key,
            spelled_words,
            spelled_given,
            spelled_surnames[:2],
        )

    def swapped(self) -> NameForm:
        """The same form read with given names and surnames exchanged (a feed put them in the wrong fields)."""
        return NameForm(
            self.surnames,
            self.given[:2],
            self.tokens,
            self.surnames + self.given[:2],
            self.certain,
            self.text,
            self.record_key,
            self.spelled_surnames + self.spelled_given[:2],
            self.spelled_surnames,
            self.spelled_given[:2],
        )


@dataclass
class WordRoles:
    """How often each name word is written as a given name and as a surname, learnt from the run's data.

    Why: feeds sometimes put the surnames in the first-name field (FEEDS.md),
    and surname inheritance compares surnames by position, so a child whose
    only record is swapped would show "no shared surname" with its own father.
    The many records written the right way say which words are given names
    and which are surnames; a form whose words say the opposite is read
    swapped.  No word list is written by hand.
    """

    given: Counter[str] = field(default_factory=Counter)
    surname: Counter[str] = field(default_factory=Counter)

    #: Log-odds (nats) by which the swapped reading must beat the written one.
    MARGIN = 2.0

    @classmethod
    def learn(cls, forms: Iterable[NameForm]) -> WordRoles:
        roles = cls()
        for form in forms:
            if form.certain:
                roles.given.update(form.given)
                roles.surname.update(form.surnames)
        return roles

    def _lean(self, word: str) -> float:
        """log((times a given name + 1) / (times a surname + 1)): positive for a given name."""
        return math.log((self.given[word] + 1) / (self.surname[word] + 1))

    def looks_swapped(self, form: NameForm) -> bool:
        """True when the form's given names read as surnames and its surnames as given names."""
        if not (form.certain and form.given and form.surnames):
            return False
        written = sum(self._lean(w) for w in form.given) - sum(self._lean(w) for w in form.surnames)
        return written < -self.MARGIN


Words = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NameSets:
    """The union of a person's spellings, split by what each word was written as.

    ``given`` and ``surnames`` come from names whose split is certain (or from
    all names when none is); ``first_surnames`` and ``second_surnames`` keep
    the position, which is what surname inheritance compares.  Each is a
    short tuple (a person has a handful of name words), which is as fast to
    search as a set and a fraction of its memory at 200,000 persons.
    """

    given: Words = ()
    surnames: Words = ()
    first_surnames: Words = ()
    second_surnames: Words = ()
    tokens: Words = ()
    spelled: Words = ()
    spelled_given: Words = ()
    spelled_first: Words = ()
    spelled_second: Words = ()

    @classmethod
    def of(cls, forms: Iterable[NameForm]) -> NameSets:
        forms = list(forms)
        trusted = [f for f in forms if f.certain] or forms
        collected: dict[str, dict[str, None]] = {name: {} for name in cls.__slots__}

        def add(name: str, words: Iterable[str]) -> None:
            collected[name].update(dict.fromkeys(words))

        for form in forms:
            add("tokens", form.tokens)
            add("spelled", form.spelled_words)
        for form in trusted:
            add("given", form.given)
            add("surnames", form.surnames)
            add("first_surnames", form.surnames[:1])
            add("second_surnames", form.surnames[1:2])
            add("spelled_given", form.spelled_given)
            add("spelled_first", form.spelled_surnames[:1])
            add("spelled_second", form.spelled_surnames[1:2])
        return cls(**{name: tuple(words) for name, words in collected.items()})


# --------------------------------------------------------------------------- what a person said about family


@dataclass(frozen=True, slots=True)
class StatedRelative:
    """A relative a record names: a child's stated parent, a parent's stated child, an NGO's child.

    ``relationship`` is the child's word for a stated parent (MOTHER, FATHER,
    PARENT, OTHER or None); ``age`` and ``on`` are the stated age of a child
    and the date it was stated at.
    """

    name: NameForm
    record_key: str
    relationship: str | None = None
    age: int | None = None
    on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class DnaRow:
    """A parentage test: the tested adult is the row's subject, the child is named by ORR ``uac_id``."""

    record_key: str
    child_uac_id: str
    result: str | None
    reported_at: dt.date | None


@dataclass(frozen=True, slots=True)
class Stay:
    """An ICE detention stay: where and when the person was booked in."""

    facility: str
    book_in: dt.datetime
    record_key: str


@dataclass(frozen=True, slots=True)
class Remark:
    """Free text a record holds about its subject: a CBP ``remarks`` (with its event) or a court ``summary``.

    ``event`` is the apprehension event of the CBP row (None for a court
    summary, which is about the person, not about one apprehension).
    """

    event: str | None
    text: str
    record_key: str


# --------------------------------------------------------------------------- the profile


@dataclass(slots=True)
class PersonProfile:
    """Everything the records of one person say that bears on family ties.

    ``dob`` is the person's most trusted birth date (exact dates outvote
    estimates, placeholders ignored) and ``dob_estimated`` says whether it is
    an estimate; ``sex`` the majority of the records that state one.
    ``events`` maps each apprehension event to the records naming it
    (``single_adult_events``: those where Border Patrol processed the person
    as a single adult, SA, rather than as a member of a family unit),
    ``family_groups`` each CBP family group to the relationship codes and
    records of the person in it.  ``is_adult`` / ``is_child`` say which side
    of a tie the person can take; a person can be both (a 17-year-old whose
    later ICE stay was as an adult).
    """

    person: str
    index: int
    record_keys: list[str] = field(default_factory=list)
    names: list[NameForm] = field(default_factory=list)
    name_sets: NameSets = field(default_factory=NameSets)
    dob: dt.date | None = None
    dob_estimated: bool = False
    dob_keys: list[str] = field(default_factory=list)
    sex: str | None = None
    sex_keys: list[str] = field(default_factory=list)
    country: str | None = None
    country_keys: list[str] = field(default_factory=list)
    languages: frozenset[str] = frozenset()
    language_keys: list[str] = field(default_factory=list)
    events: dict[str, list[str]] = field(default_factory=dict)
    single_adult_events: set[str] = field(default_factory=set)
    separated_said: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    family_groups: dict[str, tuple[set[str], list[str]]] = field(default_factory=dict)
    uac_ids: set[str] = field(default_factory=set)
    stated_parents: list[StatedRelative] = field(default_factory=list)
    stated_children: list[StatedRelative] = field(default_factory=list)
    ngo_children: list[StatedRelative] = field(default_factory=list)
    dna: list[DnaRow] = field(default_factory=list)
    stays: list[Stay] = field(default_factory=list)
    remarks: list[Remark] = field(default_factory=list)
    handed_to_parent: list[tuple[dt.datetime, str]] = field(default_factory=list)
    left_custody: list[tuple[dt.datetime, str]] = field(default_factory=list)
    is_adult: bool = False
    is_child: bool = False

    def age_at(self, on: dt.date | None) -> int | None:
        """The person's age in whole years on a date, or None when either is unknown."""
        if self.dob is None or on is None:
            return None
        return age_on(self.dob, on)


@dataclass
class _Gathering:
    """Per-person tallies while the records are read; folded into a PersonProfile at the end."""

    profile: PersonProfile
    dobs: Counter[tuple[dt.date, bool]] = field(default_factory=Counter)
    dob_keys: dict[tuple[dt.date, bool], list[str]] = field(default_factory=lambda: defaultdict(list))
    sexes: Counter[str] = field(default_factory=Counter)
    sex_keys: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    countries: Counter[str] = field(default_factory=Counter)
    country_keys: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    languages: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)


def _record_role(record: LinkRecord, born: dt.date | None) -> str | None:
    """``"adult"``, ``"child"`` or None: which side of a tie this record's subject can take.

    The feed decides where it can (FIELDS.md ``role_hint``), else the age at
    the record's date.
    """
    fields = record.fields
    if record.feed in CHILD_FEEDS:
        return "child"
    if record.feed in ADULT_FEEDS:
        return "adult"
    hint = fields.get("role_hint")
    if hint in ("adult", "child"):
        return hint
    on = parse_day(fields.get(_RECORD_DATES.get(record.feed, "")))
    if born is not None and on is not None:
        return "child" if age_on(born, on) < ADULT_AGE else "adult"
    return None


def _orr_birth_estimate(fields: Mapping[str, Any]) -> dt.date | None:
    """1 January of the birth year implied by ORR ``age_at_referral`` when the referral has no date of birth."""
    age = fields.get("age_at_referral")
    referred = parse_day(fields.get("referred_at"))
    if isinstance(age, int) and referred is not None and 0 <= age <= 25:
        return dt.date(referred.year - age, 1, 1)
    return None


_PARENT_WORDS = {"MOTHER": "F", "MADRE": "F", "MAMA": "F", "FATHER": "M", "PADRE": "M", "PAPA": "M"}


def _separation_said(fields: Mapping[str, Any]) -> str | None:
    """What a Border Patrol row says of the subject's separation from a parent: "F", "M", "" (a parent) or None.

    The ``separated`` flag and ``separation_reason`` say a parent was there
    without saying which; a remark such as "SEPARATED FROM MOTHER DUE TO
    1325 PROSECUTION" says which (its sex), which is what lets it speak for
    the one woman of the child's apprehension and not for a man.
    """
    remarks = fold(fields.get("remarks") or "")
    if "SEPARAT" in remarks:
        sexes = {sex for word, sex in _PARENT_WORDS.items() if word in remarks.split()}
        if len(sexes) == 1:
            return sexes.pop()
        return ""
    if fields.get("separated") in ("Y", True) or fields.get("separation_reason"):
        return ""
    return None


def build_profiles(
    records: Iterable[LinkRecord], person_of: Mapping[str, str]
) -> tuple[list[PersonProfile], dict[str, int]]:
    """One profile per person that owns at least one of ``records``, and counts of what was read.

    Records whose key ``person_of`` does not know are skipped and counted
    (``records_without_person``): a tie needs two persons.
    """
    gatherings: dict[str, _Gathering] = {}
    counts: Counter[str] = Counter()
    for record in records:
        person = person_of.get(record.record_key)
        if person is None:
            counts["records_without_person"] += 1
            continue
        counts["records"] += 1
        gathering = gatherings.get(person)
        if gathering is None:
            gathering = _Gathering(PersonProfile(person=person, index=len(gatherings)))
            gatherings[person] = gathering
        _read_record(gathering, record)
    roles = WordRoles.learn(form for g in gatherings.values() for form in g.profile.names)
    for gathering in gatherings.values():
        names = gathering.profile.names
        for position, form in enumerate(names):
            if roles.looks_swapped(form):
                names[position] = form.swapped()
                counts["names_unswapped"] += 1
    profiles = [_finish(gathering) for gathering in gatherings.values()]
    counts["persons"] = len(profiles)
    counts["adults"] = sum(1 for p in profiles if p.is_adult)
    counts["children"] = sum(1 for p in profiles if p.is_child)
    return profiles, dict(counts)


def _read_record(gathering: _Gathering, record: LinkRecord) -> None:
    profile = gathering.profile
    fields = record.fields
    key = record.record_key
    feed = record.feed
    profile.record_keys.append(key)

    form = NameForm.from_field(fields.get("name"), key)
    if form is not None and not any(
        form.words == known.words and form.given == known.given and form.certain == known.certain
        for known in profile.names
    ):
        profile.names.append(form)

    born = parse_day(fields.get("dob"))
    estimated = bool(fields.get("dob_estimated"))
    if born is not None and born.year < PLACEHOLDER_BIRTH_YEAR:
        born = None
    if born is None and feed in CHILD_FEEDS:
        born, estimated = _orr_birth_estimate(fields), True
    if born is not None:
        gathering.dobs[(born, estimated)] += 1
        gathering.dob_keys[(born, estimated)].append(key)

    sex = fields.get("sex")
    if sex in ("M", "F"):
        gathering.sexes[sex] += 1
        gathering.sex_keys[sex].append(key)
    country = fields.get("country")
    if isinstance(country, str) and country:
        gathering.countries[country] += 1
        gathering.country_keys[country].append(key)
    languages = fields.get("languages")
    if isinstance(languages, list) and languages:
        gathering.languages.update(str(language) for language in languages if language)
        profile.language_keys.append(key)

    role = _record_role(record, born)
    if role is not None:
        gathering.roles.add(role)

    event = fields.get("event_id")
    if isinstance(event, str) and event:
        profile.events.setdefault(event, []).append(key)

    if feed == "cbp_apprehensions":
        group = fields.get("family_group_id")
        if isinstance(group, str) and group:
            codes, keys = profile.family_groups.setdefault(group, (set(), []))
            relationship = fields.get("relationship")
            if isinstance(relationship, str) and relationship:
                codes.add(relationship)
            keys.append(key)
        on_event = event if isinstance(event, str) and event else None
        remarks = fields.get("remarks")
        if isinstance(remarks, str) and remarks.strip():
            profile.remarks.append(Remark(on_event, remarks, key))
        if on_event is not None and fields.get("classification") == "SA":
            profile.single_adult_events.add(on_event)
        if on_event is not None:
            said = _separation_said(fields)
            if said is not None:
                profile.separated_said[on_event] = (said, key)
        if fields.get("separation_reason") == "FRAUD_SUSPECTED":
            # The coded form of the same doubt a remark can write out.
            profile.remarks.append(Remark(on_event, "separation_reason FRAUD_SUSPECTED", key))
    elif feed == "orr_referrals":
        uac_id = fields.get("uac_id")
        if isinstance(uac_id, str) and uac_id:
            profile.uac_ids.add(uac_id)
        for placement in fields.get("placements") or ():
            if isinstance(placement, Mapping) and placement.get("discharge_type") == "REUNIFIED_WITH_PARENT":
                handed = parse_instant(placement.get("discharged_at"))
                if handed is not None:
                    profile.handed_to_parent.append((handed, key))
        for item in fields.get("stated_parents") or ():
            if not isinstance(item, Mapping):
                continue
            name = NameForm.from_field(item.get("name"), key)
            if name is not None:
                relationship = item.get("relationship")
                profile.stated_parents.append(
                    StatedRelative(
                        name, key, relationship=relationship if isinstance(relationship, str) else None
                    )
                )
    elif feed == "ice_detentions":
        on = parse_day(fields.get("book_in_at"))
        for item in fields.get("stated_children") or ():
            if not isinstance(item, Mapping):
                continue
            name = NameForm.from_field(item.get("name"), key)
            if name is not None:
                age = item.get("age")
                profile.stated_children.append(
                    StatedRelative(name, key, age=age if isinstance(age, int) else None, on=on)
                )
        facility = fields.get("facility_code")
        book_in = parse_instant(fields.get("book_in_at"))
        if isinstance(facility, str) and facility and book_in is not None:
            profile.stays.append(Stay(facility, book_in, key))
        if fields.get("book_out_reason") in ("RELEASED", "FAMILY_RESIDENTIAL"):
            book_out = parse_instant(fields.get("book_out_at"))
            if book_out is not None:
                profile.left_custody.append((book_out, key))
    elif feed == "ngo_locates":
        name = NameForm.from_field(fields.get("child_name"), key)
        if name is not None:
            age = fields.get("child_age")
            profile.ngo_children.append(
                StatedRelative(
                    name,
                    key,
                    age=age if isinstance(age, int) else None,
                    on=parse_day(fields.get("contacted_at")),
                )
            )
    elif feed == "court_findings":
        summary = fields.get("summary")
        if isinstance(summary, str) and summary.strip():
            profile.remarks.append(Remark(None, summary, key))
    elif feed == "dna_results":
        uac_id = fields.get("child_uac_id")
        if isinstance(uac_id, str) and uac_id:
            result = fields.get("result")
            profile.dna.append(
                DnaRow(
                    key,
                    uac_id,
                    result if isinstance(result, str) else None,
                    parse_day(fields.get("reported_at")),
                )
            )


def _majority(counter: Counter[str]) -> str | None:
    """The value more than half of the records agree on, or None (no value, or no majority)."""
    if not counter:
        return None
    value, count = counter.most_common(1)[0]
    return value if count * 2 > sum(counter.values()) else None


def _finish(gathering: _Gathering) -> PersonProfile:
    profile = gathering.profile
    profile.name_sets = NameSets.of(profile.names)
    if gathering.dobs:
        # Exact dates outvote estimates (an estimate is 1 January of a guessed year).
        (born, estimated), _ = max(
            gathering.dobs.items(),
            key=lambda item: (item[1] * (1 if item[0][1] else 2), -item[0][0].toordinal()),
        )
        profile.dob, profile.dob_estimated = born, estimated
        profile.dob_keys = gathering.dob_keys[(born, estimated)]
    profile.sex = _majority(gathering.sexes)
    if profile.sex is not None:
        profile.sex_keys = gathering.sex_keys[profile.sex]
    profile.country = _majority(gathering.countries)
    if profile.country is not None:
        profile.country_keys = gathering.country_keys[profile.country]
    profile.languages = frozenset(gathering.languages)
    roles = gathering.roles
    if not roles:
        # No record says: a person of unknown age may stand on either side.
        roles = {"adult", "child"}
    profile.is_adult = "adult" in roles
    profile.is_child = "child" in roles
    return profile
