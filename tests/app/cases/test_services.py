"""Casework services on a real database: opening, steps, stale edits, choices and removals, tasks, policy."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction

from reunify.app.accounts.policy import Denied
from reunify.app.audit.models import AuditEntry
from reunify.app.cases.errors import ConsentIncomplete, InvalidChange, RemovalWithoutDecline, StaleEdit
from reunify.app.cases.models import Case, CaseFlag, CaseParent, CaseStep, ParentRemoval
from reunify.app.cases.selectors import case_get, tasks_open_for_user
from reunify.app.cases.services import (
    case_assign,
    case_contact_log,
    case_flag_raise,
    case_open_for_separations,
    case_parent_choice_record,
    case_parent_removal_record,
    case_review_resolve,
    case_step_complete,
    case_step_start,
    case_step_update,
    case_task_create,
    case_task_update,
    case_track_set,
    team_create,
)
from reunify.app.custody.models import StoredSeparation
from reunify.app.people.models import Person

from .conftest import new_run, store_separation

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _case_of(child: str) -> Case:
    return Case.objects.get(child_person_id=child)


def test_opening_is_idempotent_and_keeps_cases_across_rebuilds(two_families, supervisor) -> None:
    first = case_open_for_separations()
    assert (first.families, first.opened, first.separations) == (2, 2, 3)
    case = _case_of("P-C1")
    assert re.fullmatch(r"C-2018-\d{6}", case.case_id)
    assert case.child.public_id == "P-C1"
    assert case.child_birth_date == dt.date(2015, 3, 1)
    assert case.separated_at == dt.date(2018, 6, 1)
    assert sorted(case.parents.values_list("parent_person_id", flat=True)) == ["P-F1", "P-M1"]
    assert [s.kind for s in case.steps.all()] == [k for k, _ in CaseStep.KINDS]
    ids = dict(Case.objects.values_list("child_person_id", "case_id"))

    again = case_open_for_separations()
    assert (again.opened, again.refreshed, again.flagged_for_review) == (0, 2, 0)
    assert dict(Case.objects.values_list("child_person_id", "case_id")) == ids
    assert _case_of("P-C1").version == 1

    # A linkage correction: the next rebuild no longer finds P-C1's separation from P-F1.
    run = new_run()
    StoredSeparation.objects.filter(parent__public_id="P-F1").update(current=False)
    for child, parent in [("P-C1", "P-M1"), ("P-C2", "P-M2")]:
        StoredSeparation.objects.filter(child__public_id=child, parent__public_id=parent).update(run=run)
    refreshed = case_open_for_separations()
    assert (refreshed.opened, refreshed.parents_gone, refreshed.flagged_for_review) == (0, 1, 1)
    case = _case_of("P-C1")
    assert case.case_id == ids["P-C1"]
    assert case.needs_review and "P-F1" in case.review_reason
    assert case.version == 2, "a new review moves the version on, so nobody clears it unseen"
    assert not CaseParent.objects.get(case=case, parent_person_id="P-F1").present
    assert CaseFlag.objects.filter(case=case, kind="SEPARATION_VANISHED", raised_by=None).count() == 1

    # Every separation gone: the case stays, flagged.
    StoredSeparation.objects.filter(child__public_id="P-C2").update(current=False)
    case_open_for_separations()
    assert _case_of("P-C2").needs_review
    assert Case.objects.count() == 2

    # The separation comes back: the parent is separated again, the review waits for a person.
    store_separation(run, "P-C1", "P-F1", separated_at=dt.date(2018, 6, 2))
    back = case_open_for_separations()
    assert back.parents_back == 1
    assert CaseParent.objects.get(case=case, parent_person_id="P-F1").present
    resolved = case_review_resolve(case.case_id, note="tie re-confirmed", seen_version=2, by=supervisor)
    assert not resolved.needs_review and resolved.version == 3


def test_a_merged_child_keeps_its_case(two_families) -> None:
    case_open_for_separations()
    before = _case_of("P-C2")
    run = new_run()
    survivor = Person.objects.create(public_id="P-C9", created_run=run)
    Person.objects.filter(public_id="P-C2").update(merged_into=survivor, retired_run=run)
    StoredSeparation.objects.filter(child__public_id="P-C2").update(child=survivor, run=run)
    summary = case_open_for_separations()
    assert (summary.rekeyed, summary.opened) == (1, 0)
    after = Case.objects.get(pk=before.pk)
    assert (after.case_id, after.child_person_id, after.child_person_ids_before) == (
        before.case_id,
        "P-C9",
        ["P-C2"],
    )
    assert after.child_id == survivor.pk


def test_a_child_merged_into_another_family_flags_its_case_once(two_families) -> None:
    case_open_for_separations()
    run = new_run()
    Person.objects.filter(public_id="P-C1").update(
        merged_into=Person.objects.get(public_id="P-C2"), retired_run=run
    )
    StoredSeparation.objects.filter(child__public_id="P-C1").update(current=False)
    for _ in range(2):
        case_open_for_separations()
    case = _case_of("P-C1")
    assert case.needs_review and "merged into P-C2" in case.review_reason
    assert CaseFlag.objects.filter(case=case, kind="CHILD_MERGED").count() == 1


def test_step_start_and_completion_record_who_and_when(two_families, supervisor) -> None:
    case_open_for_separations()
    case = _case_of("P-C1")
    started = case_step_start(case.case_id, CaseStep.PARENTAGE, seen_version=1, by=supervisor)
    assert (started.status, started.owner, started.version) == (CaseStep.IN_PROGRESS, supervisor, 2)
    assert started.started_at is not None
    at = dt.datetime(2018, 7, 2, 15, 0, tzinfo=UTC)
    done = case_step_complete(
        case.case_id, CaseStep.PARENTAGE, seen_version=2, by=supervisor, at=at, notes="DNA swab matched"
    )
    assert (done.status, done.completed_at, done.updated_by, done.notes) == (
        CaseStep.DONE,
        at,
        supervisor,
        "DNA swab matched",
    )
    with pytest.raises(InvalidChange, match="already done"):
        case_step_complete(case.case_id, CaseStep.PARENTAGE, seen_version=3, by=supervisor)
    assert AuditEntry.objects.filter(
        action="case.step_complete", target_id=f"{case.case_id}/PARENTAGE"
    ).exists()


def test_the_streamlined_track_is_recorded_and_merges_the_fitness_review(two_families, supervisor) -> None:
    case_open_for_separations()
    case = _case_of("P-C2")
    chosen = case_track_set(
        case.case_id,
        track=Case.STREAMLINED,
        reason="class member in ICE custody",
        seen_version=1,
        by=supervisor,
    )
    assert (chosen.track, chosen.track_chosen_by, chosen.track_reason) == (
        Case.STREAMLINED,
        supervisor,
        "class member in ICE custody",
    )
    assert chosen.track_chosen_at is not None
    fitness = case.steps.get(kind=CaseStep.FITNESS)
    assert fitness.status == CaseStep.NOT_APPLICABLE
    assert "background check" in fitness.guidance
    with pytest.raises(InvalidChange, match="not applicable on the streamlined track"):
        case_step_complete(case.case_id, CaseStep.FITNESS, seen_version=fitness.version, by=supervisor)


def test_a_stale_edit_is_refused_and_the_first_change_kept(two_families, make_user) -> None:
    case_open_for_separations()
    case = _case_of("P-C1")
    ana, ben = make_user("ana"), make_user("ben")
    seen = case.steps.get(kind=CaseStep.BACKGROUND).version
    case_step_update(
        case.case_id, CaseStep.BACKGROUND, seen_version=seen, by=ana, notes="FBI check requested"
    )
    with pytest.raises(StaleEdit) as refused:
        case_step_update(case.case_id, CaseStep.BACKGROUND, seen_version=seen, by=ben, notes="nothing to do")
    assert refused.value.changed_by == "ana"
    assert "changed by ana at" in str(refused.value)
    step = case.steps.get(kind=CaseStep.BACKGROUND)
    assert (step.notes, step.updated_by, step.version) == ("FBI check requested", ana, seen + 1)

    case_track_set(case.case_id, track=Case.STREAMLINED, reason="class member", seen_version=1, by=ana)
    with pytest.raises(StaleEdit, match=r"case .* was changed by ana"):
        case_track_set(case.case_id, track=Case.STANDARD, reason="not a class member", seen_version=1, by=ben)
    assert case_get(case.case_id).track == Case.STREAMLINED


def _choice(case_id: str, parent: str, choice: str, by, signed_on=dt.date(2018, 7, 3), **extra):
    evidence = {
        "form_id": "ICE-SPRF-2018-07",
        "form_name": "Separated Parent's Removal Form",
        "language": "Spanish",
        "interpreter": "K. Tzul (K'iche')",
        "witness": "J. Doe, ICE officer",
        "document_ref": "dms://forms/2018/0731",
    }
    evidence.update(extra)
    return case_parent_choice_record(
        case_id, parent_person_id=parent, choice=choice, signed_on=signed_on, by=by, **evidence
    )


def test_removal_without_the_child_needs_a_signed_decline(two_families, supervisor) -> None:
    case_open_for_separations()
    case_id = _case_of("P-C2").case_id
    removal_at = dt.datetime(2018, 7, 20, 9, 0, tzinfo=UTC)

    with pytest.raises(RemovalWithoutDecline, match="no choice of the parent is on file"):
        case_parent_removal_record(case_id, parent_person_id="P-M2", removed_at=removal_at, by=supervisor)
    _choice(case_id, "P-M2", "REUNIFY", supervisor)
    with pytest.raises(RemovalWithoutDecline, match="choice in force is REUNIFY"):
        case_parent_removal_record(case_id, parent_person_id="P-M2", removed_at=removal_at, by=supervisor)
    with pytest.raises(ConsentIncomplete, match="witness"):
        _choice(case_id, "P-M2", "DECLINE", supervisor, witness="")
    assert not ParentRemoval.objects.exists()

    decline = _choice(case_id, "P-M2", "DECLINE", supervisor, signed_on=dt.date(2018, 7, 25))
    with pytest.raises(RemovalWithoutDecline, match="signed on 2018-07-25, after the removal"):
        case_parent_removal_record(case_id, parent_person_id="P-M2", removed_at=removal_at, by=supervisor)
    later = dt.datetime(2018, 7, 26, 9, 0, tzinfo=UTC)
    removal = case_parent_removal_record(
        case_id, parent_person_id="P-M2", removed_at=later, by=supervisor, country="GT"
    )
    assert (removal.decline, removal.with_child, removal.recorded_by) == (decline, False, supervisor)

    # A removal together with the child needs no decline; the database refuses a bypass of the service.
    together = case_parent_removal_record(
        _case_of("P-C1").case_id, parent_person_id="P-M1", removed_at=later, by=supervisor, with_child=True
    )
    assert together.decline is None
    with pytest.raises(IntegrityError), transaction.atomic():
        ParentRemoval.objects.create(
            case=_case_of("P-C1"),
            parent_person_id="P-F1",
            removed_at=later,
            with_child=False,
            recorded_by=supervisor,
            recorded_at=later,
        )


def test_contacts_are_for_the_case_parents_only(two_families, supervisor) -> None:
    case_open_for_separations()
    case_id = _case_of("P-C1").case_id
    with pytest.raises(InvalidChange, match="not a parent on case"):
        case_contact_log(
            case_id,
            parent_person_id="P-M2",
            kind="PHONE",
            occurred_at=dt.datetime(2018, 7, 1, tzinfo=UTC),
            completed=True,
            by=supervisor,
        )
    contact = case_contact_log(
        case_id,
        parent_person_id="P-M1",
        kind="PHONE",
        occurred_at=dt.datetime(2018, 7, 1, 14, 0, tzinfo=UTC),
        completed=False,
        by=supervisor,
        notes="no answer at the detention center",
    )
    assert (contact.logged_by, contact.completed) == (supervisor, False)


def test_tasks_go_to_a_user_or_a_team(two_families, supervisor, make_user) -> None:
    case_open_for_separations()
    case_id = _case_of("P-C1").case_id
    carla = make_user("carla", role="caseworker", team="El Paso shelter")
    team = team_create("El Paso shelter", by=supervisor, members=[carla])
    with pytest.raises(InvalidChange, match="not both"):
        case_task_create(case_id, title="book a call", by=supervisor, assignee=carla, team=team)
    task = case_task_create(
        case_id, title="book a call", by=supervisor, team=team, due_at=dt.datetime(2018, 7, 5, tzinfo=UTC)
    )
    assert list(tasks_open_for_user(carla)) == [task]
    moved = case_task_update(task.pk, seen_version=1, by=supervisor, assignee=supervisor)
    assert (moved.assignee, moved.team, moved.version) == (supervisor, None, 2)
    with pytest.raises(StaleEdit):
        case_task_update(task.pk, seen_version=1, by=supervisor, status="DONE")
    assert list(tasks_open_for_user(carla)) == []


def test_caseworkers_change_only_cases_of_their_own_or_their_team(
    two_families, supervisor, make_user
) -> None:
    case_open_for_separations()
    case = _case_of("P-C1")
    carla = make_user("carla", role="caseworker", team="El Paso shelter")
    monitor = make_user("mona", role="court_monitor")
    with pytest.raises(Denied, match="assigned to neither"):
        case_step_start(case.case_id, CaseStep.PARENTAGE, seen_version=1, by=carla)
    with pytest.raises(Denied):
        case_flag_raise(case.case_id, kind="X", text="y", by=monitor)
    team = team_create("El Paso shelter", by=supervisor)
    case_assign(case.case_id, seen_version=1, by=supervisor, team=team)
    step = case_step_start(case.case_id, CaseStep.PARENTAGE, seen_version=1, by=carla)
    assert step.owner == carla
    with pytest.raises(Denied):
        case_assign(case.case_id, seen_version=2, by=carla, assignee=carla)


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_at_the_same_moment_one_wins(two_families, make_user) -> None:
    """Both read version 1 and save at once: exactly one change lands, the other gets StaleEdit."""
    import threading

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip(
            "the in-memory SQLite test database (shared cache) fails a second writer with 'table is locked'"
        )
    case_open_for_separations()
    case_id = _case_of("P-C1").case_id
    editors = [make_user("ana"), make_user("ben")]
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(user) -> None:
        try:
            barrier.wait()
            case_step_update(
                case_id, CaseStep.INTERVIEW, seen_version=1, by=user, notes=f"by {user.username}"
            )
            outcomes[user.username] = "saved"
        except StaleEdit as exc:
            outcomes[user.username] = f"stale: {exc.changed_by}"
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(user,)) for user in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    loser = next(name for name in outcomes if name != winner)
    assert outcomes[loser] == f"stale: {winner}"
    step = _case_of("P-C1").steps.get(kind=CaseStep.INTERVIEW)
    assert (step.notes, step.version) == (f"by {winner}", 2)
