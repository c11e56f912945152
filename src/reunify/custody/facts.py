"""From a detected separation and the two persons' records to the plain facts the rules judge.

Why a separate step: ``detect_separations`` answers EXPORTS.md's questions
(when, outcome, judicial basis); the rules need more (the child's date of
birth, every court finding about the parent with its date, the instants of
the refugee office's notification and placement, when the child's care ended,
whether the parent was removed with the child) and each with the records it
rests on, so that every deadline's status can be traced back to a record.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from reunify.custody.episodes import (
    CUSTODIAL_KINDS,
    DEPARTURE,
    ORR,
    REMOVAL,
    CustodyEpisode,
    custody_episodes,
    parse_instant,
)
from reunify.custody.separations import REMOVED_TOGETHER_TOLERANCE, Separation
from reunify.linkage.person_records import LinkRecord
from reunify.rules.evaluation import ContactEvent, JudicialFinding, SeparationFacts

#: Court findings that say nothing about the parent's fitness are not findings for the rules.
_NOT_A_FINDING = frozenset({"NO_FINDING"})


def _day(text: object) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def date_of_birth(records: Iterable[LinkRecord]) -> tuple[dt.date | None, tuple[str, ...]]:
    """The date of birth most of a person's records give, and those records.

    Why this rule: agencies estimate children's dates (1 January of a guessed
    year) and swap day and month, so a stated date beats an estimate, the date
    most records agree on beats a lone one, and the earliest breaks a tie (so
    the answer never depends on the order of the records).
    """
    stated: list[tuple[dt.date, str]] = []
    estimated: list[tuple[dt.date, str]] = []
    for record in records:
        day = _day(
            record.fields.get("dob") or record.fields.get("subject_dob") or record.fields.get("parent_dob")
        )
        if day is None:
            continue
        (estimated if record.fields.get("dob_estimated") else stated).append((day, record.record_key))
    pool = stated or estimated
    if not pool:
        return None, ()
    counts = Counter(day for day, _ in pool)
    best = min(counts, key=lambda day: (-counts[day], day))
    return best, tuple(sorted(key for day, key in pool if day == best))


def _naming_event(records: Sequence[LinkRecord], event: str) -> tuple[str, ...]:
    """The person's Border Patrol rows of ``event``, else the Marshals or refugee-office rows naming it.

    Why the fallback: when a Border Patrol row was quarantined, the separation
    rests on the booking or referral that names the event (EXPORTS.md), and
    ``separated_at`` was estimated from it.
    """
    cbp = tuple(
        r.record_key for r in records if r.feed == "cbp_apprehensions" and r.fields.get("event_id") == event
    )
    return cbp or tuple(
        r.record_key
        for r in records
        if r.feed in ("usms_custody", "orr_referrals")
        and (
            r.fields.get("arrest_event_id")
            or r.fields.get("apprehension_event_id")
            or r.fields.get("event_id")
        )
        == event
    )


def _orr_after(episodes: Sequence[CustodyEpisode], since: dt.datetime) -> list[CustodyEpisode]:
    return [e for e in episodes if e.agency == ORR and e.kind in CUSTODIAL_KINDS and e.start_at >= since]


def separation_facts(
    separation: Separation,
    child_records: Sequence[LinkRecord],
    parent_records: Sequence[LinkRecord],
    contacts: Sequence[ContactEvent] = (),
) -> SeparationFacts:
    """The rules' view of one separation, with the record keys behind each fact."""
    apprehended = parse_instant(separation.apprehended_at)
    assert apprehended is not None
    child_episodes = custody_episodes(child_records)
    parent_episodes = custody_episodes(parent_records)
    evidence: dict[str, tuple[str, ...]] = {}

    evidence["separated_at"] = (
        *_naming_event(parent_records, separation.event_id),
        *_naming_event(child_records, separation.event_id),
    )
    child_dob, evidence["child_dob"] = date_of_birth(child_records)
    parent_dob, evidence["parent_dob"] = date_of_birth(parent_records)

    placements = _orr_after(child_episodes, apprehended)
    placed_at = placements[0].start_at if placements else None
    if placements:
        evidence["child_placed_at"] = placements[0].source_keys
    referrals = sorted(
        (instant, r.record_key)
        for r in child_records
        if r.feed == "orr_referrals"
        and (instant := parse_instant(r.fields.get("referred_at"))) is not None
        and instant >= apprehended
    )
    referred_at = referrals[0][0] if referrals else None
    if referrals:
        evidence["child_referred_at"] = (referrals[0][1],)
    discharged_at = discharge_type = None
    for episode in placements:
        if episode.end is not None and episode.end_reason not in (None, "TRANSFER"):
            discharged_at, discharge_type = _day(episode.end), episode.end_reason
            evidence["child_discharged_at"] = episode.source_keys
            break

    findings = tuple(
        sorted(
            (
                JudicialFinding(r.fields["finding"], found, r.record_key)
                for r in parent_records
                if r.feed == "court_findings"
                and r.fields.get("finding")
                and r.fields["finding"] not in _NOT_A_FINDING
                and (found := _day(r.fields.get("found_at"))) is not None
            ),
            key=lambda f: (f.found_at, f.record_key),
        )
    )

    removals = [e for e in parent_episodes if e.kind == REMOVAL and e.start_at >= apprehended]
    removed_at = _day(removals[0].start) if removals else None
    with_child = False
    if removals:
        evidence["parent_removed_at"] = removals[0].source_keys
        leaving = [e.start_at for e in child_episodes if e.kind in (REMOVAL, DEPARTURE)]
        with_child = any(abs(at - removals[0].start_at) <= REMOVED_TOGETHER_TOLERANCE for at in leaving)
    declines = sorted(
        (day, r.record_key)
        for r in parent_records
        if r.feed == "ice_detentions"
        and r.fields.get("declined_reunification") is True
        and (day := _day(r.fields.get("declined_at"))) is not None
        and day >= apprehended.date()
    )
    declined_at = declines[0][0] if declines else None
    if declines:
        evidence["parent_declined_at"] = (declines[0][1],)

    outcome_keys = {
        "REUNIFIED": evidence.get("child_discharged_at", ()),
        "RELEASED_TO_SPONSOR": evidence.get("child_discharged_at", ()),
        "PARENT_DECLINED": evidence.get("parent_declined_at", ()),
        "PARENT_REMOVED": evidence.get("parent_removed_at", ()),
    }.get(separation.outcome, ())
    if outcome_keys:
        evidence["outcome"] = outcome_keys
    if separation.judicial_findings:
        evidence["judicial_basis"] = separation.judicial_findings
    return SeparationFacts(
        child_person=separation.child_person,
        parent_person=separation.parent_person,
        separated_at=separation.separated_at,
        agency=separation.agency,
        separated_instant=parse_instant(separation.separated_instant),
        child_dob=child_dob,
        parent_dob=parent_dob,
        judicial_basis=separation.judicial_basis,
        judicial_findings=findings,
        outcome=separation.outcome,
        outcome_at=separation.outcome_at,
        child_referred_at=referred_at,
        child_placed_at=placed_at,
        child_discharged_at=discharged_at,
        child_discharge_type=discharge_type,
        parent_removed_at=removed_at,
        parent_removed_with_child=with_child,
        parent_declined_at=declined_at,
        contacts=tuple(contacts),
        evidence={k: v for k, v in evidence.items() if v},
    )
