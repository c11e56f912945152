"""What a reader yields for each row: a parsed row, or a quarantined one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class ParsedRow:
    """A row that satisfies docs/validation.md.

    ``raw`` is the row exactly as delivered (CSV: column -> string, unknown
    columns included; JSONL: the decoded object) so that the record layer can
    store it untouched; ``fields`` is the normalised form described in
    FIELDS.md, which every later layer reads instead of the raw row.
    ``warnings`` lists messiness that was kept and flagged, not rejected.
    """

    line: int
    record_id: str
    raw: dict[str, Any]
    fields: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RejectedRow:
    """A quarantined row: never ingested as a record, never lost.

    ``reason`` is a sentence a data officer can act on; ``column`` names the
    column (or JSON key) at fault when there is one; ``raw_text`` is the
    physical text of the row (all its lines for a CSV row with quoted newlines).
    ``record_id`` is salvaged when it can be, so that the officer can find the
    row in the agency's own system.
    """

    line: int
    record_id: str | None
    column: str | None
    reason: str
    raw_text: str


class RowProblem(Exception):
    """Raised inside a reader when a row must be quarantined (internal)."""

    def __init__(self, column: str | None, reason: str) -> None:
        self.column = column
        self.reason = reason
        super().__init__(reason)
