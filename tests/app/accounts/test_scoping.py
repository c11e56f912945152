"""Scoping: a state monitor sees only persons with custody in their state; a data officer, only their feeds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reunify.app.accounts import policy
from reunify.app.people.models import LinkRun, Person, PersonRecord, Tie
from reunify.app.records.models import Delivery, Record

pytestmark = pytest.mark.django_db


def _delivery(feed: str) -> Delivery:
    return Delivery.objects.create(
        file_name=f"{feed}_20180601.csv",
        feed=feed,
        delivery_date=dt.date(2018, 6, 1),
        sha256="0" * 64,
        size_bytes=1,
        source_path="/dev/null",
    )


def _person(public_id: str, run: LinkRun, delivery: Delivery, fields: dict) -> Person:
    person = Person.objects.create(public_id=public_id, created_run=run)
    record = Record.objects.create(
        record_key=f"{delivery.feed}:{public_id}",
        feed=delivery.feed,
        record_id=public_id,
        delivery=delivery,
        delivery_date=delivery.delivery_date,
        line=1,
        content_hash="x",
        raw={},
        fields=fields,
    )
    PersonRecord.objects.create(record=record, person=person, run=run)
    return person


@pytest.fixture
def people() -> dict[str, Person]:
    run = LinkRun.objects.create(started_at=timezone.now())
    cbp, ice, orr = _delivery("cbp_apprehensions"), _delivery("ice_detentions"), _delivery("orr_referrals")
    persons = {
        "tx_parent": _person("P1", run, cbp, {"state": "TX"}),
        "az_parent": _person("P2", run, ice, {"facility_state": "AZ"}),
        "tx_child": _person(
            "P3", run, orr, {"placements": [{"program_state": "AZ"}, {"program_state": "TX"}]}
        ),
        "ny_child": _person("P4", run, orr, {"placements": [{"program_state": "NY"}]}),
    }
    Tie.objects.create(
        run=run,
        parent=persons["az_parent"],
        child=persons["ny_child"],
        relationship="MOTHER",
        status=Tie.CONFIRMED,
        probability=1.0,
    )
    return persons


def test_a_state_monitor_lists_and_opens_only_persons_in_their_state(make_user, people) -> None:
    monitor = make_user("state_monitor", state="TX")
    visible = set(policy.scope_persons(monitor, Person.objects.all()).values_list("public_id", flat=True))
    assert visible == {"P1", "P3"}
    assert policy.allows(monitor, "person.view", people["tx_child"])
    with pytest.raises(policy.Denied, match="concerns nobody with custody in TX"):
        policy.require(monitor, "person.view", people["az_parent"])
    ties = policy.scope_by_persons(monitor, Tie.objects.all(), "parent", "child")
    assert ties.count() == 0
    other = make_user("state_monitor", "ny.monitor", state="NY")
    assert policy.scope_by_persons(other, Tie.objects.all(), "parent", "child").count() == 1


def test_counts_match_lists_for_every_role(make_user, people) -> None:
    for role in policy.ROLES:
        user = make_user(role, f"{role}.counts")
        persons = policy.scope_persons(user, Person.objects.all())
        assert persons.count() == len(list(persons))
        for person in persons:
            assert policy.allows(user, "person.view", person), (role, person)


def test_a_data_officer_sees_only_their_agency(make_user, people) -> None:
    officer = make_user("data_officer", agency="ice")
    feeds = set(policy.scope_feeds(officer, Delivery.objects.all()).values_list("feed", flat=True))
    assert feeds == {"ice_detentions"}
    orr = Delivery.objects.get(feed="orr_referrals")
    with pytest.raises(policy.Denied, match="belongs to another agency than ice"):
        policy.require(officer, "quarantine.view", orr)
    assert policy.scope(officer, "person.view", Person.objects.all(), "pk").count() == 0


def test_a_caseworker_changes_only_cases_of_their_own_or_their_team(make_user) -> None:
    worker = make_user("caseworker", team="el-paso")

    class Case:
        def __init__(self, user_ids: list[int], teams: list[str]) -> None:
            self.assignment = (user_ids, teams)

        def policy_assignment(self) -> tuple[list[int], list[str]]:
            return self.assignment

    assert policy.allows(worker, "case.step_complete", Case([worker.pk], []))
    assert policy.allows(worker, "case.contact_log", Case([], ["el-paso"]))
    assert policy.allows(worker, "case.view", Case([], ["yuma"]))
    with pytest.raises(policy.Denied, match="assigned to neither this user nor their team"):
        policy.require(worker, "case.edit", Case([], ["yuma"]))
    supervisor = make_user("supervisor", team="yuma-sup")
    assert policy.allows(supervisor, "case.edit", Case([], ["el-paso"]))


def test_the_state_hook_can_be_replaced_by_a_stored_index(make_user, people) -> None:
    monitor = make_user("state_monitor", state="TX")
    policy.set_state_scope(lambda persons, states: persons.filter(public_id="P4"))
    try:
        assert list(
            policy.scope_persons(monitor, Person.objects.all()).values_list("public_id", flat=True)
        ) == ["P4"]
    finally:
        policy.set_state_scope(None)
