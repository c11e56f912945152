"""Writes of the API app: issuing, checking and revoking tokens; review decisions taken through the API.

Who may issue a token: the operator at the command line (``actor=None``),
or a user for themselves. Not an administrator for someone else: a token
acts as its user, so issuing one for another account would hand the
administrator that account's rights, which the policy forbids them
(administrators see no case or personal data).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reunify.app.accounts import policy
from reunify.app.audit.services import audit_record

from .errors import ApiError
from .models import ApiToken

#: Every token starts with this, so a secret scanner (and a person) can recognise a leaked one.
TOKEN_PREFIX = "rnf_"
DEFAULT_DAYS = 90
MAX_DAYS = 366
#: ``last_used_at`` is written at most this often per token, so reads do not each cost a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenError(ValueError):
    """A refused token operation (issue, revoke), with the reason a person can act on."""


@dataclass(frozen=True)
class IssuedToken:
    """The stored token and its secret value, which exists only here and is shown once."""

    token: ApiToken
    secret: str


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _actor_name(actor: Any) -> str:
    return "operator" if actor is None else actor.get_username()


def api_token_issue(actor: Any, user: Any, name: str, *, days: int = DEFAULT_DAYS) -> IssuedToken:
    """Issue a token for ``user``; the returned secret is never stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise TokenError("a token needs a name: the system that will use it, e.g. 'ngo-tracing-sync'")
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"a token lives between 1 and {MAX_DAYS} days, not {days}")
    if actor is not None and actor.pk != user.pk:
        raise TokenError(
            "a token is issued to its own user or by the operator; nobody issues one for someone else"
        )
    if not user.is_active:
        raise TokenError(f"{user.get_username()} is disabled")
    reason = policy.refusal_reason(user, "api.use")
    if reason is not None:
        raise TokenError(f"{user.get_username()} may not use the API: {reason}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            token_hash=token_hash(secret),
            prefix=secret[:12],
            created_at=now,
            created_by=_actor_name(actor),
            expires_at=now + dt.timedelta(days=days),
        )
        audit_record(
            actor or "operator",
            "api.token_issue",
            target_type="api_token",
            target_id=str(token.pk),
            detail={
                "user": user.get_username(),
                "name": token.name,
                "expires_at": token.expires_at.isoformat(),
            },
        )
    return IssuedToken(token, secret)


def api_token_revoke(actor: Any, token: ApiToken, *, reason: str = "") -> bool:
    """Revoke a token (its user or the operator may); False when it was revoked already."""
    if actor is not None and actor.pk != token.user_id:
        raise TokenError("a token is revoked by its own user or by the operator")
    with transaction.atomic():
        written = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=_actor_name(actor), revoke_reason=reason.strip()
        )
        if written:
            audit_record(
                actor or "operator",
                "api.token_revoke",
                target_type="api_token",
                target_id=str(token.pk),
                detail={"user": token.user.get_username(), "name": token.name, "reason": reason.strip()},
            )
    token.refresh_from_db()
    return bool(written)


def api_token_find(reference: str) -> ApiToken:
    """A token by id or by the prefix shown when it was issued (``rnf_AbCdEfGh``)."""
    reference = reference.strip()
    if reference.startswith(TOKEN_PREFIX):
        query = Q(prefix=reference[:12])
    elif reference.isdigit():
        query = Q(pk=int(reference))
    else:
        raise TokenError(f"{reference!r} is neither a token id nor a prefix starting with {TOKEN_PREFIX}")
    matches = list(ApiToken.objects.select_related("user").filter(query)[:2])
    if len(matches) != 1:
        raise TokenError(
            f"no single token matches {reference!r}" + (" (several do)" if len(matches) > 1 else "")
        )
    return matches[0]


def api_token_authenticate(secret: str) -> tuple[Any, ApiToken]:
    """The user a presented token acts as, or ``ApiError`` 401 saying precisely why not.

    Saying "revoked" or "expired" leaks nothing: only the holder of the real
    token can get those answers. A token that matches nothing is "not valid".
    """
    secret = secret.strip()
    if not secret:
        raise ApiError(401, "the Authorization header holds no token", code="token_missing")
    token = ApiToken.objects.select_related("user").filter(token_hash=token_hash(secret)).first()
    if token is None:
        raise ApiError(401, "the token is not valid", code="token_invalid")
    now = timezone.now()
    if token.is_revoked:
        raise ApiError(
            401, f"the token {token.prefix}… was revoked on {token.revoked_at:%Y-%m-%d}", code="token_revoked"
        )
    if token.is_expired(now):
        raise ApiError(
            401,
            f"the token {token.prefix}… expired on {token.expires_at:%Y-%m-%d}; ask for a new one",
            code="token_expired",
        )
    if not token.user.is_active:
        raise ApiError(401, "the token's account is disabled", code="account_disabled")
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token


def api_user_by_name(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise TokenError(f"no user {username!r}")
    return user


# --------------------------------------------------------------------------- review decisions


def _latest_decision_text(evidence: list[dict[str, Any]]) -> str:
    notes = [e.get("text", "") for e in evidence if e.get("kind") == "decision"]
    return f" ({notes[-1]})" if notes else ""


def api_tie_decide(
    user: Any,
    *,
    parent: str,
    child: str,
    confirm: bool,
    reason: str,
    expected_status: str | None = None,
    request: Any = None,
    via: str = "api",
) -> tuple[Any, Any]:
    """Confirm or reject a tie as ``user``; applied to the stored ties at once and audited with the request.

    ``via`` names the channel in the audit entry (``api``, or ``web`` for the review queue's pages,
    which share this service so both refuse a stale decision the same way).

    ``expected_status`` is the status the reviewer saw: if the tie moved on
    since (another reviewer decided, a rebuild changed it), the decision is
    refused with 409 and the other decision is kept.
    """
    from reunify.app.people.models import Tie
    from reunify.app.people.services import resolve_person, tie_decide

    from .selectors import Concerning

    policy.require(user, "review.decide")  # before any look-up: a refused role learns nothing of what exists
    parent_person, child_person = resolve_person(parent), resolve_person(child)
    label = f"{parent_person.public_id}/{child_person.public_id}"
    policy.require(user, "review.decide", Concerning((parent_person.pk, child_person.pk), label))
    with transaction.atomic():
        tie = Tie.objects.select_for_update().filter(parent=parent_person, child=child_person).first()
        current = tie.status if tie is not None else None
        if expected_status is not None and current != expected_status:
            raise ApiError(
                409,
                f"the tie {label} is {current or 'not held'} now, not {expected_status} as you saw it"
                f"{_latest_decision_text(tie.evidence) if tie else ''}; reload it and decide again",
                code="conflicting_decision",
                field="expected_status",
            )
        try:
            decision = tie_decide(
                parent_person.public_id, child_person.public_id, confirm, user.get_username(), reason
            )
        except ValueError as exc:  # the same person on both sides, a blank reason
            raise ApiError(422, str(exc), field="child") from exc
        tie = (
            Tie.objects.select_related("parent", "child")
            .filter(parent=parent_person, child=child_person)
            .first()
        )
        audit_record(
            user,
            "review.tie_decide",
            target_type="tie",
            target_id=label,
            detail={"decision": decision.decision, "reason": decision.reason, "status_before": current,
                    "status_after": tie.status if tie else None, "via": via},
            request=request,
        )  # fmt: skip
    return decision, tie


def api_person_decide(
    user: Any,
    *,
    record_key_a: str,
    record_key_b: str,
    same: bool,
    reason: str,
    expected_status: str | None = None,
    request: Any = None,
    via: str = "api",
) -> Any:
    """Record that two records are (or are not) one person, as ``user`` (the caller applies it at once).

    ``via`` names the channel in the audit entry, as for ``api_tie_decide``.
    """
    from reunify.app.people.models import PersonDecision, PersonReview
    from reunify.app.people.services import person_decide
    from reunify.app.records.models import Record

    from .disclosure import DNA_FEEDS
    from .selectors import review_pair_target

    a, b = sorted((record_key_a.strip(), record_key_b.strip()))
    policy.require(user, "review.decide")  # before any look-up: a refused role learns nothing of what exists
    known = set(Record.objects.filter(record_key__in=[a, b]).values_list("record_key", flat=True))
    missing = sorted({a, b} - known)
    if missing:
        raise LookupError(f"no such record: {', '.join(missing)}")
    policy.require(user, "review.decide", review_pair_target(a, b))
    if any(key.split(":", 1)[0] in DNA_FEEDS for key in (a, b)):
        policy.require(user, "person.view_sensitive.dna")
    with transaction.atomic():
        review = (
            PersonReview.objects.select_for_update()
            .filter(record_key_a=a, record_key_b=b)
            .order_by("-id")
            .first()
        )
        current = review.status if review is not None else None
        if expected_status is not None and current != expected_status:
            latest = (
                PersonDecision.objects.filter(record_key_a=a, record_key_b=b)
                .order_by("-decided_at", "-id")
                .first()
            )
            who = (
                f" (decided {latest.decision} by {latest.decided_by} at {latest.decided_at:%Y-%m-%d %H:%M} UTC)"
                if latest
                else ""
            )
            raise ApiError(
                409,
                f"the pair {a} / {b} is {current or 'not in the review queue'} now, not {expected_status}{who}; "
                "reload it and decide again",
                code="conflicting_decision",
                field="expected_status",
            )
        try:
            decision = person_decide(a, b, same, user.get_username(), reason)
        except ValueError as exc:  # the same record twice, a blank reason
            raise ApiError(422, str(exc), field="record_key_b") from exc
        audit_record(
            user,
            "review.person_decide",
            target_type="record_pair",
            target_id=f"{a}/{b}",
            detail={"decision": decision.decision, "reason": decision.reason, "via": via},
            request=request,
        )
    return decision
