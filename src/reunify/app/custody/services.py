"""Writes of the custody app: rebuilding the stored separations, and re-judging them under the rules.

Two entry points, because they change for different reasons:

- ``separations_rebuild`` after a linkage run (``reunify link`` calls it):
  custody and separations from the current persons and ties, their facts,
  and the rules' evaluation;
- ``separations_evaluate`` after a rule set changed or was added (``reunify
  rules apply``): only the rules, over the stored facts, in seconds.

Both evaluate as of the data horizon (the newest delivery's date), so the
same data and rules always store the same evaluation; a status report for
another date evaluates on its own (``selectors.status_report_as_of``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping

from django.db import connection, transaction
from django.utils import timezone

from reunify.app.people.models import Person
from reunify.custody import detect_separations, separation_facts
from reunify.linkage.person_records import LinkRecord
from reunify.rules import Evaluation, RuleBook, SeparationFacts, evaluate_separation

from .models import SeparationBuild, StoredSeparation
from .selectors import data_horizon, latest_run, records_by_person, rule_book, ties_current

_UPDATED = (
    "current",
    "run_id",
    "tie_status",
    "event_id",
    "apprehended_at",
    "separated_at",
    "separated_instant",
    "agency",
    "stated_reason",
    "stated_reason_text",
    "judicial_basis",
    "judicial_findings",
    "outcome",
    "outcome_at",
    "reunified_at",
    "parent_removed_to",
    "ngo_locates",
    "record_keys",
    "notes",
    "facts",
    "membership",
    "evaluation",
    "rule_sets",
    "evaluated_as_of",
    "updated_at",
)
_JSON = frozenset(
    {
        "stated_reason",
        "judicial_findings",
        "ngo_locates",
        "record_keys",
        "notes",
        "facts",
        "evaluation",
        "rule_sets",
    }
)


def _update_rows(rows: list[dict[str, object]], columns: tuple[str, ...]) -> None:
    """Plain ``UPDATE ... WHERE id`` per row with executemany: far cheaper than ``bulk_update``'s CASEs."""
    if not rows:
        return
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    assignments = ", ".join(f"{c} = %s{cast if c in _JSON else ''}" for c in columns)
    sql = f"UPDATE {StoredSeparation._meta.db_table} SET {assignments} WHERE id = %s"
    fields = {c: StoredSeparation._meta.get_field(c) for c in columns}

    def prepared(column: str, value: object) -> object:
        if column in _JSON:
            return json.dumps(value, sort_keys=True)
        return fields[column].get_db_prep_save(value, connection)

    params = [[prepared(c, row[c]) for c in columns] + [row["id"]] for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 2000):
            cursor.executemany(sql, params[start : start + 2000])


def _counts(evaluations: list[Evaluation], judicial: list[bool]) -> dict[str, object]:
    membership = Counter(e.membership.status for e in evaluations)
    deadlines = Counter(f"{d.rule}:{d.status}" for e in evaluations for d in e.deadlines)
    return {
        "separations": len(evaluations),
        "without_judicial_basis": sum(1 for basis in judicial if not basis),
        "membership": dict(sorted(membership.items())),
        "deadlines": dict(sorted(deadlines.items())),
        "findings": sum(len(e.findings) for e in evaluations),
    }


@transaction.atomic
def separations_rebuild(
    book: RuleBook | None = None, persons: Mapping[str, list[LinkRecord]] | None = None
) -> SeparationBuild:
    """Detect every separation from the current persons and ties, judge it, and store it.

    A (child, parent) pair keeps its row (and id) from one rebuild to the
    next; pairs no longer found are marked not current.  ``persons`` (records
    by person, as ``records_by_person`` reads them) may be passed by a caller
    that reads them anyway, so a rebuild reads half a million records once.
    """
    started = timezone.now()
    run = latest_run()
    if run is None:
        raise LookupError("no linkage run yet: run `reunify link` first")
    book = book or rule_book()
    as_of = data_horizon()
    persons = records_by_person() if persons is None else persons
    separations = detect_separations(persons, ties_current())
    wanted = {p for s in separations for p in (s.child_person, s.parent_person)}
    person_pk = dict(Person.objects.filter(public_id__in=wanted).values_list("public_id", "id"))
    existing = {
        (child, parent): pk
        for pk, child, parent in StoredSeparation.objects.values_list("id", "child_id", "parent_id")
    }
    now = timezone.now()
    updates: list[dict[str, object]] = []
    creates: list[StoredSeparation] = []
    evaluations: list[Evaluation] = []
    seen: set[int] = set()
    for separation in separations:
        facts = separation_facts(
            separation, persons[separation.child_person], persons[separation.parent_person]
        )
        evaluation = evaluate_separation(facts, book, as_of)
        evaluations.append(evaluation)
        reason = separation.reason
        values: dict[str, object] = {
            "current": True,
            "run_id": run.pk,
            "tie_status": separation.tie_status,
            "event_id": separation.event_id,
            "apprehended_at": separation.apprehended_at,
            "separated_at": separation.separated_at,
            "separated_instant": separation.separated_instant or "",
            "agency": separation.agency,
            "stated_reason": {
                "separation_reasons": list(reason.separation_reasons),
                "remarks": list(reason.remarks),
                "parent_disposition": reason.parent_disposition,
            },
            "stated_reason_text": reason.summary,
            "judicial_basis": separation.judicial_basis,
            "judicial_findings": list(separation.judicial_findings),
            "outcome": separation.outcome,
            "outcome_at": separation.outcome_at,
            "reunified_at": separation.reunified_at,
            "parent_removed_to": separation.parent_removed_to or "",
            "ngo_locates": list(separation.ngo_locates),
            "record_keys": list(separation.source_keys),
            "notes": list(separation.notes),
            "facts": facts.as_json(),
            "membership": evaluation.membership.status,
            "evaluation": evaluation.as_json(),
            "rule_sets": list(evaluation.rule_sets),
            "evaluated_as_of": as_of,
            "updated_at": now,
        }
        pair = (person_pk[separation.child_person], person_pk[separation.parent_person])
        if pair in existing:
            seen.add(existing[pair])
            updates.append({"id": existing[pair], **values})
        else:
            creates.append(StoredSeparation(child_id=pair[0], parent_id=pair[1], **values))
    _update_rows(updates, _UPDATED)
    StoredSeparation.objects.bulk_create(creates, batch_size=1000)
    gone = set(existing.values()) - seen
    StoredSeparation.objects.filter(id__in=gone, current=True).update(current=False, updated_at=now)
    counts = _counts(evaluations, [s.judicial_basis for s in separations])
    counts.update(created=len(creates), updated=len(updates), retired=len(gone))
    return SeparationBuild.objects.create(
        run=run,
        kind="REBUILD",
        started_at=started,
        finished_at=timezone.now(),
        evaluated_as_of=as_of,
        rule_sets=sorted({label for e in evaluations for label in e.rule_sets}),
        rule_folders=list(book.folders),
        counts=counts,
    )


@transaction.atomic
def separations_evaluate(book: RuleBook | None = None, as_of: dt.date | None = None) -> SeparationBuild:
    """Judge every stored separation again under the rule sets (after one changed or was added)."""
    started = timezone.now()
    run = latest_run()
    if run is None:
        raise LookupError("no linkage run yet: run `reunify link` first")
    book = book or rule_book()
    as_of = as_of or data_horizon()
    now = timezone.now()
    updates: list[dict[str, object]] = []
    evaluations: list[Evaluation] = []
    judicial: list[bool] = []
    for pk, facts_json in (
        StoredSeparation.objects.filter(current=True).values_list("id", "facts").iterator(2000)
    ):
        facts = SeparationFacts.from_json(
            json.loads(facts_json) if isinstance(facts_json, str) else facts_json
        )
        evaluation = evaluate_separation(facts, book, as_of)
        evaluations.append(evaluation)
        judicial.append(facts.judicial_basis)
        updates.append(
            {
                "id": pk,
                "membership": evaluation.membership.status,
                "evaluation": evaluation.as_json(),
                "rule_sets": list(evaluation.rule_sets),
                "evaluated_as_of": as_of,
                "updated_at": now,
            }
        )
    _update_rows(updates, ("membership", "evaluation", "rule_sets", "evaluated_as_of", "updated_at"))
    return SeparationBuild.objects.create(
        run=run,
        kind="EVALUATE",
        started_at=started,
        finished_at=timezone.now(),
        evaluated_as_of=as_of,
        rule_sets=sorted({label for e in evaluations for label in e.rule_sets}),
        rule_folders=list(book.folders),
        counts=_counts(evaluations, judicial),
    )
