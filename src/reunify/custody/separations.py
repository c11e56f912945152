"""Separation detection: which child lost the custody of every parent it was apprehended with.

The definition is EXPORTS.md's, word for word: a separation is a child who
lost the custody of *every* parent it was apprehended with and was placed with
the refugee office; one row per such child and accompanying parent.  "Apprehended
with" is a shared Border Patrol apprehension event between two people joined by
a ``CONFIRMED`` or ``PROBABLE`` tie, evidenced for each of them by a well-formed
row naming the event: their Border Patrol row (``event_id``), or else, when that
row was quarantined, the parent's Marshals booking (``arrest_event_id``) or the
child's refugee-office referral (``apprehension_event_id``).  A malformed
Border Patrol row must not hide a separation another row still shows.  A child
who leaves Border Patrol custody with a parent (released together, or to an ICE
family residential facility) stays in a parent's custody, even when the other
parent is prosecuted, and is not separated.

Every decision is traceable: each ``Separation`` carries the record keys of the
apprehension rows, the placement, the outcome evidence, the court findings and
the NGO locates it rests on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from reunify.custody.episodes import (
    CUSTODIAL_KINDS,
    DEPARTURE,
    ORR,
    REFUGEE_OFFICE,
    RELEASE,
    REMOVAL,
    REUNIFICATION,
    CustodyEpisode,
    custody_episodes,
    parse_instant,
)
from reunify.linkage.person_records import LinkRecord

#: Tie statuses that count as asserted (EXPORTS.md: the relationships export).
ASSERTED_STATUSES = frozenset({"CONFIRMED", "PROBABLE"})

#: Court findings that, dated strictly before the separation, give it a judicial basis.
JUDICIAL_FINDINGS = frozenset({"UNFIT", "DANGER_TO_CHILD", "CRIMINAL_HISTORY", "COMMUNICABLE_DISEASE"})

#: Outcomes by precedence, strongest first (EXPORTS.md).
OUTCOME_PRECEDENCE = ("REUNIFIED", "PARENT_DECLINED", "PARENT_REMOVED", "RELEASED_TO_SPONSOR", "APART")

#: How close a parent's leaving custody must be to the child's discharge to
#: say the child was handed back to *that* parent, when several came along.
HANDOVER_TOLERANCE = dt.timedelta(days=1)

#: A child removed or departing within this time of the parent left with the parent.
REMOVED_TOGETHER_TOLERANCE = dt.timedelta(days=2)

#: Remarks words that show the free text speaks of a separation.
_SEPARATION_WORDS = ("SEPARAT", "1325", "PROSECUT", "SPLIT")

Tie = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class StatedReason:
    """What the records themselves say about why: CBP codes, remarks text and the parent's disposition."""

    separation_reasons: tuple[str, ...] = ()
    remarks: tuple[str, ...] = ()
    parent_disposition: str | None = None

    @property
    def summary(self) -> str:
        """One line for a report: the codes first, then the disposition, then the remarks."""
        parts = list(self.separation_reasons)
        if self.parent_disposition:
            parts.append(f"parent disposition {self.parent_disposition}")
        parts.extend(f'"{text}"' for text in self.remarks)
        return "; ".join(parts) or "no reason stated"


@dataclass(frozen=True, slots=True)
class Separation:
    """One child separated from one accompanying parent, with how it ended and the evidence.

    ``separated_at`` is the local date (the apprehension's offset) of the first
    transfer out of joint Border Patrol custody, ``separated_instant`` that
    transfer as delivered.  ``outcome_at`` is the date of the outcome
    (reunification, signed decline, removal, release to a sponsor), None for
    ``APART``; ``reunified_at`` is set only for ``REUNIFIED``.
    """

    child_person: str
    parent_person: str
    tie_status: str
    event_id: str
    apprehended_at: str
    separated_at: dt.date
    separated_instant: str | None
    agency: str
    parent_transferred_to: str | None
    child_transferred_to: str | None
    reason: StatedReason
    outcome: str
    outcome_at: dt.date | None
    reunified_at: dt.date | None
    judicial_basis: bool
    judicial_findings: tuple[str, ...]
    parent_removed_to: str | None
    ngo_locates: tuple[str, ...]
    source_keys: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def export_row(self) -> dict[str, str]:
        """The row of ``reunify export separations`` (EXPORTS.md)."""
        return {
            "child_person_id": self.child_person,
            "parent_person_id": self.parent_person,
            "separated_at": self.separated_at.isoformat(),
            "reunified_at": self.reunified_at.isoformat() if self.reunified_at else "",
            "outcome": self.outcome,
            "judicial_basis": "Y" if self.judicial_basis else "N",
        }


def _date_part(text: str | None) -> dt.date | None:
    """The calendar date an ISO date or instant was written with (no zone conversion: as delivered)."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _asserted_ties(ties: Iterable[Tie]) -> dict[str, dict[str, str]]:
    """child -> {parent: status} for the ties that count; CONFIRMED outranks PROBABLE."""
    by_child: dict[str, dict[str, str]] = {}
    for parent, child, status in ties:
        status = (status or "").upper()
        if status not in ASSERTED_STATUSES or parent == child:
            continue
        parents = by_child.setdefault(child, {})
        if parents.get(parent) != "CONFIRMED":
            parents[parent] = status
    return by_child


def _apprehended(record: LinkRecord) -> dt.datetime:
    """The apprehension instant of a CBP row already known to have a readable one."""
    instant = parse_instant(record.fields.get("apprehended_at"))
    assert instant is not None
    return instant


def _cbp_by_event(records: Sequence[LinkRecord]) -> dict[str, LinkRecord]:
    """event_id -> the person's CBP row of that event (the earliest apprehension when repeated)."""
    rows: dict[str, LinkRecord] = {}
    for record in records:
        if record.feed != "cbp_apprehensions":
            continue
        event = (record.fields.get("event_id") or "").strip()
        if not event or parse_instant(record.fields.get("apprehended_at")) is None:
            continue
        known = rows.get(event)
        if known is None or _apprehended(record) < _apprehended(known):
            rows[event] = record
    return rows


def _event_named(record: LinkRecord, column: str) -> str:
    """The Border Patrol event a Marshals or refugee-office row names (its own column, else ``event_id``)."""
    return str(record.fields.get(column) or record.fields.get("event_id") or "").strip()


def _usms_by_event(records: Sequence[LinkRecord]) -> dict[str, LinkRecord]:
    """event_id -> the person's earliest Marshals booking naming it in ``arrest_event_id``.

    Why: when the parent's Border Patrol row was quarantined, this booking is
    what still shows the parent was arrested in that apprehension (EXPORTS.md).
    """
    rows: dict[str, LinkRecord] = {}
    for record in records:
        if record.feed != "usms_custody":
            continue
        event = _event_named(record, "arrest_event_id")
        booked = parse_instant(record.fields.get("booked_at"))
        if not event or booked is None:
            continue
        known = rows.get(event)
        if known is None or booked < _booked(known):
            rows[event] = record
    return rows


def _booked(record: LinkRecord) -> dt.datetime:
    """The booking instant of a USMS row already known to have a readable one."""
    instant = parse_instant(record.fields.get("booked_at"))
    assert instant is not None
    return instant


def _orr_by_event(records: Sequence[LinkRecord]) -> dict[str, tuple[LinkRecord, ...]]:
    """event_id -> the person's refugee-office referrals naming it in ``apprehension_event_id``, earliest first.

    Why: when the child's Border Patrol row was quarantined, a referral naming
    the event is what still shows the child came from that apprehension.
    """
    rows: dict[str, list[LinkRecord]] = {}
    for record in records:
        if record.feed == "orr_referrals" and (event := _event_named(record, "apprehension_event_id")):
            rows.setdefault(event, []).append(record)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return {
        event: tuple(
            sorted(found, key=lambda r: (parse_instant(r.fields.get("referred_at")) or far, r.record_key))
        )
        for event, found in rows.items()
    }


@dataclass(frozen=True, slots=True)
class _Evidence:
    """One person's rows naming apprehension events: Border Patrol, Marshals and refugee-office rows."""

    cbp: dict[str, LinkRecord]
    usms: dict[str, LinkRecord]
    orr: dict[str, tuple[LinkRecord, ...]]


def _placed_with_refugee_office(
    event: str, child_row: LinkRecord, child_episodes: Sequence[CustodyEpisode]
) -> tuple[bool, tuple[str, ...]]:
    """Whether the child went from this apprehension to the refugee office, and the records saying so.

    Border Patrol's ``transferred_to`` = ORR says it directly; otherwise the
    child's first custody after the Border Patrol episode decides (an ORR
    referral naming this event counts as well).  A child who first went
    anywhere else (released with a parent, ICE family residential) stayed with
    a parent.
    """
    fields = child_row.fields
    orr_keys = tuple(
        dict.fromkeys(
            key
            for episode in child_episodes
            if episode.agency == ORR and episode.detail.get("apprehension_event_id") == event
            for key in episode.source_keys
        )
    )
    if fields.get("transferred_to") == "ORR":
        return True, (child_row.record_key, *orr_keys)
    if fields.get("transferred_to"):
        return False, (child_row.record_key,)
    apprehended = parse_instant(fields.get("apprehended_at"))
    assert apprehended is not None
    after = [
        e
        for e in child_episodes
        if e.kind in CUSTODIAL_KINDS
        and e.start_at > apprehended
        and child_row.record_key not in e.source_keys
    ]
    if after and after[0].kind == REFUGEE_OFFICE and _not_another_event(after[0], event):
        return True, (child_row.record_key, *after[0].source_keys)
    if orr_keys and not after:
        return True, (child_row.record_key, *orr_keys)
    return False, (child_row.record_key,)


def _not_another_event(episode: CustodyEpisode, event: str) -> bool:
    """False when a refugee-office placement names a different apprehension than ``event``.

    Why: a child apprehended with a parent, then apprehended again (that
    Border Patrol row quarantined) and referred from the later event, was not
    placed from the first one.
    """
    named = episode.detail.get("apprehension_event_id")
    return not named or named == event


def _placed_from_referral(
    event: str,
    apprehended: dt.datetime,
    referrals: Sequence[LinkRecord],
    child_episodes: Sequence[CustodyEpisode],
) -> tuple[bool, tuple[str, ...]]:
    """Whether a child with no Border Patrol row of ``event`` went from it to the refugee office.

    A referral naming the event says so, unless the child's ledger shows
    another custody first after the apprehension (an ICE family stay, another
    apprehension, a placement from another event): then the child did not go
    straight from this apprehension to the office, and nothing is claimed.
    """
    keys = tuple(r.record_key for r in referrals)
    if not keys:
        return False, ()
    after = [e for e in child_episodes if e.kind in CUSTODIAL_KINDS and e.start_at > apprehended]
    if after and (after[0].agency != ORR or not _not_another_event(after[0], event)):
        return False, ()
    return True, keys


def _separation_instant(
    parent_row: LinkRecord,
    child_row: LinkRecord,
    parent_episodes: Sequence[CustodyEpisode],
    child_episodes: Sequence[CustodyEpisode],
) -> tuple[dt.date, str | None, list[str]]:
    """The local date (apprehension offset) of the first transfer out of joint Border Patrol custody.

    The earlier of the two CBP ``transferred_at``; when neither row has one,
    the earliest later book-in of either person stands in for it (noted), and
    failing that the apprehension date.
    """
    apprehended = parse_instant(child_row.fields.get("apprehended_at"))
    assert apprehended is not None
    zone = apprehended.tzinfo
    notes: list[str] = []
    transfers = [
        (instant, text)
        for text in (parent_row.fields.get("transferred_at"), child_row.fields.get("transferred_at"))
        if (instant := parse_instant(text)) is not None
    ]
    if not transfers:
        later = [
            (e.start_at, e.start)
            for e in (*parent_episodes, *child_episodes)
            if e.kind in CUSTODIAL_KINDS and e.start_at > apprehended and e.agency != "CBP"
        ]
        if later:
            transfers = [min(later)]
            notes.append("no Border Patrol transfer time: the next book-in stands in for it")
    if not transfers:
        notes.append("no transfer time at all: the apprehension date stands in for it")
        return apprehended.date(), None, notes
    instant, text = min(transfers)
    return instant.astimezone(zone).date(), text, notes


def _first_admitted(referrals: Sequence[LinkRecord]) -> tuple[dt.datetime, str, str] | None:
    """The earliest readable placement admission of these referrals: (instant, text, record key)."""
    admitted = [
        (instant, str(placement["admitted_at"]), referral.record_key)
        for referral in referrals
        for placement in referral.fields.get("placements") or []
        if isinstance(placement, Mapping)
        and (instant := parse_instant(placement.get("admitted_at"))) is not None
    ]
    return min(admitted) if admitted else None


def _stand_in_instant(
    parent_row: LinkRecord | None,
    child_row: LinkRecord | None,
    booking: LinkRecord | None,
    referrals: Sequence[LinkRecord],
    apprehended: dt.datetime,
    parent_episodes: Sequence[CustodyEpisode],
    child_episodes: Sequence[CustodyEpisode],
) -> tuple[dt.date, str | None, list[str]]:
    """separated_at when the parent's or the child's Border Patrol row is missing, with what stood in.

    The surviving row's ``transferred_at`` is exact for its person.  For the
    person whose row is missing, what follows the transfer bounds it from
    above: the parent's Marshals booking (``booked_at``) or the child's first
    refugee-office placement (``admitted_at``); the earliest of all these is
    the closest estimate of the first transfer out of joint custody (a later
    one would only move it further from the truth).  The child's referral
    (``referred_at``) is written before the child leaves Border Patrol, so it
    bounds nothing and stands in only when nothing else is known; after it
    come the next book-in and the apprehension date, as for two rows.  The
    date is taken in the apprehension's zone (the offset of the Border Patrol
    row that places the event): the booking carries the district's zone and
    the refugee office writes UTC, so both are converted.
    """
    zone = apprehended.tzinfo
    candidates: list[tuple[dt.datetime, str, str | None]] = [
        (instant, text, None)
        for row in (parent_row, child_row)
        if row is not None
        and (text := row.fields.get("transferred_at"))
        and (instant := parse_instant(text)) is not None
    ]
    if parent_row is None and booking is not None and _booked(booking) >= apprehended:
        candidates.append(
            (
                _booked(booking),
                str(booking.fields["booked_at"]),
                f"separated_at: the parent's Marshals booking ({booking.record_key}, booked_at) "
                "stands in for the parent's Border Patrol transfer",
            )
        )
    admitted = _first_admitted(referrals) if child_row is None else None
    if admitted is not None and admitted[0] >= apprehended:
        candidates.append(
            (
                admitted[0],
                admitted[1],
                f"separated_at: the child's first refugee-office placement ({admitted[2]}, admitted_at) "
                "stands in for the child's Border Patrol transfer",
            )
        )
    if not candidates and child_row is None:
        for referral in referrals:
            instant = parse_instant(referral.fields.get("referred_at"))
            if instant is not None and instant >= apprehended:
                note = (
                    f"separated_at: the child's refugee-office referral ({referral.record_key}, "
                    "referred_at) stands in for the child's Border Patrol transfer"
                )
                candidates.append((instant, str(referral.fields["referred_at"]), note))
                break
    if candidates:
        instant, text, note = min(candidates, key=lambda c: c[0])
        return instant.astimezone(zone).date(), text, [note] if note else []
    later = [
        (e.start_at, e.start)
        for e in (*parent_episodes, *child_episodes)
        if e.kind in CUSTODIAL_KINDS and e.start_at > apprehended and e.agency != "CBP"
    ]
    if later:
        instant, text = min(later)
        note = "no Border Patrol transfer time: the next book-in stands in for it"
        return instant.astimezone(zone).date(), text, [note]
    return apprehended.date(), None, ["no transfer time at all: the apprehension date stands in for it"]


def _stated_reason(parent_row: LinkRecord | None, child_row: LinkRecord | None) -> StatedReason:
    """What the surviving Border Patrol rows say (a quarantined row says nothing)."""
    codes: list[str] = []
    remarks: list[str] = []
    for row in (parent_row, child_row):
        if row is None:
            continue
        code = row.fields.get("separation_reason")
        if code and code not in codes:
            codes.append(code)
        text = (row.fields.get("remarks") or "").strip()
        if text and text not in remarks and any(word in text.upper() for word in _SEPARATION_WORDS):
            remarks.append(text)
    disposition = parent_row.fields.get("disposition") if parent_row is not None else None
    return StatedReason(tuple(codes), tuple(remarks), disposition)


def _handed_back_to(
    discharge: CustodyEpisode,
    parents: Sequence[str],
    episodes: Mapping[str, Sequence[CustodyEpisode]],
    child_episodes: Sequence[CustodyEpisode],
) -> set[str]:
    """Which accompanying parents a REUNIFIED_WITH_PARENT discharge handed the child back to.

    With one accompanying parent, that parent.  With several, the parents whose
    custody ends, or who book in where the child books in next, within a day
    of the discharge; if none can be told apart, all of them (the discharge
    names no parent, and dropping a true reunification would be worse).
    """
    if len(parents) == 1:
        return set(parents)
    at = discharge.start_at
    child_next = {
        (e.facility, e.start_at.date())
        for e in child_episodes
        if e.kind in CUSTODIAL_KINDS and abs(e.start_at - at) <= HANDOVER_TOLERANCE
    }
    chosen = set()
    for parent in parents:
        for e in episodes[parent]:
            if e.kind not in CUSTODIAL_KINDS:
                continue
            end = e.end_at
            if (end is not None and abs(end - at) <= HANDOVER_TOLERANCE) or (
                e.facility,
                e.start_at.date(),
            ) in child_next:
                chosen.add(parent)
                break
    return chosen or set(parents)


def _outcome(
    child: str,
    parent: str,
    parents: Sequence[str],
    apprehended: dt.datetime,
    persons: Mapping[str, Sequence[LinkRecord]],
    episodes: Mapping[str, Sequence[CustodyEpisode]],
) -> tuple[str, dt.date | None, dt.date | None, str | None, tuple[str, ...]]:
    """Outcome, its date, reunified_at, the removal country and the evidence keys, by precedence."""
    child_eps = [e for e in episodes[child] if e.start_at >= apprehended]
    parent_eps = [e for e in episodes[parent] if e.start_at >= apprehended]
    reunifications = [e for e in child_eps if e.kind == REUNIFICATION]
    for discharge in reunifications:
        if parent in _handed_back_to(discharge, parents, episodes, child_eps):
            day = _date_part(discharge.start)
            return "REUNIFIED", day, day, None, discharge.source_keys
    declines = [
        r
        for r in persons[parent]
        if r.feed == "ice_detentions"
        and r.fields.get("declined_reunification") is True
        and (_date_part(r.fields.get("declined_at")) or apprehended.date()) >= apprehended.date()
    ]
    if declines:
        first = min(declines, key=lambda r: r.fields.get("declined_at") or "")
        return "PARENT_DECLINED", _date_part(first.fields.get("declined_at")), None, None, (first.record_key,)
    child_leaving = [e.start_at for e in child_eps if e.kind in (REMOVAL, DEPARTURE)]
    for removal in (e for e in parent_eps if e.kind == REMOVAL):
        together = any(abs(at - removal.start_at) <= REMOVED_TOGETHER_TOLERANCE for at in child_leaving)
        if not together:
            country = removal.detail.get("country")
            return "PARENT_REMOVED", _date_part(removal.start), None, country, removal.source_keys
    for release in (e for e in child_eps if e.kind == RELEASE and e.end_reason == "RELEASED_TO_SPONSOR"):
        return "RELEASED_TO_SPONSOR", _date_part(release.start), None, None, release.source_keys
    return "APART", None, None, None, ()


class _LazyEpisodes(dict[str, list[CustodyEpisode]]):
    """person -> custody episodes, built on first use (most persons are never asked about)."""

    def __init__(self, persons: Mapping[str, Sequence[LinkRecord]]) -> None:
        super().__init__()
        self._persons = persons

    def __missing__(self, person: str) -> list[CustodyEpisode]:
        value = self[person] = custody_episodes(self._persons.get(person, ()))
        return value


def detect_separations(
    persons: Mapping[str, Sequence[LinkRecord]],
    ties: Iterable[Tie],
) -> list[Separation]:
    """Every (child, accompanying parent) separation among ``persons``, per EXPORTS.md.

    ``persons`` maps a person id to that person's records; ``ties`` are
    ``(parent_person, child_person, status)`` and only ``CONFIRMED`` and
    ``PROBABLE`` ones count.  For each child and each apprehension event the
    child shares with tied parents: when the child went from that event to the
    refugee office it lost the custody of every such parent (no parent is ever
    in the office's care), and one row per accompanying parent is returned.
    A person shares an event through its Border Patrol row, or, when that row
    is missing (quarantined), through the parent's Marshals booking or the
    child's referral naming it; the event must still have a Border Patrol row
    of the child or of an accompanying parent, which places the apprehension
    in time and zone.  A pair apprehended together more than once yields its
    first separation.  Rows are sorted by child, then parent.
    """
    by_child = _asserted_ties(ties)
    episodes = _LazyEpisodes(persons)
    evidence_by_person: dict[str, _Evidence] = {}

    def evidence(person: str) -> _Evidence:
        if person not in evidence_by_person:
            records = persons.get(person, ())
            evidence_by_person[person] = _Evidence(
                _cbp_by_event(records), _usms_by_event(records), _orr_by_event(records)
            )
        return evidence_by_person[person]

    separations: dict[tuple[str, str], Separation] = {}
    for child in sorted(by_child):
        if child not in persons:
            continue
        parents_status = {p: s for p, s in by_child[child].items() if p in persons}
        child_evidence = evidence(child)
        events: list[tuple[dt.datetime, str, LinkRecord, list[str]]] = []
        for event in set(child_evidence.cbp) | set(child_evidence.orr):
            accompanying = sorted(
                p for p in parents_status if event in evidence(p).cbp or event in evidence(p).usms
            )
            if not accompanying:
                continue
            # The apprehension is placed in time and zone by a Border Patrol row of
            # the event: the child's, else the earliest of its accompanying parents'.
            anchors = [child_evidence.cbp[event]] if event in child_evidence.cbp else []
            anchors = anchors or sorted(
                (evidence(p).cbp[event] for p in accompanying if event in evidence(p).cbp), key=_apprehended
            )
            if anchors:
                events.append((_apprehended(anchors[0]), event, anchors[0], accompanying))
        for apprehended, event, anchor, accompanying in sorted(events, key=lambda item: item[:2]):
            child_row = child_evidence.cbp.get(event)
            referrals = child_evidence.orr.get(event, ())
            if child_row is not None:
                placed, placement_keys = _placed_with_refugee_office(event, child_row, episodes[child])
            else:
                placed, placement_keys = _placed_from_referral(event, apprehended, referrals, episodes[child])
            if not placed:
                continue
            for parent in accompanying:
                if (child, parent) in separations:
                    continue
                parent_row = evidence(parent).cbp.get(event)
                parent_source = parent_row if parent_row is not None else evidence(parent).usms[event]
                booking = None if parent_row is not None else parent_source
                if parent_row is not None and child_row is not None:
                    day, instant, notes = _separation_instant(
                        parent_row, child_row, episodes[parent], episodes[child]
                    )
                else:
                    day, instant, notes = _stand_in_instant(
                        parent_row,
                        child_row,
                        booking,
                        referrals,
                        apprehended,
                        episodes[parent],
                        episodes[child],
                    )
                    if booking is not None:
                        notes.insert(
                            0,
                            f"no well-formed Border Patrol row of the parent for {event}: "
                            f"the Marshals booking {booking.record_key} names the event",
                        )
                    if child_row is None:
                        notes.insert(
                            0,
                            f"no well-formed Border Patrol row of the child for {event}: "
                            f"the refugee-office referral {referrals[0].record_key} names the event",
                        )
                outcome, outcome_at, reunified_at, removed_to, outcome_keys = _outcome(
                    child, parent, accompanying, apprehended, persons, episodes
                )
                findings = tuple(
                    r.record_key
                    for r in persons[parent]
                    if r.feed == "court_findings"
                    and r.fields.get("finding") in JUDICIAL_FINDINGS
                    and (found := _date_part(r.fields.get("found_at"))) is not None
                    and found < day
                )
                removed = any(e.kind == REMOVAL and e.start_at >= apprehended for e in episodes[parent])
                locates = (
                    tuple(sorted(r.record_key for r in persons[parent] if r.feed == "ngo_locates"))
                    if removed
                    else ()
                )
                keys = (
                    parent_source.record_key,
                    *placement_keys,
                    anchor.record_key,
                    *outcome_keys,
                    *findings,
                    *locates,
                )
                separations[(child, parent)] = Separation(
                    child_person=child,
                    parent_person=parent,
                    tie_status=parents_status[parent],
                    event_id=event,
                    apprehended_at=anchor.fields["apprehended_at"],
                    separated_at=day,
                    separated_instant=instant,
                    agency="CBP",
                    parent_transferred_to=parent_row.fields.get("transferred_to") if parent_row else None,
                    child_transferred_to=child_row.fields.get("transferred_to") if child_row else None,
                    reason=_stated_reason(parent_row, child_row),
                    outcome=outcome,
                    outcome_at=outcome_at,
                    reunified_at=reunified_at,
                    judicial_basis=bool(findings),
                    judicial_findings=findings,
                    parent_removed_to=removed_to,
                    ngo_locates=locates,
                    source_keys=tuple(dict.fromkeys(keys)),
                    notes=tuple(notes),
                )
    return [separations[pair] for pair in sorted(separations)]
