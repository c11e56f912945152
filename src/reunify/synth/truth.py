"""The truth beside the deliveries (EXPORTS.md), written as the scenario streams.

``persons.csv``, ``relationships.csv`` and ``separations.csv`` are exactly the
files EXPORTS.md describes.  ``broken_rows.csv`` is an addition for the people
building readers: every deliberately broken row with its file, physical line,
record key, the kind of breakage and the rule of docs/validation.md it breaks,
so a quarantine can be checked row by row and not only by record key.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Any

PERSONS_COLUMNS = ("record_key", "person_id", "malformed")
RELATIONSHIPS_COLUMNS = ("parent_person_id", "child_person_id", "relationship")
SEPARATIONS_COLUMNS = (
    "child_person_id",
    "parent_person_id",
    "separated_at",
    "reunified_at",
    "outcome",
    "judicial_basis",
)
BROKEN_ROWS_COLUMNS = ("file", "line", "record_key", "kind", "rule")

TRUTH_FILES = (
    "persons.csv",
    "relationships.csv",
    "separations.csv",
    "broken_rows.csv",
    "scenario.json",
)


class TruthFiles:
    """Open CSV writers for the truth folder; rows are written as they are known."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._handles: list[IO[str]] = []
        self._persons = self._open("persons.csv", PERSONS_COLUMNS)
        self._relationships = self._open("relationships.csv", RELATIONSHIPS_COLUMNS)
        self._separations = self._open("separations.csv", SEPARATIONS_COLUMNS)
        self._broken = self._open("broken_rows.csv", BROKEN_ROWS_COLUMNS)
        self.broken_rows: dict[str, int] = {}

    def _open(self, name: str, columns: tuple[str, ...]) -> Any:
        handle = (self.folder / name).open("w", encoding="utf-8", newline="")
        self._handles.append(handle)
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        return writer

    def person(self, record_key: str, person_id: str, malformed: str) -> None:
        """One line of persons.csv."""
        self._persons.writerow((record_key, person_id, malformed))

    def tie(self, parent_id: str, child_id: str, relationship: str) -> None:
        """One line of relationships.csv."""
        self._relationships.writerow((parent_id, child_id, relationship))

    def separation(
        self,
        child_id: str,
        parent_id: str,
        separated_at: str,
        reunified_at: str,
        outcome: str,
        judicial_basis: str,
    ) -> None:
        """One line of separations.csv."""
        self._separations.writerow((child_id, parent_id, separated_at, reunified_at, outcome, judicial_basis))

    def broken_row(self, file_name: str, line: int, note: tuple[str, str, int]) -> None:
        """One line of broken_rows.csv, called by the delivery writer when the row lands."""
        record_key, kind, rule = note
        self._broken.writerow((file_name, line, record_key, kind, rule))
        feed = record_key.split(":", 1)[0]
        self.broken_rows[feed] = self.broken_rows.get(feed, 0) + 1

    def close(self) -> None:
        """Close every truth file."""
        for handle in self._handles:
            handle.close()
