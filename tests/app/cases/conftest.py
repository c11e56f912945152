"""Separated families stored the way the custody layer stores them, and users with real roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from reunify.app.accounts.services import user_create
from reunify.app.custody.models import SeparationBuild, StoredSeparation
from reunify.app.people.models import LinkRun, Person
from reunify.rules import SeparationFacts


def new_run() -> LinkRun:
    """A linkage run with its separations marked as built, so the stored separations are the ones in force."""
    now = timezone.now()
    run = LinkRun.objects.create(started_at=now, finished_at=now)
    SeparationBuild.objects.create(
        run=run, kind="REBUILD", started_at=now, finished_at=now, evaluated_as_of=now.date()
    )
    return run


def person(public_id: str, run: LinkRun) -> Person:
    return Person.objects.get_or_create(public_id=public_id, defaults={"created_run": run})[0]


def store_separation(
    run: LinkRun,
    child: str,
    parent: str,
    *,
    separated_at: dt.date = dt.date(2018, 6, 1),
    child_dob: dt.date | None = dt.date(2015, 3, 1),
    outcome: str = "APART",
    outcome_at: dt.date | None = None,
) -> StoredSeparation:
    """One (child, parent) separation as ``separations_rebuild`` stores it, facts included."""
    facts = SeparationFacts(
        child_person=child,
        parent_person=parent,
        separated_at=separated_at,
        child_dob=child_dob,
        parent_dob=dt.date(1988, 1, 1),
        outcome=outcome,
        outcome_at=outcome_at,
    )
    row, _ = StoredSeparation.objects.update_or_create(
        child=person(child, run),
        parent=person(parent, run),
        defaults={
            "current": True,
            "run": run,
            "tie_status": "CONFIRMED",
            "event_id": f"EV-{child}",
            "apprehended_at": f"{separated_at.isoformat()}T04:00:00-06:00",
            "separated_at": separated_at,
            "agency": "CBP",
            "judicial_basis": False,
            "outcome": outcome,
            "outcome_at": outcome_at,
            "facts": facts.as_json(),
            "updated_at": timezone.now(),
        },
    )
    return row


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """A user with a role of the access policy (``team`` is the accounts team name)."""

    def make(username: str, role: str = "supervisor", team: str = "") -> Any:
        return user_create(None, username, "not-used-in-tests", role, team=team, validate=False)

    return make


@pytest.fixture
def supervisor(make_user: Callable[..., Any]) -> Any:
    return make_user("sam.supervisor")


@pytest.fixture
def two_families(db: Any) -> LinkRun:
    """Child P-C1 (aged 3 in June 2018) separated from two parents; child P-C2 (aged 9) from one."""
    run = new_run()
    store_separation(run, "P-C1", "P-M1")
    store_separation(run, "P-C1", "P-F1", separated_at=dt.date(2018, 6, 2))
    store_separation(run, "P-C2", "P-M2", separated_at=dt.date(2018, 5, 20), child_dob=dt.date(2009, 2, 1))
    return run
