"""Casework writes: opening cases from the separations, steps, flags, contacts, choices, removals, tasks.

Every service takes ``by``, the acting user, and stamps who and when on the row
it writes. Services that change a row people edit (case, step, task) also take
``seen_version``, the version the editor read, and apply the change with one
``UPDATE ... WHERE version = seen`` (compare-and-set, the same on SQLite and
PostgreSQL): if someone saved first, nothing is written and ``StaleEdit`` names
who changed it and when, so the first person's change is never overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as django_apps
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from .deadlines import separation_facts_json
from .errors import CaseNotFound, ConsentIncomplete, InvalidChange, RemovalWithoutDecline, StaleEdit
from .models import (
    Case,
    CaseContact,
    CaseFlag,
    CaseParent,
    CaseStep,
    CaseTask,
    ParentChoice,
    ParentRemoval,
    Team,
)
from .tracks import STEP_ORDER, TRACK_STEPS

User = AbstractBaseUser


class _Keep:
    """Marks an argument left out of a partial update (None is a value: it clears the field)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()

#: Names the PostgreSQL advisory lock that serialises refreshes of the cases ("CASE").
_OPENING_LOCK_KEY = 0x43415345

#: Flag kinds the system raises itself.
FLAG_SEPARATION_VANISHED = "SEPARATION_VANISHED"
FLAG_CHILD_MERGED = "CHILD_MERGED"


# --- cross-cutting: audit and access policy -----------------------------------------------------------


def _audit(
    by: User | None, action: str, *, target_type: str, target_id: str, detail: dict | None = None
) -> None:
    """Append the write to the audit log, in the write's transaction; one place, active once the app is installed."""
    if not django_apps.is_installed("reunify.app.audit"):
        return
    from reunify.app.audit.services import audit_record  # type: ignore[import-not-found]

    audit_record(by, action, target_type=target_type, target_id=target_id, detail=detail)


def _authorize(by: User | None, action: str, case: Case | None = None) -> None:
    """Ask the one access policy; ``by=None`` is the pipeline itself. Active once the accounts app is installed."""
    if by is None or not django_apps.is_installed("reunify.app.accounts"):
        return
    from reunify.app.accounts.policy import require

    require(by, action, case)


def _actor(by: User | None) -> str:
    return by.get_username() if by is not None else "the pipeline"


# --- compare-and-set ------------------------------------------------------------------------------------


def _stale(label: str, seen_version: int, row: Case | CaseStep | CaseTask) -> StaleEdit:
    return StaleEdit(label, seen_version, row.version, _actor(row.updated_by), row.updated_at)


def _compare_and_set(
    model: type[Case | CaseStep | CaseTask],
    row: Any,
    label: str,
    seen_version: int,
    by: User | None,
    **changes: Any,
) -> None:
    """Write ``changes`` only if the row is still at ``seen_version``; else refuse, naming who moved it on."""
    now = timezone.now()
    written = model.objects.filter(pk=row.pk, version=seen_version).update(
        version=F("version") + 1, updated_at=now, updated_by=by, **changes
    )
    if written != 1:
        current = model.objects.select_related("updated_by").get(pk=row.pk)
        raise _stale(label, seen_version, current)
    row.refresh_from_db()


def _check_seen(label: str, seen_version: int, row: Case | CaseStep | CaseTask) -> None:
    """Refuse early, before validating a change against a state the editor never saw."""
    if row.version != seen_version:
        raise _stale(label, seen_version, row)


# --- lookups --------------------------------------------------------------------------------------------


def _case(case_id: str, *, by: User | None = None, action: str | None = None) -> Case:
    """The case by its id, after asking the access policy whether ``by`` may do ``action`` on it."""
    case = Case.objects.select_related("updated_by", "team").filter(case_id=case_id).first()
    if case is None:
        raise CaseNotFound(f"no such case: {case_id}")
    if action is not None:
        _authorize(by, action, case)
    return case


def _step(case: Case, kind: str) -> CaseStep:
    step = CaseStep.objects.select_related("updated_by").filter(case=case, kind=kind).first()
    if step is None:
        raise CaseNotFound(f"case {case.case_id} has no step {kind!r} (steps: {', '.join(STEP_ORDER)})")
    return step


def _parent(case: Case, parent_person_id: str) -> CaseParent:
    parent = CaseParent.objects.filter(case=case, parent_person_id=parent_person_id).first()
    if parent is None:
        known = ", ".join(case.parents.values_list("parent_person_id", flat=True)) or "none"
        raise InvalidChange(f"{parent_person_id} is not a parent on case {case.case_id} (parents: {known})")
    return parent


# --- opening cases from the separations ----------------------------------------------------------------


@dataclass(frozen=True)
class SeparationFact:
    """What a case needs from one (child, parent) separation, whichever layer computed or stored it."""

    child_person_id: str
    parent_person_id: str
    separated_at: dt.date | None
    event_id: str = ""
    tie_status: str = ""
    outcome: str = ""
    outcome_at: dt.date | None = None
    judicial_basis: bool = False
    removed_to: str = ""
    child_birth_date: dt.date | None = None
    agency: str = "CBP"
    separated_instant: str | None = None
    facts: dict = field(default_factory=dict, compare=False)
    finding_keys: tuple[str, ...] = ()


def _fact(separation: Any) -> SeparationFact:
    """Read a separation from the core dataclass or a stored row (``child_person`` or ``child_person_id``)."""

    def get(*names: str) -> Any:
        for name in names:
            value = getattr(separation, name, None)
            if value is not None:
                return value.public_id if hasattr(value, "public_id") else value
        return None

    facts = _stored_facts(get("facts"))
    birth = get("child_birth_date", "child_dob")
    if birth is None and facts.get("child_dob"):
        birth = dt.date.fromisoformat(facts["child_dob"])
    return SeparationFact(
        child_person_id=str(get("child_person_id", "child_person", "child")),
        parent_person_id=str(get("parent_person_id", "parent_person", "parent")),
        separated_at=get("separated_at"),
        event_id=get("event_id") or "",
        tie_status=get("tie_status") or "",
        outcome=get("outcome") or "",
        outcome_at=get("outcome_at"),
        judicial_basis=bool(get("judicial_basis")),
        removed_to=get("parent_removed_to", "removed_to") or "",
        child_birth_date=birth,
        agency=get("agency") or "CBP",
        separated_instant=get("separated_instant"),
        facts=facts,
        finding_keys=tuple(k for k in (get("judicial_findings") or ()) if isinstance(k, str)),
    )


def _stored_facts(value: Any) -> dict:
    """The rules engine's facts when the separation layer already stores them (a dict or ``SeparationFacts``)."""
    if value is None:
        return {}
    if hasattr(value, "as_json"):
        return value.as_json()
    return dict(value) if isinstance(value, dict) else {}


def _separations_in_force() -> list[Any]:
    """The current separations: stored ones when built from the latest link run, else computed now."""
    from reunify.app.custody.selectors import separations_are_stored, separations_current, separations_stored

    if separations_are_stored():
        return list(separations_stored())
    return list(separations_current())


def _birth_dates(children: Sequence[str]) -> dict[str, tuple[dt.date, bool]]:
    """child public id -> (date of birth, estimated), chosen as the custody layer chooses it."""
    from reunify.app.people.models import PersonRecord
    from reunify.custody.facts import date_of_birth
    from reunify.linkage.person_records import LinkRecord

    records: dict[str, list[LinkRecord]] = defaultdict(list)
    for start in range(0, len(children), 500):
        rows = PersonRecord.objects.filter(person__public_id__in=children[start : start + 500]).values_list(
            "person__public_id", "record__record_key", "record__feed", "record__fields"
        )
        for person_id, key, feed, fields in rows:
            if isinstance(fields, dict):
                records[person_id].append(LinkRecord(key, feed, fields))
    dates: dict[str, tuple[dt.date, bool]] = {}
    for person_id, rows in records.items():
        day, keys = date_of_birth(rows)
        if day is not None:
            estimated = all(r.fields.get("dob_estimated") for r in rows if r.record_key in keys)
            dates[person_id] = (day, estimated)
    return dates


def _judicial_findings(record_keys: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Court-finding record key -> (finding, found_at), so the rules can apply the class exclusions."""
    from reunify.app.records.models import Record

    keys = sorted(set(record_keys))
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(keys), 500):
        rows = Record.objects.filter(record_key__in=keys[start : start + 500]).values_list(
            "record_key", "fields"
        )
        for key, fields in rows:
            if isinstance(fields, dict) and fields.get("finding") and fields.get("found_at"):
                found[key] = (str(fields["finding"]), str(fields["found_at"])[:10])
    return found


def _person_pks(public_ids: Iterable[str]) -> dict[str, int]:
    """Person public id -> primary key, for the foreign keys the access policy scopes by."""
    from reunify.app.people.models import Person

    ids = sorted(set(public_ids))
    found: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        found.update(
            Person.objects.filter(public_id__in=ids[start : start + 500]).values_list("public_id", "pk")
        )
    return found


def _merged_into() -> dict[str, str]:
    """Retired person public id -> the surviving person it was merged into (following chains)."""
    from reunify.app.people.models import Person

    pointers = dict(
        Person.objects.filter(merged_into__isnull=False).values_list("public_id", "merged_into__public_id")
    )
    resolved: dict[str, str] = {}
    for start in pointers:
        seen, current = {start}, pointers[start]
        while current in pointers and current not in seen:
            seen.add(current)
            current = pointers[current]
        resolved[start] = current
    return resolved


@dataclass
class OpenSummary:
    """What one refresh of the cases did, for the command to print and a test to check."""

    separations: int = 0
    families: int = 0
    opened: int = 0
    refreshed: int = 0
    parents_added: int = 0
    parents_gone: int = 0
    parents_back: int = 0
    flagged_for_review: int = 0
    rekeyed: int = 0
    opened_case_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "opened_case_ids"}


def _lock_opening() -> None:
    """One refresh at a time, without locking the cases people are editing meanwhile.

    PostgreSQL: a transaction-scoped advisory lock; SQLite: the settings open
    every transaction with BEGIN IMMEDIATE, which already holds the one writer lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_OPENING_LOCK_KEY])


def _new_steps(case: Case, now: dt.datetime) -> list[CaseStep]:
    plan = TRACK_STEPS[case.track]
    return [
        CaseStep(
            case=case,
            kind=kind,
            position=position,
            status=CaseStep.NOT_STARTED if plan[kind][0] else CaseStep.NOT_APPLICABLE,
            guidance=plan[kind][1],
            updated_at=now,
        )
        for position, kind in enumerate(STEP_ORDER, start=1)
    ]


def case_open_for_separations(
    *, by: User | None = None, separations: Iterable[Any] | None = None, at: dt.datetime | None = None
) -> OpenSummary:
    """Open a case for every separated family without one, and refresh the parties of the others.

    Idempotent: a family is its child's person id, so running it again (or
    after a rebuild that kept the ids) opens nothing new. A case is never
    deleted: when a family's separation no longer appears (a linkage
    correction), its parents are marked gone and the case is flagged for a
    person to review; a child merged into another person follows the merge.
    ``by`` is None when the pipeline itself runs it. ``separations`` defaults
    to the custody layer's current ones.
    """
    now = at or timezone.now()
    facts = [_fact(s) for s in (_separations_in_force() if separations is None else separations)]
    families: dict[str, list[SeparationFact]] = defaultdict(list)
    for fact in facts:
        families[fact.child_person_id].append(fact)
    summary = OpenSummary(separations=len(facts), families=len(families))

    with transaction.atomic():
        _lock_opening()
        cases = {c.child_person_id: c for c in Case.objects.all()}
        review: dict[int, list[str]] = defaultdict(list)  # case pk -> why a person must look at it
        new_flags: list[CaseFlag] = []

        # A child merged into another person: the case follows the survivor, unless it has a case already.
        merges = _merged_into()
        for old_id, case in list(cases.items()):
            survivor = merges.get(old_id)
            if survivor is None or old_id in families:
                continue
            if survivor in cases:
                if CaseFlag.objects.filter(
                    case=case, kind=FLAG_CHILD_MERGED, resolved_at__isnull=True
                ).exists():
                    continue  # already waiting for a person
                why = f"child {old_id} was merged into {survivor}, which has case {cases[survivor].case_id}"
                review[case.pk].append(why)
                new_flags.append(CaseFlag(case=case, kind=FLAG_CHILD_MERGED, text=why, raised_at=now))
                continue
            Case.objects.filter(pk=case.pk).update(
                child_person_id=survivor,
                child_id=_person_pks([survivor]).get(survivor),
                child_person_ids_before=[*case.child_person_ids_before, old_id],
            )
            case.child_person_id = survivor
            cases[survivor] = cases.pop(old_id)
            summary.rekeyed += 1

        births = _birth_dates(sorted(families))
        for child, rows in families.items():
            stated = sorted(f.child_birth_date for f in rows if f.child_birth_date)
            if child not in births and stated:
                births[child] = (stated[0], False)
        findings = _judicial_findings([k for f in facts for k in f.finding_keys])
        person_pks = _person_pks([*families, *(f.parent_person_id for f in facts)])
        number = (Case.objects.aggregate(top=Max("number"))["top"] or 0) + 1
        fresh: list[Case] = []
        for child in sorted(families):
            if child in cases:
                continue
            first = min((f.separated_at for f in families[child] if f.separated_at), default=None)
            birth = births.get(child, (None, False))
            year = first.year if first else now.year
            fresh.append(
                Case(
                    case_id=f"C-{year}-{number:06d}",
                    number=number,
                    child_person_id=child,
                    child_id=person_pks.get(child),
                    child_birth_date=birth[0],
                    child_birth_estimated=birth[1],
                    separated_at=first,
                    created_at=now,
                    created_by=by,
                    updated_at=now,
                    updated_by=by,
                    refreshed_at=now,
                )
            )
            number += 1
        Case.objects.bulk_create(fresh, batch_size=500)
        fresh = list(Case.objects.filter(number__gte=fresh[0].number)) if fresh else []
        CaseStep.objects.bulk_create([s for case in fresh for s in _new_steps(case, now)], batch_size=1000)
        summary.opened = len(fresh)
        summary.opened_case_ids = [c.case_id for c in fresh]
        fresh_pks = {case.pk for case in fresh}
        for case in fresh:
            cases[case.child_person_id] = case

        # Parties: add, refresh, mark gone or back.
        by_case: dict[int, dict[str, CaseParent]] = defaultdict(dict)
        for parent in CaseParent.objects.all():  # every case is in ``cases``
            by_case[parent.case_id][parent.parent_person_id] = parent
        to_create: list[CaseParent] = []
        to_update: list[CaseParent] = []
        fields = [
            "facts", "parent", "tie_status", "event_id", "separated_at", "separation_outcome", "separation_outcome_at",
            "judicial_basis", "removed_to", "present", "gone_at",
        ]  # fmt: skip
        for child, case in cases.items():
            known = by_case.get(case.pk, {})
            current = {f.parent_person_id: f for f in families.get(child, [])}
            for parent_id, fact in current.items():
                values = {
                    "facts": fact.facts
                    or separation_facts_json(fact, births.get(child, (None, False))[0], findings),
                    "parent_id": person_pks.get(parent_id),
                    "tie_status": fact.tie_status,
                    "event_id": fact.event_id,
                    "separated_at": fact.separated_at,
                    "separation_outcome": fact.outcome,
                    "separation_outcome_at": fact.outcome_at,
                    "judicial_basis": fact.judicial_basis,
                    "removed_to": fact.removed_to or "",
                    "present": True,
                    "gone_at": None,
                }
                party = known.get(parent_id)
                if party is None:
                    to_create.append(
                        CaseParent(
                            case=case,
                            parent_person_id=parent_id,
                            first_seen_at=now,
                            last_seen_at=now,
                            **values,
                        )
                    )
                    if case.pk not in fresh_pks:
                        summary.parents_added += 1
                    continue
                if not party.present:
                    summary.parents_back += 1
                if any(getattr(party, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(party, name, value)
                    to_update.append(party)
            for parent_id, party in known.items():
                if parent_id in current or not party.present:
                    continue
                party.present = False
                party.gone_at = now
                to_update.append(party)
                summary.parents_gone += 1
                why = (
                    f"the separation of child {child} from parent {parent_id} no longer appears in the "
                    "separations (a linkage or tie correction?): check the family before acting on this case"
                )
                review[case.pk].append(why)
                new_flags.append(CaseFlag(case=case, kind=FLAG_SEPARATION_VANISHED, text=why, raised_at=now))
            if child in families and case.pk not in fresh_pks:
                summary.refreshed += 1
        CaseParent.objects.bulk_create(to_create, batch_size=1000)
        CaseParent.objects.bulk_update(to_update, fields, batch_size=200)
        CaseParent.objects.filter(present=True).update(last_seen_at=now)
        CaseFlag.objects.bulk_create(new_flags, batch_size=1000)

        # Pipeline-owned fields of existing cases, written only where they changed.
        changed: list[Case] = []
        for child, case in cases.items():
            if case.pk in fresh_pks or child not in families:
                continue
            values = {
                "separated_at": min(
                    (f.separated_at for f in families[child] if f.separated_at), default=case.separated_at
                ),
                "child_birth_date": births.get(child, (case.child_birth_date, case.child_birth_estimated))[0],
                "child_birth_estimated": births.get(
                    child, (case.child_birth_date, case.child_birth_estimated)
                )[1],
                "child_id": person_pks.get(child, case.child_id),
            }
            if any(getattr(case, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(case, name, value)
                changed.append(case)
        Case.objects.bulk_update(
            changed, ["separated_at", "child_birth_date", "child_birth_estimated", "child"], 500
        )
        Case.objects.update(refreshed_at=now)  # every case was looked at, found or not

        # A new review moves the version on, so no editor clears it without having seen it.
        for case in Case.objects.select_for_update().filter(pk__in=list(review)):
            reason = "; ".join(review[case.pk])
            Case.objects.filter(pk=case.pk).update(
                needs_review=True,
                review_reason=f"{case.review_reason}; {reason}" if case.needs_review else reason,
                version=F("version") + 1,
                updated_at=now,
                updated_by=by,
            )
            summary.flagged_for_review += 1
    _audit(by, "case.open_for_separations", target_type="case", target_id="*", detail=summary.as_dict())
    return summary


# --- the case itself ------------------------------------------------------------------------------------


def case_track_set(case_id: str, *, track: str, reason: str, seen_version: int, by: User) -> Case:
    """Choose the case's track, recording who chose it, when and why; steps not yet begun follow the track.

    Steps already in progress, blocked or done keep their state (work done is
    never undone by a change of track); only their guidance changes.
    """
    if track not in dict(Case.TRACKS):
        raise InvalidChange(f"unknown track {track!r} (tracks: {', '.join(dict(Case.TRACKS))})")
    if not reason.strip():
        raise InvalidChange("a change of track needs a reason")
    with transaction.atomic():
        case = _case(case_id, by=by, action="case.edit")
        _check_seen(f"case {case_id}", seen_version, case)
        now = timezone.now()
        _compare_and_set(
            Case, case, f"case {case_id}", seen_version, by,
            track=track, track_chosen_by=by, track_chosen_at=now, track_reason=reason.strip(),
        )  # fmt: skip
        plan = TRACK_STEPS[track]
        for step in case.steps.all():
            applies, guidance = plan[step.kind]
            changes: dict[str, Any] = {"guidance": guidance}
            if step.status in (CaseStep.NOT_STARTED, CaseStep.NOT_APPLICABLE):
                changes["status"] = CaseStep.NOT_STARTED if applies else CaseStep.NOT_APPLICABLE
            CaseStep.objects.filter(pk=step.pk).update(
                version=F("version") + 1, updated_at=now, updated_by=by, **changes
            )
        _audit(
            by,
            "case.track_set",
            target_type="case",
            target_id=case_id,
            detail={"track": track, "reason": reason},
        )
    return case


def case_review_resolve(case_id: str, *, note: str, seen_version: int, by: User) -> Case:
    """A person has looked at a case the pipeline flagged for review; their note is kept with the case."""
    if not note.strip():
        raise InvalidChange("resolving a review needs a note saying what was checked")
    with transaction.atomic():
        case = _case(case_id, by=by, action="case.edit")
        _check_seen(f"case {case_id}", seen_version, case)
        if not case.needs_review:
            raise InvalidChange(f"case {case_id} is not waiting for review")
        stamp = timezone.now().isoformat(timespec="seconds")
        _compare_and_set(
            Case, case, f"case {case_id}", seen_version, by,
            needs_review=False,
            review_reason=f"{case.review_reason}\n[reviewed by {_actor(by)} at {stamp}] {note.strip()}",
        )  # fmt: skip
        _audit(by, "case.review_resolve", target_type="case", target_id=case_id, detail={"note": note})
    return case


def case_close(
    case_id: str, *, outcome: str, seen_version: int, by: User, at: dt.datetime | None = None, note: str = ""
) -> Case:
    """Close the case with its outcome (``REUNIFIED`` at ``at`` is what the reunification deadline checks)."""
    if outcome not in dict(Case.OUTCOMES):
        raise InvalidChange(f"unknown outcome {outcome!r} (outcomes: {', '.join(dict(Case.OUTCOMES))})")
    with transaction.atomic():
        case = _case(case_id, by=by, action="case.edit")
        _check_seen(f"case {case_id}", seen_version, case)
        if case.status == Case.CLOSED:
            raise InvalidChange(f"case {case_id} is already closed ({case.outcome})")
        _compare_and_set(
            Case, case, f"case {case_id}", seen_version, by,
            status=Case.CLOSED, outcome=outcome, outcome_at=at or timezone.now(), outcome_note=note,
        )  # fmt: skip
        _audit(by, "case.close", target_type="case", target_id=case_id, detail={"outcome": outcome})
    return case


def case_assign(
    case_id: str, *, seen_version: int, by: User, assignee: User | None = KEEP, team: Team | None = KEEP
) -> Case:
    """Assign the case to a user and/or a team (a caseworker works the cases of either); None unassigns."""
    with transaction.atomic():
        case = _case(case_id, by=by, action="case.assign")
        _check_seen(f"case {case_id}", seen_version, case)
        changes: dict[str, Any] = {}
        if assignee is not KEEP:
            changes["assignee"] = assignee
        if team is not KEEP:
            changes["team"] = team
        if not changes:
            return case
        _compare_and_set(Case, case, f"case {case_id}", seen_version, by, **changes)
        _audit(
            by, "case.assign", target_type="case", target_id=case_id,
            detail={
                "assignee": case.assignee.get_username() if case.assignee else None,
                "team": case.team.name if case.team else None,
            },
        )  # fmt: skip
    return case


# --- steps ----------------------------------------------------------------------------------------------


_STEP_FIELDS = {"owner", "status", "due_at", "notes"}


def case_step_update(
    case_id: str,
    kind: str,
    *,
    seen_version: int,
    by: User,
    owner: User | None = KEEP,
    status: str = KEEP,
    due_at: dt.datetime | None = KEEP,
    notes: str = KEEP,
) -> CaseStep:
    """Change a step's owner, status, due date or notes; arguments left out stay as they are.

    Moving into progress stamps ``started_at`` and into done ``completed_at``
    (both kept if already set), so the dates always follow the status.
    """
    with transaction.atomic():
        case = _case(case_id, by=by, action="case.step_complete" if status is not KEEP else "case.edit")
        step = _step(case, kind)
        label = f"step {kind} of case {case_id}"
        _check_seen(label, seen_version, step)
        changes: dict[str, Any] = {}
        if owner is not KEEP:
            changes["owner"] = owner
        if due_at is not KEEP:
            changes["due_at"] = due_at
        if notes is not KEEP:
            changes["notes"] = notes
        if status is not KEEP:
            changes.update(_status_change(step, status, timezone.now(), label))
        if not changes:
            return step
        _compare_and_set(CaseStep, step, label, seen_version, by, **changes)
        detail = {k: (v.get_username() if hasattr(v, "get_username") else v) for k, v in changes.items()}
        _audit(by, "case.step_update", target_type="case_step", target_id=f"{case_id}/{kind}", detail=detail)
    return step


def _status_change(step: CaseStep, status: str, now: dt.datetime, label: str) -> dict[str, Any]:
    if status not in dict(CaseStep.STATUSES):
        raise InvalidChange(
            f"unknown step status {status!r} (statuses: {', '.join(dict(CaseStep.STATUSES))})"
        )
    if step.status == CaseStep.NOT_APPLICABLE and status != CaseStep.NOT_APPLICABLE:
        raise InvalidChange(
            f"{label} is not applicable on the {step.case.track.lower()} track; change the case's track first"
        )
    if step.status == CaseStep.DONE and status != CaseStep.DONE:
        raise InvalidChange(f"{label} is done; a done step is not reopened (raise a red flag instead)")
    changes: dict[str, Any] = {"status": status}
    if status in (CaseStep.IN_PROGRESS, CaseStep.BLOCKED, CaseStep.DONE) and step.started_at is None:
        changes["started_at"] = now
    if status == CaseStep.DONE and step.completed_at is None:
        changes["completed_at"] = now
    return changes


def case_step_start(case_id: str, kind: str, *, seen_version: int, by: User) -> CaseStep:
    """Start a step; its owner becomes the acting user when it has none."""
    step = _step(_case(case_id, by=by, action="case.step_complete"), kind)
    owner = by if step.owner_id is None else KEEP
    return case_step_update(
        case_id, kind, seen_version=seen_version, by=by, status=CaseStep.IN_PROGRESS, owner=owner
    )


def case_step_complete(
    case_id: str, kind: str, *, seen_version: int, by: User, at: dt.datetime | None = None, notes: str = KEEP
) -> CaseStep:
    """Complete a step, at ``at`` when entered after the fact (default: now)."""
    with transaction.atomic():
        case = _case(case_id, by=by, action="case.step_complete")
        step = _step(case, kind)
        label = f"step {kind} of case {case_id}"
        _check_seen(label, seen_version, step)
        if step.status == CaseStep.DONE:
            raise InvalidChange(f"{label} is already done (by {_actor(step.updated_by)})")
        now = at or timezone.now()
        changes = _status_change(step, CaseStep.DONE, now, label)
        changes["completed_at"] = now
        if step.started_at is None or step.started_at > now:
            changes["started_at"] = now
        if step.owner_id is None:
            changes["owner"] = by
        if notes is not KEEP:
            changes["notes"] = notes
        _compare_and_set(CaseStep, step, label, seen_version, by, **changes)
        _audit(
            by, "case.step_complete", target_type="case_step", target_id=f"{case_id}/{kind}",
            detail={"completed_at": now.isoformat()},
        )  # fmt: skip
    return step


def case_flag_raise(
    case_id: str, *, kind: str, text: str, by: User, step_kind: str | None = None
) -> CaseFlag:
    """Raise a red flag on the case or on one of its steps (e.g. ``kind="DOCUMENT_DOUBTFUL"``)."""
    if not kind.strip() or not text.strip():
        raise InvalidChange("a red flag needs a kind and a text")
    with transaction.atomic():
        case = _case(case_id, by=by, action="case.edit")
        step = _step(case, step_kind) if step_kind else None
        flag = CaseFlag.objects.create(
            case=case,
            step=step,
            kind=kind.strip().upper(),
            text=text.strip(),
            raised_by=by,
            raised_at=timezone.now(),
        )
        _audit(
            by, "case.flag_raise", target_type="case", target_id=case_id,
            detail={"flag": flag.pk, "kind": flag.kind, "step": step_kind},
        )  # fmt: skip
    return flag


def case_flag_resolve(flag_id: int, *, resolution: str, by: User) -> CaseFlag:
    """Resolve a red flag with what was done about it; the flag stays, resolved, as history."""
    if not resolution.strip():
        raise InvalidChange("resolving a red flag needs a resolution")
    with transaction.atomic():
        flag = CaseFlag.objects.select_related("case", "resolved_by").filter(pk=flag_id).first()
        if flag is None:
            raise CaseNotFound(f"no such flag: {flag_id}")
        _authorize(by, "case.edit", flag.case)
        written = CaseFlag.objects.filter(pk=flag_id, resolved_at__isnull=True).update(
            resolved_by=by, resolved_at=timezone.now(), resolution=resolution.strip()
        )
        if not written:
            raise InvalidChange(
                f"flag {flag_id} was already resolved by {_actor(flag.resolved_by)} at {flag.resolved_at}"
            )
        flag.refresh_from_db()
        _audit(
            by, "case.flag_resolve", target_type="case", target_id=flag.case.case_id, detail={"flag": flag_id}
        )
    return flag


# --- contacts -------------------------------------------------------------------------------------------


def case_contact_log(
    case_id: str,
    *,
    parent_person_id: str,
    kind: str,
    occurred_at: dt.datetime,
    completed: bool,
    by: User,
    duration_minutes: int | None = None,
    notes: str = "",
) -> CaseContact:
    """Log a call or visit between a parent and the child, held (``completed``) or only attempted."""
    if kind not in dict(CaseContact.KINDS):
        raise InvalidChange(f"unknown contact kind {kind!r} (kinds: {', '.join(dict(CaseContact.KINDS))})")
    if timezone.is_naive(occurred_at):
        raise InvalidChange("the contact's time needs a time zone")
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise InvalidChange("a contact cannot be logged before it happens")
    if duration_minutes is not None and duration_minutes < 0:
        raise InvalidChange("a duration cannot be negative")
    with transaction.atomic():
        case = _case(case_id, by=by, action="case.contact_log")
        _parent(case, parent_person_id)
        contact = CaseContact.objects.create(
            case=case,
            parent_person_id=parent_person_id,
            kind=kind,
            occurred_at=occurred_at,
            duration_minutes=duration_minutes,
            completed=completed,
            notes=notes,
            logged_by=by,
            logged_at=timezone.now(),
        )
        _audit(
            by, "case.contact_log", target_type="case", target_id=case_id,
            detail={"contact": contact.pk, "kind": kind, "completed": completed},
        )  # fmt: skip
    return contact


# --- the parent's choice and removals -------------------------------------------------------------------


def case_parent_choice_record(
    case_id: str,
    *,
    parent_person_id: str,
    choice: str,
    form_id: str,
    form_name: str,
    language: str,
    signed_on: dt.date,
    document_ref: str,
    by: User,
    interpreter: str = "",
    witness: str = "",
    detail: str = "",
) -> ParentChoice:
    """Record a parent's informed choice with the evidence of consent; a later choice supersedes it.

    The evidence is required, not optional: the signed form (id, name,
    reference to the stored document), the language it was explained in and
    the date; a decline also needs its witness, because a decline is what
    allows a parent's removal without the child.
    """
    if choice not in dict(ParentChoice.CHOICES):
        raise InvalidChange(f"unknown choice {choice!r} (choices: {', '.join(dict(ParentChoice.CHOICES))})")
    missing = [
        name
        for name, value in [
            ("form_id", form_id), ("form_name", form_name), ("language", language),
            ("signed_on", signed_on), ("document_ref", document_ref),
        ]
        if not (value.strip() if isinstance(value, str) else value)
    ]  # fmt: skip
    if choice == ParentChoice.DECLINE and not witness.strip():
        missing.append("witness")
    if choice == ParentChoice.OTHER and not detail.strip():
        missing.append("detail")
    if missing:
        raise ConsentIncomplete(
            f"the parent's {choice} choice needs evidence of informed consent: missing {', '.join(missing)}"
        )
    if signed_on > timezone.now().date():
        raise ConsentIncomplete(f"the consent form cannot be signed in the future ({signed_on})")
    with transaction.atomic():
        case = _case(case_id, by=by, action="case.choice_record")
        _parent(case, parent_person_id)
        recorded = ParentChoice.objects.create(
            case=case,
            parent_person_id=parent_person_id,
            choice=choice,
            detail=detail.strip(),
            form_id=form_id.strip(),
            form_name=form_name.strip(),
            language=language.strip(),
            interpreter=interpreter.strip(),
            signed_on=signed_on,
            witness=witness.strip(),
            document_ref=document_ref.strip(),
            recorded_by=by,
            recorded_at=timezone.now(),
        )
        _audit(
            by, "case.parent_choice_record", target_type="case", target_id=case_id,
            detail={"parent": parent_person_id, "choice": choice, "form_id": form_id},
        )  # fmt: skip
    return recorded


def case_parent_removal_record(
    case_id: str,
    *,
    parent_person_id: str,
    removed_at: dt.datetime,
    by: User,
    with_child: bool = False,
    country: str = "",
    notes: str = "",
) -> ParentRemoval:
    """Record a separated parent's removal; refused without the child unless a signed decline is on file.

    The decline must be the parent's choice in force (their latest) and signed
    no later than the removal: a parent who declined and then asked to reunify
    may not be removed alone. Raises ``RemovalWithoutDecline`` naming why.
    """
    if timezone.is_naive(removed_at):
        raise InvalidChange("the removal's time needs a time zone")
    with transaction.atomic():
        case = _case(case_id, by=by, action="case.edit")
        _parent(case, parent_person_id)
        decline = None
        if not with_child:
            latest = (
                ParentChoice.objects.filter(case=case, parent_person_id=parent_person_id)
                .order_by("-recorded_at", "-id")
                .first()
            )
            if latest is None:
                raise RemovalWithoutDecline(case_id, parent_person_id, "no choice of the parent is on file")
            if latest.choice != ParentChoice.DECLINE:
                raise RemovalWithoutDecline(
                    case_id,
                    parent_person_id,
                    f"the parent's choice in force is {latest.choice} (form {latest.form_id}, "
                    f"signed {latest.signed_on}), not a decline",
                )
            if latest.signed_on > removed_at.date():
                raise RemovalWithoutDecline(
                    case_id,
                    parent_person_id,
                    f"the decline was signed on {latest.signed_on}, after the removal on {removed_at.date()}",
                )
            decline = latest
        removal = ParentRemoval.objects.create(
            case=case,
            parent_person_id=parent_person_id,
            removed_at=removed_at,
            country=country,
            with_child=with_child,
            decline=decline,
            notes=notes,
            recorded_by=by,
            recorded_at=timezone.now(),
        )
        _audit(
            by, "case.parent_removal_record", target_type="case", target_id=case_id,
            detail={"parent": parent_person_id, "with_child": with_child, "decline": decline.pk if decline else None},
        )  # fmt: skip
    return removal


# --- tasks and teams ------------------------------------------------------------------------------------


def _assignment(assignee: User | None, team: Team | None) -> None:
    if assignee is not None and team is not None:
        raise InvalidChange("a task goes to a user or to a team, not both")


def case_task_create(
    case_id: str,
    *,
    title: str,
    by: User,
    assignee: User | None = None,
    team: Team | None = None,
    due_at: dt.datetime | None = None,
    details: str = "",
) -> CaseTask:
    """Create a task on a case, for a user or a team."""
    if not title.strip():
        raise InvalidChange("a task needs a title")
    _assignment(assignee, team)
    with transaction.atomic():
        case = _case(case_id, by=by, action="case.assign" if (assignee or team) else "case.edit")
        now = timezone.now()
        task = CaseTask.objects.create(
            case=case,
            title=title.strip(),
            details=details,
            assignee=assignee,
            team=team,
            due_at=due_at,
            created_by=by,
            created_at=now,
            updated_by=by,
            updated_at=now,
        )
        _audit(
            by, "case.task_create", target_type="case_task", target_id=str(task.pk), detail={"case": case_id}
        )
    return task


def case_task_update(
    task_id: int,
    *,
    seen_version: int,
    by: User,
    title: str = KEEP,
    details: str = KEEP,
    assignee: User | None = KEEP,
    team: Team | None = KEEP,
    due_at: dt.datetime | None = KEEP,
    status: str = KEEP,
) -> CaseTask:
    """Change a task; giving an assignee clears the team and the other way round (one of the two holds it)."""
    with transaction.atomic():
        task = CaseTask.objects.select_related("updated_by", "case").filter(pk=task_id).first()
        if task is None:
            raise CaseNotFound(f"no such task: {task_id}")
        label = f"task {task_id} of case {task.case.case_id}"
        reassigned = assignee is not KEEP or team is not KEEP
        _authorize(by, "case.assign" if reassigned else "case.edit", task.case)
        _check_seen(label, seen_version, task)
        changes: dict[str, Any] = {}
        if title is not KEEP:
            if not title.strip():
                raise InvalidChange("a task needs a title")
            changes["title"] = title.strip()
        if details is not KEEP:
            changes["details"] = details
        if assignee is not KEEP and team is not KEEP:
            _assignment(assignee, team)
        if assignee is not KEEP:
            changes["assignee"] = assignee
            if assignee is not None:
                changes["team"] = None
        if team is not KEEP:
            changes["team"] = team
            if team is not None:
                changes["assignee"] = None
        if due_at is not KEEP:
            changes["due_at"] = due_at
        if status is not KEEP:
            if status not in dict(CaseTask.STATUSES):
                raise InvalidChange(f"unknown task status {status!r}")
            changes["status"] = status
            changes["completed_at"] = timezone.now() if status == CaseTask.DONE else None
        if not changes:
            return task
        _compare_and_set(CaseTask, task, label, seen_version, by, **changes)
        _audit(
            by, "case.task_update", target_type="case_task", target_id=str(task_id), detail=sorted(changes)
        )
    return task


def team_create(name: str, *, by: User, members: Iterable[User] = ()) -> Team:
    """Create a team of users that tasks can be assigned to."""
    if not name.strip():
        raise InvalidChange("a team needs a name")
    _authorize(by, "case.assign")
    with transaction.atomic():
        if Team.objects.filter(name=name.strip()).exists():
            raise InvalidChange(f"a team named {name.strip()!r} exists already")
        team = Team.objects.create(name=name.strip(), created_at=timezone.now())
        team.members.set(list(members))
        _audit(by, "team.create", target_type="team", target_id=str(team.pk), detail={"name": team.name})
    return team


def team_members_set(team: Team, members: Iterable[User], *, by: User) -> Team:
    """Replace a team's members."""
    _authorize(by, "case.assign")
    with transaction.atomic():
        users = list(members)
        team.members.set(users)
        _audit(
            by, "team.members_set", target_type="team", target_id=str(team.pk),
            detail={"members": [u.get_username() for u in users]},
        )  # fmt: skip
    return team
