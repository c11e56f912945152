"""The base layout: navigation from the policy, language switch, refusals with their reason, settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.test import Client

from reunify.app.accounts import policy
from reunify.app.accounts.services import accounts_create_demo_users
from reunify.app.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def logins() -> dict[str, str]:
    return {login.role: (login.username, login.password) for login in accounts_create_demo_users()}


def _client_for(logins, role: str) -> Client:
    client = Client()
    username, password = logins[role]
    assert client.post("/accounts/sign-in/", {"username": username, "password": password}).status_code == 302
    return client


def test_demo_users_cover_every_role_with_fresh_passwords() -> None:
    first = accounts_create_demo_users()
    second = accounts_create_demo_users()
    assert sorted(login.role for login in first) == sorted(policy.ROLES)
    assert {a.password for a in first}.isdisjoint({b.password for b in second})


def test_the_navigation_offers_only_what_the_role_may_use(logins) -> None:
    auditor = _client_for(logins, "auditor").get("/").content.decode()
    assert 'href="/audit/"' in auditor and 'href="/accounts/users/"' not in auditor
    admin = _client_for(logins, "administrator").get("/").content.decode()
    assert 'href="/accounts/users/"' in admin
    court = _client_for(logins, "court_monitor").get("/").content.decode()
    assert 'href="/audit/"' not in court and 'href="/accounts/users/"' not in court


def test_the_page_skeleton_is_accessible_and_loads_uswds_and_htmx(logins) -> None:
    page = _client_for(logins, "caseworker").get("/").content.decode()
    assert '<a class="usa-skipnav" href="#main-content">' in page
    assert '<main id="main-content"' in page
    # names may carry a content hash once `reunify serve` has collected the static files (manifest storage)
    for asset in (r"uswds/css/uswds\.min", r"uswds/js/uswds\.min", r"htmx/htmx\.min"):
        assert re.search(asset + r"(\.[0-9a-f]{12})?\.(css|js)", page), asset
    assert "<script>" not in page and "style=" not in page  # the CSP allows neither


def test_switching_to_spanish(logins) -> None:
    client = _client_for(logins, "caseworker")
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="es">' in page
    assert "Saltar al contenido principal" in page and "Cerrar sesión" in page


def test_a_refusal_says_why_with_403(logins) -> None:
    response = _client_for(logins, "caseworker").get("/audit/")
    assert response.status_code == 403
    assert (
        "caseworker may not audit.view: the role caseworker does not include audit.view"
        in response.content.decode()
    )
    assert Client().get("/audit/")["Location"] == "/accounts/sign-in/?next=/audit/"


def test_the_auditor_searches_the_log_by_actor_action_target_and_date(logins) -> None:
    client = _client_for(logins, "auditor")
    _client_for(logins, "caseworker")
    Client().post("/accounts/sign-in/", {"username": "caseworker", "password": "wrong"})
    page = client.get("/audit/", {"actor": "caseworker", "action": "auth.sign_in"}).content.decode()
    assert "2 entries" in page  # one sign-in, one failure: both start with auth.sign_in
    page = client.get(
        "/audit/", {"target": "user:caseworker", "action": "auth.sign_in_failed"}
    ).content.decode()
    assert "1 entry" in page
    page = client.get("/audit/", {"since": "2001-01-01", "until": "2001-01-02"}).content.decode()
    assert "0 entries" in page
    assert AuditEntry.objects.filter(action="audit.search", actor="auditor").count() == 3
    partial = client.get("/audit/", {"actor": "caseworker"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "<table" in partial


def test_the_audit_log_is_paginated(logins) -> None:
    from reunify.app.audit.services import audit_record

    for n in range(120):
        audit_record("bulk", "bulk.entry", target_id=str(n))
    client = _client_for(logins, "auditor")
    page = client.get("/audit/", {"actor": "bulk"}).content.decode()
    assert "120 entries" in page and "Page 1 of 3" in page and "actor=bulk&amp;page=2" in page
    assert "Page 3 of 3" in client.get("/audit/", {"actor": "bulk", "page": 3}).content.decode()


@pytest.mark.parametrize(
    ("hosts", "override", "secure"),
    [
        ("127.0.0.1,localhost", None, "False"),
        ("reunify.example.org", None, "True"),
        ("127.0.0.1", "1", "True"),
    ],
)
def test_secure_cookies_default_on_except_for_a_loopback_demo(
    hosts: str, override: str | None, secure: str
) -> None:
    env = dict(os.environ, REUNIFY_ALLOWED_HOSTS=hosts, DJANGO_SETTINGS_MODULE="reunify.app.settings")
    env.pop("REUNIFY_SECURE_COOKIES", None)
    if override:
        env["REUNIFY_SECURE_COOKIES"] = override
    code = (
        "from django.conf import settings; print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.split() == [secure, secure]
