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


# --- the case pages -------------------------------------------------------------------------------------
#
# These take the user and ask the access policy themselves, so a page cannot
# forget to: a list is scoped exactly as its detail page is refused.


def case_read_action(user: Any) -> str:
    """``case.view`` (personal details) when the role has it, else ``case.view_status`` (the court's view).

    Raises ``Denied`` when the user has neither.
    """
    from reunify.app.accounts import policy

    if policy.allows(user, "case.view"):
        return "case.view"
    policy.require(user, "case.view_status")
    return "case.view_status"


def person_names(public_ids: Iterable[str]) -> dict[str, str]:
    """Person public id -> display name from the search summaries (absent when not summarised yet)."""
    from reunify.app.search.models import PersonSummary

    ids = sorted(set(public_ids))
    names: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        names.update(
            PersonSummary.objects.filter(public_id__in=ids[start : start + 500]).values_list(
                "public_id", "display_name"
            )
        )
    return names


LIST_MINE = "mine"
LIST_TEAM = "team"


def case_list_for_user(
    user: Any,
    *,
    assigned: str = "",
    status: str = "",
    overdue_only: bool = False,
    needs_review: bool = False,
    as_of: dt.date | dt.datetime | None = None,
) -> tuple[str, list[CaseSummary]]:
    """The cases the user may see, filtered, soonest deadline first (overdue ones lead); and the read action.

    Deadlines are evaluated on read (rules are data and change), so the sort
    happens here in Python over every case that passes the filters.
    """
    from reunify.app.accounts import policy

    action = case_read_action(user)
    visible = policy.scope(user, action, Case.objects.all(), "child", "parents__parent").values("pk")
    queryset = cases_query().filter(pk__in=visible)
    if status:
        queryset = queryset.filter(status=status)
    if needs_review:
        queryset = queryset.filter(needs_review=True)
    if action == "case.view" and assigned in (LIST_MINE, LIST_TEAM):
        if assigned == LIST_MINE:
            where = Q(assignee=user) | Q(steps__owner=user) | Q(tasks__assignee=user)
        else:
            access = policy.access_of(user)
            where = Q(team__members=user) | Q(tasks__team__members=user)
            if access is not None and access.team:
                where |= Q(team__name=access.team) | Q(tasks__team__name=access.team)
        queryset = queryset.filter(pk__in=Case.objects.filter(where).values("pk"))
    summaries = case_summaries(list(queryset), as_of=as_of, overdue_only=overdue_only)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)

    def soonest(summary: CaseSummary) -> tuple[dt.datetime, int]:
        dues = [d.due_at for d in [*summary.overdue, summary.next_deadline] if d is not None and d.due_at]
        return (min(dues, default=far), summary.case.number)

    return action, sorted(summaries, key=soonest)


@dataclass
class PartyView:
    """A child or parent of the case as the page shows them: name, where they are now, what is withheld."""

    person_id: str
    name: str
    role: str  # "child" or "parent"
    location: Any = None  # reunify.custody.Location, or None when nothing is known
    facility: str | None = None
    facility_withheld: bool = False
    destination: str | None = None
    party: Any = None  # the CaseParent row for a parent


def _party_view(person_id: str, name: str, role: str, *, show_facility: bool, party: Any = None) -> PartyView:
    from reunify.app.custody.selectors import person_custody

    view = PartyView(person_id, name, role, party=party)
    try:
        where = person_custody(person_id).location
    except LookupError:  # not linked (yet): the page says nothing is known
        return view
    view.location = where
    if where is not None:
        withhold = role == "child" and not show_facility
        view.facility = None if withhold else where.facility
        view.destination = None if withhold else where.destination
        view.facility_withheld = withhold and bool(where.facility or where.destination)
    return view


@dataclass
class CasePage:
    """Everything the case page shows, read once, for a user allowed ``case.view`` on the case."""

    case: Case
    child: PartyView
    parents: list[PartyView]
    deadlines: list[CaseDeadline]
    flags: list[dict[str, Any]]
    steps: list[Any]
    step_flags: dict[str, int]
    contacts: list[Any]
    choices: list[Any]
    removals: list[Any]
    tasks: list[Any]
    names: dict[str, str]
    sensitive_shown: list[str]

    @property
    def open_flags(self) -> list[dict[str, Any]]:
        return [f for f in self.flags if not f["resolved"]]

    @property
    def contact_flags(self) -> list[dict[str, Any]]:
        from .deadlines import FLAG_NO_CONTACT

        return [f for f in self.flags if f["kind"] == FLAG_NO_CONTACT]

    @property
    def overdue(self) -> list[CaseDeadline]:
        return [d for d in self.deadlines if d.overdue]

    @property
    def present_parents(self) -> list[tuple[str, str]]:
        """(person id, label) of the parents still separated, for the forms' choices."""
        return [
            (p.person_id, f"{p.name} ({p.person_id})" if p.name != p.person_id else p.person_id)
            for p in self.parents
            if p.party is None or p.party.present
        ]


def case_page(user: Any, case_id: str, as_of: dt.date | dt.datetime | None = None) -> CasePage:
    """The case with its family, whereabouts, deadlines, flags, steps, contacts, choices and tasks.

    Asks the policy for ``case.view`` on this case (``Denied`` otherwise); a
    child's exact facility is shown only with the personal child-location grant.
    """
    from reunify.app.accounts import policy

    case = case_get(case_id)
    policy.require(user, "case.view", case)
    show_facility = policy.allows(user, "person.view_sensitive.child_location")
    parties = list(case.parents.all())
    names = person_names([case.child_person_id, *(p.parent_person_id for p in parties)])
    child = _party_view(
        case.child_person_id,
        names.get(case.child_person_id, case.child_person_id),
        "child",
        show_facility=show_facility,
    )
    parents = [
        _party_view(
            p.parent_person_id,
            names.get(p.parent_person_id, p.parent_person_id),
            "parent",
            show_facility=True,
            party=p,
        )
        for p in parties
    ]
    deadlines, rules = case_judgement(case, as_of)
    stored = list(CaseFlag.objects.filter(case=case).select_related("step", "raised_by", "resolved_by"))
    flags = [
        {
            "id": f.pk,
            "kind": f.kind,
            "text": f.text,
            "step": f.step.kind if f.step else None,
            "step_label": f.step.get_kind_display() if f.step else "",
            "raised_by": f.raised_by.get_username() if f.raised_by else "the pipeline",
            "raised_at": f.raised_at,
            "resolved": f.resolved_at is not None,
            "resolved_by": f.resolved_by.get_username() if f.resolved_by else None,
            "resolved_at": f.resolved_at,
            "resolution": f.resolution,
            "source": "recorded",
        }
        for f in stored
    ]
    flags += [
        {
            **flag.as_dict(),
            "id": None,
            "step": None,
            "step_label": "",
            "raised_by": "the rules",
            "raised_at": None,
            "resolved": False,
            "source": "rules",
        }
        for flag in rules
    ]
    step_flags: dict[str, int] = {}
    for flag in stored:
        if flag.step is not None and flag.resolved_at is None:
            step_flags[flag.step.kind] = step_flags.get(flag.step.kind, 0) + 1
    return CasePage(
        case=case,
        child=child,
        parents=parents,
        deadlines=deadlines,
        flags=flags,
        steps=list(case.steps.select_related("owner", "updated_by")),
        step_flags=step_flags,
        contacts=sorted(case.contacts.select_related("logged_by"), key=lambda c: c.occurred_at, reverse=True),
        choices=list(case.choices.select_related("recorded_by")),
        removals=list(case.removals.select_related("recorded_by", "decline")),
        tasks=list(case.tasks.select_related("assignee", "team", "updated_by")),
        names=names,
        sensitive_shown=["child_location"] if show_facility and child.facility else [],
    )


@dataclass
class CaseStatusPage:
    """The court's view of a case: status, track, deadlines and step states; no names, ids or places."""

    case: Case
    deadlines: list[CaseDeadline]
    steps: list[Any]

    @property
    def overdue(self) -> list[CaseDeadline]:
        return [d for d in self.deadlines if d.overdue]


def case_status_page(user: Any, case_id: str, as_of: dt.date | dt.datetime | None = None) -> CaseStatusPage:
    """The case's status for ``case.view_status`` (``Denied`` otherwise)."""
    from reunify.app.accounts import policy

    case = case_get(case_id)
    policy.require(user, "case.view_status", case)
    deadlines, _ = case_judgement(case, as_of)
    return CaseStatusPage(case, deadlines, list(case.steps.all()))
