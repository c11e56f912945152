"""Users of real roles with real tokens, a client that speaks to /api/, and a linked scenario for the data tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from reunify.app.accounts import policy
from reunify.app.accounts.services import user_create
from reunify.app.api.services import api_token_issue

SCOPES: dict[str, dict[str, str]] = {
    "data_officer": {"agency": "orr"},
    "state_monitor": {"state": "TX"},
    "caseworker": {"team": "el-paso"},
    "supervisor": {"team": "el-paso"},
}


def eligible_grants(role: str) -> tuple[str, ...]:
    return tuple(c for a, c in policy.SENSITIVE_ACTIONS.items() if a in policy.ROLE_ACTIONS[role])


class Api:
    """The test client with a bearer token: ``api.get("/api/persons", limit=5)`` -> (status, JSON)."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any) -> tuple[int, Any]:
        response = self.client.get(path, params, headers=self.headers)
        return response.status_code, response.json()

    def post(self, path: str, body: Any, *, raw: str | None = None) -> tuple[int, Any]:
        response = self.client.post(
            path, raw if raw is not None else body, content_type="application/json", headers=self.headers
        )
        return response.status_code, response.json()


@pytest.fixture
def make_api(db: Any) -> Callable[..., tuple[Any, Api]]:
    """A user of ``role`` (every grant the role can use unless ``grants`` says otherwise) and their API client."""
    made: dict[str, int] = {}

    def make(role: str, username: str | None = None, *, grants: tuple[str, ...] | None = None, **scope: str):
        made[role] = made.get(role, 0) + 1
        name = username or f"{role}.{made[role]}"
        user = user_create(
            None,
            name,
            "correct horse battery staple",
            role,
            grants=eligible_grants(role) if grants is None else grants,
            validate=False,
            **{**SCOPES.get(role, {}), **scope},
        )
        token = api_token_issue(None, user, "tests").secret if policy.allows(user, "api.use") else None
        return user, Api(token)

    return make


def assert_error(status: int, body: Any, expected_status: int, code: str | None = None) -> dict[str, Any]:
    """The one error shape, with the expected status (and code); returns the error for further checks."""
    assert status == expected_status, body
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"status", "code", "message", "field"}
    assert error["status"] == expected_status and error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error


@pytest.fixture(scope="module")
def linked_scenario(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Path]:
    """A small synthetic scenario through the real pipeline: ingest, link, search index, separations, cases.

    Built once for the module of slow tests (each test then runs in a transaction that is rolled back) and
    erased afterwards, so tests elsewhere start from an empty database.
    """
    from django.core.management import call_command

    from reunify.app.cases.services import case_open_for_separations
    from reunify.app.custody.services import separations_rebuild
    from reunify.app.people.services import persons_link
    from reunify.app.records.services import ingest_paths
    from reunify.app.search.services import search_index_rebuild
    from reunify.synth import generate_scenario

    scenario = tmp_path_factory.mktemp("api") / "scenario"
    generate_scenario(scenario, families=40, seed=2018)
    with django_db_blocker.unblock():
        ingest_paths([scenario])
        persons_link()
        search_index_rebuild()
        separations_rebuild()
        case_open_for_separations()
        try:
            yield scenario
        finally:
            call_command("flush", interactive=False, verbosity=0)
