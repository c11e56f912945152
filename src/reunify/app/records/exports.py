"""CSV exports of what was ingested (EXPORTS.md), written atomically.

Why atomically: an export is often read by another program; a half-written file
after a crash would be silently wrong, so we write beside the target and rename.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from .selectors import quarantine_rows, records_current

RECORD_COLUMNS = [
    "record_key",
    "feed",
    "delivery_date",
    "delivery_file",
    "line",
    "versions",
    "given_names",
    "surnames",
    "dob",
    "dob_estimated",
    "sex",
    "a_number",
    "fin",
    "country",
    "event_id",
    "warnings",
    "fields",
]


@contextmanager
def atomic_text_file(path: Path) -> Iterator[TextIO]:
    """Open a temporary file beside ``path`` and move it into place only when writing succeeded."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_quarantine(path: Path) -> int:
    """One row per quarantined row: record_key (or ``<file>:<line>``), file, line, column, reason, raw."""
    count = 0
    with atomic_text_file(path) as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_key", "file", "line", "column", "reason", "raw"])
        for row in quarantine_rows():
            writer.writerow(
                [row.record_key, row.delivery.file_name, row.line, row.column, row.reason, row.raw_text]
            )
            count += 1
    return count


def _join(values: object) -> str:
    if isinstance(values, list):
        return " ".join(str(v) for v in values)
    return "" if values is None else str(values)


def _flag(value: object) -> str:
    if value is None:
        return ""
    return "Y" if value else "N"


def export_records(path: Path) -> int:
    """Every current record with its normalised fields, so a person can see what was understood."""
    count = 0
    with atomic_text_file(path) as handle:
        writer = csv.writer(handle)
        writer.writerow(RECORD_COLUMNS)
        for record in records_current():
            fields = record.fields or {}
            name = fields.get("name") or {}
            writer.writerow(
                [
                    record.record_key,
                    record.feed,
                    record.delivery_date.isoformat(),
                    record.delivery.file_name,
                    record.line,
                    record.version_count,
                    _join(name.get("given")),
                    _join(name.get("surnames")),
                    fields.get("dob") or "",
                    _flag(fields.get("dob_estimated")),
                    fields.get("sex") or "",
                    fields.get("a_number") or "",
                    fields.get("fin") or "",
                    fields.get("country") or "",
                    fields.get("event_id") or "",
                    " | ".join(record.warnings or []),
                    json.dumps(fields, ensure_ascii=False, sort_keys=True),
                ]
            )
            count += 1
    return count
