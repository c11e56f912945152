"""Writes about users: creating them, changing roles and grants, signing in, the second factor.

Every change of rights goes through ``user_role_assign`` or ``user_grant`` /
``user_revoke``, which refuse self-elevation and refuse giving what the
granter does not hold, and every one is audited. ``actor=None`` means the
operator at the command line (``reunify users ...``), who holds the database
itself and is the root of trust the first administrator is created from.
"""

from __future__ import annotations

import datetime as dt
import getpass
import secrets
from dataclasses import dataclass
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from reunify.app.accounts import policy
from reunify.app.accounts.models import AccessProfile, SensitiveGrant, SignInAttempt, TotpDevice
from reunify.app.audit.services import audit_record


class AccountError(ValueError):
    """A refused account change, with the reason a person can act on."""


def _operator() -> str:
    """The operator at the command line, by login name, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name in some containers
        return "cli:operator"


def _check_granter(actor: Any, target_user: Any) -> str:
    """The granter's name; refuses anyone but an administrator, and anyone acting on themselves."""
    if actor is None:
        return _operator()
    if target_user is not None and target_user.pk == actor.pk:
        raise AccountError("nobody may change their own role or grants")
    policy.require(actor, "user.manage", target_user)
    return actor.get_username()


def _validate_scope(role: str, agency: str, state: str) -> None:
    if role not in policy.ROLES:
        raise AccountError(f"unknown role {role!r}; roles: {', '.join(policy.ROLES)}")
    if role == "data_officer" and agency not in policy.AGENCY_FEEDS:
        raise AccountError(f"a data officer needs an agency: one of {', '.join(policy.AGENCY_FEEDS)}")
    if role != "data_officer" and agency:
        raise AccountError("only data officers are bound to an agency")
    if role == "state_monitor" and not (len(state) == 2 and state.isalpha()):
        raise AccountError("a state monitor needs a 2-letter US state, e.g. TX")


@transaction.atomic
def user_create(
    actor: Any,
    username: str,
    password: str,
    role: str,
    *,
    agency: str = "",
    state: str = "",
    team: str = "",
    grants: tuple[str, ...] | list[str] = (),
    email: str = "",
    validate: bool = True,
) -> Any:
    """Create a user with a role (and optional grants); only an administrator or the operator may."""
    granter = _check_granter(actor, None)
    state = state.upper()
    _validate_scope(role, agency, state)
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"the username {username!r} is taken")
    user = User(username=username, email=email)
    if validate:
        try:
            validate_password(password, user)
        except Exception as exc:
            raise AccountError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
    user.set_password(password)
    user.save()
    AccessProfile.objects.create(
        user=user, role=role, agency=agency, state=state, team=team, updated_by=granter
    )
    audit_record(
        actor or _operator(),
        "user.create",
        target_type="user",
        target_id=username,
        detail={"role": role, "agency": agency, "state": state, "team": team},
    )
    for category in grants:
        user_grant(actor, user, category, reason="granted at creation")
    return user


@transaction.atomic
def user_role_assign(
    actor: Any, user: Any, role: str, *, agency: str = "", state: str = "", team: str = ""
) -> None:
    """Change a user's role and scope. Never one's own; only an administrator (or the operator)."""
    granter = _check_granter(actor, user)
    state = state.upper()
    _validate_scope(role, agency, state)
    profile, _ = AccessProfile.objects.select_for_update().get_or_create(
        user=user, defaults={"role": role, "agency": agency, "state": state, "team": team}
    )
    before = {"role": profile.role, "agency": profile.agency, "state": profile.state, "team": profile.team}
    profile.role, profile.agency, profile.state, profile.team = role, agency, state, team
    profile.updated_by = granter
    profile.save()
    # Grants the new role cannot use are withdrawn, so a role change never leaves dormant rights behind.
    dropped = [
        g.category
        for g in SensitiveGrant.objects.filter(user=user)
        if f"person.view_sensitive.{g.category}" not in policy.ROLE_ACTIONS[role] and role != "administrator"
    ]
    SensitiveGrant.objects.filter(user=user, category__in=dropped).delete()
    policy.forget_access(user)
    audit_record(
        actor or _operator(),
        "user.role_assign",
        target_type="user",
        target_id=user.get_username(),
        detail={
            "before": before,
            "after": {"role": role, "agency": agency, "state": state, "team": team},
            "grants_withdrawn": dropped,
        },
    )


@transaction.atomic
def user_grant(actor: Any, user: Any, category: str, *, reason: str = "") -> SensitiveGrant:
    """Give a sensitive category to a user whose role can use it; the granter must hold it themselves.

    Administrators may hold grants they cannot use (their role opens no
    personal data) so that they can pass them on; that is the only way an
    administrator's grant has any effect.
    """
    granter = _check_granter(actor, user)
    if category not in policy.SENSITIVE_CATEGORIES:
        raise AccountError(
            f"unknown category {category!r}; categories: {', '.join(policy.SENSITIVE_CATEGORIES)}"
        )
    if actor is not None:
        held = policy.access_of(actor)
        if held is None or category not in held.grants:
            raise AccountError(f"{granter} does not hold the grant {category!r} and so cannot give it")
    profile = AccessProfile.objects.filter(user=user).first()
    if profile is None:
        raise AccountError(f"{user.get_username()} has no role; assign one first")
    if (
        profile.role != "administrator"
        and f"person.view_sensitive.{category}" not in policy.ROLE_ACTIONS[profile.role]
    ):
        raise AccountError(f"the role {profile.role} cannot use the grant {category!r}")
    grant, created = SensitiveGrant.objects.get_or_create(
        user=user,
        category=category,
        defaults={"granted_by": granter, "granted_at": timezone.now(), "reason": reason},
    )
    policy.forget_access(user)
    if created:
        audit_record(
            actor or _operator(),
            "user.grant",
            target_type="user",
            target_id=user.get_username(),
            detail={"category": category, "reason": reason},
        )
    return grant


@transaction.atomic
def user_revoke(actor: Any, user: Any, category: str, *, reason: str = "") -> bool:
    """Withdraw a sensitive grant. Refusing self-service here too keeps the rule simple: never oneself."""
    _check_granter(actor, user)
    deleted, _ = SensitiveGrant.objects.filter(user=user, category=category).delete()
    policy.forget_access(user)
    if deleted:
        audit_record(
            actor or _operator(),
            "user.revoke",
            target_type="user",
            target_id=user.get_username(),
            detail={"category": category, "reason": reason},
        )
    return bool(deleted)


# --------------------------------------------------------------------------- signing in


@dataclass(frozen=True)
class SignInResult:
    user: Any | None
    needs_code: bool = False
    error: str = ""
    locked_until: dt.datetime | None = None


def _client_ip(request: Any) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:64] if request is not None else ""


def account_locked_until(username: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the lockout of ``username`` ends, or None when it is not locked.

    Locked when the last ``REUNIFY_LOCKOUT_FAILURES`` attempts within the
    window all failed; it ends one window after the latest of those failures.
    Attempts refused while locked do not count, so a lockout cannot be
    extended for ever by someone hammering the form.
    """
    now = now or timezone.now()
    window = dt.timedelta(minutes=settings.REUNIFY_LOCKOUT_MINUTES)
    limit = settings.REUNIFY_LOCKOUT_FAILURES
    recent = list(
        SignInAttempt.objects.filter(username__iexact=username, at__gte=now - window)
        .exclude(outcome=SignInAttempt.LOCKED)
        .order_by("-at")
        .values_list("outcome", "at")[:limit]
    )
    if len(recent) < limit or any(outcome == SignInAttempt.OK for outcome, _ in recent):
        return None
    return recent[0][1] + window


def _lock_message(until: dt.datetime) -> str:
    minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
    return ngettext(
        "Too many failed sign-ins for this account. Try again after %(time)s UTC (in about %(minutes)d minute).",
        "Too many failed sign-ins for this account. Try again after %(time)s UTC (in about %(minutes)d minutes).",
        minutes,
    ) % {"time": f"{until:%H:%M}", "minutes": minutes}


def _record_attempt(username: str, outcome: str, request: Any) -> None:
    SignInAttempt.objects.create(
        username=username[:150], at=timezone.now(), outcome=outcome, ip=_client_ip(request)
    )


def account_authenticate(request: Any, username: str, password: str) -> SignInResult:
    """Check a username and password against lockout and Argon2; every outcome is recorded and audited.

    Success returns the user (and ``needs_code`` when a confirmed second
    factor is enrolled); the caller logs the user in only when no code is needed
    or after ``account_verify_code``. Not one transaction: Argon2 takes a
    noticeable fraction of a second, and SQLite's single writer lock must not
    be held while it runs.
    """
    from django.contrib.auth import authenticate

    username = username.strip()
    locked_until = account_locked_until(username)
    if locked_until:
        _record_attempt(username, SignInAttempt.LOCKED, request)
        audit_record(username, "auth.sign_in_locked", target_type="user", target_id=username, request=request)
        return SignInResult(None, error=_lock_message(locked_until), locked_until=locked_until)
    user = authenticate(request, username=username, password=password)
    if user is None:
        return _failure(request, username, SignInAttempt.BAD_PASSWORD, "auth.sign_in_failed")
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is not None:
        audit_record(user, "auth.password_ok", target_type="user", target_id=username, request=request)
        return SignInResult(user, needs_code=True)
    _record_attempt(username, SignInAttempt.OK, request)
    audit_record(user, "auth.sign_in", target_type="user", target_id=username, request=request)
    return SignInResult(user)


def _failure(request: Any, username: str, outcome: str, action: str) -> SignInResult:
    _record_attempt(username, outcome, request)
    audit_record(
        username, action, target_type="user", target_id=username, request=request, detail={"reason": outcome}
    )
    locked_until = account_locked_until(username)
    if locked_until:
        audit_record(
            username,
            "auth.lockout",
            target_type="user",
            target_id=username,
            request=request,
            detail={"until": locked_until.isoformat(), "failures": settings.REUNIFY_LOCKOUT_FAILURES},
        )
        return SignInResult(None, error=_lock_message(locked_until), locked_until=locked_until)
    return SignInResult(None, error=gettext("The username or password is not right."))


@transaction.atomic
def account_verify_code(request: Any, user: Any, code: str) -> SignInResult:
    """The second step for a user with a confirmed authenticator: one code, once (no replay)."""
    username = user.get_username()
    locked_until = account_locked_until(username)
    if locked_until:
        _record_attempt(username, SignInAttempt.LOCKED, request)
        return SignInResult(None, error=_lock_message(locked_until), locked_until=locked_until)
    device = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    step = _matching_step(device.secret, code) if device else None
    if device is None or step is None or step <= device.last_used_step:
        return _failure(request, username, SignInAttempt.BAD_CODE, "auth.second_factor_failed")
    device.last_used_step = step
    device.save(update_fields=["last_used_step"])
    _record_attempt(username, SignInAttempt.OK, request)
    audit_record(
        user,
        "auth.sign_in",
        target_type="user",
        target_id=username,
        request=request,
        detail={"second_factor": True},
    )
    return SignInResult(user)


def account_signed_out(request: Any, user: Any) -> None:
    """Audit a sign-out (the view does the logout itself)."""
    if user is not None and user.is_authenticated:
        audit_record(
            user, "auth.sign_out", target_type="user", target_id=user.get_username(), request=request
        )


def _matching_step(secret: str, code: str) -> int | None:
    """The 30-second time step ``code`` belongs to (now, or one step either side for clock drift)."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    for drift in (0, -1, 1):
        moment = now + dt.timedelta(seconds=30 * drift)
        if secrets.compare_digest(totp.at(moment), code):
            return int(moment.timestamp()) // 30
    return None


# --------------------------------------------------------------------------- second factor


@transaction.atomic
def totp_enrol(user: Any) -> tuple[str, str]:
    """Start (or restart) an administrator's enrolment; returns the secret and its otpauth:// URI."""
    access = policy.access_of(user)
    if access is None or access.role != "administrator":
        raise AccountError("the second factor is offered to administrators")
    secret = pyotp.random_base32()
    TotpDevice.objects.update_or_create(
        user=user,
        defaults={"secret": secret, "created_at": timezone.now(), "confirmed_at": None, "last_used_step": 0},
    )
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name="Reunify")
    audit_record(user, "auth.totp_enrol_started", target_type="user", target_id=user.get_username())
    return secret, uri


@transaction.atomic
def totp_confirm(user: Any, code: str) -> bool:
    """Confirm enrolment with a first code from the app; from then on sign-in asks for a code."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    step = _matching_step(device.secret, code) if device else None
    if device is None or step is None:
        return False
    device.confirmed_at = timezone.now()
    device.last_used_step = step
    device.save()
    audit_record(user, "auth.totp_enrolled", target_type="user", target_id=user.get_username())
    return True


# --------------------------------------------------------------------------- demo users


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    scope: str


# One demo user per role, with the scope and grants a real one would plausibly have.
DEMO_USERS: list[dict[str, Any]] = [
    {"username": "data.officer", "role": "data_officer", "agency": "orr"},
    {"username": "matcher", "role": "matcher", "grants": ("dna",)},
    {"username": "caseworker", "role": "caseworker", "team": "el-paso", "grants": ("child_location",)},
    {
        "username": "supervisor",
        "role": "supervisor",
        "team": "el-paso",
        "grants": tuple(policy.SENSITIVE_CATEGORIES),
    },
    {"username": "state.monitor", "role": "state_monitor", "state": "TX"},
    {"username": "court.monitor", "role": "court_monitor"},
    {"username": "auditor", "role": "auditor"},
    {"username": "admin", "role": "administrator", "grants": tuple(policy.SENSITIVE_CATEGORIES)},
]


def accounts_create_demo_users(password: str | None = None) -> list[DemoLogin]:
    """Create (or reset the password of) one demo user per role; returns their logins to print.

    Each run draws fresh random passwords unless ``password`` is given, so a
    demo database never carries a well-known password.
    """
    User = get_user_model()
    logins = []
    for spec in DEMO_USERS:
        secret = password or f"{secrets.token_urlsafe(9)}-demo"
        scope = spec.get("agency") or spec.get("state") or spec.get("team") or ""
        with transaction.atomic():
            user = User.objects.filter(username=spec["username"]).first()
            if user is None:
                user_create(
                    None,
                    spec["username"],
                    secret,
                    spec["role"],
                    agency=spec.get("agency", ""),
                    state=spec.get("state", ""),
                    team=spec.get("team", ""),
                    grants=spec.get("grants", ()),
                    validate=False,
                )
            else:
                user.set_password(secret)
                user.save(update_fields=["password"])
                audit_record(
                    "operator", "user.password_reset", target_type="user", target_id=user.get_username()
                )
        logins.append(DemoLogin(spec["username"], secret, spec["role"], scope))
    return logins
