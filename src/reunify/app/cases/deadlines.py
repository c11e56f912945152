"""A case's deadlines, judged by the rules engine (``reunify.rules``) over the separation and the casework.

Nothing about the court's figures lives here: the 14 and 30 days, the 10
days for a phone contact and which outcomes excuse a deadline are the rule
sets' data, evaluated by ``reunify.rules.evaluation.evaluate_separation``.
What casework adds is the facts only it knows: the contacts caseworkers
logged, the parent's signed decline, a removal, a reunification recorded on
the case. Those are laid over the separation's own facts before evaluation,
so a logged call meets the contact deadline the moment it is saved.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from reunify.rules.evaluation import (
    MISSED,
    OPEN,
    ContactEvent,
    Evaluation,
    JudicialFinding,
    SeparationFacts,
    end_of,
    evaluate_separation,
)
from reunify.rules.loader import RuleBook

if TYPE_CHECKING:
    from .models import Case, CaseContact, CaseParent, ParentChoice, ParentRemoval

#: Flag kinds computed from the rules on every read (never stored, so they cannot go stale).
FLAG_NO_CONTACT = "NO_CONTACT_IN_WINDOW"
FLAG_DEADLINE_MISSED = "DEADLINE_MISSED"


@functools.cache
def rule_book() -> RuleBook:
    """The rule sets the custody layer judges by (packaged plus ``REUNIFY_RULES_DIRS``), read once per process.

    A process that must see a changed rule file calls ``rule_book.cache_clear()``.
    """
    from reunify.app.custody.selectors import rule_book as custody_rule_book

    return custody_rule_book()


def separation_facts_json(
    fact: Any, child_dob: dt.date | None, findings: Mapping[str, tuple[str, str]]
) -> dict:
    """The rules engine's facts of one separation, from what the custody layer gives today.

    ``fact`` is a ``services.SeparationFact``; ``findings`` maps a court-finding
    record key to (finding, found_at), so the class exclusions can apply.
    """
    outcome = fact.outcome or "APART"
    discharged = fact.outcome_at if outcome in ("REUNIFIED", "RELEASED_TO_SPONSOR") else None
    instant = None
    if fact.separated_instant:
        try:
            instant = dt.datetime.fromisoformat(str(fact.separated_instant).replace("Z", "+00:00"))
        except ValueError:
            instant = None
    facts = SeparationFacts(
        child_person=fact.child_person_id,
        parent_person=fact.parent_person_id,
        separated_at=fact.separated_at,
        agency=fact.agency or "CBP",
        separated_instant=instant if instant and instant.tzinfo else None,
        child_dob=child_dob or fact.child_birth_date,
        judicial_basis=fact.judicial_basis,
        judicial_findings=tuple(
            JudicialFinding(findings[key][0], dt.date.fromisoformat(findings[key][1]), key)
            for key in fact.finding_keys
            if key in findings
        ),
        outcome=outcome,
        outcome_at=fact.outcome_at,
        child_discharged_at=discharged,
        child_discharge_type=outcome if discharged else None,
        parent_removed_at=fact.outcome_at if outcome == "PARENT_REMOVED" else None,
        parent_declined_at=fact.outcome_at if outcome == "PARENT_DECLINED" else None,
    )
    return facts.as_json() if fact.separated_at else {}


@dataclass(frozen=True)
class CaseDeadline:
    """One deadline of one (child, parent) separation of the case, counted down from ``as_of``.

    ``due_at`` is the instant the deadline passes (for a deadline in days: the
    end of the due day, UTC, as the rules engine counts); ``days_left`` is
    negative once overdue. ``status`` is the rules engine's: MET, MISSED, OPEN,
    EXCUSED (an outcome the rule names, e.g. a signed decline) or UNKNOWN
    (a fact it runs from is missing).
    """

    parent_person_id: str
    rule_set_id: str
    rule_set_version: int
    rule_id: str
    title: str
    event: str
    group: str | None
    due_at: dt.datetime | None
    days_left: int | None
    status: str
    done_at: str | None
    note: str

    @property
    def overdue(self) -> bool:
        return self.status == MISSED or (
            self.status == OPEN and self.days_left is not None and self.days_left < 0
        )

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["due_at"] = self.due_at.isoformat() if self.due_at else None
        data["overdue"] = self.overdue
        return data


@dataclass(frozen=True)
class RuleFlag:
    """A flag the rules raise on a case as of a date (not stored): a missed contact window, a removal finding."""

    kind: str
    text: str
    parent_person_id: str
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _as_of(as_of: dt.date | dt.datetime | None) -> dt.datetime:
    if as_of is None:
        from reunify.app.clock import now

        return now()
    if isinstance(as_of, dt.datetime):
        return as_of if timezone.is_aware(as_of) else timezone.make_aware(as_of, dt.UTC)
    return end_of(as_of) - dt.timedelta(microseconds=1)


def casework_facts(
    case: Case,
    party: CaseParent,
    contacts: Iterable[CaseContact],
    choices: Iterable[ParentChoice],
    removals: Iterable[ParentRemoval],
) -> SeparationFacts | None:
    """The separation's facts with what casework recorded laid over them; None without a separation date."""
    if not party.facts.get("separated_at"):
        return None
    facts = SeparationFacts.from_json(party.facts)
    if case.child_birth_date and facts.child_dob is None:
        facts = dataclasses.replace(facts, child_dob=case.child_birth_date)
    mine = party.parent_person_id
    held = [
        ContactEvent(c.kind, c.occurred_at, f"contact:{c.pk}")
        for c in contacts
        if c.parent_person_id == mine and c.completed
    ]
    changes: dict[str, Any] = {"contacts": (*facts.contacts, *held)}
    latest = max(
        (c for c in choices if c.parent_person_id == mine), key=lambda c: (c.recorded_at, c.pk), default=None
    )
    if latest is not None and latest.choice == "DECLINE":
        changes["parent_declined_at"] = latest.signed_on
        if facts.outcome == "APART":
            changes.update(outcome="PARENT_DECLINED", outcome_at=latest.signed_on)
    removal = min(
        (r for r in removals if r.parent_person_id == mine), key=lambda r: r.removed_at, default=None
    )
    if removal is not None:
        changes.update(
            parent_removed_at=removal.removed_at.date(), parent_removed_with_child=removal.with_child
        )
    if case.outcome == "REUNIFIED" and case.outcome_at and facts.outcome != "REUNIFIED":
        changes.update(outcome="REUNIFIED", outcome_at=case.outcome_at.date())
    return dataclasses.replace(facts, **changes)


def evaluate_case(
    case: Case, as_of: dt.date | dt.datetime | None = None
) -> list[tuple[CaseParent, Evaluation]]:
    """The rules' judgement of each separation of the case (its parents still separated or ever), as of a date."""
    moment = _as_of(as_of)
    parties = list(case.parents.all())
    contacts = list(case.contacts.all())
    choices = list(case.choices.all())
    removals = list(case.removals.all())
    judged = []
    for party in parties:
        facts = casework_facts(case, party, contacts, choices, removals)
        if facts is not None:
            judged.append((party, evaluate_separation(facts, rule_book(), moment.date())))
    return judged


def _deadline(party: CaseParent, result: Any, moment: dt.datetime) -> CaseDeadline:
    rule_set_id, _, version = result.rule_set.rpartition("@")
    due_at: dt.datetime | None = None
    days_left: int | None = None
    if result.due and "T" in result.due:
        due_at = dt.datetime.fromisoformat(result.due)
        days_left = math.floor((due_at - moment).total_seconds() / 86400)
    elif result.due:
        day = dt.date.fromisoformat(result.due)
        due_at = end_of(day)
        days_left = (day - moment.astimezone(dt.UTC).date()).days
    return CaseDeadline(
        parent_person_id=party.parent_person_id,
        rule_set_id=rule_set_id,
        rule_set_version=int(version) if version.isdigit() else 0,
        rule_id=result.rule,
        title=result.title,
        event=result.event,
        group=result.group,
        due_at=due_at,
        days_left=days_left,
        status=result.status,
        done_at=result.done_at,
        note=result.note,
    )


def case_deadlines(case: Case, as_of: dt.date | dt.datetime | None = None) -> list[CaseDeadline]:
    """Every deadline of the case from the rule sets in force, soonest first, counted down from ``as_of``."""
    return case_judgement(case, as_of)[0]


def rule_flags(case: Case, as_of: dt.date | dt.datetime | None = None) -> list[RuleFlag]:
    """Flags the rules raise as of a date: no completed contact within the rule's window, a deadline missed,
    and anything a rule forbids that the facts show (a parent removed without the child)."""
    return case_judgement(case, as_of)[1]


def case_judgement(
    case: Case, as_of: dt.date | dt.datetime | None = None
) -> tuple[list[CaseDeadline], list[RuleFlag]]:
    """The case's deadlines and rule flags from one evaluation (a list needs both)."""
    moment = _as_of(as_of)
    deadlines: list[CaseDeadline] = []
    flags: list[RuleFlag] = []
    for party, judged in evaluate_case(case, moment):
        deadlines.extend(_deadline(party, result, moment) for result in judged.deadlines)
        flags.extend(_flags(party, judged))
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    deadlines.sort(key=lambda d: (d.due_at or far, d.rule_id, d.parent_person_id))
    return deadlines, flags


def _flags(party: CaseParent, judged: Evaluation) -> list[RuleFlag]:
    flags: list[RuleFlag] = []
    for result in judged.deadlines:
        if result.status != MISSED:
            continue
        rule = f"{result.rule_set} {result.rule}"
        if result.event == "contact":
            late = f"; first contact only at {result.done_at}" if result.done_at else ""
            flags.append(
                RuleFlag(
                    FLAG_NO_CONTACT,
                    f"no completed contact between parent {party.parent_person_id} and the child "
                    f"within the window of {rule} (due {result.due}){late}",
                    party.parent_person_id,
                    rule,
                )
            )
        else:
            flags.append(
                RuleFlag(
                    FLAG_DEADLINE_MISSED,
                    f"{result.title}: due {result.due}, {result.note or 'missed'}",
                    party.parent_person_id,
                    rule,
                )
            )
    for finding in judged.findings:
        flags.append(
            RuleFlag(finding.kind, finding.text, party.parent_person_id, f"{finding.rule_set} {finding.rule}")
        )
    return flags
