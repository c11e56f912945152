"""What the dashboard shows a user: each group of figures only for a role the policy lets see it.

Every figure is counted from a queryset the policy already scoped (cases by
the persons they concern, deliveries by agency, review pairs as the review
queue shows them), so a count never includes a case or person the user could
not open. The court monitor gets counts only: case ids and deadline titles
are for roles that may open the cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from reunify.app.accounts import policy

#: "Deadlines in the next days" looks this far ahead.
DUE_SOON_DAYS = 7
#: Rows of each short list on the dashboard.
LIST_LENGTH = 8


@dataclass(frozen=True)
class DeadlineLine:
    case_id: str
    title: str
    due_at: dt.datetime | None
    days_left: int | None


@dataclass(frozen=True)
class CaseFigures:
    """Figures of the cases a user works (or may see); the deadline figures are None when too many to evaluate."""

    open_cases: int
    due_soon: int | None  # deadlines of open cases due within DUE_SOON_DAYS
    overdue_cases: int | None
    overdue_deadlines: int | None
    soonest: list[DeadlineLine] = field(default_factory=list)  # empty for counts-only roles
    most_overdue: list[DeadlineLine] = field(default_factory=list)


@dataclass(frozen=True)
class Dashboard:
    cases: CaseFigures | None = None
    my_tasks: int | None = None
    review_pairs: int | None = None
    review_ties: int | None = None
    deliveries: list[Any] | None = None
    quarantine_by_feed: list[tuple[str, int]] | None = None
    audit_total: int | None = None
    audit_last_day: int | None = None
    audit_latest_at: dt.datetime | None = None
    users_by_role: list[tuple[str, int]] | None = None
    users_active: int | None = None
    admins_without_second_factor: list[str] | None = None


#: Cases above which a read-only dashboard shows counts only (the status report has the rest).
DEADLINE_EVALUATION_LIMIT = 2000


def _case_figures(user: Any, now: dt.datetime) -> CaseFigures:
    from reunify.app.cases.models import Case
    from reunify.app.cases.selectors import case_deadlines, cases_query

    personal = policy.allows(user, "case.view")
    action = "case.view" if personal else "case.view_status"
    visible = policy.scope(user, action, Case.objects.filter(status=Case.OPEN), "child", "parents__parent")
    if policy.allows(user, "case.edit"):
        # Someone who works cases sees their own and their team's: that is their day's work, and it keeps
        # the page to a few hundred deadline evaluations whatever the number of families.
        visible = visible.filter(Q(assignee=user) | Q(team__members=user)).distinct()
    elif visible.count() > DEADLINE_EVALUATION_LIMIT:
        # Deadlines are evaluated on read (rules change without a rebuild); for a whole state or the whole
        # country that is the status report's job, which the page links to.
        return CaseFigures(
            open_cases=visible.count(), due_soon=None, overdue_cases=None, overdue_deadlines=None
        )
    cases = list(cases_query().filter(pk__in=visible.values("pk")))
    soon: list[DeadlineLine] = []
    late: list[DeadlineLine] = []
    overdue_cases = 0
    for case in cases:
        deadlines = case_deadlines(case, now)
        overdue = [d for d in deadlines if d.overdue]
        overdue_cases += bool(overdue)
        late += [DeadlineLine(case.case_id, d.title, d.due_at, d.days_left) for d in overdue]
        soon += [
            DeadlineLine(case.case_id, d.title, d.due_at, d.days_left)
            for d in deadlines
            if d.status == "OPEN" and d.days_left is not None and 0 <= d.days_left <= DUE_SOON_DAYS
        ]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    soon.sort(key=lambda line: (line.due_at or far, line.case_id))
    late.sort(key=lambda line: (line.due_at or far, line.case_id))
    return CaseFigures(
        open_cases=len(cases),
        due_soon=len(soon),
        overdue_cases=overdue_cases,
        overdue_deadlines=len(late),
        soonest=soon[:LIST_LENGTH] if personal else [],
        most_overdue=late[:LIST_LENGTH] if personal else [],
    )


def dashboard_figures(user: Any, now: dt.datetime | None = None) -> Dashboard:
    """The dashboard of ``user``: the groups their role opens, each scoped before it is counted."""
    from reunify.app.clock import now as clock_now

    now = now or clock_now()
    figures: dict[str, Any] = {}
    if policy.allows(user, "case.view_status"):
        figures["cases"] = _case_figures(user, now)
    if policy.allows(user, "case.edit"):
        from reunify.app.cases.selectors import tasks_open_for_user

        figures["my_tasks"] = tasks_open_for_user(user).count()
    if policy.allows(user, "review.view"):
        from reunify.app.api.selectors import review_persons_page, review_ties_page

        figures["review_pairs"] = review_persons_page(user, 0, 0)[0].count
        figures["review_ties"] = review_ties_page(user, 0, 0)[0].count
    if policy.allows(user, "delivery.view"):
        from reunify.app.records.selectors import deliveries_in_scope

        figures["deliveries"] = list(deliveries_in_scope(user)[:LIST_LENGTH])
    if policy.allows(user, "quarantine.view"):
        from reunify.app.records.selectors import quarantine_in_scope

        counted = (
            quarantine_in_scope(user)
            .order_by()
            .values("delivery__feed")
            .annotate(rows=Count("id"))
            .order_by("delivery__feed")
        )
        figures["quarantine_by_feed"] = [(row["delivery__feed"], row["rows"]) for row in counted]
    if policy.allows(user, "audit.view"):
        from reunify.app.audit.models import AuditEntry

        figures["audit_total"] = AuditEntry.objects.count()
        figures["audit_last_day"] = AuditEntry.objects.filter(at__gte=now - dt.timedelta(days=1)).count()
        figures["audit_latest_at"] = AuditEntry.objects.order_by("-seq").values_list("at", flat=True).first()
    if policy.allows(user, "user.manage"):
        from reunify.app.accounts.selectors import users_overview

        accounts = users_overview(user)
        roles: dict[str, int] = {}
        for account in accounts:
            if account["active"]:
                roles[account["role"] or "-"] = roles.get(account["role"] or "-", 0) + 1
        figures["users_by_role"] = sorted(roles.items())
        figures["users_active"] = sum(roles.values())
        figures["admins_without_second_factor"] = [
            a["username"]
            for a in accounts
            if a["active"] and a["role"] == "administrator" and not a["second_factor"]
        ]
    return Dashboard(**figures)
