"""Judging one separation against the rule sets in force: class membership, deadlines, findings.

Why plain facts in, plain results out: the facts of a separation (who, when,
the court findings about the parent, the outcome, the hand-over instants) come
from the custody layer or from a hand-written example alike, and the same
function must give the same answer for both.  Nothing is invented: a deadline
whose event is not in the facts is ``OPEN`` until it is due and ``MISSED``
after; an event dated after the evaluation date is not yet known.

Contacts between parent and child are logged by caseworkers (the casework
application); until it exists the list is empty and the contact deadline says
so honestly (missed once due, with "no contact logged" as its evidence), it is
never assumed met.

Statuses: membership is ``MEMBER``, ``EXCLUDED`` (with the reasons),
``OUT_OF_PERIOD`` (no class rule in force covers the separation's dates) or
``NO_CLASS`` (no class definition in force on the date).  A deadline is
``MET``, ``MISSED``, ``OPEN`` or ``EXCUSED`` (an outcome the rule names, e.g.
the parent declined reunification), or ``UNKNOWN`` when a fact it runs from
is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reunify.rules.loader import Rule, RuleBook, RuleSet

MEMBER, EXCLUDED, OUT_OF_PERIOD, NO_CLASS = "MEMBER", "EXCLUDED", "OUT_OF_PERIOD", "NO_CLASS"
MET, MISSED, OPEN, EXCUSED, UNKNOWN = "MET", "MISSED", "OPEN", "EXCUSED", "UNKNOWN"


@dataclass(frozen=True, slots=True)
class JudicialFinding:
    """A court's finding about the parent (court_findings feed), with the record it came from."""

    kind: str
    found_at: dt.date
    record_key: str = ""


@dataclass(frozen=True, slots=True)
class ContactEvent:
    """A logged contact between parent and child (``PHONE``, ``VIDEO``, ``VISIT``), an aware instant."""

    kind: str
    at: dt.datetime
    record_key: str = ""


@dataclass(frozen=True, slots=True)
class SeparationFacts:
    """What is known about one separation, as plain data; instants are aware datetimes.

    ``child_referred_at`` is when the refugee office was notified (its
    referral), ``child_placed_at`` the child's first placement with it,
    ``child_discharged_at`` / ``child_discharge_type`` how that care ended.
    ``evidence`` maps a fact's name (``separated_at``, ``outcome``,
    ``child_placed_at``, ...) to the record keys it rests on.
    """

    child_person: str
    parent_person: str
    separated_at: dt.date
    agency: str = "CBP"
    separated_instant: dt.datetime | None = None
    child_dob: dt.date | None = None
    parent_dob: dt.date | None = None
    judicial_basis: bool = False
    judicial_findings: tuple[JudicialFinding, ...] = ()
    outcome: str = "APART"
    outcome_at: dt.date | None = None
    child_referred_at: dt.datetime | None = None
    child_placed_at: dt.datetime | None = None
    child_discharged_at: dt.date | None = None
    child_discharge_type: str | None = None
    parent_removed_at: dt.date | None = None
    parent_removed_with_child: bool = False
    parent_declined_at: dt.date | None = None
    contacts: tuple[ContactEvent, ...] = ()
    evidence: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """Plain JSON values (ISO dates and instants), the form stored beside each separation."""
        return {
            "child_person": self.child_person,
            "parent_person": self.parent_person,
            "separated_at": _iso(self.separated_at),
            "agency": self.agency,
            "separated_instant": _iso(self.separated_instant),
            "child_dob": _iso(self.child_dob),
            "parent_dob": _iso(self.parent_dob),
            "judicial_basis": self.judicial_basis,
            "judicial_findings": [
                {"kind": f.kind, "found_at": f.found_at.isoformat(), "record_key": f.record_key}
                for f in self.judicial_findings
            ],
            "outcome": self.outcome,
            "outcome_at": _iso(self.outcome_at),
            "child_referred_at": _iso(self.child_referred_at),
            "child_placed_at": _iso(self.child_placed_at),
            "child_discharged_at": _iso(self.child_discharged_at),
            "child_discharge_type": self.child_discharge_type,
            "parent_removed_at": _iso(self.parent_removed_at),
            "parent_removed_with_child": self.parent_removed_with_child,
            "parent_declined_at": _iso(self.parent_declined_at),
            "contacts": [
                {"kind": c.kind, "at": c.at.isoformat(), "record_key": c.record_key} for c in self.contacts
            ],
            "evidence": {name: list(keys) for name, keys in sorted(self.evidence.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SeparationFacts:
        """The inverse of ``as_json``."""
        return cls(
            child_person=data["child_person"],
            parent_person=data["parent_person"],
            separated_at=dt.date.fromisoformat(data["separated_at"]),
            agency=data.get("agency") or "CBP",
            separated_instant=_instant(data.get("separated_instant")),
            child_dob=_day(data.get("child_dob")),
            parent_dob=_day(data.get("parent_dob")),
            judicial_basis=bool(data.get("judicial_basis")),
            judicial_findings=tuple(
                JudicialFinding(f["kind"], dt.date.fromisoformat(f["found_at"]), f.get("record_key", ""))
                for f in data.get("judicial_findings") or ()
            ),
            outcome=data.get("outcome") or "APART",
            outcome_at=_day(data.get("outcome_at")),
            child_referred_at=_instant(data.get("child_referred_at")),
            child_placed_at=_instant(data.get("child_placed_at")),
            child_discharged_at=_day(data.get("child_discharged_at")),
            child_discharge_type=data.get("child_discharge_type"),
            parent_removed_at=_day(data.get("parent_removed_at")),
            parent_removed_with_child=bool(data.get("parent_removed_with_child")),
            parent_declined_at=_day(data.get("parent_declined_at")),
            contacts=tuple(
                ContactEvent(c["kind"], _instant(c["at"]) or _never(), c.get("record_key", ""))
                for c in data.get("contacts") or ()
            ),
            evidence={name: tuple(keys) for name, keys in (data.get("evidence") or {}).items()},
        )


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _instant(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _never() -> dt.datetime:
    raise ValueError("a contact event needs its instant")


def age_on(dob: dt.date, day: dt.date) -> int:
    """Whole years of age on a day."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def end_of(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` (UTC): what is known "as of" a date is known before this."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), dt.UTC)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a separation is, or is not, in the class: a code, a sentence and the records behind it."""

    code: str
    text: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Membership:
    """Class membership of one separation, under ``rule`` of ``rule_set`` (``id@version``)."""

    status: str
    rule_set: str | None
    rule: str | None
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class DeadlineResult:
    """One applicable deadline: when it was due, what happened and whether that was in time."""

    rule_set: str
    rule: str
    title: str
    group: str | None
    event: str
    due: str
    status: str
    done_at: str | None
    evidence: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class RuleFinding:
    """Something a rule forbids that the facts show happened (e.g. a parent removed without the child)."""

    rule_set: str
    rule: str
    kind: str
    text: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Everything the rules say about one separation as of a date, and which rule sets said it."""

    as_of: dt.date
    rule_sets: tuple[str, ...]
    membership: Membership
    deadlines: tuple[DeadlineResult, ...]
    findings: tuple[RuleFinding, ...]
    child_age: int | None
    group: str | None

    def as_json(self) -> dict[str, Any]:
        """Plain JSON values, stored beside each separation and printed by ``--json``."""
        return {
            "as_of": self.as_of.isoformat(),
            "rule_sets": list(self.rule_sets),
            "membership": {
                "status": self.membership.status,
                "rule_set": self.membership.rule_set,
                "rule": self.membership.rule,
                "reasons": [
                    {"code": r.code, "text": r.text, "evidence": list(r.evidence)}
                    for r in self.membership.reasons
                ],
            },
            "deadlines": [
                {
                    "rule_set": d.rule_set,
                    "rule": d.rule,
                    "title": d.title,
                    "group": d.group,
                    "event": d.event,
                    "due": d.due,
                    "status": d.status,
                    "done_at": d.done_at,
                    "evidence": list(d.evidence),
                    "note": d.note,
                }
                for d in self.deadlines
            ],
            "findings": [
                {
                    "rule_set": f.rule_set,
                    "rule": f.rule,
                    "kind": f.kind,
                    "text": f.text,
                    "evidence": list(f.evidence),
                }
                for f in self.findings
            ],
            "child_age": self.child_age,
            "group": self.group,
        }


# --------------------------------------------------------------------------- class membership


def _class_period(rule: Rule, facts: SeparationFacts, as_of: dt.date) -> str | None:
    """None when the separation falls within the rule's period, else why not."""
    if rule.separating_agencies and facts.agency not in rule.separating_agencies:
        return f"separated by {facts.agency}, not by {' or '.join(rule.separating_agencies)}"
    if rule.separated_on_or_after and facts.separated_at < rule.separated_on_or_after:
        return f"separated {facts.separated_at}, before {rule.separated_on_or_after}"
    if rule.separated_on_or_before and facts.separated_at > rule.separated_on_or_before:
        return f"separated {facts.separated_at}, after {rule.separated_on_or_before}"
    discharged = (
        facts.child_discharged_at
        if facts.child_discharged_at and facts.child_discharged_at <= as_of
        else None
    )
    if rule.child_in_care_on_or_after and discharged and discharged < rule.child_in_care_on_or_after:
        return f"child left government care on {discharged}, before {rule.child_in_care_on_or_after}"
    if rule.child_discharged_before and not (discharged and discharged < rule.child_discharged_before):
        return f"child not known to have left government care before {rule.child_discharged_before}"
    return None


def _class_exclusions(rule: Rule, facts: SeparationFacts, as_of: dt.date) -> list[Reason]:
    reasons: list[Reason] = []
    if rule.child_max_age is not None and facts.child_dob is not None:
        age = age_on(facts.child_dob, facts.separated_at)
        if age > rule.child_max_age:
            reasons.append(
                Reason(
                    "CHILD_NOT_MINOR", f"child was {age} when separated", facts.evidence.get("child_dob", ())
                )
            )
    if rule.parent_min_age is not None and facts.parent_dob is not None:
        age = age_on(facts.parent_dob, facts.separated_at)
        if age < rule.parent_min_age:
            reasons.append(
                Reason(
                    "PARENT_NOT_ADULT",
                    f"parent was {age} when separated",
                    facts.evidence.get("parent_dob", ()),
                )
            )
    for exclusion in rule.exclusions:
        found = sorted(
            (f for f in facts.judicial_findings if f.kind == exclusion.finding and f.found_at <= as_of),
            key=lambda f: (f.found_at, f.record_key),
        )
        if found:
            reasons.append(
                Reason(
                    exclusion.reason,
                    f"court finding {exclusion.finding} about the parent dated {found[0].found_at}",
                    tuple(f.record_key for f in found if f.record_key),
                )
            )
    return reasons


def class_membership(facts: SeparationFacts, rule_sets: Sequence[RuleSet], as_of: dt.date) -> Membership:
    """Member under the first class rule that covers the separation and excludes nothing; else why not."""
    class_rules = [(rs, rule) for rs in rule_sets for rule in rs.rules if rule.kind == "class"]
    if not class_rules:
        return Membership(
            NO_CLASS, None, None, (Reason(NO_CLASS, f"no class definition in force on {as_of}"),)
        )
    outside: list[Reason] = []
    excluded: tuple[RuleSet, Rule, list[Reason]] | None = None
    for rule_set, rule in class_rules:
        why_not = _class_period(rule, facts, as_of)
        if why_not is not None:
            outside.append(Reason(OUT_OF_PERIOD, f"{rule.id}: {why_not}"))
            continue
        reasons = _class_exclusions(rule, facts, as_of)
        if not reasons:
            notes = (
                ()
                if facts.child_dob
                else (Reason("CHILD_AGE_UNKNOWN", "no date of birth; taken as a minor"),)
            )
            return Membership(MEMBER, rule_set.label, rule.id, notes)
        if excluded is None:
            excluded = (rule_set, rule, reasons)
    if excluded is not None:
        rule_set, rule, reasons = excluded
        return Membership(EXCLUDED, rule_set.label, rule.id, tuple(reasons))
    return Membership(OUT_OF_PERIOD, None, None, tuple(outside))


# --------------------------------------------------------------------------- deadlines


def _age_applies(rule: Rule, facts: SeparationFacts) -> bool | None:
    """Whether the rule's age condition holds; None when it depends on an unknown date of birth."""
    if rule.child_age_under is None and rule.child_age_at_least is None:
        return True
    if facts.child_dob is None or rule.age_on is None:
        return None
    age = age_on(facts.child_dob, rule.age_on)
    if rule.child_age_under is not None and age >= rule.child_age_under:
        return False
    return not (rule.child_age_at_least is not None and age < rule.child_age_at_least)


def _event(rule: Rule, facts: SeparationFacts) -> tuple[dt.date | dt.datetime | None, tuple[str, ...]]:
    if rule.event == "reunification":
        at = facts.outcome_at if facts.outcome == "REUNIFIED" else None
        return at, facts.evidence.get("outcome", ()) if at else ()
    if rule.event == "contact":
        contacts = sorted(
            (c for c in facts.contacts if c.kind in rule.contact_kinds and c.at.date() >= facts.separated_at),
            key=lambda c: c.at,
        )
        return (contacts[0].at, (contacts[0].record_key,)) if contacts else (None, ())
    if rule.event == "notification":
        return facts.child_referred_at, facts.evidence.get("child_referred_at", ())
    return facts.child_placed_at, facts.evidence.get("child_placed_at", ())


def _deadline(rule_set: RuleSet, rule: Rule, facts: SeparationFacts, as_of: dt.date) -> DeadlineResult:
    by_hours = rule.hours is not None
    anchors: list[dt.date | dt.datetime] = []
    for anchor in rule.anchor:
        if isinstance(anchor, dt.date):
            anchors.append(anchor)
        elif anchor == "separated_at":
            anchors.append(facts.separated_at)
        elif facts.separated_instant is not None:
            anchors.append(facts.separated_instant if by_hours else facts.separated_instant.date())
    event_at, evidence = _event(rule, facts)
    base = {"rule_set": rule_set.label, "rule": rule.id, "title": rule.title, "group": rule.group}
    base["event"] = rule.event or ""
    if len(anchors) < len(rule.anchor):
        return DeadlineResult(
            **base, due="", status=UNKNOWN, done_at=None, evidence=(), note="no separation instant"
        )
    horizon = end_of(as_of)
    if by_hours:
        due_instant = max(a for a in anchors if isinstance(a, dt.datetime)) + dt.timedelta(
            hours=rule.hours or 0
        )
        due_text = due_instant.isoformat()
        known = isinstance(event_at, dt.datetime) and event_at < horizon
        in_time = known and event_at <= due_instant  # type: ignore[operator]
        past_due = horizon > due_instant
    else:
        due_day = max(a.date() if isinstance(a, dt.datetime) else a for a in anchors) + dt.timedelta(
            days=rule.days or 0
        )
        due_text = due_day.isoformat()
        event_day = event_at.date() if isinstance(event_at, dt.datetime) else event_at
        known = event_day is not None and event_day <= as_of
        in_time = known and event_day <= due_day  # type: ignore[operator]
        past_due = as_of > due_day
    done = _iso(event_at) if known else None
    if known:
        status = MET if in_time else MISSED
        note = "" if in_time else "done after it was due"
    elif facts.outcome in rule.excused_by_outcomes and facts.outcome_at and facts.outcome_at <= as_of:
        status, note, evidence = (
            EXCUSED,
            f"outcome {facts.outcome} on {facts.outcome_at}",
            facts.evidence.get("outcome", ()),
        )
    elif past_due:
        status, note, evidence = MISSED, f"no {rule.event} recorded by {as_of}", ()
    else:
        status, note, evidence = OPEN, f"no {rule.event} recorded yet", ()
    return DeadlineResult(
        **base, due=due_text, status=status, done_at=done, evidence=tuple(evidence), note=note
    )


# --------------------------------------------------------------------------- prohibitions


def _prohibition(rule_set: RuleSet, rule: Rule, facts: SeparationFacts, as_of: dt.date) -> RuleFinding | None:
    removed = facts.parent_removed_at
    if rule.forbids != "parent_removed_without_child" or removed is None or removed > as_of:
        return None
    if facts.parent_removed_with_child:
        return None
    declined = facts.parent_declined_at
    if rule.unless == "parent_declined_before" and declined is not None and declined <= removed:
        return None
    return RuleFinding(
        rule_set.label,
        rule.id,
        "REMOVED_WITHOUT_CHILD",
        f"parent removed on {removed} without the child and without a signed declination of reunification"
        + (f" (declined only on {declined})" if declined else ""),
        facts.evidence.get("parent_removed_at", ()),
    )


# --------------------------------------------------------------------------- the whole judgement


def evaluate_separation(
    facts: SeparationFacts, rule_book: RuleBook | Sequence[RuleSet], as_of: dt.date
) -> Evaluation:
    """Class membership, every applicable deadline and every finding of one separation as of ``as_of``.

    The rule sets are those in force on ``as_of`` (for each id, its highest
    version in force then), so a report for a past date is judged under the
    law of that date.  Deadlines of rules that apply to class members are
    computed only for members.
    """
    rule_sets = rule_book.in_force(as_of) if isinstance(rule_book, RuleBook) else list(rule_book)
    membership = class_membership(facts, rule_sets, as_of)
    deadlines: list[DeadlineResult] = []
    findings: list[RuleFinding] = []
    group: str | None = None
    for rule_set in rule_sets:
        for rule in rule_set.rules:
            if rule.kind == "class":
                continue
            if rule.applies_to == "class_member" and membership.status != MEMBER:
                continue
            if rule.kind == "prohibition":
                finding = _prohibition(rule_set, rule, facts, as_of)
                if finding is not None:
                    findings.append(finding)
                continue
            if not _age_applies(rule, facts):
                continue
            deadlines.append(_deadline(rule_set, rule, facts, as_of))
            if rule.group and group is None:
                group = rule.group
    age = age_on(facts.child_dob, facts.separated_at) if facts.child_dob else None
    return Evaluation(
        as_of,
        tuple(rs.label for rs in rule_sets),
        membership,
        tuple(deadlines),
        tuple(findings),
        age,
        group,
    )
