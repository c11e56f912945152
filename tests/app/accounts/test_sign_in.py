"""Signing in through the real pages: Argon2, lockout, audit events, second factor, cookies and headers."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from django.test import Client
from django.utils import timezone

from reunify.app.accounts.models import SignInAttempt
from reunify.app.accounts.services import account_locked_until, totp_confirm, totp_enrol
from reunify.app.audit.models import AuditEntry
from reunify.app.audit.selectors import audit_chain_verify

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/sign-in/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(make_user) -> None:
    user = make_user("caseworker")
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(PASSWORD)


def test_sign_in_and_sign_out_are_audited(make_user, client: Client) -> None:
    make_user("caseworker")
    response = _sign_in(client, "caseworker.user")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/accounts/sign-out/")
    actions = list(AuditEntry.objects.filter(target_id="caseworker.user").values_list("action", flat=True))
    assert actions[-2:] == ["auth.sign_in", "auth.sign_out"]
    assert client.get("/").status_code == 302


def test_five_failures_lock_the_account_and_say_until_when(make_user, client: Client) -> None:
    make_user("matcher")
    for _ in range(4):
        response = _sign_in(client, "matcher.user", "wrong password")
        assert "The username or password is not right." in response.content.decode()
    response = _sign_in(client, "matcher.user", "wrong password")
    assert response.status_code == 400
    assert "Too many failed sign-ins for this account. Try again after" in response.content.decode()
    # Locked: even the right password is refused now, and the refusal does not extend the lock.
    locked_until = account_locked_until("matcher.user")
    response = _sign_in(client, "matcher.user")
    assert "Too many failed sign-ins" in response.content.decode()
    assert account_locked_until("matcher.user") == locked_until
    actions = [a for a in AuditEntry.objects.filter(actor="matcher.user").values_list("action", flat=True)]
    assert actions.count("auth.sign_in_failed") == 5
    assert actions.count("auth.lockout") == 1
    assert actions[-1] == "auth.sign_in_locked"
    # After the window, the right password works again.
    SignInAttempt.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert _sign_in(client, "matcher.user").status_code == 302
    assert audit_chain_verify().intact


def test_failures_for_unknown_usernames_are_recorded_too(client: Client) -> None:
    _sign_in(client, "nobody", "guess")
    entry = AuditEntry.objects.get(action="auth.sign_in_failed")
    assert (entry.actor, entry.target_id, entry.ip) == ("nobody", "nobody", "127.0.0.1")


def test_lockout_messages_are_in_spanish_for_a_spanish_browser(make_user) -> None:
    make_user("matcher")
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    for _ in range(5):
        response = _sign_in(client, "matcher.user", "wrong")
    assert "Demasiados intentos fallidos" in response.content.decode()
    assert 'lang="es"' in response.content.decode()


def test_an_administrator_with_an_authenticator_needs_a_code(make_user, client: Client) -> None:
    admin = make_user("administrator")
    secret, uri = totp_enrol(admin)
    assert uri.startswith("otpauth://totp/Reunify:")
    assert totp_confirm(admin, pyotp.TOTP(secret).now())
    response = _sign_in(client, admin.username)
    assert response["Location"] == "/accounts/sign-in/code/"
    assert client.get("/").status_code == 302  # not signed in yet
    assert client.post("/accounts/sign-in/code/", {"code": "000000"}).status_code == 400
    # The code used at confirmation cannot be replayed; the next time step's can.
    now = timezone.now() + dt.timedelta(seconds=30)
    code = pyotp.TOTP(secret).at(now)
    response = client.post("/accounts/sign-in/code/", {"code": code})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="auth.second_factor_failed").count() == 1


def test_only_administrators_may_enrol_a_second_factor(make_user) -> None:
    from reunify.app.accounts.services import AccountError

    with pytest.raises(AccountError):
        totp_enrol(make_user("caseworker"))


def test_security_headers_and_cookies(make_user) -> None:
    make_user("auditor")
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/sign-in/")
    csp = page["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    # Without the token the form is refused; with it, the session cookie is HttpOnly and SameSite=Lax.
    assert (
        client.post("/accounts/sign-in/", {"username": "auditor.user", "password": PASSWORD}).status_code
        == 403
    )
    token = page.context["csrf_token"]
    response = client.post(
        "/accounts/sign-in/",
        {"username": "auditor.user", "password": PASSWORD, "csrfmiddlewaretoken": str(token)},
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert client.get("/")["Cache-Control"] == "no-store"


def test_the_next_parameter_never_leaves_the_site(make_user, client: Client) -> None:
    make_user("auditor")
    response = client.post(
        "/accounts/sign-in/",
        {"username": "auditor.user", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"
