"""Reads over custody and separations: ledgers, stored separations, and what was known on a past date.

Separations are stored (``StoredSeparation``), rebuilt by
``services.separations_rebuild`` at the end of every ``reunify link``; the
lists, the exports and the evaluation read those rows.  A status report for a
date recomputes custody from the record versions delivered by then (see
``records_by_person``), because the stored rows hold what is known *now*.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from reunify.app.people.models import LinkRun, Person, PersonRecord, Tie
from reunify.app.people.services import resolve_person
from reunify.app.records.models import Delivery, Record, RecordVersion
from reunify.custody import (
    CustodyEpisode,
    Finding,
    Location,
    Separation,
    custody_episodes,
    data_quality_findings,
    detect_separations,
    separation_facts,
    where_is,
)
from reunify.linkage.person_records import LinkRecord
from reunify.rules import RuleBook, StatusReport, evaluate_separation, load_rule_book, status_report

from .models import SeparationBuild, StoredSeparation


def _link_record(key: str, feed: str, fields: object) -> LinkRecord:
    return LinkRecord(key, feed, json.loads(fields) if isinstance(fields, str) else fields)  # type: ignore[arg-type]


def _date_param(day: dt.date) -> object:
    """SQLite keeps dates as ISO text; PostgreSQL compares real dates."""
    return day if connection.vendor == "postgresql" else day.isoformat()


def records_by_person(
    as_of: dt.date | None = None, with_corrections: bool = False
) -> dict[str, list[LinkRecord]]:
    """Every linked record grouped by its person's public id, as known now or at the end of ``as_of``.

    With ``as_of``, only records first delivered on or before that date take
    part, each in the newest version delivered by then; a correction delivered
    later is ignored unless ``with_corrections``, which takes the record's
    current version instead.  Persons are those of the latest linkage run
    either way (the question is what the agencies had told us, not how well
    we linked it then).
    """
    grouped: dict[str, list[LinkRecord]] = defaultdict(list)
    link, record, person = PersonRecord._meta.db_table, Record._meta.db_table, Person._meta.db_table
    version, delivery = RecordVersion._meta.db_table, Delivery._meta.db_table
    if as_of is None:
        sql = (
            f"SELECT p.public_id, r.record_key, r.feed, r.fields FROM {link} l "
            f"JOIN {record} r ON r.id = l.record_id JOIN {person} p ON p.id = l.person_id ORDER BY r.record_key"
        )
        params: list[object] = []
    elif with_corrections:
        sql = (
            f"SELECT p.public_id, r.record_key, r.feed, r.fields FROM {link} l "
            f"JOIN {record} r ON r.id = l.record_id JOIN {person} p ON p.id = l.person_id "
            f"WHERE EXISTS (SELECT 1 FROM {version} v JOIN {delivery} d ON d.id = v.delivery_id "
            "WHERE v.record_id = r.id AND d.delivery_date <= %s) ORDER BY r.record_key"
        )
        params = [_date_param(as_of)]
    else:
        # Newest version delivered by then: ordered so that the last row of each key wins.
        sql = (
            f"SELECT p.public_id, r.record_key, r.feed, v.fields FROM {version} v "
            f"JOIN {delivery} d ON d.id = v.delivery_id JOIN {record} r ON r.id = v.record_id "
            f"JOIN {link} l ON l.record_id = r.id JOIN {person} p ON p.id = l.person_id "
            "WHERE d.delivery_date <= %s ORDER BY r.record_key, d.delivery_date, d.seq, v.id"
        )
        params = [_date_param(as_of)]
    latest: dict[str, tuple[str, LinkRecord]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            for public_id, key, feed, fields in rows:
                latest[key] = (public_id, _link_record(key, feed, fields))
    for key in sorted(latest):
        public_id, link_record = latest[key]
        grouped[public_id].append(link_record)
    return dict(grouped)


def ties_current() -> list[tuple[str, str, str]]:
    """(parent, child, status) of every tie of the latest run."""
    return list(Tie.objects.values_list("parent__public_id", "child__public_id", "status"))


def separations_current() -> list[Separation]:
    """Every separation the current persons and asserted ties reveal (computed, not read from storage)."""
    return detect_separations(records_by_person(), ties_current())


def latest_run() -> LinkRun | None:
    return LinkRun.objects.order_by("-started_at", "-id").first()


def data_horizon() -> dt.date:
    """The date of the newest delivery: what "now" means for the data (today when nothing is ingested)."""
    newest = Delivery.objects.order_by("-delivery_date").values_list("delivery_date", flat=True).first()
    return newest or dt.date.today()


def rule_book(extra_folders: Iterable[Path | str] = ()) -> RuleBook:
    """The packaged rule sets, those of ``REUNIFY_RULES_DIRS`` and those given here."""
    return load_rule_book([*getattr(settings, "RULES_DIRS", []), *extra_folders])


def separations_stored(without_judicial_basis: bool = False) -> QuerySet[StoredSeparation]:
    """The current stored separations, by child then parent."""
    queryset = StoredSeparation.objects.filter(current=True).select_related("child", "parent")
    if without_judicial_basis:
        queryset = queryset.filter(judicial_basis=False)
    return queryset.order_by("child__public_id", "parent__public_id")


def separations_are_stored() -> bool:
    """True when the stored separations were built from the latest linkage run."""
    run = latest_run()
    return run is not None and SeparationBuild.objects.filter(run=run, kind="REBUILD").exists()


def separation_export_rows() -> Iterator[dict[str, str]]:
    """The EXPORTS.md rows: from storage when built from the latest run, else computed on request."""
    if separations_are_stored():
        for row in separations_stored().iterator(chunk_size=2000):
            yield row.export_row(row.child.public_id, row.parent.public_id)
        return
    for separation in separations_current():
        yield separation.export_row()


def status_report_as_of(
    as_of: dt.date, with_corrections: bool = False, book: RuleBook | None = None
) -> StatusReport:
    """The court's status report for the end of ``as_of``, from what was known about custody by then."""
    book = book or rule_book()
    persons = records_by_person(as_of, with_corrections)
    separations = [s for s in detect_separations(persons, ties_current()) if s.separated_at <= as_of]
    rows = []
    for separation in separations:
        facts = separation_facts(
            separation, persons[separation.child_person], persons[separation.parent_person]
        )
        rows.append((facts, evaluate_separation(facts, book, as_of)))
    run = latest_run()
    basis = (
        f"custody from record versions delivered on or before {as_of.isoformat()}"
        + (
            "; later corrections of those records included"
            if with_corrections
            else "; later corrections ignored"
        )
        + (f"; persons and ties of linkage run {run.pk} (model {run.model_version or 'n/a'})" if run else "")
    )
    groups = [
        rule.group
        for rule_set in book.in_force(as_of)
        for rule in rule_set.rules
        if rule.kind == "deadline" and rule.event == "reunification" and rule.group
    ]
    return status_report(rows, as_of, basis, groups)


@dataclass
class CustodyAnswer:
    person_id: str
    episodes: list[CustodyEpisode]
    location: Location | None
    findings: list[Finding]


def person_custody(reference: str, at: dt.datetime | None = None) -> CustodyAnswer:
    """A person's custody ledger, where they were at ``at`` (or last known), and what cannot be true in it."""
    person = resolve_person(reference)
    keys = list(PersonRecord.objects.filter(person=person).values_list("record_id", flat=True))
    records = [_link_record(r.record_key, r.feed, r.fields) for r in Record.objects.filter(id__in=keys)]
    episodes = custody_episodes(records)
    return CustodyAnswer(person.public_id, episodes, where_is(episodes, at), data_quality_findings(episodes))


# --------------------------------------------------------------------------- pages (scoped by the access policy)


@dataclass(frozen=True)
class SeparationLine:
    """One separation as the list page shows it: sensitive record keys already withheld."""

    separation: StoredSeparation
    evidence: list[tuple[str, list[str]]]
    record_keys: list[str]
    deadlines: list[dict]
    membership_reasons: list[dict]


def separations_in_scope(
    user: object, *, without_judicial_basis: bool = False, outcome: str | None = None
) -> QuerySet[StoredSeparation]:
    """Current separations with the child or the parent in the user's scope (a state monitor: their state)."""
    from reunify.app.accounts import policy

    queryset = policy.scope(
        user, "separation.view", separations_stored(without_judicial_basis), "child", "parent"
    )
    if outcome:
        queryset = queryset.filter(outcome=outcome)
    return queryset


def separation_outcomes(user: object) -> list[str]:
    """The outcomes present in the user's scope, for the list's filter."""
    queryset = separations_in_scope(user).order_by().values_list("outcome", flat=True).distinct()
    return sorted(set(queryset))


def separation_lines(user: object, rows: Iterable[StoredSeparation]) -> list[SeparationLine]:
    """The evidence, deadlines and class membership of each row, DNA record keys withheld without the grant.

    The disclosure rules are the API's (``reunify.app.api.disclosure``), so a
    page and an API client are shown exactly the same.
    """
    from reunify.app.api.disclosure import Disclosure

    disclosure = Disclosure.for_user(user)
    lines = []
    for row in rows:
        evidence = (row.facts or {}).get("evidence")
        evaluation = row.evaluation or {}
        lines.append(
            SeparationLine(
                separation=row,
                evidence=[
                    (name, disclosure.keys(keys))
                    for name, keys in sorted(evidence.items())
                    if isinstance(keys, list) and disclosure.keys(keys)
                ]
                if isinstance(evidence, dict)
                else [],
                record_keys=disclosure.keys(row.record_keys or []),
                deadlines=list(evaluation.get("deadlines") or []),
                membership_reasons=list((evaluation.get("membership") or {}).get("reasons") or []),
            )
        )
    return lines


def status_report_for(user: object, as_of: dt.date) -> StatusReport:
    """The court's status report for the end of ``as_of``, for a user the policy lets read reports."""
    from reunify.app.accounts import policy

    policy.require(user, "report.status")
    return status_report_as_of(as_of)
