"""The access matrix as data: every role against every action has a written expectation.

A new action (or role) without a row (or column) here fails the first test,
so nobody adds an action without deciding who may do it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from reunify.app.accounts import policy
from tests.app.accounts.conftest import eligible_grants

ROLES = [
    "data_officer",
    "matcher",
    "caseworker",
    "supervisor",
    "state_monitor",
    "court_monitor",
    "auditor",
    "administrator",
]
# Columns in the order of ROLES:     DO  MA  CW  SU  SM  CM  AU  AD
MATRIX = """
person.view                          .   Y   Y   Y   Y   .   .   .
person.view_child                    .   Y   Y   Y   Y   .   .   .
person.view_sensitive.dna            .   Y   Y   Y   .   .   .   .
person.view_sensitive.trafficking    .   .   Y   Y   .   .   .   .
person.view_sensitive.protected_status .  .  Y   Y   .   .   .   .
person.view_sensitive.child_location .   .   Y   Y   Y   .   .   .
search.run                           .   Y   Y   Y   Y   .   .   .
case.view                            .   .   Y   Y   Y   .   .   .
case.view_status                     .   .   Y   Y   Y   Y   .   .
case.edit                            .   .   Y   Y   .   .   .   .
case.step_complete                   .   .   Y   Y   .   .   .   .
case.contact_log                     .   .   Y   Y   .   .   .   .
case.choice_record                   .   .   Y   Y   .   .   .   .
case.assign                          .   .   .   Y   .   .   .   .
review.view                          .   Y   Y   Y   .   .   .   .
review.decide                        .   Y   .   Y   .   .   .   .
quarantine.view                      Y   .   .   Y   .   .   .   .
delivery.view                        Y   .   .   Y   .   .   .   .
report.status                        .   .   Y   Y   Y   Y   .   .
separation.view                      .   Y   Y   Y   Y   .   .   .
audit.view                           .   .   .   .   .   .   Y   Y
export.run                           Y   Y   .   Y   Y   .   Y   .
user.manage                          .   .   .   .   .   .   .   Y
api.use                              Y   Y   Y   Y   Y   Y   .   .
"""
EXPECTED: dict[tuple[str, str], bool] = {}
for line in MATRIX.strip().splitlines():
    action, *marks = line.split()
    assert len(marks) == len(ROLES), line
    for role, mark in zip(ROLES, marks, strict=True):
        EXPECTED[(role, action)] = mark == "Y"


def test_every_role_and_action_has_a_decision_in_this_table() -> None:
    assert list(policy.ROLES) == ROLES
    declared = {(r, a) for r in policy.ROLES for a in policy.ACTIONS}
    assert declared - set(EXPECTED) == set(), "decide these in MATRIX"
    assert set(EXPECTED) - declared == set(), "these are in MATRIX but not in the policy"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_policy_decides_exactly_as_the_table_says(role: str, make_user) -> None:
    user = make_user(role)  # holding every grant the role can use
    decided = {action: policy.allows(user, action) for action in policy.ACTIONS}
    expected = {action: EXPECTED[(role, action)] for action in policy.ACTIONS}
    assert decided == expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_role_sees_a_sensitive_category_without_its_own_grant(role: str, make_user) -> None:
    user = make_user(role, grants=())
    for action in policy.SENSITIVE_ACTIONS:
        assert not policy.allows(user, action)
        with pytest.raises(policy.Denied, match=r"personal grant|does not include"):
            policy.require(user, action)


@pytest.mark.django_db
def test_nobody_without_a_profile_may_do_anything(django_user_model) -> None:
    superuser = django_user_model.objects.create_superuser("root", password="x" * 16)
    for action in policy.ACTIONS:
        assert not policy.allows(superuser, action), action
        assert not policy.allows(AnonymousUser(), action), action
    with pytest.raises(policy.Denied, match=r"root may not audit\.view: the account has no role"):
        policy.require(superuser, "audit.view")


@pytest.mark.django_db
def test_exports_are_open_by_name(make_user) -> None:
    auditor = make_user("auditor")
    assert policy.allows(auditor, "export.run", "audit")
    with pytest.raises(policy.Denied, match="the export 'persons' is not open to the role auditor"):
        policy.require(auditor, "export.run", "persons")
    officer = make_user("data_officer")
    assert policy.allows(officer, "export.run", "quarantine")
    assert not policy.allows(officer, "export.run", "separations")


def test_an_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown action"):
        policy.allows(AnonymousUser(), "person.veiw")


def test_every_role_can_hold_only_grants_its_row_opens() -> None:
    assert eligible_grants("court_monitor") == ()
    assert eligible_grants("state_monitor") == ("child_location",)
    assert set(policy.SENSITIVE_ACTIONS) <= set(policy.ACTIONS)
    for role in policy.ROLES:
        assert policy.EXPORTS_BY_ROLE[role] == frozenset() or "export.run" in policy.ROLE_ACTIONS[role]
