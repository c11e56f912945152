"""Reads for the person page and the review queue, already filtered by the access policy.

The policy checks and the withholding of sensitive categories are the API's
(``reunify.app.api.selectors`` and ``disclosure``): a page and an API client
see exactly the same of a person. What this module adds is the shape a page
needs — records side by side field by field, times a person can read, the
family's cases, the two records of a review pair next to each other — and
the ``Read`` each page must write to the audit log.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from reunify.app.accounts import policy
from reunify.app.api.disclosure import Disclosure
from reunify.app.api.selectors import Read, person_view, review_persons_page, review_ties_page
from reunify.app.records.models import Record

from .models import Person, PersonRecord

#: Fields shown first, in this order, on the records side by side; the rest follow alphabetically.
FIRST_FIELDS = ("name", "dob", "dob_estimated", "sex", "a_number", "fin", "country", "event_id", "role_hint")
#: Feeds whose every record is a child's (ORR holds only children).
CHILD_FEEDS = frozenset({"orr_referrals"})


@dataclass(frozen=True)
class CountedPage:
    """A page of a list counted elsewhere (the API's selectors), with what ``web/_pagination.html`` reads."""

    number: int
    per_page: int
    count: int

    @property
    def paginator(self) -> CountedPage:
        return self

    @property
    def num_pages(self) -> int:
        return max(math.ceil(self.count / self.per_page), 1)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_number(text: str | None) -> int:
    """A page number from the query string; anything unreadable is the first page."""
    try:
        return max(int(text or 1), 1)
    except ValueError:
        return 1


def when(value: str | None) -> str:
    """An ISO instant as a person reads it: ``2018-05-04 13:20`` (the offset the source wrote is kept)."""
    if not value:
        return ""
    text = str(value).replace("T", " ")
    return text[:16] + (text[19:] if len(text) > 19 and text[19] in "+-" else "")


def field_text(value: Any) -> str:
    """One normalised value as text: names as their words, lists and nested rows compactly."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Mapping):
        if "tokens" in value and ("given" in value or "surnames" in value):
            words = [*(value.get("given") or ()), *(value.get("surnames") or ())] or value.get("tokens") or []
            return " ".join(str(w) for w in words)
        parts = [f"{k}: {field_text(v)}" for k, v in value.items() if field_text(v)]
        return ", ".join(parts)
    if isinstance(value, list):
        return "; ".join(t for t in (field_text(v) for v in value) if t)
    return str(value)


@dataclass(frozen=True)
class FieldRow:
    name: str
    values: list[str]
    differs: bool


def records_side_by_side(records: list[dict[str, Any]]) -> list[FieldRow]:
    """One row per normalised field (and the name as written), one column per record, in ``records`` order."""
    names: list[str] = []
    for record in records:
        for name in record["fields"]:
            if name not in names:
                names.append(name)
    ordered = [n for n in FIRST_FIELDS if n in names] + sorted(n for n in names if n not in FIRST_FIELDS)
    rows = []
    for name in ordered:
        values = [field_text(record["fields"].get(name)) for record in records]
        rows.append(FieldRow(name, values, len({v for v in values if v}) > 1))
        if name == "name":
            raw = [str((record["fields"].get("name") or {}).get("raw") or "") for record in records]
            rows.append(FieldRow(_("name as written"), raw, len({v for v in raw if v}) > 1))
    return rows


def family_cases(user: Any, person: Person) -> list[Any]:
    """The cases the person is the child or a parent of, that the user may open (at least their status)."""
    from reunify.app.cases.models import Case

    concerning = Case.objects.filter(Q(child=person) | Q(parents__parent=person)).values("pk")
    action = "case.view" if policy.allows(user, "case.view") else "case.view_status"
    visible = policy.scope(user, action, Case.objects.filter(pk__in=concerning), "child", "parents__parent")
    return list(Case.objects.filter(pk__in=visible.values("pk")).order_by("case_id"))


def person_page(user: Any, public_id: str) -> tuple[dict[str, Any], Read]:
    """Everything the person page shows, sensitive categories withheld without the grant; and its audit ``Read``.

    Without the links' match weights: re-scoring each pair of records takes
    seconds (``person_link_weights`` serves them to the page separately). Raises the
    policy's ``Denied`` and the people layer's ``LookupError`` as the API's selector does.
    """
    data, read = person_view(user, public_id, explain=False)
    person = Person.objects.get(public_id=data["person_id"])
    data["field_rows"] = records_side_by_side(data["records"])
    for record in data["records"]:
        record["name_text"] = field_text(record["fields"].get("name"))
    custody = data["custody"]
    for episode in custody["episodes"]:
        episode["start_text"], episode["end_text"] = when(episode["start"]), when(episode["end"])
    if custody["location"]:
        custody["location"]["since_text"] = when(custody["location"]["since"])
    data["cases"] = family_cases(user, person)
    data["withheld_labels"] = [policy.SENSITIVE_CATEGORIES[c] for c in data["withheld_categories"]]
    return data, read


def person_link_weights(user: Any, public_id: str) -> tuple[dict[str, Any], Read]:
    """Why the person's records are one person: each link's match weight per comparison, and its audit ``Read``.

    Only links between records the user may see (a DNA result's link needs the DNA grant).
    """
    data, read = person_view(user, public_id, explain=True)
    keep = ("person_id", "child", "links", "model_version", "records")
    return {k: data[k] for k in keep}, read


# --------------------------------------------------------------------------- the review queue


@dataclass
class ReviewPair:
    """A record pair the model was unsure about, with both records' fields side by side."""

    record_key_a: str
    record_key_b: str
    match_probability: float
    match_weight: float
    status: str
    explanation: list[dict[str, Any]]
    rows: list[FieldRow] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    entry: str = ""  # the element id of the pair on the page, for htmx to swap


def _record_is_child(record: Record) -> bool:
    return record.feed in CHILD_FEEDS or (record.fields or {}).get("role_hint") == "child"


def review_pairs(user: Any, number: int, per_page: int) -> tuple[CountedPage, list[ReviewPair], Read]:
    """A page of the person review queue (most likely match first), each pair's records side by side."""
    found, read = review_persons_page(user, per_page, (number - 1) * per_page)
    keys = {k for item in found.items for k in (item["record_key_a"], item["record_key_b"])}
    records = {r.record_key: r for r in Record.objects.filter(record_key__in=keys)}
    person_of = dict(
        PersonRecord.objects.filter(record__record_key__in=keys).values_list(
            "record__record_key", "person__public_id"
        )
    )
    disclosure = Disclosure.for_user(user)
    children: set[str] = set()
    pairs = []
    for item in found.items:
        shown = []
        for key in (item["record_key_a"], item["record_key_b"]):
            record = records.get(key)
            child = record is not None and _record_is_child(record)
            if child and key in person_of:
                children.add(person_of[key])
            fields = disclosure.fields(record.fields or {}, child=child) if record else {}
            shown.append({"record_key": key, "feed": record.feed if record else "", "fields": fields})
        pairs.append(
            ReviewPair(
                item["record_key_a"],
                item["record_key_b"],
                item["match_probability"],
                item["match_weight"],
                item["status"],
                list(item["explanation"] or []),
                records_side_by_side(shown),
                [person_of.get(item["record_key_a"], ""), person_of.get(item["record_key_b"], "")],
                f"pair-{number}-{len(pairs) + 1}",
            )
        )
    read = Read(sorted(children), sorted(set(read.sensitive) | disclosure.shown))
    return CountedPage(number, per_page, found.count), pairs, read


def review_ties(user: Any, number: int, per_page: int) -> tuple[CountedPage, list[dict[str, Any]], Read]:
    """A page of candidate ties (most likely first), each with both persons' summaries and the evidence."""
    from reunify.app.search.models import PersonSummary

    found, read = review_ties_page(user, per_page, (number - 1) * per_page)
    ids = {i for item in found.items for i in (item["parent_person_id"], item["child_person_id"])}
    summaries = {s.public_id: s for s in PersonSummary.objects.filter(public_id__in=ids)}
    ties = [
        {
            **item,
            "parent": summaries.get(item["parent_person_id"]),
            "child": summaries.get(item["child_person_id"]),
            "entry": f"tie-{number}-{index}",
        }
        for index, item in enumerate(found.items, start=1)
    ]
    return CountedPage(number, per_page, found.count), ties, read


def tie_row(user: Any, parent: str, child: str) -> dict[str, Any] | None:
    """One tie as the review queue shows it after a decision (None when no tie is held)."""
    from reunify.app.api.selectors import tie_dict
    from reunify.app.search.models import PersonSummary

    from .models import Tie

    tie = Tie.objects.select_related("parent", "child").filter(
        parent__public_id=parent, child__public_id=child
    )
    found = tie.first()
    if found is None:
        return None
    data = tie_dict(found, Disclosure.for_user(user))
    summaries = {s.public_id: s for s in PersonSummary.objects.filter(public_id__in=[parent, child])}
    return {**data, "parent": summaries.get(parent), "child": summaries.get(child)}
