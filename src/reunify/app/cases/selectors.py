"""Casework reads: a case with everything on it, lists with their deadlines, the work waiting for a user.

Deadlines and rule flags are computed on read from the rule sets (see
``deadlines``), never stored, so a new version of a rule set or a contact
logged a minute ago shows at once. Access filtering by the policy is the
caller's one line (``policy.scope(user, "case.view", cases_query(), "child",
"parents__parent")``), because these selectors also serve the command line,
which runs with the database's own rights.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from .deadlines import CaseDeadline, RuleFlag, case_deadlines, case_judgement, rule_flags
from .errors import CaseNotFound
from .models import Case, CaseFlag, CaseTask

__all__ = [
    "CaseDeadline",
    "CaseSummary",
    "RuleFlag",
    "case_deadlines",
    "case_detail",
    "case_flags",
    "case_get",
    "case_summaries",
    "cases_query",
    "rule_flags",
    "tasks_open_for_user",
]


def cases_query() -> QuerySet[Case]:
    """Every case, with what a list and the deadlines read fetched in a fixed number of queries."""
    return (
        Case.objects.select_related("assignee", "team", "updated_by", "track_chosen_by")
        .prefetch_related("parents", "contacts", "choices", "removals")
        .annotate(open_flag_count=Count("flags", filter=Q(flags__resolved_at__isnull=True)))
        .order_by("number")
    )


def case_get(case_id: str) -> Case:
    """One case by its id (``C-2018-000123``); ``CaseNotFound`` when there is none."""
    case = cases_query().filter(case_id=case_id).first()
    if case is None:
        raise CaseNotFound(f"no such case: {case_id}")
    return case


def case_flags(case: Case, as_of: dt.date | dt.datetime | None = None) -> list[dict[str, Any]]:
    """Every flag on the case: the red flags people and the pipeline raised, then those the rules raise now."""
    stored = [
        {
            "id": flag.pk,
            "kind": flag.kind,
            "text": flag.text,
            "step": flag.step.kind if flag.step else None,
            "raised_by": flag.raised_by.get_username() if flag.raised_by else "the pipeline",
            "raised_at": flag.raised_at.isoformat(),
            "resolved": flag.resolved_at is not None,
            "resolved_by": flag.resolved_by.get_username() if flag.resolved_by else None,
            "resolved_at": flag.resolved_at.isoformat() if flag.resolved_at else None,
            "resolution": flag.resolution,
            "source": "recorded",
        }
        for flag in CaseFlag.objects.filter(case=case).select_related("step", "raised_by", "resolved_by")
    ]
    computed = [
        {**flag.as_dict(), "raised_by": "the rules", "resolved": False, "source": "rules"}
        for flag in rule_flags(case, as_of)
    ]
    return stored + computed


@dataclass(frozen=True)
class CaseSummary:
    """One line of a case list: the case, its next deadline and whether anything is overdue."""

    case: Case
    parents: list[str]
    next_deadline: CaseDeadline | None
    overdue: list[CaseDeadline]
    open_flags: int

    def as_dict(self) -> dict[str, Any]:
        case = self.case
        return {
            "case_id": case.case_id,
            "child_person_id": case.child_person_id,
            "parents": self.parents,
            "status": case.status,
            "track": case.track,
            "needs_review": case.needs_review,
            "separated_at": case.separated_at.isoformat() if case.separated_at else None,
            "assignee": case.assignee.get_username() if case.assignee else None,
            "team": case.team.name if case.team else None,
            "next_deadline": self.next_deadline.as_dict() if self.next_deadline else None,
            "overdue": [d.as_dict() for d in self.overdue],
            "open_flags": self.open_flags,
            "version": case.version,
        }


def case_summaries(
    cases: Iterable[Case] | None = None,
    *,
    as_of: dt.date | dt.datetime | None = None,
    overdue_only: bool = False,
) -> list[CaseSummary]:
    """Summaries of ``cases`` (default: all), with deadlines evaluated as of ``as_of`` (default: now)."""
    rows: list[CaseSummary] = []
    for case in cases_query() if cases is None else cases:
        deadlines, flags = case_judgement(case, as_of)
        overdue = [d for d in deadlines if d.overdue]
        if overdue_only and not overdue:
            continue
        upcoming = [d for d in deadlines if d.status == "OPEN"]
        stored_open = getattr(case, "open_flag_count", None)
        if stored_open is None:
            stored_open = CaseFlag.objects.filter(case=case, resolved_at__isnull=True).count()
        rows.append(
            CaseSummary(
                case=case,
                parents=[p.parent_person_id for p in case.parents.all() if p.present],
                next_deadline=upcoming[0] if upcoming else None,
                overdue=overdue,
                open_flags=stored_open + len(flags),
            )
        )
    return rows


def _user(user: AbstractBaseUser | None) -> str | None:
    return user.get_username() if user is not None else None


def case_detail(case_id: str, as_of: dt.date | dt.datetime | None = None) -> dict[str, Any]:
    """Everything on one case as plain data (parties, steps, deadlines, contacts, choices, tasks, flags)."""
    case = case_get(case_id)
    steps = case.steps.select_related("owner", "updated_by")
    contacts = case.contacts.select_related("logged_by")
    choices = case.choices.select_related("recorded_by")
    removals = case.removals.select_related("recorded_by")
    tasks = case.tasks.select_related("assignee", "team", "updated_by")
    return {
        "case_id": case.case_id,
        "version": case.version,
        "status": case.status,
        "outcome": case.outcome or None,
        "outcome_at": case.outcome_at.isoformat() if case.outcome_at else None,
        "needs_review": case.needs_review,
        "review_reason": case.review_reason,
        "track": {
            "track": case.track,
            "chosen_by": _user(case.track_chosen_by),
            "chosen_at": case.track_chosen_at.isoformat() if case.track_chosen_at else None,
            "reason": case.track_reason,
        },
        "assignee": _user(case.assignee),
        "team": case.team.name if case.team else None,
        "child": {
            "person_id": case.child_person_id,
            "person_ids_before": case.child_person_ids_before,
            "birth_date": case.child_birth_date.isoformat() if case.child_birth_date else None,
            "birth_date_estimated": case.child_birth_estimated,
        },
        "separated_at": case.separated_at.isoformat() if case.separated_at else None,
        "parents": [
            {
                "person_id": p.parent_person_id,
                "separated": p.present,
                "tie_status": p.tie_status,
                "separated_at": p.separated_at.isoformat() if p.separated_at else None,
                "event_id": p.event_id,
                "separation_outcome": p.separation_outcome,
                "separation_outcome_at": p.separation_outcome_at.isoformat()
                if p.separation_outcome_at
                else None,
                "judicial_basis": p.judicial_basis,
                "removed_to": p.removed_to or None,
                "gone_at": p.gone_at.isoformat() if p.gone_at else None,
            }
            for p in case.parents.all()
        ],
        "steps": [
            {
                "kind": s.kind,
                "label": s.get_kind_display(),
                "status": s.status,
                "guidance": s.guidance,
                "owner": _user(s.owner),
                "started_at": s.started_at.isoformat() if s.started_at else None,
                "due_at": s.due_at.isoformat() if s.due_at else None,
                "completed_at": s.completed_at.isoformat() if s.completed_at else None,
                "notes": s.notes,
                "version": s.version,
                "updated_by": _user(s.updated_by),
                "updated_at": s.updated_at.isoformat(),
            }
            for s in steps
        ],
        "deadlines": [d.as_dict() for d in case_deadlines(case, as_of)],
        "contacts": [
            {
                "id": c.pk,
                "parent_person_id": c.parent_person_id,
                "kind": c.kind,
                "occurred_at": c.occurred_at.isoformat(),
                "duration_minutes": c.duration_minutes,
                "completed": c.completed,
                "notes": c.notes,
                "logged_by": _user(c.logged_by),
                "logged_at": c.logged_at.isoformat(),
            }
            for c in contacts
        ],
        "choices": [
            {
                "id": c.pk,
                "parent_person_id": c.parent_person_id,
                "choice": c.choice,
                "detail": c.detail,
                "form_id": c.form_id,
                "form_name": c.form_name,
                "language": c.language,
                "interpreter": c.interpreter,
                "signed_on": c.signed_on.isoformat(),
                "witness": c.witness,
                "document_ref": c.document_ref,
                "recorded_by": _user(c.recorded_by),
                "recorded_at": c.recorded_at.isoformat(),
            }
            for c in choices
        ],
        "removals": [
            {
                "parent_person_id": r.parent_person_id,
                "removed_at": r.removed_at.isoformat(),
                "country": r.country,
                "with_child": r.with_child,
                "decline_choice_id": r.decline_id,
                "recorded_by": _user(r.recorded_by),
            }
            for r in removals
        ],
        "tasks": [
            {
                "id": t.pk,
                "title": t.title,
                "status": t.status,
                "assignee": _user(t.assignee),
                "team": t.team.name if t.team else None,
                "due_at": t.due_at.isoformat() if t.due_at else None,
                "version": t.version,
            }
            for t in tasks
        ],
        "flags": case_flags(case, as_of),
    }


def tasks_open_for_user(user: AbstractBaseUser) -> QuerySet[CaseTask]:
    """The open tasks a user holds, directly or through a team they belong to, soonest due first."""
    return (
        CaseTask.objects.filter(status__in=[CaseTask.OPEN, CaseTask.IN_PROGRESS])
        .filter(Q(assignee=user) | Q(team__members=user))
        .select_related("case", "team", "assignee")
        .distinct()
        .order_by("due_at", "id")
    )
