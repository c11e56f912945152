"""Separation detection: which child lost the custody of every parent it was apprehended with.

The definition is EXPORTS.md's, word for word: a separation is a child who
lost the custody of *every* parent it was apprehended with and was placed with
the refugee office; one row per such child and accompanying parent.  "Apprehended
with" is a shared Border Patrol apprehension event (the same CBP ``event_id``)
between two people joined by a ``CONFIRMED`` or ``PROBABLE`` tie.  A child who
leaves Border Patrol custody with a parent (released together, or to an ICE
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
    if after and after[0].kind == REFUGEE_OFFICE:
        return True, (child_row.record_key, *after[0].source_keys)
    if orr_keys and not after:
        return True, (child_row.record_key, *orr_keys)
    return False, (child_row.record_key,)


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


def _stated_reason(parent_row: LinkRecord, child_row: LinkRecord) -> StatedReason:
    codes: list[str] = []
    remarks: list[str] = []
    for row in (parent_row, child_row):
        code = row.fields.get("separation_reason")
        if code and code not in codes:
            codes.append(code)
        text = (row.fields.get("remarks") or "").strip()
        if text and text not in remarks and any(word in text.upper() for word in _SEPARATION_WORDS):
            remarks.append(text)
    return StatedReason(tuple(codes), tuple(remarks), parent_row.fields.get("disposition"))


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
    A pair apprehended together more than once yields its first separation.
    Rows are sorted by child, then parent.
    """
    by_child = _asserted_ties(ties)
    episodes = _LazyEpisodes(persons)
    rows_by_person: dict[str, dict[str, LinkRecord]] = {}

    def cbp_rows(person: str) -> dict[str, LinkRecord]:
        if person not in rows_by_person:
            rows_by_person[person] = _cbp_by_event(persons.get(person, ()))
        return rows_by_person[person]

    separations: dict[tuple[str, str], Separation] = {}
    for child in sorted(by_child):
        if child not in persons:
            continue
        parents_status = {p: s for p, s in by_child[child].items() if p in persons}
        child_rows = cbp_rows(child)
        for event, child_row in sorted(child_rows.items(), key=lambda item: _apprehended(item[1])):
            accompanying = sorted(p for p in parents_status if event in cbp_rows(p))
            if not accompanying:
                continue
            placed, placement_keys = _placed_with_refugee_office(event, child_row, episodes[child])
            if not placed:
                continue
            apprehended = parse_instant(child_row.fields["apprehended_at"])
            assert apprehended is not None
            for parent in accompanying:
                if (child, parent) in separations:
                    continue
                parent_row = cbp_rows(parent)[event]
                day, instant, notes = _separation_instant(
                    parent_row, child_row, episodes[parent], episodes[child]
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
                keys = (parent_row.record_key, *placement_keys, *outcome_keys, *findings, *locates)
                separations[(child, parent)] = Separation(
                    child_person=child,
                    parent_person=parent,
                    tie_status=parents_status[parent],
                    event_id=event,
                    apprehended_at=child_row.fields["apprehended_at"],
                    separated_at=day,
                    separated_instant=instant,
                    agency="CBP",
                    parent_transferred_to=parent_row.fields.get("transferred_to"),
                    child_transferred_to=child_row.fields.get("transferred_to"),
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
