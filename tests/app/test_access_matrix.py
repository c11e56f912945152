"""Every page and every API endpoint against every role: allowed or refused exactly as written here.

The expectation tables below are written out by hand, route by route, from
what each role is for (docs/access.md), not computed from the policy module:
a test that derived them from ``ROLE_ACTIONS`` would agree with any mistake
made there. The routes themselves are enumerated from Django's URL resolver
and from ``/api/openapi.json``, so a new page or endpoint without a line in
these tables fails ``test_the_tables_name_every_route_and_nothing_else``
until someone decides who may use it.

What "allowed" and "refused" mean here:

- refused: 403 for a signed-in user (the policy said no); 401 from the API
  without a usable token; a redirect to sign-in for an anonymous page visit.
- allowed: anything else below 500 (200, a redirect after a write, 400 or 422
  for the deliberately incomplete form or body, 404 or 409 from the service
  after the policy let the request through). A 5xx fails the test.

Writes are sent with an empty form (pages) or a minimal body valid for the
schema (API), so an allowed role gets through the policy and is stopped by
validation or by the service; each test runs in a transaction rolled back
afterwards.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from reunify.app.accounts import policy

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROLES: tuple[str, ...] = (
    "data_officer",
    "matcher",
    "caseworker",
    "supervisor",
    "state_monitor",
    "court_monitor",
    "auditor",
    "administrator",
)
ANONYMOUS = "anonymous"
#: Public routes: anyone, signed in or not, gets through (and is never refused).
PUBLIC = "public"

# Groups spelt out once, to keep the tables readable; each is a list of roles, not a policy action.
EVERY_ROLE = frozenset(ROLES)
NOBODY: frozenset[str] = frozenset()
PERSON_READERS = frozenset({"matcher", "caseworker", "supervisor", "state_monitor"})
CASE_STATUS_READERS = frozenset({"caseworker", "supervisor", "state_monitor", "court_monitor"})
CASE_READERS = frozenset({"caseworker", "supervisor", "state_monitor"})
CASE_WORKERS = frozenset({"caseworker", "supervisor"})
REVIEW_READERS = frozenset({"matcher", "caseworker", "supervisor"})
REVIEW_DECIDERS = frozenset({"matcher", "supervisor"})
DATA_OFFICE = frozenset({"data_officer", "supervisor"})
REPORT_READERS = frozenset({"caseworker", "supervisor", "state_monitor", "court_monitor"})
SEPARATION_READERS = frozenset({"matcher", "caseworker", "supervisor", "state_monitor"})
AUDIT_READERS = frozenset({"auditor", "administrator"})
API_USERS = frozenset(ROLES) - {"auditor", "administrator"}

# Pages: route pattern -> (method tested, roles allowed or PUBLIC). Anonymous is sent to sign-in unless PUBLIC.
PAGES: dict[str, tuple[str, frozenset[str] | str]] = {
    "healthz": ("GET", PUBLIC),
    "i18n/setlang/": ("POST", PUBLIC),
    "accounts/sign-in/": ("GET", PUBLIC),
    "accounts/sign-in/code/": ("GET", PUBLIC),
    "accounts/sign-out/": ("POST", PUBLIC),
    "accounts/second-factor/": ("GET", EVERY_ROLE),
    "accounts/users/": ("GET", frozenset({"administrator"})),
    "audit/": ("GET", AUDIT_READERS),
    # The API's own pages: its description is public, its catch-all answers a JSON 404 to anyone.
    "api/openapi.json": ("GET", PUBLIC),
    "api/docs": ("GET", PUBLIC),
    "api/": ("GET", PUBLIC),
    "api/^.*$": ("GET", PUBLIC),
    "": ("GET", EVERY_ROLE),
    "search/": ("GET", PERSON_READERS),
    "persons/<str:public_id>/": ("GET", PERSON_READERS),
    "persons/<str:public_id>/links/": ("GET", PERSON_READERS),
    "review/": ("GET", REVIEW_READERS),
    "review/ties/decide/": ("POST", REVIEW_DECIDERS),
    "review/persons/decide/": ("POST", REVIEW_DECIDERS),
    "data/deliveries/": ("GET", DATA_OFFICE),
    "data/quarantine/": ("GET", DATA_OFFICE),
    "separations/": ("GET", SEPARATION_READERS),
    "reports/status/": ("GET", REPORT_READERS),
    # The CSV is an export (``status_report``): only report readers whose role may write exports. The court
    # monitor reads the same figures on the page and through the API, but holds no export right.
    "reports/status/csv/": ("GET", frozenset({"supervisor", "state_monitor"})),
    "cases/": ("GET", CASE_STATUS_READERS),
    "cases/<str:case_id>/": ("GET", CASE_STATUS_READERS),
    "cases/<str:case_id>/steps/<str:kind>/start/": ("POST", CASE_WORKERS),
    "cases/<str:case_id>/steps/<str:kind>/complete/": ("POST", CASE_WORKERS),
    "cases/<str:case_id>/steps/<str:kind>/": ("POST", CASE_WORKERS),
    "cases/<str:case_id>/flags/": ("POST", CASE_WORKERS),
    "cases/<str:case_id>/flags/<int:flag_id>/resolve/": ("POST", CASE_WORKERS),
    "cases/<str:case_id>/track/": ("POST", CASE_WORKERS),
    "cases/<str:case_id>/review/": ("POST", CASE_WORKERS),
    "cases/<str:case_id>/assignment/": ("POST", frozenset({"supervisor"})),
    "cases/<str:case_id>/contacts/": ("POST", CASE_WORKERS),
    "cases/<str:case_id>/choices/": ("POST", CASE_WORKERS),
    "cases/<str:case_id>/removals/": ("POST", CASE_WORKERS),
    "cases/<str:case_id>/tasks/": ("POST", CASE_WORKERS),
    "cases/<str:case_id>/tasks/<int:task_id>/": ("POST", CASE_WORKERS),
}

# API: "METHOD /api/path" as /api/openapi.json writes it -> roles allowed. Anonymous always gets 401.
API: dict[str, frozenset[str]] = {
    "GET /api/me": API_USERS,
    "GET /api/persons": PERSON_READERS,
    "GET /api/persons/{person_id}": PERSON_READERS,
    "GET /api/persons/{person_id}/custody": PERSON_READERS,
    "GET /api/ties": PERSON_READERS,
    "GET /api/ties/{parent}/{child}": PERSON_READERS,
    "GET /api/separations": SEPARATION_READERS,
    "GET /api/separations/{child}/{parent}": SEPARATION_READERS,
    "GET /api/review/persons": REVIEW_READERS,
    "POST /api/review/persons": REVIEW_DECIDERS,
    "GET /api/review/ties": REVIEW_READERS,
    "POST /api/review/ties": REVIEW_DECIDERS,
    "GET /api/cases": CASE_STATUS_READERS,
    "GET /api/cases/{case_id}": CASE_STATUS_READERS,
    "POST /api/cases/{case_id}/steps/{kind}/complete": CASE_WORKERS,
    "POST /api/cases/{case_id}/contacts": CASE_WORKERS,
    "POST /api/cases/{case_id}/choices": CASE_WORKERS,
    "POST /api/cases/{case_id}/removals": CASE_WORKERS,
    "GET /api/reports/status": REPORT_READERS,
}


# --------------------------------------------------------------------------- the world


@dataclass
class Matrix:
    """Signed-in clients and API tokens of one user per role, and real objects to put in the URLs."""

    pages: dict[str, Client]
    tokens: dict[str, str]
    samples: dict[str, str]


@pytest.fixture(scope="module")
def matrix(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Matrix]:
    """40 families through the real pipeline, the demo users and team, and one case all of them can reach.

    The sample case is worked by the demo team and concerns a child held in the
    state monitor's state, so every role the tables allow is allowed on it.
    """
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from reunify.app.accounts.services import user_role_assign
    from reunify.app.api.services import api_token_issue
    from reunify.app.cases.models import Case
    from reunify.app.cases.services import case_flag_raise, case_task_create
    from reunify.app.demo import DEMO_TEAM, demo_people
    from reunify.app.people.models import PersonReview
    from reunify.app.people.services import persons_link
    from reunify.app.pipeline import derived_rebuild
    from reunify.app.records.models import Record
    from reunify.app.records.services import ingest_paths
    from reunify.synth import generate_scenario

    scenario: Path = tmp_path_factory.mktemp("matrix") / "scenario"
    generate_scenario(scenario, families=40, seed=2018)
    with django_db_blocker.unblock():
        try:
            ingest_paths([scenario])
            persons_link()
            derived_rebuild()
            demo_people("correct horse battery staple")
            users = {role: get_user_model().objects.get(username=_username(role)) for role in ROLES}
            case = next(
                (
                    c
                    for c in Case.objects.filter(team__name=DEMO_TEAM).order_by("case_id")
                    if policy.allows(users["state_monitor"], "case.view", c)
                    and c.parents.exists()
                    and c.child is not None
                ),
                None,
            )
            assert case is not None, "no demo-team case concerns a child in the state monitor's state"
            parent = case.parents.order_by("parent_person_id").first()
            # A pair the model was unsure about, or else the records of the child and parent: real keys either
            # way, so a refusal is the policy's and not a lookup's.
            pair = PersonReview.objects.filter(status=PersonReview.OPEN).order_by("id").first()
            keys = (
                (pair.record_key_a, pair.record_key_b)
                if pair
                else tuple(
                    Record.objects.filter(person_link__person__public_id=public_id)
                    .order_by("record_key")
                    .values_list("record_key", flat=True)[0]
                    for public_id in (case.child_person_id, parent.parent_person_id)
                )
            )
            supervisor = users["supervisor"]
            flag = case_flag_raise(case.case_id, kind="CONCERN", text="for the access matrix", by=supervisor)
            task = case_task_create(case.case_id, title="for the access matrix", by=supervisor)
            samples = {
                "case_id": case.case_id,
                "kind": "PARENTAGE",
                "flag_id": str(flag.pk),
                "task_id": str(task.pk),
                "public_id": case.child_person_id,
                "person_id": case.child_person_id,
                "child": case.child_person_id,
                "parent": parent.parent_person_id,
                "record_key_a": keys[0],
                "record_key_b": keys[1],
            }
            tokens = {}
            for role, user in users.items():
                if role in ("auditor", "administrator"):
                    # Their roles cannot be issued a token; one issued under an earlier role must stop working.
                    original = policy.access_of(user)
                    user_role_assign(None, user, "court_monitor")
                    tokens[role] = api_token_issue(None, user, "access matrix").secret
                    user_role_assign(None, user, original.role)
                else:
                    tokens[role] = api_token_issue(None, user, "access matrix").secret
            pages = {}
            for role, user in users.items():
                client = Client()
                client.force_login(user)
                pages[role] = client
            yield Matrix(pages, tokens, samples)
        finally:
            call_command("flush", interactive=False, verbosity=0)


def _username(role: str) -> str:
    from reunify.app.accounts.services import DEMO_USERS

    return next(spec["username"] for spec in DEMO_USERS if spec["role"] == role)


# --------------------------------------------------------------------------- enumerating routes


def page_routes() -> list[str]:
    """Every URL pattern of the site, as its full route; the API's operations are left to the API table."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                if getattr(pattern.callback, "__module__", "").startswith("ninja."):
                    continue  # an API operation: enumerated from the OpenAPI description instead
                yield prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver().url_patterns, "")))


def api_operations(client: Client) -> dict[str, dict[str, Any]]:
    """``"METHOD /api/path"`` -> its OpenAPI operation, from the description the API publishes."""
    description = client.get("/api/openapi.json").json()
    operations = {}
    for path, item in description["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                operations[f"{method.upper()} {path}"] = {
                    **operation,
                    "_components": description["components"],
                }
    return operations


def fill(route: str, samples: dict[str, str]) -> str:
    """A concrete path for a route: ``<str:case_id>`` or ``{case_id}`` replaced by a real object's id."""
    if route == "api/^.*$":
        return "/api/no/such/route"

    def value(match: re.Match[str]) -> str:
        name = (match.group(1) or match.group(2)).split(":")[-1]
        assert name in samples, f"no sample argument for {name!r} in {route!r}: add one to the matrix fixture"
        return samples[name]

    path = re.sub(r"<([^>]+)>|\{([^}]+)\}", value, route)
    return path if path.startswith("/") else f"/{path}"


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """The schema behind ``$ref``s, and the non-null branch of an optional field."""
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        return _resolve(next(s for s in schema["anyOf"] if s.get("type") != "null"), components)
    if "allOf" in schema:
        return _resolve(schema["allOf"][0], components)
    return schema


def _plausible(name: str, field: dict[str, Any], samples: dict[str, str]) -> Any:
    """A value of the field's type; a real object's id when the name is one the samples hold."""
    if "enum" in field:  # e.g. a contact's kind, which is no step kind
        return samples[name] if samples.get(name) in field["enum"] else field["enum"][0]
    if name in samples:
        return samples[name]
    if field.get("format") == "date-time":
        return (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    if field.get("format") == "date":
        return dt.date.today().isoformat()
    if field.get("type") == "integer":
        return max(1, field.get("minimum", 1))
    if field.get("type") == "boolean":
        return True
    return samples.get(name.removesuffix("_person_id"), "access matrix")


def minimal_body(operation: dict[str, Any], samples: dict[str, str]) -> dict[str, Any]:
    """A body valid for the operation's schema: every required field, with a plausible value of its type."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return {}
    components = operation["_components"]["schemas"]
    schema = _resolve(content["schema"], components)
    return {
        name: _plausible(name, _resolve(schema["properties"][name], components), samples)
        for name in schema.get("required", [])
    }


def required_query(operation: dict[str, Any], samples: dict[str, str]) -> dict[str, Any]:
    """The required query parameters, so a refusal is the policy's and not a 422 for a missing one."""
    components = operation["_components"]["schemas"]
    return {
        p["name"]: _plausible(p["name"], _resolve(p.get("schema", {}), components), samples)
        for p in operation.get("parameters", [])
        if p.get("in") == "query" and p.get("required")
    }


# --------------------------------------------------------------------------- outcomes


def page_outcome(response: Any) -> str:
    if response.status_code in (301, 302, 303) and "/accounts/sign-in/" in response.get("Location", ""):
        return "sign-in"
    if response.status_code in (401, 403):
        return "refused"
    if response.status_code >= 500:
        return f"error {response.status_code}"
    return "allowed"


def api_outcome(response: Any) -> str:
    if response.status_code == 401:
        return "unauthenticated"
    if response.status_code == 403:
        return "refused"
    if response.status_code >= 500:
        return f"error {response.status_code}"
    return "allowed"


def _request(client: Client, method: str, path: str, **kwargs: Any) -> Any:
    return client.post(path, **kwargs) if method == "POST" else client.get(path, **kwargs)


# --------------------------------------------------------------------------- the tests


def test_the_tables_name_every_route_and_nothing_else(matrix: Matrix) -> None:
    routes = set(page_routes())
    assert not routes - set(PAGES), (
        f"pages without an expectation (add them to PAGES): {sorted(routes - set(PAGES))}"
    )
    assert not set(PAGES) - routes, (
        f"expectations for pages that no longer exist: {sorted(set(PAGES) - routes)}"
    )
    operations = set(api_operations(Client()))
    assert not operations - set(API), (
        f"API endpoints without an expectation (add them to API): {sorted(operations - set(API))}"
    )
    assert not set(API) - operations, (
        f"expectations for endpoints that no longer exist: {sorted(set(API) - operations)}"
    )
    assert set(policy.ROLES) == set(ROLES), "a role was added or removed: give it a column in every table"


def test_every_page_against_every_role(matrix: Matrix) -> None:
    unexpected = []
    for route in page_routes():
        if route not in PAGES:
            continue  # reported by the coverage test
        method, allowed = PAGES[route]
        path = fill(route, matrix.samples)
        for role in (*ROLES, ANONYMOUS):
            if route == "accounts/sign-out/":
                client = Client()  # signing out must not end the session the other routes use
                if role != ANONYMOUS:
                    client.force_login(_user(role))
            else:
                client = matrix.pages.get(role) or Client()
            got = page_outcome(_request(client, method, path))
            if allowed == PUBLIC:
                expected = {"allowed", "sign-in"}
            elif role == ANONYMOUS:
                expected = {"sign-in"}
            else:
                expected = {"allowed"} if role in allowed else {"refused"}
            if got not in expected:
                unexpected.append(f"{method} {path} as {role}: {got}, expected {'/'.join(sorted(expected))}")
    assert not unexpected, "\n".join(unexpected)


def test_every_api_endpoint_against_every_role(matrix: Matrix) -> None:
    unexpected = []
    for key, operation in sorted(api_operations(Client()).items()):
        if key not in API:
            continue  # reported by the coverage test
        method, route = key.split(" ", 1)
        path = fill(route, matrix.samples)
        body = minimal_body(operation, matrix.samples)
        query = required_query(operation, matrix.samples)
        for role in (*ROLES, ANONYMOUS):
            headers = {"Authorization": f"Bearer {matrix.tokens[role]}"} if role != ANONYMOUS else {}
            kwargs: dict[str, Any] = {"headers": headers}
            if method == "POST":
                kwargs.update(data=body, content_type="application/json")
            elif query:
                kwargs.update(data=query)
            response = _request(Client(), method, path, **kwargs)
            got = api_outcome(response)
            if role == ANONYMOUS:
                expected = "unauthenticated"
            else:
                expected = "allowed" if role in API[key] else "refused"
            if got != expected:
                unexpected.append(
                    f"{key} as {role}: {got} ({response.status_code} {response.content[:300]!r}), expected {expected}"
                )
    assert not unexpected, "\n".join(unexpected)


def _user(role: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=_username(role))
