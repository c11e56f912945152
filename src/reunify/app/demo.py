"""The demo's people: one user per role, and a team of caseworkers with families to work on.

Why through the services rather than rows written directly: the demo is also
the first thing a new colleague reads, and it should show the same audited
paths a real deployment uses (the supervisor creates the team and assigns the
cases; every assignment is in the audit log).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from reunify.app.accounts.services import DemoLogin, accounts_create_demo_users
from reunify.app.cases.models import Case, Team
from reunify.app.cases.services import case_assign, team_create

#: The demo team (the demo caseworker's and supervisor's team in accounts.services.DEMO_USERS).
DEMO_TEAM = "el-paso"

#: Cases the demo team is given: enough to fill a caseworker's day and the overdue lists.
DEMO_TEAM_CASES = 60


def demo_people(password: str | None = None) -> tuple[list[DemoLogin], int]:
    """Create the demo users and give the demo team its first cases; returns the logins and cases assigned."""
    logins = accounts_create_demo_users(password)
    User = get_user_model()
    supervisor = User.objects.get(username="supervisor")
    members = list(User.objects.filter(username__in=["caseworker", "supervisor"]))
    team = Team.objects.filter(name=DEMO_TEAM).first() or team_create(
        DEMO_TEAM, by=supervisor, members=members
    )
    assigned = 0
    for case in Case.objects.filter(team__isnull=True).order_by("case_id")[:DEMO_TEAM_CASES]:
        case_assign(case.case_id, seen_version=case.version, by=supervisor, team=team)
        assigned += 1
    return logins, assigned
