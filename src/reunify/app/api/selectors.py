"""Reads of the API, already filtered by the access policy: every one takes the acting user first.

Each selector asks the policy (``require`` for one object, ``scope_*`` for a
list, applied *before* counting and paging, so a total never counts a person
the user could not open) and passes personal data through ``Disclosure`` so
sensitive categories appear only when the policy allows them. They return
plain data and a ``Read`` saying what the audit entry must record; the
endpoint writes that entry, since only it has the request.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from reunify.app.accounts import policy
from reunify.app.people.models import Person, PersonFlag, PersonRecord, PersonReview, Tie
from reunify.app.records.models import Record

from .disclosure import Disclosure
from .errors import ApiError

#: The most items one page may hold; ``limit`` beyond it is refused (422), not silently cut.
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
#: Search ranks at most this many persons; pages of a search reach no further.
SEARCH_WINDOW = 500


@dataclass
class Read:
    """What an audit entry of this read records: the children concerned and the sensitive categories shown."""

    children: list[str] = field(default_factory=list)
    sensitive: list[str] = field(default_factory=list)

    def detail(self, **extra: Any) -> dict[str, Any]:
        return {**extra, "children": self.children, "sensitive_shown": self.sensitive}


@dataclass(frozen=True)
class Page:
    count: int
    limit: int
    offset: int
    items: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"count": self.count, "limit": self.limit, "offset": self.offset, "items": self.items}


@dataclass(frozen=True)
class Concerning:
    """A policy target for an object about several persons (a tie, a separation, a review pair)."""

    person_ids: tuple[int, ...]
    public_id: str

    def policy_person_ids(self) -> Iterable[int]:
        return self.person_ids


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --------------------------------------------------------------------------- persons


def person_is_child(person: Person) -> bool:
    """A child by any account: the summary's role hints, a tie as child, or an ORR referral (ORR holds only children).

    Broader than either test alone on purpose: it decides the stricter action
    and the audit entry, where a false "child" costs little and a false
    "adult" would skip both.
    """
    from reunify.app.search.models import PersonSummary

    if PersonSummary.objects.filter(person_id=person.pk, is_child=True).exists():
        return True
    if Tie.objects.filter(child_id=person.pk).exclude(status=Tie.REJECTED).exists():
        return True
    return PersonRecord.objects.filter(person_id=person.pk, record__feed="orr_referrals").exists()


def _summaries_in_scope(user: Any, queryset: QuerySet) -> QuerySet:
    visible = policy.scope_persons(user, Person.objects.all()).values("pk")
    queryset = queryset.filter(person_id__in=visible)
    if not policy.allows(user, "person.view_child"):
        queryset = queryset.filter(is_child=False)
    return queryset


def summary_dict(summary: Any) -> dict[str, Any]:
    return {
        "person_id": summary.public_id,
        "name": summary.display_name,
        "other_names": list(summary.other_names),
        "dob": _iso(summary.dob),
        "sex": summary.sex or None,
        "child": summary.is_child,
        "a_numbers": list(summary.a_numbers),
        "fins": list(summary.fins),
        "countries": list(summary.countries),
        "states": list(summary.states),
        "agencies": list(summary.agencies),
        "record_count": summary.record_count,
    }


def persons_page(user: Any, q: str | None, limit: int, offset: int) -> tuple[Page, Read]:
    """Persons in the user's scope: found by ``q`` (best first), or all of them by person id."""
    from reunify.app.search.models import PersonSummary
    from reunify.app.search.selectors import search_persons

    if q is not None and q.strip():
        policy.require(user, "search.run")
        if offset + limit > SEARCH_WINDOW:
            raise ApiError(
                422,
                f"a search pages through its best {SEARCH_WINDOW} matches; offset + limit goes beyond",
                field="offset",
            )
        results = search_persons(q, limit=SEARCH_WINDOW, scope=lambda qs: _summaries_in_scope(user, qs))
        items = [
            {**summary_dict(r.summary), "score": r.hit.score, "matched": list(r.hit.matched)}
            for r in results[offset : offset + limit]
        ]
        count = len(results)
    else:
        policy.require(user, "person.view")
        queryset = _summaries_in_scope(user, PersonSummary.objects.all()).order_by("public_id", "id")
        count = queryset.count()
        items = [summary_dict(s) for s in queryset[offset : offset + limit]]
    return Page(count, limit, offset, items), Read(children=[i["person_id"] for i in items if i["child"]])


def _person(user: Any, reference: str) -> tuple[Person, bool]:
    """The person (a retired id leads to the survivor) after the policy allowed this user to open them."""
    from reunify.app.people.services import resolve_person

    person = resolve_person(reference)  # LookupError -> 404
    child = person_is_child(person)
    policy.require(user, "person.view_child" if child else "person.view", person)
    if child:
        policy.require(user, "person.view", person)
    return person, child


def ties_dicts(ties: Iterable[Tie], disclosure: Disclosure) -> list[dict[str, Any]]:
    """Ties as the API serves them: the people layer's one reading of a tie, through this user's disclosure."""
    from reunify.app.people.services import ties_read

    return ties_read(list(ties), disclosure)


def tie_dict(tie: Tie, disclosure: Disclosure) -> dict[str, Any]:
    return ties_dicts([tie], disclosure)[0]


def _episode_dict(episode: Any, disclosure: Disclosure, child: bool) -> dict[str, Any]:
    detail = disclosure.fields(dict(episode.detail or {}), child=child)
    return {
        "agency": episode.agency,
        "kind": episode.kind,
        "facility": disclosure.place(episode.facility, child=child),
        "state": episode.state,
        "start": episode.start,
        "end": episode.end,
        "end_reason": episode.end_reason,
        "destination": episode.destination,
        "detail": detail,
        "record_keys": disclosure.keys(episode.source_keys),
    }


def _custody_dict(answer: Any, disclosure: Disclosure, child: bool) -> dict[str, Any]:
    location = answer.location
    return {
        "person_id": answer.person_id,
        "episodes": [_episode_dict(e, disclosure, child) for e in answer.episodes],
        "location": None
        if location is None
        else {
            "status": location.status,
            "agency": location.agency,
            "kind": location.kind,
            "facility": disclosure.place(location.facility, child=child),
            "state": location.state,
            "since": location.since,
            "destination": location.destination,
            "record_keys": disclosure.keys(location.source_keys),
        },
        "findings": [
            {"kind": f.kind, "message": f.message, "record_keys": disclosure.keys(f.source_keys)}
            for f in answer.findings
        ],
    }


def person_custody_view(
    user: Any, reference: str, at: dt.datetime | None = None
) -> tuple[dict[str, Any], Read]:
    """A person's custody ledger and whereabouts; a child's exact place only with the child-location grant."""
    from reunify.app.custody.selectors import person_custody

    person, child = _person(user, reference)
    disclosure = Disclosure.for_user(user)
    data = _custody_dict(person_custody(person.public_id, at), disclosure, child)
    data["asked_for"] = reference
    data["child"] = child
    data["withheld_categories"] = disclosure.withheld
    return data, Read([person.public_id] if child else [], sorted(disclosure.shown))


def person_view(user: Any, reference: str, *, explain: bool = True) -> tuple[dict[str, Any], Read]:
    """Everything about one person: summary, records side by side with their links, custody, ties, flags."""
    from reunify.app.custody.selectors import person_custody
    from reunify.app.people.services import person_explanation, person_members
    from reunify.app.search.models import PersonSummary

    person, child = _person(user, reference)
    disclosure = Disclosure.for_user(user)
    if explain:
        explanation = person_explanation(person.public_id)
    else:
        keys = person_members(person.public_id)
        rows = Record.objects.filter(record_key__in=keys).order_by("record_key")
        explanation = {
            "records": [
                {
                    "record_key": r.record_key,
                    "feed": r.feed,
                    "delivery_date": _iso(r.delivery_date),
                    "fields": r.fields,
                }
                for r in rows
            ],
            "links": [],
            "model_version": "",
        }
    records = [
        {**r, "fields": disclosure.fields(r["fields"] or {}, child=child)}
        for r in explanation["records"]
        if disclosure.record_visible(r["record_key"], r["feed"])
    ]
    shown_keys = {r["record_key"] for r in records}
    links = [
        link
        for link in explanation["links"]
        if link["record_key_a"] in shown_keys and link["record_key_b"] in shown_keys
    ]
    ties = Tie.objects.filter(parent=person) | Tie.objects.filter(child=person)
    flags = PersonFlag.objects.filter(person=person).order_by("kind", "id")
    summary = PersonSummary.objects.filter(person=person).first()
    data = {
        "person_id": person.public_id,
        "asked_for": reference,
        "child": child,
        "summary": summary_dict(summary) if summary else None,
        "records": records,
        "links": links,
        "model_version": explanation.get("model_version", ""),
        "custody": _custody_dict(person_custody(person.public_id), disclosure, child),
        "ties": ties_dicts(
            ties.select_related("parent", "child").order_by("child__public_id", "parent__public_id", "id"),
            disclosure,
        ),
        "flags": [
            {"kind": f.kind, "text": f.text, "record_keys": disclosure.keys(f.record_keys)}
            for f in flags
            if disclosure.flag_visible(f.kind, f.record_keys)
        ],
        "withheld_categories": disclosure.withheld,
    }
    return data, Read([person.public_id] if child else [], sorted(disclosure.shown))


# --------------------------------------------------------------------------- ties


def ties_page(
    user: Any, *, status: str | None, child: str | None, parent: str | None, limit: int, offset: int
) -> tuple[Page, Read]:
    """Parent-child ties with at least one person in the user's scope; every tie concerns a child."""
    policy.require(user, "person.view_child")
    queryset = policy.scope_by_persons(user, Tie.objects.all(), "parent", "child")
    if status:
        queryset = queryset.filter(status=status)
    if child:
        queryset = queryset.filter(child__public_id=child)
    if parent:
        queryset = queryset.filter(parent__public_id=parent)
    queryset = queryset.select_related("parent", "child").order_by(
        "child__public_id", "parent__public_id", "id"
    )
    disclosure = Disclosure.for_user(user)
    count = queryset.count()
    items = ties_dicts(queryset[offset : offset + limit], disclosure)
    read = Read(sorted({i["child_person_id"] for i in items}), sorted(disclosure.shown))
    return Page(count, limit, offset, items), read


def _pair(parent: str, child: str) -> tuple[Person, Person]:
    from reunify.app.people.services import resolve_person

    return resolve_person(parent), resolve_person(child)


def tie_view(user: Any, parent: str, child: str) -> tuple[dict[str, Any], Read]:
    from reunify.app.people.services import tie_explanation

    parent_person, child_person = _pair(parent, child)
    target = Concerning(
        (parent_person.pk, child_person.pk), f"{parent_person.public_id}/{child_person.public_id}"
    )
    policy.require(user, "person.view_child", target)
    disclosure = Disclosure.for_user(user)
    explanation = tie_explanation(parent_person.public_id, child_person.public_id, disclosure)
    explanation["withheld_categories"] = disclosure.withheld
    return explanation, Read([child_person.public_id], sorted(disclosure.shown))


# --------------------------------------------------------------------------- separations


def _separation_dict(row: Any, disclosure: Disclosure, *, full: bool) -> dict[str, Any]:
    data = {
        "child_person_id": row.child.public_id,
        "parent_person_id": row.parent.public_id,
        "current": row.current,
        "tie_status": row.tie_status,
        "event_id": row.event_id,
        "apprehended_at": row.apprehended_at,
        "separated_at": _iso(row.separated_at),
        "agency": row.agency,
        "stated_reason": row.stated_reason_text,
        "judicial_basis": row.judicial_basis,
        "outcome": row.outcome,
        "outcome_at": _iso(row.outcome_at),
        "reunified_at": _iso(row.reunified_at),
        "parent_removed_to": row.parent_removed_to or None,
        "membership": row.membership or None,
    }
    if full:
        facts = dict(row.facts or {})
        if isinstance(facts.get("evidence"), dict):
            facts["evidence"] = {k: disclosure.keys(v) for k, v in facts["evidence"].items()}
        data.update(
            {
                "stated_reason_codes": row.stated_reason,
                "judicial_findings": row.judicial_findings,
                "ngo_locates": row.ngo_locates,
                "record_keys": disclosure.keys(row.record_keys or []),
                "notes": row.notes,
                "facts": facts,
                "evaluation": row.evaluation,
                "rule_sets": row.rule_sets,
                "evaluated_as_of": _iso(row.evaluated_as_of),
            }
        )
    return data


def separations_page(
    user: Any,
    *,
    without_judicial_basis: bool,
    outcome: str | None,
    child: str | None,
    limit: int,
    offset: int,
) -> tuple[Page, Read]:
    from reunify.app.custody.selectors import separations_stored

    policy.require(user, "separation.view")
    queryset = policy.scope_by_persons(user, separations_stored(without_judicial_basis), "child", "parent")
    if outcome:
        queryset = queryset.filter(outcome=outcome)
    if child:
        queryset = queryset.filter(child__public_id=child)
    queryset = queryset.order_by("child__public_id", "parent__public_id", "id")
    disclosure = Disclosure.for_user(user)
    count = queryset.count()
    items = [_separation_dict(s, disclosure, full=False) for s in queryset[offset : offset + limit]]
    return Page(count, limit, offset, items), Read(sorted({i["child_person_id"] for i in items}))


def separation_view(user: Any, child: str, parent: str) -> tuple[dict[str, Any], Read]:
    from reunify.app.custody.models import StoredSeparation

    parent_person, child_person = _pair(parent, child)
    target = Concerning(
        (child_person.pk, parent_person.pk), f"{child_person.public_id}/{parent_person.public_id}"
    )
    policy.require(user, "separation.view", target)
    row = (
        StoredSeparation.objects.select_related("child", "parent")
        .filter(child=child_person, parent=parent_person)
        .first()
    )
    if row is None:
        raise LookupError(
            f"no separation of {child_person.public_id} from {parent_person.public_id} is stored"
        )
    disclosure = Disclosure.for_user(user)
    data = _separation_dict(row, disclosure, full=True)
    data["withheld_categories"] = disclosure.withheld
    return data, Read([child_person.public_id], sorted(disclosure.shown))


# --------------------------------------------------------------------------- review


def _record_persons(record_keys: Sequence[str]) -> list[Person]:
    links = PersonRecord.objects.select_related("person").filter(record__record_key__in=list(record_keys))
    return [link.person for link in links]


def review_pair_target(record_key_a: str, record_key_b: str) -> Concerning:
    persons = _record_persons([record_key_a, record_key_b])
    return Concerning(tuple(p.pk for p in persons), f"{record_key_a}/{record_key_b}")


def review_persons_page(user: Any, limit: int, offset: int) -> tuple[Page, Read]:
    """Open record pairs, most likely match first; pairs with a DNA record only for users allowed DNA."""
    policy.require(user, "review.view")
    disclosure = Disclosure.for_user(user)
    queryset = PersonReview.objects.filter(status=PersonReview.OPEN)
    if "dna" not in disclosure.allowed:
        for prefix in ("dna_results:",):
            queryset = queryset.exclude(record_key_a__startswith=prefix).exclude(
                record_key_b__startswith=prefix
            )
    access = policy.access_of(user)
    if access is not None and access.role in policy.STATE_SCOPED_ROLES:
        visible = policy.scope_persons(user, Person.objects.all()).values("pk")
        keys = PersonRecord.objects.filter(person_id__in=visible).values("record__record_key")
        queryset = queryset.filter(record_key_a__in=keys) | queryset.filter(record_key_b__in=keys)
    queryset = queryset.order_by("-match_probability", "record_key_a", "record_key_b", "id")
    count = queryset.count()
    items = [
        {
            "record_key_a": r.record_key_a,
            "record_key_b": r.record_key_b,
            "match_probability": r.match_probability,
            "match_weight": r.match_weight,
            "explanation": r.explanation,
            "status": r.status,
        }
        for r in queryset[offset : offset + limit]
    ]
    return Page(count, limit, offset, items), Read(sensitive=sorted(disclosure.shown))


def review_ties_page(user: Any, limit: int, offset: int) -> tuple[Page, Read]:
    """Candidate ties waiting for a person, most likely first."""
    policy.require(user, "review.view")
    queryset = policy.scope_by_persons(user, Tie.objects.filter(status=Tie.CANDIDATE), "parent", "child")
    queryset = queryset.select_related("parent", "child").order_by(
        "-probability", "child__public_id", "parent__public_id", "id"
    )
    disclosure = Disclosure.for_user(user)
    count = queryset.count()
    items = ties_dicts(queryset[offset : offset + limit], disclosure)
    read = Read(sorted({i["child_person_id"] for i in items}), sorted(disclosure.shown))
    return Page(count, limit, offset, items), read


# --------------------------------------------------------------------------- cases


def _case_action(user: Any) -> str:
    """``case.view`` (personal details) when the role has it, else ``case.view_status`` (the court's view)."""
    if policy.allows(user, "case.view"):
        return "case.view"
    policy.require(user, "case.view_status")
    return "case.view_status"


_STATUS_FIELDS = (
    "case_id",
    "status",
    "track",
    "needs_review",
    "separated_at",
    "next_deadline",
    "overdue",
    "open_flags",
    "version",
)


def cases_page(
    user: Any, *, status: str | None, needs_review: bool | None, limit: int, offset: int
) -> tuple[Page, Read]:
    """Cases in the user's scope; for the court's view (``case.view_status``) without person ids or names."""
    from reunify.app.cases.models import Case
    from reunify.app.cases.selectors import case_summaries, cases_query

    action = _case_action(user)
    visible = policy.scope(user, action, Case.objects.all(), "child", "parents__parent").values("pk")
    queryset = cases_query().filter(pk__in=visible)
    if status:
        queryset = queryset.filter(status=status)
    if needs_review is not None:
        queryset = queryset.filter(needs_review=needs_review)
    count = queryset.count()
    summaries = [s.as_dict() for s in case_summaries(list(queryset[offset : offset + limit]))]
    if action == "case.view_status":
        summaries = [_status_only(s) for s in summaries]
        return Page(count, limit, offset, summaries), Read()
    return Page(count, limit, offset, summaries), Read(sorted({s["child_person_id"] for s in summaries}))


def _status_only(summary: dict[str, Any]) -> dict[str, Any]:
    data = {k: summary.get(k) for k in _STATUS_FIELDS}
    for key in ("next_deadline",):
        if data[key]:
            data[key] = {k: v for k, v in data[key].items() if k != "parent_person_id"}
    data["overdue"] = [{k: v for k, v in d.items() if k != "parent_person_id"} for d in data["overdue"] or []]
    return data


def case_view(user: Any, case_id: str) -> tuple[dict[str, Any], Read, str]:
    """One case: everything for ``case.view``, status, steps and deadlines only for ``case.view_status``."""
    from reunify.app.cases.selectors import case_detail, case_get

    case = case_get(case_id)  # CaseNotFound -> 404
    action = _case_action(user)
    policy.require(user, action, case)
    detail = case_detail(case.case_id)
    if action == "case.view_status":
        detail = {
            "case_id": detail["case_id"],
            "version": detail["version"],
            "status": detail["status"],
            "outcome": detail["outcome"],
            "outcome_at": detail["outcome_at"],
            "track": {"track": detail["track"]["track"]},
            "separated_at": detail["separated_at"],
            "steps": [
                {k: s[k] for k in ("kind", "label", "status", "due_at", "completed_at", "version")}
                for s in detail["steps"]
            ],
            "deadlines": [
                {k: v for k, v in d.items() if k != "parent_person_id"} for d in detail["deadlines"]
            ],
        }
        return detail, Read(), action
    return detail, Read([case.child_person_id]), action


def case_step_dict(step: Any) -> dict[str, Any]:
    return {
        "case_id": step.case.case_id,
        "kind": step.kind,
        "status": step.status,
        "version": step.version,
        "owner": step.owner.get_username() if step.owner else None,
        "started_at": _iso(step.started_at),
        "completed_at": _iso(step.completed_at),
        "notes": step.notes,
    }


# --------------------------------------------------------------------------- reports and the caller


def report_status(user: Any, as_of: dt.date) -> dict[str, Any]:
    """The court's status report for the end of ``as_of``: aggregate figures with their definitions."""
    from reunify.app.custody.selectors import status_report_as_of

    policy.require(user, "report.status")
    report = status_report_as_of(as_of)
    return {
        "as_of": report.as_of.isoformat(),
        "basis": report.basis,
        "rule_sets": list(report.rule_sets),
        "tables": [
            {"title": table.title, "figures": [dataclasses.asdict(f) for f in table.figures]}
            for table in report.tables
        ],
    }


def me(user: Any, token: Any) -> dict[str, Any]:
    """Who the token acts as: role, scope, grants, and every action the policy allows them."""
    access = policy.access_of(user)
    return {
        "username": user.get_username(),
        "role": access.role if access else None,
        "agency": (access.agency or None) if access else None,
        "state": (access.state or None) if access else None,
        "team": (access.team or None) if access else None,
        "grants": sorted(access.grants) if access else [],
        "actions": sorted(policy.allowed_actions(user)),
        "token": {
            "name": token.name,
            "prefix": token.prefix,
            "created_at": _iso(token.created_at),
            "expires_at": _iso(token.expires_at),
        },
    }
