"""The one place that decides every access: pages, API, exports, search results and counts alike.

Everything here is data first (``ROLES``, ``ACTIONS``, ``ROLE_ACTIONS``,
``EXPORTS_BY_ROLE``, ``AGENCY_FEEDS``) and two small functions over it:
``allows`` for one decision and the ``scope_*`` helpers that filter a
queryset the same way, so a list never shows what its detail page would
refuse (the Primero weakness ARCHITECTURE.md warns about).

Rules worth knowing before calling it:

- A user without an ``AccessProfile`` may do nothing. ``is_superuser`` and
  Django's own permissions are ignored: a second path to access would defeat
  the point of one policy.
- Sensitive categories (``person.view_sensitive.*``) need both the role's
  eligibility (the action is in the role's row) and a personal grant
  (``SensitiveGrant``). No role implies a grant.
- ``target`` narrows a decision: a ``Person`` (state scope, child check), an
  export name for ``export.run``, an object with a ``feed`` attribute for
  delivery/quarantine (agency scope), a ``User`` for ``user.manage``, or any
  object implementing the small protocol below (cases, separations, ties).

Target protocol (all optional; implement what applies):

- ``policy_person_ids() -> Iterable[int]``: the persons (``Person.pk``) the
  object concerns; a state monitor may see it when any of them is in scope.
- ``policy_assignment() -> tuple[Iterable[int], Iterable[str]]``: the user
  ids and team names working on it; caseworkers change only such objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.db.models import QuerySet


class Denied(PermissionDenied):
    """Raised by ``require``; the message says who was refused what, and why."""


# --------------------------------------------------------------------------- data

ROLES: dict[str, str] = {
    "data_officer": "Delivers an agency's feed files and sees what was quarantined and why (own agency only).",
    "matcher": "Reviews candidate matches and family ties with their evidence; confirms or rejects.",
    "caseworker": "Works the family's case: locations, contact log, steps, deadlines, the parent's choice.",
    "supervisor": "Approves, assigns, watches overdue work and the team's queue.",
    "state_monitor": "Reads everything about children and facilities in one state; changes nothing.",
    "court_monitor": "Reads status reports and case status; no personal details beyond what the court sees.",
    "auditor": "Reads the audit log and proves it unaltered.",
    "administrator": "Manages user accounts, roles and grants; sees no case or personal data.",
}

SENSITIVE_CATEGORIES: dict[str, str] = {
    "dna": "DNA parentage results",
    "trafficking": "Trafficking flags",
    "protected_status": "Protected immigration-relief status (e.g. asylum, T or U visa, SIJS)",
    "child_location": "A child's exact location (facility, sponsor address)",
}

ACTIONS: dict[str, str] = {
    "person.view": "Open an adult person's page: records, custody, ties.",
    "person.view_child": "Open a child's page (also needed to see a child in search results).",
    "person.view_sensitive.dna": "See DNA parentage results.",
    "person.view_sensitive.trafficking": "See trafficking flags.",
    "person.view_sensitive.protected_status": "See protected immigration-relief status.",
    "person.view_sensitive.child_location": "See a child's exact location.",
    "search.run": "Search persons, records and cases.",
    "case.view": "Open a case with its personal details.",
    "case.view_status": "See a case's status, deadlines and step states without personal details.",
    "case.edit": "Change a case's fields.",
    "case.step_complete": "Complete or reopen a step of a case.",
    "case.contact_log": "Add to a case's contact log.",
    "case.choice_record": "Record a parent's informed choice.",
    "case.assign": "Assign a case or task to a user or team.",
    "review.view": "See the review queue of candidate matches and ties.",
    "review.decide": "Confirm or reject a match or tie.",
    "quarantine.view": "See quarantined rows and their reasons.",
    "delivery.view": "See feed deliveries and their figures.",
    "report.status": "Read court status reports and aggregate figures.",
    "separation.view": "See separations and their judicial basis.",
    "audit.view": "Search the audit log.",
    "export.run": "Write an export file (target: the export's name).",
    "user.manage": "Create users, assign roles and grants.",
    "api.use": "Use the JSON API with a token.",
}

SENSITIVE_ACTIONS: dict[str, str] = {f"person.view_sensitive.{c}": c for c in SENSITIVE_CATEGORIES}

_CASE_READ = {"case.view", "case.view_status"}
_CASE_WORK = {"case.edit", "case.step_complete", "case.contact_log", "case.choice_record"}
_PERSON_READ = {"person.view", "person.view_child", "search.run"}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "data_officer": frozenset({"delivery.view", "quarantine.view", "export.run", "api.use"}),
    "matcher": frozenset(
        _PERSON_READ
        | {"person.view_sensitive.dna", "review.view", "review.decide", "separation.view"}
        | {"export.run", "api.use"}
    ),
    "caseworker": frozenset(
        _PERSON_READ
        | set(SENSITIVE_ACTIONS)
        | _CASE_READ
        | _CASE_WORK
        | {"review.view", "separation.view", "report.status", "api.use"}
    ),
    "supervisor": frozenset(
        _PERSON_READ
        | set(SENSITIVE_ACTIONS)
        | _CASE_READ
        | _CASE_WORK
        | {"case.assign", "review.view", "review.decide", "separation.view", "report.status"}
        | {"quarantine.view", "delivery.view", "export.run", "api.use"}
    ),
    "state_monitor": frozenset(
        _PERSON_READ
        | {"person.view_sensitive.child_location"}
        | _CASE_READ
        | {"separation.view", "report.status", "export.run", "api.use"}
    ),
    "court_monitor": frozenset({"case.view_status", "report.status", "api.use"}),
    "auditor": frozenset({"audit.view", "export.run"}),
    "administrator": frozenset({"user.manage", "audit.view"}),
}

# Which export (EXPORTS.md name) each role may write; ``export.run`` with another name is refused.
# ``status_report`` is the court status report's CSV (the /reports/status/ page's download).
EXPORTS_BY_ROLE: dict[str, frozenset[str]] = {
    "data_officer": frozenset({"quarantine"}),
    "matcher": frozenset({"persons", "relationships"}),
    "caseworker": frozenset(),
    "supervisor": frozenset(
        {"quarantine", "records", "persons", "relationships", "separations", "cases", "status_report"}
    ),
    "state_monitor": frozenset({"separations", "cases", "status_report"}),
    "court_monitor": frozenset(),
    "auditor": frozenset({"audit"}),
    "administrator": frozenset(),
}

# The seven agencies of FEEDS.md and the feeds each delivers; a data officer sees only their own.
AGENCY_FEEDS: dict[str, frozenset[str]] = {
    "cbp": frozenset({"cbp_apprehensions"}),
    "usms": frozenset({"usms_custody"}),
    "ice": frozenset({"ice_detentions"}),
    "orr": frozenset({"orr_referrals"}),
    "court": frozenset({"court_findings"}),
    "dna_lab": frozenset({"dna_results"}),
    "ngo": frozenset({"ngo_locates"}),
}

# Roles whose reads are limited to one state; the profile's ``state`` is required for them.
STATE_SCOPED_ROLES = frozenset({"state_monitor"})
AGENCY_SCOPED_ROLES = frozenset({"data_officer"})
# Roles that change only the cases assigned to them or to their team.
ASSIGNMENT_SCOPED_ROLES = frozenset({"caseworker"})


# --------------------------------------------------------------------------- who the user is


@dataclass(frozen=True)
class Access:
    """What the policy knows about a user, loaded once per user object."""

    user_id: int
    username: str
    role: str
    agency: str = ""
    state: str = ""
    team: str = ""
    grants: frozenset[str] = field(default_factory=frozenset)


def access_of(user: Any) -> Access | None:
    """The user's role, scope and grants, or None when they may do nothing (anonymous, inactive, no role)."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    cached = getattr(user, "_reunify_access", False)
    if cached is not False:
        return cached
    from reunify.app.accounts.models import AccessProfile, SensitiveGrant

    profile = AccessProfile.objects.filter(user_id=user.pk).first()
    access = None
    if profile is not None and profile.role in ROLES:
        grants = frozenset(SensitiveGrant.objects.filter(user_id=user.pk).values_list("category", flat=True))
        access = Access(
            user.pk, user.get_username(), profile.role, profile.agency, profile.state, profile.team, grants
        )
    user._reunify_access = access
    return access


def forget_access(user: Any) -> None:
    """Drop the cached decision inputs after a role or grant change, so the next check reads them anew."""
    if user is not None and hasattr(user, "_reunify_access"):
        del user._reunify_access


# --------------------------------------------------------------------------- hooks the data layers fill


def _default_persons_in_states(persons: QuerySet, states: frozenset[str]) -> QuerySet:
    """Persons with a record placing them in one of ``states`` (any custody episode, past or present).

    The custody layer computes episodes on request, so this reads the same
    record fields it builds them from: CBP's apprehension state, ICE's facility
    state and ORR's placement states. The custody app may install a faster,
    stored index with ``set_state_scope``.
    """
    from django.db.models import Q

    from reunify.app.records.models import Record

    where = Q(fields__state__in=states) | Q(fields__facility_state__in=states)
    for index in range(8):  # ORR placements: a child seldom has more than a handful
        where |= Q(**{f"fields__placements__{index}__program_state__in": states})
    records = Record.objects.filter(where).values("id")
    return persons.filter(record_links__record_id__in=records).distinct()


def _default_is_child(person: Any) -> bool:
    """A person is a child when they are the child of a tie or have an ORR referral (ORR holds only children)."""
    from reunify.app.people.models import Tie

    if Tie.objects.filter(child_id=person.pk).exclude(status=Tie.REJECTED).exists():
        return True
    return person.record_links.filter(record__feed="orr_referrals").exists()


_persons_in_states: Callable[[QuerySet, frozenset[str]], QuerySet] = _default_persons_in_states
_is_child: Callable[[Any], bool] = _default_is_child


def set_state_scope(hook: Callable[[QuerySet, frozenset[str]], QuerySet] | None) -> None:
    """Install how to find the persons in a set of states (None restores the default from records)."""
    global _persons_in_states
    _persons_in_states = hook or _default_persons_in_states


def set_child_test(hook: Callable[[Any], bool] | None) -> None:
    """Install how to tell a child from an adult (None restores the default from ties and ORR records)."""
    global _is_child
    _is_child = hook or _default_is_child


# --------------------------------------------------------------------------- decisions


def _refusal(user: Any, action: str, target: object | None) -> str | None:
    """Why ``user`` may not do ``action`` on ``target``, or None when allowed. The single decision point."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; declare it in reunify.app.accounts.policy.ACTIONS")
    access = access_of(user)
    if access is None:
        if user is None or not getattr(user, "is_authenticated", False):
            return "not signed in"
        if not getattr(user, "is_active", False):
            return "the account is disabled"
        return "the account has no role"
    if action not in ROLE_ACTIONS[access.role]:
        return f"the role {access.role} does not include {action}"
    category = SENSITIVE_ACTIONS.get(action)
    if category and category not in access.grants:
        return f"it needs the personal grant {category!r} ({SENSITIVE_CATEGORIES[category]})"
    if target is None:
        return None
    return _target_refusal(access, action, target)


def _target_refusal(access: Access, action: str, target: object) -> str | None:
    from django.contrib.auth import get_user_model

    from reunify.app.people.models import Person

    if action == "export.run":
        if target not in EXPORTS_BY_ROLE[access.role]:
            return f"the export {target!r} is not open to the role {access.role}"
        return None
    if action == "user.manage" and isinstance(target, get_user_model()):
        if target.pk == access.user_id:
            return "nobody manages their own account's rights"
        return None
    feed = getattr(target, "feed", None)
    if (
        isinstance(feed, str)
        and access.role in AGENCY_SCOPED_ROLES
        and feed not in AGENCY_FEEDS.get(access.agency, ())
    ):
        return f"the feed {feed} belongs to another agency than {access.agency or '(none)'}"
    if isinstance(target, Person):
        if (
            action.startswith("person.")
            and "person.view_child" not in ROLE_ACTIONS[access.role]
            and _is_child(target)
        ):
            return f"{target.public_id} is a child and the role {access.role} may not view children"
        person_ids: Iterable[int] = [target.pk]
    elif hasattr(target, "policy_person_ids"):
        person_ids = list(target.policy_person_ids())
    else:
        person_ids = []
    concerns_persons = isinstance(target, Person) or hasattr(target, "policy_person_ids")
    if access.role in STATE_SCOPED_ROLES and concerns_persons and not _any_in_state(access, person_ids):
        return f"it concerns nobody with custody in {access.state or '(no state)'}"
    if (
        action in _CASE_WORK
        and access.role in ASSIGNMENT_SCOPED_ROLES
        and hasattr(target, "policy_assignment")
    ):
        user_ids, teams = target.policy_assignment()
        if access.user_id not in set(user_ids) and not (access.team and access.team in set(teams)):
            return "the case is assigned to neither this user nor their team"
    return None


def _any_in_state(access: Access, person_ids: Iterable[int]) -> bool:
    from reunify.app.people.models import Person

    ids = list(person_ids)
    if not ids or not access.state:
        return False
    return _persons_in_states(Person.objects.filter(pk__in=ids), frozenset({access.state})).exists()


def allows(user: Any, action: str, target: object | None = None) -> bool:
    """Whether ``user`` may do ``action`` (on ``target`` when given). Unknown actions raise ValueError."""
    return _refusal(user, action, target) is None


def require(user: Any, action: str, target: object | None = None) -> None:
    """Raise ``Denied`` with the precise reason unless ``user`` may do ``action`` on ``target``."""
    reason = _refusal(user, action, target)
    if reason is not None:
        who = getattr(user, "get_username", lambda: "anonymous")() or "anonymous"
        where = f" on {_describe(target)}" if target is not None else ""
        raise Denied(f"{who} may not {action}{where}: {reason}")


def refusal_reason(user: Any, action: str, target: object | None = None) -> str | None:
    """The reason ``require`` would give, or None; for pages that explain instead of answering 403."""
    return _refusal(user, action, target)


def _describe(target: object) -> str:
    if isinstance(target, str):
        return repr(target)
    label = getattr(target, "public_id", None) or getattr(target, "pk", None)
    return f"{type(target).__name__} {label}" if label is not None else type(target).__name__


def allowed_actions(user: Any) -> frozenset[str]:
    """Every action the user may do on some target: what navigation and dashboards offer."""
    return frozenset(a for a in ACTIONS if allows(user, a))


# --------------------------------------------------------------------------- scoping lists and counts


def scope_persons(user: Any, queryset: QuerySet) -> QuerySet:
    """The persons of ``queryset`` the user may see in a list, search result or count.

    Children are left out for a role without ``person.view_child``; a state
    monitor keeps only the persons with custody in their state.
    """
    access = access_of(user)
    if access is None or "person.view" not in ROLE_ACTIONS[access.role]:
        return queryset.none()
    if access.role in STATE_SCOPED_ROLES:
        if not access.state:
            return queryset.none()
        queryset = _persons_in_states(queryset, frozenset({access.state}))
    return queryset


def scope_by_persons(user: Any, queryset: QuerySet, *person_fields: str) -> QuerySet:
    """Rows (cases, ties, separations, records) whose person in any of ``person_fields`` is in scope.

    ``person_fields`` are lookups to a ``Person`` from the queryset's model,
    e.g. ``scope_by_persons(user, Tie.objects.all(), "parent", "child")``.
    The caller still checks the list's own action (e.g. ``case.view``) first.
    """
    from django.db.models import Q

    from reunify.app.people.models import Person

    access = access_of(user)
    if access is None:
        return queryset.none()
    if access.role not in STATE_SCOPED_ROLES:
        return queryset
    visible = scope_persons(user, Person.objects.all()).values("pk")
    where = Q()
    for name in person_fields or ("person",):
        where |= Q(**{f"{name}__in": visible})
    return queryset.filter(where)


def scope_feeds(user: Any, queryset: QuerySet, feed_field: str = "feed") -> QuerySet:
    """Deliveries, quarantined rows or records limited to the user's agency when their role is agency-bound."""
    access = access_of(user)
    if access is None:
        return queryset.none()
    if access.role in AGENCY_SCOPED_ROLES:
        return queryset.filter(**{f"{feed_field}__in": sorted(AGENCY_FEEDS.get(access.agency, ()))})
    return queryset


def scope(
    user: Any, action: str, queryset: QuerySet, *person_fields: str, feed_field: str | None = None
) -> QuerySet:
    """One call for a list page: nothing unless ``action`` is allowed, then the person and feed scopes."""
    if not allows(user, action):
        return queryset.none()
    if person_fields:
        queryset = scope_by_persons(user, queryset, *person_fields)
    if feed_field:
        queryset = scope_feeds(user, queryset, feed_field)
    return queryset
