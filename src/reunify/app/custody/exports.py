"""The separations export of EXPORTS.md, and the separations without a judicial basis with their evidence."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from reunify.app.records.exports import atomic_text_file

from .selectors import separation_export_rows, separations_stored

COLUMNS = ["child_person_id", "parent_person_id", "separated_at", "reunified_at", "outcome", "judicial_basis"]

UNJUSTIFIED_COLUMNS = [
    "child_person_id",
    "parent_person_id",
    "separated_at",
    "separated_instant",
    "agency",
    "event_id",
    "stated_reason",
    "tie_status",
    "outcome",
    "outcome_at",
    "class_membership",
    "later_court_findings",
    "record_keys",
    "notes",
]


def export_separations(path: Path) -> int:
    """One row per separated child and accompanying parent."""
    count = 0
    with atomic_text_file(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in separation_export_rows():
            writer.writerow(row)
            count += 1
    return count


def export_unjustified_separations(path: Path) -> int:
    """Every stored separation with no court finding about the parent dated before it, with the evidence.

    ``later_court_findings`` lists findings about the parent dated on or after
    the separation (``KIND@date``): they did not exist when the child was
    taken, which is exactly why the separation had no judicial basis.
    """
    count = 0
    with atomic_text_file(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(UNJUSTIFIED_COLUMNS)
        for row in separations_stored(without_judicial_basis=True).iterator(chunk_size=2000):
            facts = row.facts if isinstance(row.facts, dict) else json.loads(row.facts)
            later = [f"{f['kind']}@{f['found_at']}" for f in facts.get("judicial_findings") or ()]
            writer.writerow(
                [
                    row.child.public_id,
                    row.parent.public_id,
                    row.separated_at.isoformat(),
                    row.separated_instant,
                    row.agency,
                    row.event_id,
                    row.stated_reason_text,
                    row.tie_status,
                    row.outcome,
                    row.outcome_at.isoformat() if row.outcome_at else "",
                    row.membership,
                    " ".join(later),
                    " ".join(row.record_keys),
                    " | ".join(row.notes),
                ]
            )
            count += 1
    return count
