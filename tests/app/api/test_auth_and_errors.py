"""Tokens, the OpenAPI description and the error shape: no scenario needed, so these run in the fast suite."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client
from django.utils import timezone

from reunify.app.api.models import ApiToken
from reunify.app.api.services import TokenError, api_token_issue, api_token_revoke, token_hash
from reunify.app.audit.models import AuditEntry
from reunify.cli import main

from .conftest import Api, assert_error

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_its_hash_and_shown_once(make_api: Any) -> None:
    user, _ = make_api("matcher")
    issued = api_token_issue(None, user, "ngo-sync", days=30)
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret.startswith("rnf_") and len(issued.secret) > 40
    assert stored.token_hash == token_hash(issued.secret) != issued.secret
    assert issued.secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert stored.expires_at - stored.created_at == dt.timedelta(days=30)
    assert AuditEntry.objects.filter(action="api.token_issue", target_id=str(stored.pk)).exists()


def test_missing_wrong_revoked_and_expired_tokens_are_refused_with_401(make_api: Any) -> None:
    user, api = make_api("matcher")
    assert api.get("/api/me")[0] == 200

    error = assert_error(*Api(None).get("/api/me"), 401, "token_missing")
    assert "Bearer" in error["message"]
    assert_error(*Api("rnf_not-a-real-token").get("/api/me"), 401, "token_invalid")
    basic = Client().get("/api/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401 and basic["WWW-Authenticate"].startswith("Bearer")
    assert basic.json()["error"]["code"] == "token_invalid"

    revoked = api_token_issue(None, user, "old system")
    assert api_token_revoke(None, revoked.token, reason="system retired")
    error = assert_error(*Api(revoked.secret).get("/api/me"), 401, "token_revoked")
    assert "revoked" in error["message"]

    expired = api_token_issue(None, user, "short-lived", days=1)
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert_error(*Api(expired.secret).get("/api/me"), 401, "token_expired")

    user.is_active = False
    user.save()
    assert_error(*api.get("/api/me"), 401, "account_disabled")


def test_me_names_the_user_role_scope_grants_and_allowed_actions(make_api: Any) -> None:
    _, api = make_api("state_monitor", "tx.monitor", state="TX")
    status, body = api.get("/api/me")
    assert status == 200
    assert (body["username"], body["role"], body["state"]) == ("tx.monitor", "state_monitor", "TX")
    assert body["grants"] == ["child_location"]
    assert "api.use" in body["actions"] and "review.decide" not in body["actions"]
    assert body["token"]["name"] == "tests" and "token_hash" not in body["token"]
    ApiToken.objects.update(last_used_at=None)
    api.get("/api/me")
    assert ApiToken.objects.get().last_used_at is not None


def test_a_role_without_api_use_is_refused_with_the_policys_reason(make_api: Any) -> None:
    user, _ = make_api("auditor")
    with pytest.raises(TokenError, match="may not use the API"):
        api_token_issue(None, user, "audit export")
    # A token issued while the role allowed it stops working once the role changes.
    from reunify.app.accounts.services import user_role_assign

    other, _ = make_api("matcher")
    issued = api_token_issue(None, other, "matcher's script")
    user_role_assign(None, other, "auditor")
    error = assert_error(*Api(issued.secret).get("/api/me"), 403, "forbidden")
    assert "api.use" in error["message"]


def test_nobody_issues_a_token_for_someone_else(make_api: Any) -> None:
    admin, _ = make_api("administrator")
    target, _ = make_api("caseworker")
    with pytest.raises(TokenError, match="nobody issues one for someone else"):
        api_token_issue(admin, target, "impersonation")
    assert api_token_issue(target, target, "my own script").token.created_by == target.get_username()


def test_the_openapi_description_lists_every_route_and_is_served_without_a_token() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    expected = {
        ("/api/me", "get"),
        ("/api/persons", "get"),
        ("/api/persons/{person_id}", "get"),
        ("/api/persons/{person_id}/custody", "get"),
        ("/api/ties", "get"),
        ("/api/ties/{parent}/{child}", "get"),
        ("/api/separations", "get"),
        ("/api/separations/{child}/{parent}", "get"),
        ("/api/review/persons", "get"),
        ("/api/review/persons", "post"),
        ("/api/review/ties", "get"),
        ("/api/review/ties", "post"),
        ("/api/cases", "get"),
        ("/api/cases/{case_id}", "get"),
        ("/api/cases/{case_id}/steps/{kind}/complete", "post"),
        ("/api/cases/{case_id}/contacts", "post"),
        ("/api/cases/{case_id}/choices", "post"),
        ("/api/cases/{case_id}/removals", "post"),
        ("/api/reports/status", "get"),
    }
    assert {(p, m) for p, ops in paths.items() for m in ops} == expected
    for path, method in expected:
        operation = paths[path][method]
        assert operation["security"] == [{"TokenAuth": []}], path
        assert {"401", "403", "422"} <= set(operation["responses"]), path
    assert "bearer" in json.dumps(schema["components"]["securitySchemes"]).lower()
    # Every route the URL configuration serves under /api/ is in the description: none undocumented.
    from reunify.app.api.urls import urlpatterns

    served = {
        "/api/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p.pattern)).rstrip("/")
        for p in urlpatterns
        if p.name not in {"openapi-json", "openapi-view", "api-root", "not_found"}
    }
    assert served == set(paths)
    assert Client().get("/api/docs").status_code == 200


def test_unknown_routes_and_methods_answer_in_the_error_shape(make_api: Any) -> None:
    _, api = make_api("matcher")
    error = assert_error(*api.get("/api/nothing/here"), 404, "no_route")
    assert "/api/nothing/here" in error["message"]
    assert_error(*Api(None).get("/api/persons/"), 404)
    response = api.client.delete("/api/persons", headers=api.headers)
    assert response.status_code == 405 and "GET" in response["Allow"]
    assert_error(response.status_code, response.json(), 405, "method_not_allowed")


def test_validation_errors_name_the_field_and_malformed_bodies_are_400(make_api: Any) -> None:
    _, api = make_api("matcher")
    error = assert_error(*api.get("/api/persons", limit=1000), 422, "invalid")
    assert error["field"] == "limit"
    assert assert_error(*api.get("/api/persons", offset=-1), 422)["field"] == "offset"
    assert assert_error(*api.get("/api/persons", limit="many"), 422)["field"] == "limit"
    assert assert_error(*api.get("/api/ties", status="MAYBE"), 422)["field"] == "status"

    assert_error(*api.post("/api/review/ties", None, raw="{not json"), 400, "malformed_request")
    error = assert_error(
        *api.post("/api/review/ties", {"parent": "P1", "child": "P2", "decision": "confirm"}), 422
    )
    assert error["field"] == "reason"
    error = assert_error(
        *api.post("/api/review/ties", {"parent": "P1", "child": "P2", "decision": "perhaps", "reason": "x"}),
        422,
    )
    assert error["field"] == "decision"
    error = assert_error(
        *api.post(
            "/api/review/ties", {"parent": "P1", "child": "P2", "decision": "confirm", "reason": "   "}
        ),
        422,
    )
    assert error["field"] == "reason"


def test_unknown_ids_are_404_and_refusals_403_with_the_policys_message(make_api: Any) -> None:
    _, matcher = make_api("matcher")
    error = assert_error(*matcher.get("/api/persons/P99999999"), 404, "not_found")
    assert "P99999999" in error["message"]
    assert_error(*matcher.get("/api/ties/P99999998/P99999999"), 404)
    assert_error(
        *matcher.post(
            "/api/review/ties", {"parent": "P1", "child": "P2", "decision": "confirm", "reason": "seen"}
        ),
        404,
    )
    error = assert_error(*matcher.get("/api/cases"), 403, "forbidden")
    assert (
        error["message"]
        == "matcher.1 may not case.view_status: the role matcher does not include case.view_status"
    )
    error = assert_error(*matcher.get("/api/reports/status", as_of="2018-07-26"), 403)
    assert "report.status" in error["message"]

    _, court = make_api("court_monitor")
    assert "person.view" in assert_error(*court.get("/api/persons"), 403)["message"]
    assert_error(*court.get("/api/ties"), 403)
    assert_error(*court.get("/api/separations"), 403)
    assert_error(*court.get("/api/review/ties"), 403)
    assert assert_error(*court.get("/api/reports/status", as_of="2018-02-30"), 422)["field"] == "as_of"

    _, monitor = make_api("state_monitor")
    assert "review.view" in assert_error(*monitor.get("/api/review/persons"), 403)["message"]
    unknown_pair = {
        "record_key_a": "cbp:a",
        "record_key_b": "cbp:b",
        "decision": "same",
        "reason": "same A-number",
    }
    # a role that may not decide is refused before any look-up, so it cannot probe which records exist
    error = assert_error(*monitor.post("/api/review/persons", unknown_pair), 403)
    assert "review.decide" in error["message"]
    error = assert_error(*matcher.post("/api/review/persons", unknown_pair), 404)
    assert "no such record" in error["message"]

    _, officer = make_api("data_officer")
    assert_error(*officer.get("/api/persons", q="lopez"), 403)


def test_token_commands_issue_list_and_revoke(make_api: Any) -> None:
    make_api("caseworker", "cw")
    runner = CliRunner()
    issued = runner.invoke(main, ["api", "token", "issue", "cw", "--name", "shelter-sync", "--json"])
    assert issued.exit_code == 0, issued.output
    token = json.loads(issued.stdout)
    assert Api(token["token"]).get("/api/me")[1]["username"] == "cw"

    listed = runner.invoke(main, ["api", "token", "list", "--user", "cw", "--json"])
    rows = json.loads(listed.stdout)
    assert [r["name"] for r in rows] == ["tests", "shelter-sync"]
    assert token["token"] not in listed.stdout

    prefix = next(r["prefix"] for r in rows if r["name"] == "shelter-sync")
    revoked = runner.invoke(main, ["api", "token", "revoke", prefix, "--reason", "laptop lost"])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert_error(*Api(token["token"]).get("/api/me"), 401, "token_revoked")

    refused = runner.invoke(main, ["api", "token", "issue", "nobody", "--name", "x"])
    assert refused.exit_code != 0 and "no user 'nobody'" in refused.output
