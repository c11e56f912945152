"""Running the person linkage over the stored records and keeping person ids stable.

Why ids are assigned here and not by the linkage: a caseworker's bookmark must
survive tomorrow's delivery. The linkage only says which records belong
together; this module maps each new group to the person that already held most
of its records, so a person whose records did not change keeps its id exactly,
and a merge keeps the id of the larger side.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from reunify.app.records.models import Record
from reunify.linkage.person_records import LinkRecord
from reunify.linkage.persons import PersonDecisions, PersonLinkResult, explain_pair, link_persons

from .models import LinkRun, Person, PersonDecision, PersonRecord, PersonReview

Progress = Callable[[str, int, int], None]


def current_link_records() -> Iterator[LinkRecord]:
    """Every current (non-quarantined) record as the linkage reads it, streamed from the database."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT record_key, feed, fields FROM {Record._meta.db_table} ORDER BY record_key")
        while rows := cursor.fetchmany(5000):
            for key, feed, fields in rows:
                yield LinkRecord(key, feed, json.loads(fields) if isinstance(fields, str) else fields)


def person_decisions_in_force() -> PersonDecisions:
    """The latest decision about each pair of records; earlier ones are history."""
    latest: dict[tuple[str, str], str] = {}
    for decision in PersonDecision.objects.order_by("decided_at", "id"):
        latest[(decision.record_key_a, decision.record_key_b)] = decision.decision
    return PersonDecisions(
        must_link=tuple(pair for pair, kind in latest.items() if kind == PersonDecision.SAME),
        cannot_link=tuple(pair for pair, kind in latest.items() if kind == PersonDecision.DIFFERENT),
    )


@dataclass
class IdAssignment:
    """Cluster id -> public person id, with what happened to the persons of the previous run."""

    person_of_cluster: dict[str, str]
    new_clusters: list[str]
    kept: int
    retired: dict[str, str]  # retired public id -> public id of the person that took most of its records


def assign_person_ids(
    members: dict[str, list[str]], previous: dict[str, str], next_id: Callable[[], str]
) -> IdAssignment:
    """Give each new cluster the id of the previous person holding most of its records.

    Greedy on overlap (largest first, ties broken by ids so the result is
    deterministic); each previous id goes to at most one cluster. A previous
    person whose records all moved elsewhere is retired and points to the
    person that took most of them.
    """
    overlap: Counter[tuple[str, str]] = Counter()
    for cluster, keys in members.items():
        for key in keys:
            person = previous.get(key)
            if person is not None:
                overlap[(cluster, person)] += 1
    ranked = sorted(overlap.items(), key=lambda item: (-item[1], item[0][1], item[0][0]))
    person_of_cluster: dict[str, str] = {}
    taken: set[str] = set()
    for (cluster, person), _ in ranked:
        if cluster in person_of_cluster or person in taken:
            continue
        person_of_cluster[cluster] = person
        taken.add(person)
    previous_members: dict[str, set[str]] = {}
    for key, person in previous.items():
        previous_members.setdefault(person, set()).add(key)
    kept = sum(
        1
        for cluster, person in person_of_cluster.items()
        if set(members[cluster]) == previous_members[person]
    )
    new_clusters = sorted(cluster for cluster in members if cluster not in person_of_cluster)
    for cluster in new_clusters:
        person_of_cluster[cluster] = next_id()
    best_home: dict[str, tuple[int, str]] = {}
    for (cluster, person), count in overlap.items():
        if person in taken:
            continue
        home = person_of_cluster[cluster]
        if person not in best_home or (count, home) > best_home[person]:
            best_home[person] = (count, home)
    retired = {person: home for person, (_, home) in sorted(best_home.items())}
    for person in set(previous.values()) - taken - set(retired):
        retired[person] = ""
    return IdAssignment(person_of_cluster, new_clusters, kept, retired)


def _id_counter() -> Callable[[], str]:
    last = Person.objects.order_by("-public_id").values_list("public_id", flat=True).first()
    number = int(last[1:]) if last else 0

    def next_id() -> str:
        nonlocal number
        number += 1
        return f"P{number:08d}"

    return next_id


def persons_link(progress: Progress | None = None) -> LinkRun:
    """Link every current record into persons, obeying every decision, and store the outcome."""
    started = timezone.now()
    decisions = person_decisions_in_force()
    records = list(current_link_records())
    result = link_persons(records, decisions=decisions, progress=progress)
    return _store(result, started, len(records))


def _store(result: PersonLinkResult, started, record_count: int) -> LinkRun:
    members = result.members()
    record_ids = dict(Record.objects.values_list("record_key", "id"))
    previous = dict(PersonRecord.objects.values_list("record__record_key", "person__public_id"))
    with transaction.atomic():
        run = LinkRun.objects.create(
            started_at=started,
            records=record_count,
            model_version=result.model.version,
            model_settings=result.model.settings_json(),
            counts=result.counts,
            timings=result.timings,
            blocking=result.blocking,
        )
        assignment = assign_person_ids(members, previous, _id_counter())
        Person.objects.bulk_create(
            [
                Person(public_id=assignment.person_of_cluster[c], created_run=run)
                for c in assignment.new_clusters
            ],
            batch_size=2000,
        )
        pk_of = dict(Person.objects.filter(retired_run__isnull=True).values_list("public_id", "id"))
        for retired, home in assignment.retired.items():
            Person.objects.filter(public_id=retired).update(
                retired_run=run, merged_into_id=pk_of.get(home) if home else None
            )
        current = {key: person for key, person in previous.items()}
        changed: list[tuple[int, int, int]] = []
        created: list[tuple[int, int, int]] = []
        for cluster, keys in members.items():
            public_id = assignment.person_of_cluster[cluster]
            person_pk = pk_of[public_id]
            for key in keys:
                row = (person_pk, run.pk, record_ids[key])
                if key not in current:
                    created.append(row)
                elif current[key] != public_id:
                    changed.append(row)
        table = PersonRecord._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET person_id = %s, run_id = %s WHERE record_id = %s", changed
            )
            cursor.executemany(
                f"INSERT INTO {table} (person_id, run_id, record_id) VALUES (%s, %s, %s)", created
            )
        PersonReview.objects.filter(status=PersonReview.OPEN).delete()
        reviews = []
        for row in result.review_candidates.to_pylist():
            lines = explain_pair(result, row["record_key_l"], row["record_key_r"])
            reviews.append(
                PersonReview(
                    run=run,
                    record_key_a=row["record_key_l"],
                    record_key_b=row["record_key_r"],
                    match_probability=row["match_probability"],
                    match_weight=row["match_weight"],
                    explanation=[
                        {"comparison": x.comparison, "label": x.label, "weight": x.weight, "text": x.text}
                        for x in lines
                    ],
                )
            )
        PersonReview.objects.bulk_create(reviews, batch_size=1000)
        LinkRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(),
            persons=len(members),
            persons_new=len(assignment.new_clusters),
            persons_kept=assignment.kept,
            persons_retired=len(assignment.retired),
        )
    run.refresh_from_db()
    return run


def person_decide(
    record_key_a: str, record_key_b: str, same: bool, decided_by: str, reason: str
) -> PersonDecision:
    """Record a decision about two records; it is applied on this and every later run of the linkage."""
    if not reason.strip():
        raise ValueError("a decision needs a reason: say why these records are or are not one person")
    a, b = sorted((record_key_a, record_key_b))
    if a == b:
        raise ValueError("a decision needs two different records")
    known = set(Record.objects.filter(record_key__in=[a, b]).values_list("record_key", flat=True))
    missing = sorted({a, b} - known)
    if missing:
        raise ValueError(f"no such record: {', '.join(missing)}")
    decision = PersonDecision.objects.create(
        record_key_a=a,
        record_key_b=b,
        decision=PersonDecision.SAME if same else PersonDecision.DIFFERENT,
        decided_by=decided_by,
        decided_at=timezone.now(),
        reason=reason.strip(),
    )
    PersonReview.objects.filter(record_key_a=a, record_key_b=b, status=PersonReview.OPEN).update(
        status=PersonReview.DECIDED
    )
    return decision


def persons_by_record() -> Iterator[tuple[str, str]]:
    """(record key, public person id) for every linked record, in record-key order."""
    return (
        PersonRecord.objects.order_by("record__record_key")
        .values_list("record__record_key", "person__public_id")
        .iterator(chunk_size=5000)
    )


def person_members(public_id: str) -> list[str]:
    return sorted(
        PersonRecord.objects.filter(person__public_id=public_id).values_list("record__record_key", flat=True)
    )
