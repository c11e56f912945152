"""One person's custody ledger: episodes in order, where the person was, and what cannot be true.

Why a ledger of episodes rather than a state per record: every agency describes
only its own custody (a Border Patrol processing, a Marshals booking, an
immigration stay, a refugee-office placement), and a person's history is the
sequence of those, joined by hand-overs.  Once they are in one ordered list,
"where was this person on that night", "did custody of parent and child
diverge" and "is this hand-over plausible" are simple questions over that list.

Instants stay the ``Instant.iso()`` strings FIELDS.md gives (with the offset the
source wrote in), so that what is shown is what was delivered; comparisons use
the parsed, offset-aware values.  Nothing here decides who is who: the caller
hands in the records of ONE person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reunify.linkage.person_records import LinkRecord

# Agencies, as the feeds name them.
CBP = "CBP"
USMS = "USMS"
ICE = "ICE"
ORR = "ORR"

# Episode kinds.  Custodial kinds have a duration; terminal kinds are events
# (start == end) that say how custody ended.
BORDER_PATROL = "BORDER_PATROL_PROCESSING"
MARSHALS = "MARSHALS_BOOKING"
IMMIGRATION = "IMMIGRATION_DETENTION"
FAMILY_RESIDENTIAL = "FAMILY_RESIDENTIAL"
REFUGEE_OFFICE = "REFUGEE_OFFICE_PLACEMENT"
RELEASE = "RELEASE"
REMOVAL = "REMOVAL"
DEPARTURE = "VOLUNTARY_DEPARTURE"
REUNIFICATION = "REUNIFICATION"

CUSTODIAL_KINDS = frozenset({BORDER_PATROL, MARSHALS, IMMIGRATION, FAMILY_RESIDENTIAL, REFUGEE_OFFICE})
TERMINAL_KINDS = frozenset({RELEASE, REMOVAL, DEPARTURE, REUNIFICATION})

#: ICE facilities that hold parents with their children (the family residential
#: centers: Karnes, Dilley, Berks).  A stay there is family detention even when
#: the previous stay's book-out reason was not written.
FAMILY_FACILITY_CODES = frozenset({"KRN", "DIL", "BRK"})

#: End reasons that say custody passed to another custodian (so a following
#: book-in is expected soon after).
TRANSFER_REASONS = frozenset({"TRANSFER", "FAMILY_RESIDENTIAL", "TRANSFERRED"})

#: Default tolerances: hand-overs are rarely logged to the minute by both sides.
OVERLAP_TOLERANCE = dt.timedelta(hours=6)
GAP_TOLERANCE = dt.timedelta(hours=48)


def parse_instant(text: str | None) -> dt.datetime | None:
    """An offset-aware datetime from an ``Instant.iso()`` string (naive ones read as UTC), or None."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class CustodyEpisode:
    """One stretch of custody (or one terminal event) of one person, with the records it came from.

    ``start``/``end`` are the ISO strings as FIELDS.md gives them; ``end`` is
    None while the episode is open.  ``end_reason`` is the code that closed it
    (``TRANSFER``, ``RELEASED``, ``REMOVED``, ``REUNIFIED_WITH_PARENT``, ...),
    ``destination`` where custody went (CBP ``transferred_to``, USMS
    ``released_to``).  ``detail`` keeps what a reader of the ledger needs to
    see without going back to the record (event id, disposition, removal
    country, program, ...).
    """

    agency: str
    kind: str
    facility: str | None
    state: str | None
    start: str
    end: str | None
    end_reason: str | None
    source_keys: tuple[str, ...]
    destination: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def start_at(self) -> dt.datetime:
        """The start as an aware datetime (episodes are only built with a readable start)."""
        value = parse_instant(self.start)
        assert value is not None
        return value

    @property
    def end_at(self) -> dt.datetime | None:
        """The end as an aware datetime, None while open."""
        return parse_instant(self.end)

    @property
    def is_terminal(self) -> bool:
        """True for release, removal, departure and reunification events."""
        return self.kind in TERMINAL_KINDS


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _terminal(
    agency: str, kind: str, at: str, reason: str | None, keys: tuple[str, ...], **detail: Any
) -> CustodyEpisode:
    return CustodyEpisode(
        agency=agency,
        kind=kind,
        facility=None,
        state=None,
        start=at,
        end=at,
        end_reason=reason,
        source_keys=keys,
        detail={k: v for k, v in detail.items() if v is not None},
    )


def _cbp_episodes(record: LinkRecord) -> list[CustodyEpisode]:
    f = record.fields
    start = _text(f.get("apprehended_at"))
    if parse_instant(start) is None:
        return []
    assert start is not None
    end = _text(f.get("transferred_at"))
    destination = _text(f.get("transferred_to"))
    keys = (record.record_key,)
    episode = CustodyEpisode(
        agency=CBP,
        kind=BORDER_PATROL,
        facility=_text(f.get("station")) or _text(f.get("sector")),
        state=_text(f.get("state")),
        start=start,
        end=end,
        end_reason=(None if end is None else ("RELEASED" if destination == "RELEASED" else "TRANSFER")),
        source_keys=keys,
        destination=destination,
        detail={
            k: f.get(k)
            for k in (
                "event_id",
                "sector",
                "classification",
                "disposition",
                "family_group_id",
                "separated",
                "separation_reason",
                "remarks",
            )
            if f.get(k) is not None
        },
    )
    out = [episode]
    if end is not None and destination == "RELEASED":
        out.append(_terminal(CBP, RELEASE, end, "RELEASED", keys))
    return out


def _usms_episodes(record: LinkRecord) -> list[CustodyEpisode]:
    f = record.fields
    start = _text(f.get("booked_at"))
    if parse_instant(start) is None:
        return []
    assert start is not None
    end = _text(f.get("released_at"))
    destination = _text(f.get("released_to"))
    keys = (record.record_key,)
    reason = None
    if end is not None:
        reason = (
            "RELEASED" if destination == "RELEASED" else ("TRANSFER" if destination else "RELEASED_UNKNOWN")
        )
    out = [
        CustodyEpisode(
            agency=USMS,
            kind=MARSHALS,
            facility=_text(f.get("district")),
            state=None,
            start=start,
            end=end,
            end_reason=reason,
            source_keys=keys,
            destination=destination,
            detail={
                k: f.get(k)
                for k in ("arrest_event_id", "case_number", "charge", "disposition", "tz")
                if f.get(k) is not None
            },
        )
    ]
    if end is not None and destination == "RELEASED":
        out.append(_terminal(USMS, RELEASE, end, "RELEASED", keys))
    return out


def _ice_episodes(record: LinkRecord) -> list[CustodyEpisode]:
    f = record.fields
    start = _text(f.get("book_in_at"))
    if parse_instant(start) is None:
        return []
    assert start is not None
    end = _text(f.get("book_out_at"))
    reason = _text(f.get("book_out_reason"))
    code = _text(f.get("facility_code"))
    keys = (record.record_key,)
    kind = FAMILY_RESIDENTIAL if (code or "").upper() in FAMILY_FACILITY_CODES else IMMIGRATION
    detail = {
        k: f.get(k)
        for k in ("facility_code", "removal_country", "declined_reunification", "declined_at")
        if f.get(k) is not None
    }
    out = [
        CustodyEpisode(
            agency=ICE,
            kind=kind,
            facility=_text(f.get("facility_name")) or code,
            state=_text(f.get("facility_state")),
            start=start,
            end=end,
            end_reason=reason if end is not None else None,
            source_keys=keys,
            destination=None,
            detail=detail,
        )
    ]
    if end is not None and reason == "RELEASED":
        out.append(_terminal(ICE, RELEASE, end, reason, keys))
    elif end is not None and reason == "REMOVED":
        out.append(_terminal(ICE, REMOVAL, end, reason, keys, country=_text(f.get("removal_country"))))
    return out


_ORR_TERMINALS = {
    "REUNIFIED_WITH_PARENT": REUNIFICATION,
    "RELEASED_TO_SPONSOR": RELEASE,
    "VOLUNTARY_DEPARTURE": DEPARTURE,
}


def _orr_episodes(record: LinkRecord) -> list[CustodyEpisode]:
    f = record.fields
    keys = (record.record_key,)
    base = {
        k: f.get(k)
        for k in ("uac_id", "apprehension_event_id", "referring_agency", "separated_from_parent")
        if f.get(k) is not None
    }
    placements = [p for p in (f.get("placements") or []) if isinstance(p, Mapping)]
    out: list[CustodyEpisode] = []
    for number, placement in enumerate(placements):
        start = _text(placement.get("admitted_at"))
        if parse_instant(start) is None:
            continue
        assert start is not None
        end = _text(placement.get("discharged_at"))
        reason = _text(placement.get("discharge_type")) if end is not None else None
        out.append(
            CustodyEpisode(
                agency=ORR,
                kind=REFUGEE_OFFICE,
                facility=_text(placement.get("program")),
                state=_text(placement.get("program_state")),
                start=start,
                end=end,
                end_reason=reason,
                source_keys=keys,
                detail={**base, "placement": number},
            )
        )
        if end is not None and reason in _ORR_TERMINALS:
            out.append(_terminal(ORR, _ORR_TERMINALS[reason], end, reason, keys))
    if not out:
        referred = _text(f.get("referred_at"))
        if parse_instant(referred) is not None:
            assert referred is not None
            # A referral without a placement still puts the child in the office's care.
            out.append(
                CustodyEpisode(ORR, REFUGEE_OFFICE, None, None, referred, None, None, keys, None, base)
            )
    return out


_BUILDERS = {
    "cbp_apprehensions": _cbp_episodes,
    "usms_custody": _usms_episodes,
    "ice_detentions": _ice_episodes,
    "orr_referrals": _orr_episodes,
}

_KIND_RANK = {
    BORDER_PATROL: 0,
    MARSHALS: 1,
    IMMIGRATION: 2,
    FAMILY_RESIDENTIAL: 2,
    REFUGEE_OFFICE: 3,
    RELEASE: 4,
    REMOVAL: 4,
    DEPARTURE: 4,
    REUNIFICATION: 4,
}


def episode_sort_key(episode: CustodyEpisode) -> tuple[Any, ...]:
    """Order by start instant, custodial before terminal at the same instant, then by source."""
    return (episode.start_at, _KIND_RANK.get(episode.kind, 9), episode.source_keys)


def custody_episodes(records: Iterable[LinkRecord]) -> list[CustodyEpisode]:
    """Every custody episode and terminal event of ONE person's records, in time order.

    Why deduplicated: a person split into two records of the same stay (two
    deliveries under different ids, a linkage merge) would otherwise appear to
    be held twice at once; identical episodes (same agency, kind, facility,
    start and end) become one with both record keys as sources.  Records of
    feeds that say nothing about custody (DNA, courts, NGOs) are ignored, and
    so are episodes whose start cannot be read.
    """
    merged: dict[tuple[Any, ...], CustodyEpisode] = {}
    for record in records:
        builder = _BUILDERS.get(record.feed)
        if builder is None:
            continue
        for episode in builder(record):
            identity = (
                episode.agency,
                episode.kind,
                episode.facility,
                episode.start_at,
                episode.end_at,
                episode.end_reason,
            )
            known = merged.get(identity)
            if known is None:
                merged[identity] = episode
            else:
                keys = tuple(dict.fromkeys(known.source_keys + episode.source_keys))
                merged[identity] = CustodyEpisode(
                    known.agency,
                    known.kind,
                    known.facility,
                    known.state,
                    known.start,
                    known.end,
                    known.end_reason,
                    keys,
                    known.destination,
                    {**episode.detail, **known.detail},
                )
    return sorted(merged.values(), key=episode_sort_key)


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True, slots=True)
class Finding:
    """A data-quality finding about a person's ledger: what cannot be true, with the records involved.

    ``kind`` is ``END_BEFORE_START``, ``OVERLAP`` (in two custodies at once
    beyond the hand-over tolerance) or ``GAP`` (a transfer out not followed by
    a book-in within the tolerance).  The episodes stay in the ledger as
    delivered: a finding flags, it never corrects.
    """

    kind: str
    message: str
    source_keys: tuple[str, ...]
    episodes: tuple[CustodyEpisode, ...]


def _keys(*episodes: CustodyEpisode) -> tuple[str, ...]:
    return tuple(dict.fromkeys(key for episode in episodes for key in episode.source_keys))


def _label(episode: CustodyEpisode) -> str:
    where = f" at {episode.facility}" if episode.facility else ""
    return f"{episode.agency} {episode.kind}{where} ({episode.start} .. {episode.end or 'open'})"


def data_quality_findings(
    episodes: Sequence[CustodyEpisode],
    overlap_tolerance: dt.timedelta = OVERLAP_TOLERANCE,
    gap_tolerance: dt.timedelta = GAP_TOLERANCE,
) -> list[Finding]:
    """Flag what a person's ledger says that cannot be true, so that nobody builds on it unawares.

    Overlaps: two custodial episodes that share more than ``overlap_tolerance``
    (agencies log hand-overs at different moments; a few hours are normal).  An
    open episode followed by another one overlaps it for the rest of time, and
    is flagged too.  Gaps: an episode that ended in a transfer whose next
    custodial episode starts more than ``gap_tolerance`` later.  A transfer
    with no later episode at all is not flagged: the receiving agency's
    delivery may simply not have arrived yet.
    """
    findings: list[Finding] = []
    custodial = [e for e in sorted(episodes, key=episode_sort_key) if e.kind in CUSTODIAL_KINDS]
    for episode in custodial:
        end = episode.end_at
        if end is not None and end < episode.start_at:
            findings.append(
                Finding(
                    "END_BEFORE_START", f"{_label(episode)} ends before it starts", _keys(episode), (episode,)
                )
            )
    far_future = dt.datetime.max.replace(tzinfo=dt.UTC)
    for position, first in enumerate(custodial):
        first_end = first.end_at or far_future
        reported_open = False
        for second in custodial[position + 1 :]:
            if second.start_at >= first_end:
                break
            second_end = second.end_at or far_future
            shared = min(first_end, second_end) - second.start_at
            if shared > overlap_tolerance:
                if first.end_at is None and reported_open:
                    break  # an open episode: one finding (against the next custody) says it all
                agencies = (
                    f"{first.agency} and {second.agency}"
                    if first.agency != second.agency
                    else f"two {first.agency} custodies"
                )
                findings.append(
                    Finding(
                        "OVERLAP",
                        f"in {agencies} at once: {_label(first)} and {_label(second)}",
                        _keys(first, second),
                        (first, second),
                    )
                )
                reported_open = first.end_at is None
    for position, episode in enumerate(custodial):
        end = episode.end_at
        if end is None or episode.end_reason not in TRANSFER_REASONS:
            continue
        following = [e for e in custodial[position + 1 :] if e.start_at >= end - overlap_tolerance]
        if not following:
            continue
        nxt = min(following, key=lambda e: e.start_at)
        if nxt.start_at - end > gap_tolerance:
            hours = (nxt.start_at - end).total_seconds() / 3600
            findings.append(
                Finding(
                    "GAP",
                    f"{hours:.0f} hours unaccounted between {_label(episode)} and {_label(nxt)}",
                    _keys(episode, nxt),
                    (episode, nxt),
                )
            )
    return findings


# --------------------------------------------------------------------------- where is


@dataclass(frozen=True, slots=True)
class Location:
    """Where a person was at an instant and since when.

    ``status`` is ``IN_CUSTODY`` (``episode`` is the custody), ``RELEASED``,
    ``REMOVED``, ``DEPARTED``, ``REUNIFIED`` (``episode`` is the terminal
    event), ``IN_TRANSIT`` (after a transfer out, before the next book-in:
    ``episode`` is the one left, ``destination`` where it said custody went)
    or ``UNKNOWN`` (custody ended for a reason that does not say where to).
    """

    status: str
    agency: str | None
    kind: str | None
    facility: str | None
    state: str | None
    since: str
    episode: CustodyEpisode
    destination: str | None = None

    @property
    def source_keys(self) -> tuple[str, ...]:
        """The records the answer rests on."""
        return self.episode.source_keys


_TERMINAL_STATUS = {
    RELEASE: "RELEASED",
    REMOVAL: "REMOVED",
    DEPARTURE: "DEPARTED",
    REUNIFICATION: "REUNIFIED",
}


def where_is(episodes: Sequence[CustodyEpisode], at: dt.datetime | None = None) -> Location | None:
    """Where the person was at ``at`` (an aware datetime), or their last known whereabouts when None.

    Why "latest start wins" when two custodies cover the instant: the later
    book-in is the newer fact (the earlier custodian usually logs its
    hand-over late); the overlap itself is a data-quality finding.  Before the
    first episode there is no answer (None).
    """
    ordered = sorted(episodes, key=episode_sort_key)
    if not ordered:
        return None
    if at is None:
        at = max(max(e.start_at, e.end_at or e.start_at) for e in ordered)
    elif at.tzinfo is None:
        raise ValueError("where_is needs an aware datetime (with an offset)")
    started = [e for e in ordered if e.start_at <= at]
    if not started:
        return None
    covering = [e for e in started if e.kind in CUSTODIAL_KINDS and (e.end_at is None or at < e.end_at)]
    if covering:
        current = covering[-1]
        return Location(
            "IN_CUSTODY",
            current.agency,
            current.kind,
            current.facility,
            current.state,
            current.start,
            current,
        )
    # Out of custody: the last thing that happened says how.
    last = max(started, key=lambda e: (e.end_at or e.start_at, _KIND_RANK.get(e.kind, 9)))
    since = last.end or last.start
    if last.kind in TERMINAL_KINDS:
        return Location(_TERMINAL_STATUS[last.kind], last.agency, last.kind, None, None, since, last)
    if last.destination is not None or last.end_reason in TRANSFER_REASONS:
        return Location(
            "IN_TRANSIT", last.agency, last.kind, last.facility, last.state, since, last, last.destination
        )
    return Location("UNKNOWN", last.agency, last.kind, last.facility, last.state, since, last)
