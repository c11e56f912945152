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
