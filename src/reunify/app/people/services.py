"""Running the person linkage over the stored records and keeping person ids stable.

Why ids are assigned here and not by the linkage: a caseworker's bookmark must
survive tomorrow's delivery. The linkage only says which records belong
together; this module maps each new group to the person that already held most
of its records, so a person whose records did not change keeps its id exactly,
and a merge keeps the id of the larger side.
"""

from __future__ import annotations

import functools
import json
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from django.db import connection, transaction
from django.db.models import F, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from reunify.app.records.models import Record
from reunify.linkage.model_store import save_model
from reunify.linkage.person_records import LinkRecord
from reunify.linkage.persons import PersonDecisions, PersonLinkResult, explain_scored_pair, link_persons

from .models import (
    LinkRun,
    Person,
    PersonDecision,
    PersonFlag,
    PersonRecord,
    PersonReview,
    Tie,
    TieDecision,
)

if TYPE_CHECKING:
    from reunify.linkage.ties import TieResult

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


@dataclass
class LinkChanges:
    """What happened since the last run: records new or with a new version, and decisions made since."""

    records: int
    records_new: int
    records_changed: int
    decided_keys: list[str]  # the records of person decisions made since the last run
    person_decisions: int
    tie_decisions: int

    @property
    def nothing(self) -> bool:
        return not (self.records_new or self.records_changed or self.person_decisions or self.tie_decisions)


@dataclass
class LinkOutcome:
    """What ``reunify link`` did (``NOTHING``, ``FULL`` or ``INCREMENTAL``) and why."""

    NOTHING = "NOTHING"

    action: str
    reason: str
    changes: LinkChanges
    run: LinkRun | None
    seconds: dict[str, float]


def last_link_run() -> LinkRun | None:
    """The latest finished run: the one whose persons are in force."""
    return LinkRun.objects.filter(finished_at__isnull=False).order_by("-started_at", "-id").first()


def link_changes(last: LinkRun | None) -> LinkChanges:
    """Records new or with a new current version since the run that last linked them, and new decisions.

    A record's version is its content hash: the one stored with its person
    link is the version the linkage saw, so re-sending an unchanged row
    touches nothing.
    """
    rows = Record.objects.filter(
        Q(person_link__isnull=True) | ~Q(person_link__content_hash=F("content_hash"))
    ).values_list("person_link__id", flat=True)
    new = changed = 0
    for link in rows.iterator(chunk_size=5000):
        if link is None:
            new += 1
        else:
            changed += 1
    keys: set[str] = set()
    decisions_seen = last.person_decisions_seen if last else 0
    decisions = PersonDecision.objects.filter(id__gt=decisions_seen).values_list(
        "record_key_a", "record_key_b"
    )
    decided = 0
    for a, b in decisions:
        keys.update((a, b))
        decided += 1
    return LinkChanges(
        records=Record.objects.count(),
        records_new=new,
        records_changed=changed,
        decided_keys=sorted(keys),
        person_decisions=decided,
        tie_decisions=TieDecision.objects.filter(id__gt=last.tie_decisions_seen if last else 0).count(),
    )


def _link_records() -> tuple[list[LinkRecord], dict[int, str]]:
    """Every current record as the linkage reads it, and the content hash of each (by record id), at once."""
    records: list[LinkRecord] = []
    hashes: dict[int, str] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, record_key, feed, fields, content_hash FROM {Record._meta.db_table} ORDER BY record_key"
        )
        while rows := cursor.fetchmany(5000):
            for pk, key, feed, fields, content_hash in rows:
                records.append(
                    LinkRecord(key, feed, json.loads(fields) if isinstance(fields, str) else fields)
                )
                hashes[pk] = content_hash
    return records, hashes


def _changed_since_training(last: LinkRun, changes: LinkChanges) -> int:
    """Records changed since the run that trained the model in force, this delivery included."""
    trained = LinkRun.objects.filter(trained=True, finished_at__isnull=False).order_by("-started_at").first()
    since = LinkRun.objects.filter(finished_at__isnull=False)
    if trained is not None:
        since = since.filter(started_at__gt=trained.started_at)
    earlier = since.aggregate(total=Sum("records_changed"))["total"] or 0
    return earlier + changes.records_new + changes.records_changed


def persons_link(
    progress: Progress | None = None, *, full: bool = False, retrain: bool = False
) -> LinkOutcome:
    """Link the current records into persons, obeying every decision, doing only what changed.

    Why incremental by default: a delivery touches a small share of the
    records, and a caseworker's persons must not wait for a full rebuild.
    With nothing new (no record, version or decision since the last run) no
    run is made at all.  Otherwise the stored model is re-used and only the
    pairs with a touched record are scored (reunify.linkage.incremental),
    unless ``full`` (score every pair with the stored model), ``retrain``
    (train a new model, then everything), or the records changed since the
    model was trained exceed ``settings.LINK_RETRAIN_SHARE`` of all records:
    a model trained on a population that much smaller is retrained.  Family
    ties are re-run over all persons after any change: their model is fitted
    by EM on every candidate pair and learns language shares over every
    person, so a partial re-run could not give the same answer.
    """
    from django.conf import settings

    from reunify.linkage.incremental import load_link_state, relink_persons, save_link_state
    from reunify.linkage.model_store import load_model

    started = timezone.now()
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    last = last_link_run()
    changes = link_changes(last)
    if last is not None and changes.nothing and not (full or retrain):
        seconds["changes"] = round(time.perf_counter() - clock, 3)
        reason = f"no record, version or decision since run {last.pk}; persons and ties left as they are"
        return LinkOutcome(LinkOutcome.NOTHING, reason, changes, None, seconds)
    # Read the newest decision ids first: one made while this run reads is then applied twice, never missed.
    decisions_seen = PersonDecision.objects.aggregate(top=Max("id"))["top"] or 0
    tie_decisions_seen = TieDecision.objects.aggregate(top=Max("id"))["top"] or 0
    decisions = person_decisions_in_force()
    records, hashes = _link_records()
    seconds["changes"] = round(time.perf_counter() - clock, 3)

    model = None
    if last is not None and last.model_version and (model_folder() / last.model_version).exists():
        model = load_model(model_folder() / last.model_version)
    share = _changed_since_training(last, changes) / max(len(records), 1) if last else 1.0
    limit = float(settings.LINK_RETRAIN_SHARE)
    state = None
    if last is not None and last.state_folder and not (full or retrain):
        state = load_link_state(link_state_folder() / last.state_folder, dict(persons_by_record()))
    if retrain or model is None:
        kind, reason = LinkRun.FULL, "asked to retrain" if retrain else "no stored model: training one"
        model = None
    elif share > limit:
        kind, reason = LinkRun.FULL, f"{share:.0%} of the records changed since training (over {limit:.0%})"
        model = None
    elif full or state is None:
        kind, reason = LinkRun.FULL, "asked for a full run" if full else "no stored pairs from the last run"
    else:
        kind, reason = (
            LinkRun.INCREMENTAL,
            f"{changes.records_new:,} records new, {changes.records_changed:,} with a new version, "
            f"{changes.person_decisions:,} new person decisions, {changes.tie_decisions:,} new tie decisions",
        )
    clock = time.perf_counter()
    if kind == LinkRun.INCREMENTAL:
        result = relink_persons(
            records, state, model, decisions=decisions, progress=progress, touched=changes.decided_keys
        )
    else:
        result = link_persons(records, decisions=decisions, progress=progress, model=model)
    seconds["persons"] = round(time.perf_counter() - clock, 3)
    clock = time.perf_counter()
    save_model(result.model, model_folder())
    folder = f"{timezone.now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"
    save_link_state(link_state_folder() / folder, result)
    run = _store(
        result,
        started,
        len(records),
        hashes,
        kind=kind,
        trained=model is None,
        records_changed=changes.records_new + changes.records_changed,
        person_decisions_seen=decisions_seen,
        tie_decisions_seen=tie_decisions_seen,
        state_folder=folder,
    )
    _prune_link_states(keep={folder, last.state_folder if last else ""})
    seconds["store"] = round(time.perf_counter() - clock, 3)
    clock = time.perf_counter()
    if progress:
        progress("family ties", 0, 1)
    ties_link(run, records)
    if progress:
        progress("family ties", 1, 1)
    seconds["ties"] = round(time.perf_counter() - clock, 3)
    LinkRun.objects.filter(pk=run.pk).update(timings={**result.timings, "ties": seconds["ties"]})
    run.refresh_from_db()
    return LinkOutcome(kind, reason, changes, run, seconds)


def link_state_folder() -> Path:
    """Where each run keeps its feature table and scored pairs for the next incremental run."""
    from django.conf import settings

    return Path(settings.VAR_DIR) / "link-state"


def _prune_link_states(keep: set[str]) -> None:
    """Remove the state of this database's older runs: only the latest is read, the one before is kept.

    Only folders named by this database's runs are touched: several databases
    (tests, a copy) may share one var folder.
    """
    import shutil

    old = LinkRun.objects.exclude(state_folder="").exclude(state_folder__in=keep)
    for folder in old.values_list("state_folder", flat=True):
        shutil.rmtree(link_state_folder() / folder, ignore_errors=True)
    old.update(state_folder="")


def tie_decisions_in_force(person_of: dict[str, str]):
    """The latest decision about each (parent, child), translated from record keys to this run's persons."""
    from reunify.linkage.ties import TieDecisions

    latest: dict[tuple[str, str], str] = {}
    for decision in TieDecision.objects.order_by("decided_at", "id"):
        parent = person_of.get(decision.parent_record_key)
        child = person_of.get(decision.child_record_key)
        if parent and child:
            latest[(parent, child)] = decision.decision
    return TieDecisions(
        confirmed=tuple(pair for pair, kind in latest.items() if kind == TieDecision.CONFIRM),
        rejected=tuple(pair for pair, kind in latest.items() if kind == TieDecision.REJECT),
    )


def ties_link(run: LinkRun, records: list[LinkRecord]) -> int:
    """Propose parent-child ties between this run's persons and store them with their evidence."""
    from reunify.linkage.ties import link_ties

    person_of = dict(persons_by_record())
    result = link_ties(records, person_of, decisions=tie_decisions_in_force(person_of))
    return ties_store(run, result)


def ties_store(run: LinkRun, result: TieResult) -> int:
    """Replace the stored ties and tie flags with those of ``result`` (the core's ``TieResult``), for ``run``.

    Apart from ``ties_link`` so that what the app keeps of a tie run does not
    depend on how the run was made: the ties' evidence line by line, and each
    flag with the other person it is about (a tie's flag names the child), so
    a tie can show the flags that sent it to review.
    """
    pk_of = dict(Person.objects.filter(retired_run__isnull=True).values_list("public_id", "id"))
    with transaction.atomic():
        Tie.objects.all().delete()
        PersonFlag.objects.all().delete()
        Tie.objects.bulk_create(
            [
                Tie(
                    run=run,
                    parent_id=pk_of[tie.parent],
                    child_id=pk_of[tie.child],
                    relationship=tie.relationship,
                    status=tie.status,
                    probability=tie.probability,
                    evidence=[
                        {
                            "kind": e.kind,
                            "weight": e.weight,
                            "text": e.text,
                            "record_keys": list(e.record_keys),
                            **({"reason": e.reason} if e.reason else {}),
                        }
                        for e in tie.evidence
                    ],
                )
                for tie in result.ties
            ],
            batch_size=2000,
        )
        PersonFlag.objects.bulk_create(
            [
                PersonFlag(
                    run=run,
                    person_id=pk_of[flag.person],
                    kind=flag.kind,
                    text=flag.text,
                    record_keys=list(flag.record_keys),
                    other_id=pk_of.get(flag.other) if flag.other else None,
                )
                for flag in result.flags
            ],
            batch_size=2000,
        )
    return len(result.ties)


def _representative_record(reference: str) -> str:
    """A record key for a person id or record key: decisions are anchored on records, not on ids."""
    if ":" in reference:
        if not Record.objects.filter(record_key=reference).exists():
            raise ValueError(f"no such record: {reference}")
        return reference
    keys = person_members(reference)
    if not keys:
        raise ValueError(f"no such person: {reference}")
    return keys[0]


def tie_decide(parent: str, child: str, confirm: bool, decided_by: str, reason: str) -> TieDecision:
    """Confirm or reject that ``parent`` is ``child``'s parent (person ids or record keys).

    The decision is applied at once to the stored ties (a reviewer sees the
    queue shrink and the family page change as they click) and is obeyed by
    every later run, which reads it from ``TieDecision``.
    """
    if not reason.strip():
        raise ValueError("a decision needs a reason: say what shows this adult is or is not the parent")
    parent_key, child_key = _representative_record(parent), _representative_record(child)
    parent_person, child_person = resolve_person(parent_key), resolve_person(child_key)
    if parent_person.pk == child_person.pk:
        raise ValueError(f"{parent} and {child} are the same person ({parent_person.public_id})")
    with transaction.atomic():
        decision = TieDecision.objects.create(
            parent_record_key=parent_key,
            child_record_key=child_key,
            decision=TieDecision.CONFIRM if confirm else TieDecision.REJECT,
            decided_by=decided_by,
            decided_at=timezone.now(),
            reason=reason.strip(),
        )
        _apply_tie_decision(parent_person, child_person, confirm, decision)
    return decision


def _relationship_of(person: Person) -> str:
    """MOTHER or FATHER from the sex the person's records agree on, else PARENT."""
    sexes = {
        (fields or {}).get("sex")
        for fields in Record.objects.filter(person_link__person=person).values_list("fields", flat=True)
        if isinstance(fields, dict)
    } - {None, ""}
    if sexes == {"F"}:
        return "MOTHER"
    if sexes == {"M"}:
        return "FATHER"
    return "PARENT"


def _apply_tie_decision(parent: Person, child: Person, confirm: bool, decision: TieDecision) -> None:
    """Make the stored ties say what the decision says, keeping at most one asserted mother and father.

    Mirrors what the tie model does with a decision on the next run
    (``reunify.linkage.ties``): a confirmed tie takes its place and a
    PROBABLE competitor for the same place goes back to review as CANDIDATE.
    """
    note = {
        "kind": "decision",
        "weight": 0.0,
        "text": f"{'confirmed' if confirm else 'rejected'} by {decision.decided_by}: {decision.reason}",
        "record_keys": [],
    }
    tie = Tie.objects.select_for_update().filter(parent=parent, child=child).first()
    if tie is None:
        run = LinkRun.objects.order_by("-started_at").first()
        if run is None:
            return  # nothing linked yet: the first run applies the decision
        tie = Tie(run=run, parent=parent, child=child, relationship=_relationship_of(parent), evidence=[])
    tie.status = Tie.CONFIRMED if confirm else Tie.REJECTED
    tie.probability = 1.0 if confirm else 0.0
    tie.evidence = [e for e in tie.evidence if e.get("kind") != "decision"] + [note]
    tie.save()
    if not confirm:
        return
    places = {"MOTHER", "FATHER"} if tie.relationship == "PARENT" else {tie.relationship}
    for other in Tie.objects.select_for_update().filter(child=child, status=Tie.PROBABLE).exclude(pk=tie.pk):
        if other.relationship in places or other.relationship == "PARENT":
            other.status = Tie.CANDIDATE
            other.evidence = [
                *other.evidence,
                {
                    "kind": "constraint",
                    "weight": 0.0,
                    "text": f"{parent.public_id} was confirmed as this child's {tie.relationship.lower()}; "
                    "sent to review",
                    "record_keys": [],
                },
            ]
            other.save(update_fields=["status", "evidence"])


def _store(
    result: PersonLinkResult, started, record_count: int, hashes: dict[int, str], **provenance
) -> LinkRun:
    """Store the run, its persons (ids kept by overlap), each record's person and seen version, its reviews.

    ``hashes`` are the content hashes of the records the run read (by record
    id), kept on each person link so the next run knows what changed since.
    """
    members = result.members()
    record_ids = dict(Record.objects.values_list("record_key", "id"))
    previous = dict(PersonRecord.objects.values_list("record__record_key", "person__public_id"))
    seen = dict(PersonRecord.objects.values_list("record_id", "content_hash"))
    with transaction.atomic():
        run = LinkRun.objects.create(
            started_at=started,
            records=record_count,
            model_version=result.model.version,
            model_settings=result.model.settings_json(),
            counts=result.counts,
            timings=result.timings,
            blocking=result.blocking,
            **provenance,
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
        versions = [
            (content_hash, pk)
            for pk, content_hash in hashes.items()
            if pk in seen and seen[pk] != content_hash
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET person_id = %s, run_id = %s WHERE record_id = %s", changed
            )
            cursor.executemany(
                f"INSERT INTO {table} (person_id, run_id, record_id, content_hash) VALUES (%s, %s, %s, %s)",
                [(*row, hashes.get(row[2], "")) for row in created],
            )
            cursor.executemany(f"UPDATE {table} SET content_hash = %s WHERE record_id = %s", versions)
        PersonReview.objects.filter(status=PersonReview.OPEN).delete()
        reviews = []
        for row in result.review_candidates.to_pylist():
            lines = explain_scored_pair(result, row)
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


def model_folder() -> Path:
    """Where trained person models are kept, one folder per model version."""
    from django.conf import settings

    return Path(settings.VAR_DIR) / "models"


def resolve_person(reference: str) -> Person:
    """A person from a public id or a record key; a retired id leads to the person it was merged into."""
    if ":" in reference:
        link = PersonRecord.objects.select_related("person").filter(record__record_key=reference).first()
        if link is None:
            known = Record.objects.filter(record_key=reference).exists()
            raise LookupError(
                f"record {reference} has not been linked yet (run `reunify link`)"
                if known
                else f"no such record: {reference}"
            )
        return link.person
    person = Person.objects.filter(public_id=reference).first()
    if person is None:
        raise LookupError(f"no such person: {reference}")
    seen = {person.pk}
    while person.merged_into_id is not None and person.merged_into_id not in seen:
        seen.add(person.merged_into_id)
        person = Person.objects.get(pk=person.merged_into_id)
    return person


MAX_EXPLAINED_RECORDS = 12


def person_explanation(reference: str) -> dict:
    """The evidence behind a person: the records side by side and, for each record, its strongest link.

    Each link is re-scored with the model of the run that made the person, so
    the weights shown are the ones that decided it.
    """
    from reunify.linkage.model_store import load_model
    from reunify.linkage.persons import explain_pairs

    person = resolve_person(reference)
    keys = person_members(person.public_id)
    records = {r.record_key: r for r in Record.objects.filter(record_key__in=keys).select_related("delivery")}
    run = LinkRun.objects.exclude(model_version="").order_by("-started_at").first()
    links: list[dict] = []
    model = None
    if run is not None and len(keys) > 1:
        try:
            model = load_model(model_folder() / run.model_version)
        except OSError:
            # The model files live beside the database's var folder; a server started with another
            # REUNIFY_VAR_DIR still shows the person, with the links unexplained rather than an error.
            model = None
    if model is not None:
        link_records = {k: LinkRecord(k, records[k].feed, records[k].fields) for k in keys}
        explained = keys[:MAX_EXPLAINED_RECORDS]
        best: dict[str, tuple[float, str, list]] = {}
        pairs = [(i, j) for i in range(len(explained)) for j in range(i + 1, len(explained))]
        scored = explain_pairs(model, [link_records[k] for k in explained], pairs)
        for (i, j), lines in zip(pairs, scored, strict=True):
            a, b = explained[i], explained[j]
            weight = sum(line.weight for line in lines)
            for one, other in ((a, b), (b, a)):
                if one not in best or weight > best[one][0]:
                    best[one] = (weight, other, lines)
        done: set[frozenset[str]] = set()
        for key in explained:
            weight, other, lines = best[key]
            pair = frozenset((key, other))
            if pair in done:
                continue
            done.add(pair)
            links.append(
                {
                    "record_key_a": key,
                    "record_key_b": other,
                    "match_weight": weight,
                    "match_probability": 1 / (1 + 2 ** (-weight)),
                    "lines": [{"label": x.label, "weight": x.weight, "text": x.text} for x in lines],
                }
            )
    return {
        "person_id": person.public_id,
        "asked_for": reference,
        "records": [
            {
                "record_key": key,
                "feed": records[key].feed,
                "delivery_date": records[key].delivery_date.isoformat(),
                "fields": records[key].fields,
            }
            for key in keys
        ],
        "links": links,
        "model_version": run.model_version if run else "",
        "records_not_explained": max(len(keys) - MAX_EXPLAINED_RECORDS, 0)
        if model
        else max(len(keys) - 1, 0),
        "model_missing": bool(run and len(keys) > 1 and model is None),
    }


# --------------------------------------------------------------------------- reading a tie

#: A flag the family model raises when the records say the adult is a relative rather than the parent.
POSSIBLE_RELATIVE = "POSSIBLE_RELATIVE"
#: How a POSSIBLE_RELATIVE flag's text starts; what follows is the reason, quoting the remark when there is one.
POSSIBLE_RELATIVE_PREFIX = "possible relative, not parent: "
#: The side a line of evidence is on: for the tie, against it, or neither (the prior, a decision).
FOR, AGAINST, NEUTRAL = "for", "against", "neutral"
#: Why a candidate tie waits for a person, most telling first: code -> short label (translated when shown).
REVIEW_REASONS: dict[str, str] = {
    "possible_relative": gettext_noop("possible relative, not parent"),
    "presented_unsupported": gettext_noop("presented as parent, unsupported"),
    "competing_parent": gettext_noop("competing parent"),
    "too_young": gettext_noop("too young to be the parent"),
    "held_by_rule": gettext_noop("held for review by a rule"),
    "review_band": gettext_noop("the model is unsure (review band)"),
}


class EvidenceFilter(Protocol):
    """What a reader may see of a tie (``reunify.app.api.disclosure.Disclosure`` is one)."""

    def evidence(self, items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]: ...

    def keys(self, record_keys: Iterable[str]) -> list[str]: ...

    def flag_visible(self, kind: str, record_keys: Iterable[str]) -> bool: ...


def evidence_side(line: Mapping[str, Any]) -> str:
    """Whether a line of evidence speaks for the tie, against it, or neither.

    A line weighs for the tie when its weight is positive and against it when
    negative, except the prior (where every pair starts, not evidence about
    this one).  A ``constraint`` line carries weight 0 because it decides the
    status rather than the probability, but every constraint is a reason the
    tie was held back (too young to be a parent, a likelier parent, an
    unsupported presentation), so it is against; so is a ``declared_relation``
    (the records naming the adult as something other than the parent) at any
    weight not above 0.  A decision is neither: it is the outcome, not evidence.
    """
    kind = str(line.get("kind") or "")
    weight = float(line.get("weight") or 0.0)
    if kind == "prior":
        return NEUTRAL
    if kind in ("constraint", "declared_relation") and weight <= 0:
        return AGAINST
    if weight > 0:
        return FOR
    return AGAINST if weight < 0 else NEUTRAL


@functools.cache
def _review_band() -> tuple[float, float]:
    """The tie probabilities of the review band, as ``ties_link`` runs the family model (its default settings)."""
    from reunify.linkage.ties import TieSettings

    settings = TieSettings()
    return settings.review_threshold, settings.probable_threshold


def tie_review_reasons(
    status: str, probability: float, evidence: Sequence[Mapping[str, Any]], flags: Sequence[Mapping[str, Any]]
) -> list[dict[str, str]]:
    """Why a candidate tie is in review: one entry per reason (code, label, the records' words), none otherwise.

    Read from what the family model wrote: its flags about the pair and its
    constraint and declared-relation lines (any line of the records against
    the adult being the parent reads as "possible relative, not parent", its
    own words telling a denial from a doubt).  The core marks a constraint
    only by its wording, so a constraint this does not recognise is still
    shown, quoted, as "held for review by a rule" rather than lost; and a tie
    with no other reason (or a probability inside the band) is in the review
    band.
    """
    if status != Tie.CANDIDATE:
        return []
    found: dict[str, str] = {}
    for flag in flags:
        text = str(flag.get("text") or "")
        if flag.get("kind") == POSSIBLE_RELATIVE:
            found.setdefault("possible_relative", text.removeprefix(POSSIBLE_RELATIVE_PREFIX))
        elif flag.get("kind") == "PRESENTED_AS_PARENT_UNSUPPORTED":
            found.setdefault("presented_unsupported", text)
    for line in evidence:
        kind, text = line.get("kind"), str(line.get("text") or "")
        if evidence_side(line) != AGAINST:
            continue
        reason = str(line.get("reason") or "")
        if kind == "declared_relation":
            found.setdefault("possible_relative", text)
        elif kind == "constraint" and reason in REVIEW_REASONS:
            # The model names the rule that held the tie; for it, the words need not be read.
            if reason == "too_young":
                found.setdefault(reason, next((p for p in text.split("; ") if "too young to be" in p), text))
            else:
                found.setdefault(reason, text)
        elif kind == "constraint":  # stored before the model named its rules: read the words
            too_young = [part for part in text.split("; ") if "too young to be" in part]
            if too_young:
                found.setdefault("too_young", too_young[0])
            if "relative, not the parent" in text:
                found.setdefault("possible_relative", text)
            elif "presented as this child's parent" in text:
                found.setdefault("presented_unsupported", text)
            elif "is more likely" in text or "was confirmed as this child's" in text:
                found.setdefault("competing_parent", text)
            elif not too_young:
                found.setdefault("held_by_rule", text)
    if "too_young" in found and found["too_young"] == found.get("possible_relative"):
        del found["too_young"]  # the age gap is the whole of the relative's reason: say it once
    low, high = _review_band()
    if low <= probability < high or not found:
        found.setdefault(
            "review_band", f"probability {probability:.3f}; the review band is [{low:g}, {high:g})"
        )
    return [
        {"code": code, "label": gettext(label), "text": found[code]}
        for code, label in REVIEW_REASONS.items()
        if code in found
    ]


def _flags_about(ties: Sequence[Tie]) -> dict[tuple[int, int], list[PersonFlag]]:
    """(parent pk, child pk) -> the flags about that pair, on either person, in one query."""
    pairs = {(tie.parent_id, tie.child_id) for tie in ties}
    persons = {pk for pair in pairs for pk in pair}
    found: dict[tuple[int, int], list[PersonFlag]] = {pair: [] for pair in pairs}
    if not pairs:
        return found
    rows = PersonFlag.objects.filter(person_id__in=persons, other_id__in=persons).order_by("kind", "id")
    for flag in rows:
        for pair in ((flag.person_id, flag.other_id), (flag.other_id, flag.person_id)):
            if pair in found:
                found[pair].append(flag)
                break
    return found


def ties_read(ties: Sequence[Tie], disclosure: EvidenceFilter | None = None) -> list[dict[str, Any]]:
    """Each tie as every channel shows it (queue, tie detail, API, command): the one reading of a stored tie.

    Evidence lines carry their ``side`` and are also grouped into
    ``evidence_for``, ``evidence_against`` and ``evidence_neutral`` (the
    prior, a decision); ``review_reasons`` says why a candidate waits for a
    person; ``flags`` are the family model's findings about the pair.  With
    a ``disclosure``, what it withholds (DNA lines, flags and record keys) is
    left out *before* the reasons are read, so a reason never tells what a
    line withheld would have.  ``ties`` need ``parent`` and ``child`` loaded.
    """
    flags_of = _flags_about(ties)
    read = []
    for tie in ties:
        lines = (
            disclosure.evidence(tie.evidence) if disclosure is not None else [dict(e) for e in tie.evidence]
        )
        evidence = [{**line, "side": evidence_side(line)} for line in lines]
        flags = [
            {
                "kind": flag.kind,
                "text": flag.text,
                "record_keys": disclosure.keys(flag.record_keys) if disclosure else list(flag.record_keys),
            }
            for flag in flags_of[(tie.parent_id, tie.child_id)]
            if disclosure is None or disclosure.flag_visible(flag.kind, flag.record_keys)
        ]
        read.append(
            {
                "parent_person_id": tie.parent.public_id,
                "child_person_id": tie.child.public_id,
                "relationship": tie.relationship,
                "status": tie.status,
                "probability": tie.probability,
                "evidence": evidence,
                "evidence_for": [line for line in evidence if line["side"] == FOR],
                "evidence_against": [line for line in evidence if line["side"] == AGAINST],
                "evidence_neutral": [line for line in evidence if line["side"] == NEUTRAL],
                "review_reasons": tie_review_reasons(tie.status, tie.probability, evidence, flags),
                "flags": flags,
            }
        )
    return read


def tie_explanation(parent: str, child: str, disclosure: EvidenceFilter | None = None) -> dict:
    """The evidence behind a tie, for it and against it, why it is in review, and any decision about it."""
    parent_person, child_person = resolve_person(parent), resolve_person(child)
    tie = (
        Tie.objects.select_related("parent", "child").filter(parent=parent_person, child=child_person).first()
    )
    if tie is None:
        raise LookupError(
            f"no tie is held between {parent_person.public_id} (parent) and {child_person.public_id} (child)"
        )
    return ties_read([tie], disclosure)[0]


def person_decisions_apply(progress: Progress | None = None) -> dict:
    """Apply every decision not yet applied, now: an incremental link, then the layers derived from it.

    Why the linkage rather than moving records by hand: a split must decide
    where each of the person's other records goes, which is exactly what the
    non-chaining clustering does with the new constraint; the incremental run
    re-clusters only the decided records' candidate groups, so the persons
    untouched by the decision keep their ids and nothing else moves.
    """
    from reunify.app.pipeline import derived_rebuild

    outcome = persons_link(progress=progress)
    if outcome.run is None:
        return {"applied": False, "reason": outcome.reason}
    derived = derived_rebuild(progress=progress)
    return {
        "applied": True,
        "reason": outcome.reason,
        "persons_new": outcome.run.persons_new,
        "persons_retired": outcome.run.persons_retired,
        "seconds": round(sum(outcome.seconds.values()) + sum(derived.seconds.values()), 1),
    }
