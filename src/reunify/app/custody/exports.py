"""The separations export of EXPORTS.md."""

from __future__ import annotations

import csv
from pathlib import Path

from reunify.app.records.exports import atomic_text_file

from .selectors import separations_current

COLUMNS = ["child_person_id", "parent_person_id", "separated_at", "reunified_at", "outcome", "judicial_basis"]


def export_separations(path: Path) -> int:
    """One row per separated child and accompanying parent."""
    separations = separations_current()
    with atomic_text_file(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for separation in separations:
            writer.writerow(separation.export_row())
    return len(separations)
