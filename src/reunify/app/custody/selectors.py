"""Custody ledgers and separations computed from the stored records, persons and ties.

They are computed on request from the latest linkage run rather than stored:
the core (``reunify.custody``) takes well under a second for thousands of
families, and computing keeps them consistent with the persons and ties by
construction. Storing them (for as-of reports and page speed) comes with the
rules and reports layer.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from reunify.app.people.models import Person, PersonRecord, Tie
from reunify.app.people.services import resolve_person
from reunify.app.records.models import Record
from reunify.custody import (
    CustodyEpisode,
    Finding,
    Location,
    Separation,
    custody_episodes,
    data_quality_findings,
    detect_separations,
    where_is,
)
from reunify.linkage.person_records import LinkRecord


def _link_record(key: str, feed: str, fields: object) -> LinkRecord:
    return LinkRecord(key, feed, json.loads(fields) if isinstance(fields, str) else fields)  # type: ignore[arg-type]


def records_by_person() -> dict[str, list[LinkRecord]]:
    """Every linked record grouped by its person's public id."""
    grouped: dict[str, list[LinkRecord]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.public_id, r.record_key, r.feed, r.fields FROM {PersonRecord._meta.db_table} l "
            f"JOIN {Record._meta.db_table} r ON r.id = l.record_id "
            f"JOIN {Person._meta.db_table} p ON p.id = l.person_id ORDER BY r.record_key"
        )
        while rows := cursor.fetchmany(5000):
            for public_id, key, feed, fields in rows:
                grouped[public_id].append(_link_record(key, feed, fields))
    return dict(grouped)


def separations_current() -> list[Separation]:
    """Every separation the current persons and asserted ties reveal."""
    ties = Tie.objects.values_list("parent__public_id", "child__public_id", "status")
    return detect_separations(records_by_person(), list(ties))


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
