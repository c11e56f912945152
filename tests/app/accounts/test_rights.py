"""Nobody raises their own rights; only administrators manage users; nobody gives what they lack."""

from __future__ import annotations

import pytest

from reunify.app.accounts import policy
from reunify.app.accounts.models import AccessProfile, SensitiveGrant
from reunify.app.accounts.services import AccountError, user_create, user_grant, user_revoke, user_role_assign
from reunify.app.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_an_administrator_cannot_change_their_own_role_or_grants(make_user) -> None:
    admin = make_user("administrator", grants=())
    with pytest.raises(AccountError, match="nobody may change their own role or grants"):
        user_role_assign(admin, admin, "supervisor")
    with pytest.raises(AccountError, match="their own"):
        user_grant(admin, admin, "dna")
    assert AccessProfile.objects.get(user=admin).role == "administrator"
    assert not SensitiveGrant.objects.filter(user=admin).exists()


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "auditor", "matcher"])
def test_no_other_role_can_elevate_itself_or_anyone(role: str, make_user) -> None:
    user = make_user(role, grants=())
    other = make_user("caseworker", "someone.else", grants=())
    with pytest.raises(AccountError):
        user_role_assign(user, user, "administrator")
    with pytest.raises(policy.Denied, match=r"does not include user\.manage"):
        user_role_assign(user, other, "supervisor", team="x")
    with pytest.raises(policy.Denied):
        user_create(user, "sock.puppet", "x" * 16, "administrator", validate=False)
    assert AccessProfile.objects.get(user=user).role == role


def test_a_granter_cannot_give_a_grant_they_do_not_hold(make_user) -> None:
    admin = make_user("administrator", grants=("dna",))
    worker = make_user("caseworker", grants=())
    user_grant(admin, worker, "dna", reason="verifies parentage")
    with pytest.raises(AccountError, match="does not hold the grant 'trafficking'"):
        user_grant(admin, worker, "trafficking")
    policy.forget_access(worker)
    assert policy.allows(worker, "person.view_sensitive.dna")
    assert not policy.allows(worker, "person.view_sensitive.trafficking")


def test_a_grant_the_role_cannot_use_is_refused(make_user) -> None:
    admin = make_user("administrator")
    court = make_user("court_monitor")
    with pytest.raises(AccountError, match="the role court_monitor cannot use the grant 'dna'"):
        user_grant(admin, court, "dna")


def test_a_role_change_withdraws_grants_the_new_role_cannot_use(make_user) -> None:
    admin = make_user("administrator")
    worker = make_user("caseworker")
    assert set(SensitiveGrant.objects.filter(user=worker).values_list("category", flat=True)) == set(
        policy.SENSITIVE_CATEGORIES
    )
    user_role_assign(admin, worker, "state_monitor", state="az")
    assert list(SensitiveGrant.objects.filter(user=worker).values_list("category", flat=True)) == [
        "child_location"
    ]
    assert AccessProfile.objects.get(user=worker).state == "AZ"


def test_an_administrator_manages_others_and_every_change_is_audited(make_user) -> None:
    admin = make_user("administrator")
    matcher = make_user("matcher", grants=())
    user_role_assign(admin, matcher, "supervisor", team="yuma")
    user_grant(admin, matcher, "trafficking", reason="case load")
    user_revoke(admin, matcher, "trafficking", reason="moved team")
    actions = list(AuditEntry.objects.filter(target_id=matcher.username).values_list("actor", "action"))
    assert actions[-3:] == [
        (admin.username, "user.role_assign"),
        (admin.username, "user.grant"),
        (admin.username, "user.revoke"),
    ]


def test_scopes_are_required_where_the_role_is_scoped() -> None:
    with pytest.raises(AccountError, match="needs an agency"):
        user_create(None, "officer", "x" * 16, "data_officer", validate=False)
    with pytest.raises(AccountError, match="2-letter US state"):
        user_create(None, "monitor", "x" * 16, "state_monitor", validate=False)
    with pytest.raises(AccountError, match="unknown role"):
        user_create(None, "wizard", "x" * 16, "wizard", validate=False)
