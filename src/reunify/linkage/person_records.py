"""The rows person linkage reads: one ``LinkRecord`` per record, turned into one flat feature row.

Why a separate feature table: Splink compares columns in SQL, and the things
that make names and dates comparable for this population (folded given names
and surnames split into at most two each, the Spanish/Mayan phonetic key of
every name word, the parts of a date of birth, whether it is an estimate,
whether the subject was a child at the time) are cheaper and clearer to compute
once per record in Python than once per pair in SQL.  The table is plain
Arrow, so it can be cached, inspected or handed to another backend.

Nothing here decides who is who; it only says what each record claims.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import json
import math
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from reunify.names import phonetic_key

#: The feed whose rows are one per person per apprehension event (FEEDS.md), and
#: whose two rows in one event are therefore two different people.
ONE_ROW_PER_PERSON_PER_EVENT_FEED = "cbp_apprehensions"

#: The field holding each feed's "when" of the record: the date at which the
#: subject's age decides whether the subject was a child (FIELDS.md).
RECORD_DATE_FIELDS: dict[str, str] = {
    "cbp_apprehensions": "apprehended_at",
    "usms_custody": "booked_at",
    "ice_detentions": "book_in_at",
    "orr_referrals": "referred_at",
    "dna_results": "collected_at",
    "court_findings": "found_at",
    "ngo_locates": "contacted_at",
}

#: Feeds whose ``uac_id`` names the row's own subject.  A DNA row's
#: ``child_uac_id`` names the child while the row's subject is the tested adult,
#: so it is deliberately not read as identity evidence.
OWN_UAC_ID_FEEDS = frozenset({"orr_referrals"})

#: Below this age at the record's date a subject counts as a child for the
#: child/adult constraint (children under 14 are not fingerprinted, FEEDS.md).
CHILD_AGE = 14

#: Feeds whose subject is, by the feed contract, a parent: the adult a DNA kit
#: tested, the parent a court finding is about, the parent an NGO located.
#: Their records seldom carry a date of birth, so the record's own date is
#: what bounds the subject's age (``born_by``).
PARENT_FEEDS = frozenset({"dna_results", "court_findings", "ngo_locates"})

#: A parent was at least this old at any date a parent feed writes about them
#: (the same gap as person_model.CHILD_ADULT_MIN_GAP_YEARS, child aged 0).
PARENT_MIN_AGE_YEARS = 12

#: Birth dates that agencies write for "not known": the earliest date the
#: feeds accept (FEEDS.md quarantines anything before 1900-01-01), used by
#: systems that require a value.  Such a date says nothing about the person.
PLACEHOLDER_BIRTH_DATES = frozenset({dt.date(1900, 1, 1)})

#: How many name words take part in the order-free blocking keys.
MAX_BLOCKING_TOKENS = 5


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """One ingested record as linkage sees it: its key, its feed and its normalised fields (FIELDS.md)."""

    record_key: str
    feed: str
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class ExtraField:
    """A field outside FIELDS.md's common vocabulary to compare as well (e.g. FEBRL's address).

    ``kind`` says how: ``"identifier"`` (exact agreement, also used for
    blocking), ``"code"`` (exact agreement) or ``"text"`` (exact with term
    frequencies, then close spelling).  It exists so that the same engine runs
    on public benchmark data, which has fields our feeds do not.
    """

    name: str
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in ("identifier", "code", "text"):
            raise ValueError(f"extra field {self.name!r}: kind must be identifier, code or text")
        if not self.name.isidentifier():
            raise ValueError(f"extra field {self.name!r}: name must be a plain identifier")

    @property
    def column(self) -> str:
        return f"x_{self.name}"


# --------------------------------------------------------------------------- reading feed files


def latest_records(paths: Iterable[Path | str]) -> tuple[list[LinkRecord], dict[str, int]]:
    """The newest well-formed version of every record in the delivery files under ``paths``.

    Why here: linkage must see exactly one version of each record, the one the
    newest delivery (by date, then sequence) carries; quarantined rows carry no
    trustworthy fields and are skipped, so a record whose correction was
    quarantined keeps its previous well-formed version.  ``discover`` sorts the
    files oldest first, so reading on and overwriting applies "newest wins".
    Returns the records sorted by key and counts (files, rows, rejected, file errors).
    """
    from reunify.feeds import ParsedRow, discover, read_feed_file
    from reunify.feeds.files import FeedFileError

    files, errors = discover(paths)
    latest: dict[str, LinkRecord] = {}
    counts = {"files": len(files), "rows": 0, "rejected": 0, "file_errors": len(errors)}
    for feed_file in files:
        try:
            rows = read_feed_file(feed_file)
        except FeedFileError:
            counts["file_errors"] += 1
            continue
        with rows:
            for row in rows:
                counts["rows"] += 1
                if isinstance(row, ParsedRow):
                    key = f"{feed_file.feed}:{row.record_id}"
                    latest[key] = LinkRecord(key, feed_file.feed, row.fields)
                else:
                    counts["rejected"] += 1
    return [latest[key] for key in sorted(latest)], counts


# --------------------------------------------------------------------------- features


#: Columns of the feature table, in order, with their Arrow types.
FEATURE_SCHEMA = pa.schema(
    [
        ("unique_id", pa.int64()),
        ("record_key", pa.string()),
        ("feed", pa.string()),
        ("g1", pa.string()),
        ("g2", pa.string()),
        ("gset", pa.string()),
        ("g1p", pa.string()),
        ("g2p", pa.string()),
        ("gpset", pa.string()),
        ("s1", pa.string()),
        ("s2", pa.string()),
        ("skey", pa.string()),
        ("s1p", pa.string()),
        ("s2p", pa.string()),
        ("spkey", pa.string()),
        ("spset", pa.string()),
        ("name_tokens", pa.list_(pa.string())),
        ("tpset", pa.string()),
        ("given_mask", pa.int64()),
        ("surname_mask", pa.int64()),
        ("name_display", pa.string()),
        ("dob", pa.string()),
        ("dob_y", pa.int32()),
        ("dob_m", pa.int32()),
        ("dob_d", pa.int32()),
        ("dob_est", pa.bool_()),
        ("sex", pa.string()),
        ("country", pa.string()),
        ("a_number", pa.string()),
        ("fin", pa.string()),
        ("event_id", pa.string()),
        ("uac_id", pa.string()),
        ("role", pa.string()),
        ("one_per_event", pa.bool_()),
        ("family_keys", pa.list_(pa.string())),
        ("born_by", pa.int32()),
        ("handover_side", pa.string()),
        ("handover_office", pa.string()),
        ("handover_day", pa.int32()),
    ]
)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date_part(value: Any) -> dt.date | None:
    """The calendar date of a FIELDS.md date or instant string (its local date), or None."""
    text = _text(value)
    if text is None or len(text) < 10:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _birth(fields: Mapping[str, Any]) -> dt.date | None:
    """The record's date of birth, None when unknown or a placeholder (PLACEHOLDER_BIRTH_DATES)."""
    born = _date_part(fields.get("dob"))
    return None if born in PLACEHOLDER_BIRTH_DATES else born


def _born_by(record: LinkRecord) -> int | None:
    """Latest month of birth (year * 12 + month) a parent feed's subject can have, from the record's date.

    Why: a DNA kit, a court finding or an NGO locate is about a parent and
    seldom says when the parent was born, so the child/adult constraint
    cannot compare birth dates; the record's date still rules out anyone
    born too recently to be a parent then (a child namesake in the family).
    An NGO locate that gives the child's age moves the bound back by that
    age: the parent was at least PARENT_MIN_AGE_YEARS at the child's birth.
    """
    if record.feed not in PARENT_FEEDS:
        return None
    on = _date_part(record.fields.get(RECORD_DATE_FIELDS.get(record.feed, "")))
    if on is None:
        return None
    child_age = record.fields.get("child_age")
    years = PARENT_MIN_AGE_YEARS
    if isinstance(child_age, int) and not isinstance(child_age, bool) and 0 <= child_age < 30:
        years += child_age
    return (on.year - years) * 12 + on.month


_NO_HANDOVER: dict[str, Any] = {"handover_side": None, "handover_office": None, "handover_day": None}


def _handover(record: LinkRecord) -> dict[str, Any]:
    """Where and when a child passed from Border Patrol to the refugee office, as each side writes it.

    Why: a child's Border Patrol row and ORR referral often share no
    identifier (ORR omits the event, the A-number, and estimates the birth
    date), yet the referral comes from the station that apprehended the
    child (``referring_office`` ``MCALLEN STATION`` / ``station``
    ``MCALLEN``) within days (the law gives 72 hours).  The Border Patrol
    side is a row transferred to ORR, dated by its apprehension; the ORR side
    a referral from CBP, dated by the referral.  How much agreeing on both
    is worth (siblings share it too) is left to training.
    """
    fields = record.fields
    if record.feed == ONE_ROW_PER_PERSON_PER_EVENT_FEED:
        if _text(fields.get("transferred_to")) != "ORR":
            return _NO_HANDOVER
        side, office, on = "cbp", _text(fields.get("station")), _date_part(fields.get("apprehended_at"))
    elif record.feed in OWN_UAC_ID_FEEDS:
        if _text(fields.get("referring_agency")) != "CBP":
            return _NO_HANDOVER
        office = _text(fields.get("referring_office"))
        if office is not None:
            office = office.upper().removesuffix(" STATION").strip() or None
        side, on = "orr", _date_part(fields.get("referred_at"))
    else:
        return _NO_HANDOVER
    if on is None:
        return _NO_HANDOVER
    return {
        "handover_side": side,
        "handover_office": office.upper() if office else None,
        "handover_day": (on - _EPOCH).days,
    }


_EPOCH = dt.date(1970, 1, 1)


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _role(feed: str, fields: Mapping[str, Any], born: dt.date | None) -> str | None:
    """``"child"`` when the feed says so or the subject was under 14 at the record's date, else its hint.

    Why: the child/adult constraint (a child and an adult born twelve or more
    years apart are two people) needs to know who was a child *then*, and a
    16-year-old that CBP calls a child is still a child for it.
    """
    hint = fields.get("role_hint")
    if born is not None:
        on = _date_part(fields.get(RECORD_DATE_FIELDS.get(feed, ""), None))
        if on is not None and _age(born, on) < CHILD_AGE:
            return "child"
    return hint if hint in ("child", "adult") else None


@dataclass
class NameRoles:
    """How often each name word is written as a given name and as a surname, learned from the data.

    Why: free-text names (court findings, DNA kits, NGO locates) do not say
    where the given names end, and ``reunify.names`` has to guess from a short
    word list; ``ANA MARCELINA MEJIA`` is then read as ANA + MARCELINA MEJIA.
    The feeds that write given names and surnames in separate fields say, for
    every word they hold, which it is, so the run can re-split each guessed
    name by the roles its words take everywhere else.  Nothing here is a list
    written by hand: a population with other names teaches other roles.
    """

    given: dict[str, int] = field(default_factory=dict)
    surname: dict[str, int] = field(default_factory=dict)

    #: Log-likelihood (nats) by which a split must beat the guessed one to replace it.
    MARGIN = 1.0

    @classmethod
    def learn(cls, names: Iterable[Any]) -> NameRoles:
        """Count roles over the names whose fields say which word is which (``order_certain``)."""
        roles = cls()
        for name in names:
            if not isinstance(name, Mapping) or not name.get("order_certain"):
                continue
            for word in name.get("given") or ():
                roles.given[word] = roles.given.get(word, 0) + 1
            for word in name.get("surnames") or ():
                roles.surname[word] = roles.surname.get(word, 0) + 1
        return roles

    def _given_log_odds(self, word: str) -> tuple[float, float]:
        given, surname = self.given.get(word, 0), self.surname.get(word, 0)
        total = given + surname + 2
        return math.log((given + 1) / total), math.log((surname + 1) / total)

    def given_count(self, words: Sequence[str], guessed: int) -> int:
        """How many leading words of a free-text name are given names (the rest: up to two surnames)."""
        count = len(words)
        if count < 2:
            return guessed
        logs = [self._given_log_odds(word) for word in words]

        def score(split: int) -> float:
            return sum(g for g, _ in logs[:split]) + sum(s for _, s in logs[split:])

        options = range(max(1, count - 2), count + 1)
        best = max(options, key=lambda split: (score(split), split == guessed))
        if guessed in options and score(best) < score(guessed) + self.MARGIN:
            return guessed
        return best

    def as_table(self) -> pa.Table:
        words = sorted(set(self.given) | set(self.surname))
        return pa.table(
            {
                "word": pa.array(words, pa.string()),
                "given": pa.array([self.given.get(w, 0) for w in words], pa.int64()),
                "surname": pa.array([self.surname.get(w, 0) for w in words], pa.int64()),
            }
        )

    @classmethod
    def from_table(cls, table: pa.Table) -> NameRoles:
        words = table.column("word").to_pylist()
        given = table.column("given").to_pylist()
        surname = table.column("surname").to_pylist()
        return cls(
            given={w: g for w, g in zip(words, given, strict=True) if g},
            surname={w: s for w, s in zip(words, surname, strict=True) if s},
        )


#: Words agencies write in a name field for "not known" (first / last name
#: unknown, no first name): they are no name and must not match each other.
PLACEHOLDER_NAME_WORDS = frozenset({"FNU", "LNU", "NFN", "NLN", "UNK", "UNKNOWN"})


def _name_parts(
    name: Any, roles: NameRoles | None = None
) -> tuple[list[str], list[str], list[str], str | None]:
    if not isinstance(name, Mapping):
        return [], [], [], None
    known = PLACEHOLDER_NAME_WORDS
    given = [t for t in (name.get("given") or []) if t and t not in known]
    surnames = [t for t in (name.get("surnames") or []) if t and t not in known]
    tokens = [t for t in (name.get("tokens") or []) if t and t not in known] or given + surnames
    raw = _text(name.get("raw"))
    if roles is not None and not name.get("order_certain") and tokens == given + surnames:
        split = roles.given_count(tokens, len(given))
        if split != len(given):
            given, surnames = tokens[:split], tokens[split : split + 2]
    return given, surnames, tokens, raw


def _pair(values: Sequence[str]) -> tuple[str | None, str | None]:
    first = values[0] if values else None
    second = values[1] if len(values) > 1 else None
    return first, second


def _set_key(values: Iterable[str | None]) -> str | None:
    present = sorted({v for v in values if v})
    return " ".join(present) if present else None


def _ordered_key(values: Iterable[str | None]) -> str | None:
    present = [v for v in values if v]
    return " ".join(present) if present else None


def _phonetic(word: str | None) -> str | None:
    return (phonetic_key(word) or None) if word else None


@lru_cache(maxsize=262144)
def _name_features(
    given: tuple[str, ...], surnames: tuple[str, ...], tokens: tuple[str, ...]
) -> dict[str, Any]:
    """The name columns of a feature row; cached, since one person's name recurs on all their records."""
    g1, g2 = _pair(given)
    s1, s2 = _pair(surnames)
    g1p, g2p, s1p, s2p = _phonetic(g1), _phonetic(g2), _phonetic(s1), _phonetic(s2)
    token_keys: list[str] = []
    for token in tokens:
        key = phonetic_key(token)
        if key and key not in token_keys:
            token_keys.append(key)
    return {
        "g1": g1,
        "g2": g2,
        "gset": _set_key((g1, g2)),
        "g1p": g1p,
        "g2p": g2p,
        "gpset": _set_key((g1p, g2p)),
        "s1": s1,
        "s2": s2,
        "skey": _ordered_key((s1, s2)),
        "s1p": s1p,
        "s2p": s2p,
        "spkey": _ordered_key((s1p, s2p)),
        "spset": _set_key((s1p, s2p)),
        "name_tokens": token_keys[:MAX_BLOCKING_TOKENS],
        "tpset": _set_key(token_keys),
        "given_mask": _word_mask((g1, g2), (g1p, g2p)),
        "surname_mask": _word_mask((s1, s2), (s1p, s2p)),
    }


def _word_mask(words: Sequence[str | None], phonetics: Sequence[str | None]) -> int | None:
    """A 63-bit mask over keys two name words share whenever person_model._same_word may call them alike.

    Why: recognising given names and surnames written in each other's fields
    takes a long SQL expression per pair, and nearly every pair of different
    people fails it; a bitwise AND of two masks rules most of those pairs out
    first, for the price of an integer operation (two masks sharing no bit
    share no key; sharing a bit may be chance, the full test decides).  A
    word's keys are its phonetic key, its first letter when it has five
    letters or more, and its last three when it has six or more: the three
    ways _same_word lets two words agree.
    """
    mask = 0
    for word, phonetic in zip(words, phonetics, strict=True):
        if not word:
            continue
        keys = [f"P{phonetic}"] if phonetic else []
        if len(word) >= 5:
            keys.append(f"F{word[0]}")
        if len(word) >= 6:
            keys.append(f"E{word[-3:]}")
        for key in keys:
            mask |= 1 << (zlib.crc32(key.encode("utf-8")) % 63)
    return mask or None


def _display(given: list[str], surnames: list[str], raw: str | None) -> str | None:
    words = given + surnames
    return " ".join(words) if words else raw


def feature_row(
    record: LinkRecord,
    extra_fields: Sequence[ExtraField] = (),
    roles: NameRoles | None = None,
    family: FamilyIndex | None = None,
) -> dict[str, Any]:
    """One record's comparable features (see FEATURE_SCHEMA), without its integer id.

    Why each feature: ``g1``/``g2`` and ``s1``/``s2`` let SQL compare given
    names and surnames as sets with one missing (``gset``, ``skey`` are the
    set/order keys term frequencies are counted on); the ``*p`` columns are
    :func:`reunify.names.phonetic_key` so accents, particles and the Spanish
    transcriptions of Mayan sounds compare equal; ``name_tokens`` are the
    phonetic keys of every name word, for blocking that does not trust the
    given/surname split; the date of birth is split so that swaps and slips
    can be recognised; ``uac_id`` is only the subject's own.  With ``roles``,
    a free-text name whose given/surname split was guessed is re-split by the
    roles its words take in the rest of the data (NameRoles); with
    ``family``, ``family_keys`` names the relatives the record points to
    (FamilyIndex).
    """
    fields = record.fields
    given, surnames, tokens, raw = _name_parts(fields.get("name"), roles)
    names = _name_features(tuple(given), tuple(surnames), tuple(tokens))
    born = _birth(fields)
    row: dict[str, Any] = {
        "record_key": record.record_key,
        "feed": record.feed,
        **names,
        "name_display": _display(given, surnames, raw),
        "dob": born.isoformat() if born else None,
        "dob_y": born.year if born else None,
        "dob_m": born.month if born else None,
        "dob_d": born.day if born else None,
        "dob_est": bool(fields.get("dob_estimated")) if born else False,
        "sex": _text(fields.get("sex")),
        "country": _text(fields.get("country")),
        "a_number": _text(fields.get("a_number")),
        "fin": _text(fields.get("fin")),
        "event_id": _text(fields.get("event_id")),
        "uac_id": _text(fields.get("uac_id")) if record.feed in OWN_UAC_ID_FEEDS else None,
        "role": (role := _role(record.feed, fields, born)),
        "one_per_event": record.feed == ONE_ROW_PER_PERSON_PER_EVENT_FEED,
        "family_keys": (family or _NO_FAMILY).keys_for(record, role),
        "born_by": _born_by(record),
        **_handover(record),
    }
    for extra in extra_fields:
        value = fields.get(extra.name)
        row[extra.column] = _text(value) if not isinstance(value, Mapping) else _text(json.dumps(value))
    return row


#: At most this many relatives' name keys are kept per record.
MAX_FAMILY_KEYS = 24


def relative_keys(name: Any) -> list[str]:
    """Keys naming one relative: the phonetic first word with each later word (``MARBIN|SUL``).

    Why this shape: the first word of a name is the first given name in every
    feed's writing order, and pairing it with each later word survives a
    dropped second given name or surname and a guessed given/surname split.
    """
    if not isinstance(name, Mapping):
        return []
    return list(_relative_keys(tuple(name.get("tokens") or ())))


@lru_cache(maxsize=262144)
def _relative_keys(tokens: tuple[str, ...]) -> tuple[str, ...]:
    words = [key for key in map(phonetic_key, tokens) if key]
    if len(words) < 2:
        return ()
    first = words[0]
    return tuple(f"{first}|{word}" for word in dict.fromkeys(words[1:]) if word != first)


@dataclass
class FamilyIndex:
    """Who each record names or stands beside as family, from the feed contract.

    Why: a parent is often known by a record that says little else (an NGO
    locate: a name and the child searched for; a DNA kit: a name and the
    child's ORR case).  The same child appears next to the same parent in
    other feeds: in the parent's apprehension event, in the parent's stated
    children at ICE.  So each record gets the name keys of the relatives it
    points to, and two records naming one relative support each other.  For a
    child the relatives are the adults of its apprehension event and the
    parents it stated at ORR.  Family members share these keys too, which is
    why it is one comparison among many, weighed by training.
    """

    event_children: dict[str, set[str]] = field(default_factory=dict)
    event_adults: dict[str, set[str]] = field(default_factory=dict)
    case_children: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, records: Iterable[LinkRecord], roles: Sequence[str | None]) -> FamilyIndex:
        """Index the relatives' names by event and ORR case; ``roles`` are the records' roles, in order."""
        index = cls()
        for record, role in zip(records, roles, strict=True):
            fields = record.fields
            event = _text(fields.get("event_id"))
            case = _text(fields.get("uac_id")) if record.feed in OWN_UAC_ID_FEEDS else None
            if event is None and case is None:
                continue
            keys = relative_keys(fields.get("name"))
            if not keys:
                continue
            if event is not None:
                target = index.event_children if role == "child" else index.event_adults
                target.setdefault(event, set()).update(keys)
            if case is not None:
                index.case_children.setdefault(case, set()).update(keys)
        return index

    def keys_for(self, record: LinkRecord, role: str | None) -> list[str] | None:
        fields = record.fields
        keys: set[str] = set()
        event = _text(fields.get("event_id"))
        if role == "child":
            if event is not None:
                keys |= self.event_adults.get(event, set())
            for parent in fields.get("stated_parents") or ():
                if isinstance(parent, Mapping):
                    keys.update(relative_keys(parent.get("name")))
        else:
            if event is not None:
                keys |= self.event_children.get(event, set())
            for child in fields.get("stated_children") or ():
                if isinstance(child, Mapping):
                    keys.update(relative_keys(child.get("name")))
            keys.update(relative_keys(fields.get("child_name")))
            case = _text(fields.get("child_uac_id"))
            if case is not None:
                keys |= self.case_children.get(case, set())
        return sorted(keys)[:MAX_FAMILY_KEYS] or None


_NO_FAMILY = FamilyIndex()


def feature_schema(extra_fields: Sequence[ExtraField] = ()) -> pa.Schema:
    """The feature table's schema, with one string column per extra field."""
    schema = FEATURE_SCHEMA
    for extra in extra_fields:
        schema = schema.append(pa.field(extra.column, pa.string()))
    return schema


@dataclass
class FeatureTable:
    """The feature table, the record keys in ``unique_id`` order (ids are positions in ``keys``), the name roles."""

    table: pa.Table
    keys: list[str]
    roles: NameRoles = field(default_factory=NameRoles)


@contextmanager
def quiet_collector() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building millions of small objects.

    Why: with half a million records in memory every full collection walks
    tens of millions of live objects, and building the features triggers
    many of them; the objects built here hold no cycles, so nothing is lost
    by collecting once afterwards instead.
    """
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def build_feature_table(
    records: Iterable[LinkRecord], extra_fields: Sequence[ExtraField] = ()
) -> FeatureTable:
    """Features for every record, ``unique_id`` numbered in record-key order.

    Why numbered by sorted key: the smallest id of a cluster is then its
    smallest record key, which is the deterministic cluster id, and two runs on
    the same records give the same ids whatever order the records came in.
    A record key given twice is refused: the feed contract makes it impossible,
    and silently keeping one would hide an upstream bug.
    """
    with quiet_collector():
        records = list(records)
        roles = NameRoles.learn(record.fields.get("name") for record in records)
        births = [_birth(record.fields) for record in records]
        family = FamilyIndex.build(
            records, [_role(r.feed, r.fields, born) for r, born in zip(records, births, strict=True)]
        )
        rows = [feature_row(record, extra_fields, roles, family) for record in records]
        rows.sort(key=lambda row: row["record_key"])
        for previous, current in itertools.pairwise(rows):
            if previous["record_key"] == current["record_key"]:
                raise ValueError(f"record key {current['record_key']!r} given twice")
        schema = feature_schema(extra_fields)
        for position, row in enumerate(rows):
            row["unique_id"] = position
        columns = {name: [row[name] for row in rows] for name in schema.names}
        del rows
        table = pa.Table.from_pydict(columns, schema=schema)
    return FeatureTable(table=table, keys=columns["record_key"], roles=roles)


def feature_table_from_arrow(table: pa.Table, extra_fields: Sequence[ExtraField] = ()) -> FeatureTable:
    """Accept either a finished feature table or a table of (record_key, feed, fields JSON) rows.

    Why both: the application stores records with their fields as JSON and can
    hand them over without building Python objects, while a caller that cached
    the feature table from an earlier run can skip feature building entirely.
    """
    names = set(table.column_names)
    if {"record_key", "feed", "fields"} <= names:
        keys = table.column("record_key").to_pylist()
        feeds = table.column("feed").to_pylist()
        payloads = table.column("fields").to_pylist()
        records = (
            LinkRecord(key, feed, json.loads(payload) if isinstance(payload, str) else (payload or {}))
            for key, feed, payload in zip(keys, feeds, payloads, strict=True)
        )
        return build_feature_table(records, extra_fields)
    schema = feature_schema(extra_fields)
    missing = [name for name in schema.names if name not in names and name != "unique_id"]
    if missing:
        raise ValueError(
            "a linkage table needs either record_key, feed and fields columns, or the feature "
            f"columns; missing {', '.join(missing)}"
        )
    table = table.sort_by("record_key")
    table = table.select([n for n in schema.names if n != "unique_id"])
    table = table.add_column(0, "unique_id", pa.array(range(table.num_rows), type=pa.int64()))
    table = table.cast(schema)
    keys = table.column("record_key").to_pylist()
    if len(set(keys)) != len(keys):
        raise ValueError("a record key is given twice in the linkage table")
    return FeatureTable(table=table, keys=keys)
