"""The persons export of EXPORTS.md: one row per linked record."""

from __future__ import annotations

import csv
from pathlib import Path

from reunify.app.records.exports import atomic_text_file

from .services import persons_by_record


def export_persons(path: Path) -> int:
    """record_key, person_id for every record the last linkage run placed (quarantined rows are not records)."""
    count = 0
    with atomic_text_file(path) as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_key", "person_id"])
        for record_key, person_id in persons_by_record():
            writer.writerow([record_key, person_id])
            count += 1
    return count


def export_relationships(path: Path) -> int:
    """Every parent-child tie at any status: parent, child, relationship, status, score (EXPORTS.md)."""
    from .models import Tie

    count = 0
    with atomic_text_file(path) as handle:
        writer = csv.writer(handle)
        writer.writerow(["parent_person_id", "child_person_id", "relationship", "status", "score"])
        rows = (
            Tie.objects.order_by("child__public_id", "parent__public_id")
            .values_list("parent__public_id", "child__public_id", "relationship", "status", "probability")
            .iterator(chunk_size=5000)
        )
        for parent, child, relationship, status, probability in rows:
            writer.writerow([parent, child, relationship, status, f"{probability:.6f}"])
            count += 1
    return count
