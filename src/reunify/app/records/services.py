"""Ingestion: feed files into versioned records and quarantine, one transaction per file.

Why one transaction per file: a delivery is the unit a data officer sends and
re-sends. Either all of it is stored (records, versions, quarantine and the
``Delivery`` row that marks it done) or none of it is, so a crash or a kill in
the middle leaves nothing half-written and running the command again completes it.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import connection, transaction

from reunify.feeds import (
    FeedFile,
    FeedFileError,
    ParsedRow,
    RejectedRow,
    discover,
    read_feed_file,
)

from .models import Delivery, QuarantinedRow, Record, RecordVersion

BATCH_ROWS = 1000

ProgressCallback = Callable[[str, int], None]
"""Called with (file name, physical lines advanced) as rows are stored."""


@dataclass
class FileOutcome:
    """What happened to one file; every count says what it counts."""

    file: str
    feed: str
    status: str  # "ingested", "already ingested", "refused"
    rows: int = 0
    new: int = 0
    corrected: int = 0
    unchanged: int = 0
    superseded: int = 0
    quarantined: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0


@dataclass
class IngestSummary:
    """Totals over all files of one ``reunify ingest`` run."""

    outcomes: list[FileOutcome] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(o, name) for o in self.outcomes)

    @property
    def refused(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "refused"]

    def as_dict(self) -> dict:
        """The ``--json`` form: totals first (files, rows, new, corrected, unchanged, quarantined), then each file."""
        return {
            "files": sum(1 for o in self.outcomes if o.status != "refused"),
            "files_ingested": sum(1 for o in self.outcomes if o.status == "ingested"),
            "files_already_ingested": sum(1 for o in self.outcomes if o.status == "already ingested"),
            "files_refused": len(self.refused),
            "rows": self.total("rows"),
            "new": self.total("new"),
            "corrected": self.total("corrected"),
            "unchanged": self.total("unchanged"),
            "superseded": self.total("superseded"),
            "quarantined": self.total("quarantined"),
            "errors": [{"file": o.file, "error": o.error} for o in self.refused],
            "per_file": [asdict(o) for o in self.outcomes],
        }


@dataclass(frozen=True)
class FileFingerprint:
    sha256: str
    size_bytes: int
    lines: int


def fingerprint(path: Path) -> FileFingerprint:
    """Hash and count lines in one streaming pass: the hash makes re-ingest a no-op, the count drives progress."""
    digest = hashlib.sha256()
    size = 0
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
    if size and not lines:
        lines = 1
    return FileFingerprint(digest.hexdigest(), size, lines)


def content_hash(raw: dict) -> str:
    """A stable hash of a row as delivered; equal hashes mean the agency sent the same content again."""
    encoded = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(encoded.encode("utf-8"), digest_size=16).hexdigest()


def _batches(rows: Iterator[ParsedRow | RejectedRow], size: int) -> Iterator[list]:
    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _DeliveryWriter:
    """Stores one file's rows batch by batch inside the caller's transaction."""

    def __init__(self, delivery: Delivery, outcome: FileOutcome) -> None:
        self.delivery = delivery
        self.outcome = outcome
        self.order = (delivery.delivery_date, delivery.seq)

    def store(self, batch: list[ParsedRow | RejectedRow]) -> None:
        parsed = [row for row in batch if isinstance(row, ParsedRow)]
        rejected = [row for row in batch if isinstance(row, RejectedRow)]
        self.outcome.rows += len(batch)
        if rejected:
            QuarantinedRow.objects.bulk_create(
                QuarantinedRow(
                    delivery=self.delivery,
                    line=row.line,
                    record_id=row.record_id or "",
                    column=row.column or "",
                    reason=row.reason,
                    raw_text=row.raw_text,
                )
                for row in rejected
            )
            self.outcome.quarantined += len(rejected)
        if parsed:
            self._store_parsed(parsed)

    def _store_parsed(self, rows: list[ParsedRow]) -> None:
        feed = self.delivery.feed
        keyed = [(f"{feed}:{row.record_id}", content_hash(row.raw), row) for row in rows]
        existing = {
            rec.record_key: rec
            for rec in Record.objects.filter(record_key__in=[key for key, _, _ in keyed]).only(
                "id", "record_key", "content_hash", "delivery_date", "delivery_seq", "version_count"
            )
        }
        new_records: list[Record] = []
        new_rows: list[tuple[str, str, ParsedRow]] = []
        versions: list[RecordVersion] = []
        promoted: list[Record] = []
        for key, digest, row in keyed:
            record = existing.get(key)
            if record is None:
                new_records.append(self._record(key, digest, row))
                new_rows.append((key, digest, row))
                continue
            if record.content_hash == digest:
                self.outcome.unchanged += 1
                continue
            versions.append(self._version(record, digest, row))
            record.version_count += 1
            if self.order > (record.delivery_date, record.delivery_seq):
                self._make_current(record, digest, row)
                promoted.append(record)
                self.outcome.corrected += 1
            else:
                # An older delivery arriving late: kept in the history, never current.
                promoted.append(record)
                self.outcome.superseded += 1
        if new_records:
            Record.objects.bulk_create(new_records)
            self.outcome.new += len(new_records)
            for record, (_, digest, row) in zip(new_records, new_rows, strict=True):
                versions.append(self._version(record, digest, row))
        if versions:
            RecordVersion.objects.bulk_create(versions)
        if promoted:
            Record.objects.bulk_update(
                promoted,
                [
                    "delivery",
                    "delivery_date",
                    "delivery_seq",
                    "line",
                    "content_hash",
                    "raw",
                    "fields",
                    "warnings",
                    "version_count",
                ],
                batch_size=200,
            )

    def _record(self, key: str, digest: str, row: ParsedRow) -> Record:
        return Record(
            record_key=key,
            feed=self.delivery.feed,
            record_id=row.record_id,
            delivery=self.delivery,
            delivery_date=self.delivery.delivery_date,
            delivery_seq=self.delivery.seq,
            line=row.line,
            content_hash=digest,
            raw=row.raw,
            fields=row.fields,
            warnings=row.warnings,
        )

    def _version(self, record: Record, digest: str, row: ParsedRow) -> RecordVersion:
        return RecordVersion(
            record=record,
            delivery=self.delivery,
            line=row.line,
            content_hash=digest,
            raw=row.raw,
            fields=row.fields,
            warnings=row.warnings,
        )

    def _make_current(self, record: Record, digest: str, row: ParsedRow) -> None:
        record.delivery = self.delivery
        record.delivery_date = self.delivery.delivery_date
        record.delivery_seq = self.delivery.seq
        record.line = row.line
        record.content_hash = digest
        record.raw = row.raw
        record.fields = row.fields
        record.warnings = row.warnings


def delivery_ingest(
    feed_file: FeedFile,
    fingerprint_: FileFingerprint | None = None,
    progress: ProgressCallback | None = None,
) -> FileOutcome:
    """Ingest one file in one transaction; an identical file already stored is a no-op."""
    name = feed_file.path.name
    print_ = fingerprint_ or fingerprint(feed_file.path)
    outcome = FileOutcome(file=name, feed=feed_file.feed, status="ingested")
    started = time.perf_counter()
    known = Delivery.objects.filter(file_name=name).first()
    if known is not None:
        if known.sha256 == print_.sha256:
            outcome.status = "already ingested"
            outcome.rows = known.rows_total
            outcome.unchanged = known.rows_total - known.rows_quarantined
            outcome.quarantined = known.rows_quarantined
            if progress:
                progress(name, print_.lines)
            return outcome
        outcome.status = "refused"
        outcome.error = (
            f"{name} was already ingested on {known.ingested_at:%Y-%m-%d %H:%M} with different "
            f"content (sha256 {known.sha256[:12]}…, now {print_.sha256[:12]}…); a delivery is never "
            "replaced in place: send the corrections as a new delivery (a later date or a _<seq> suffix)"
        )
        return outcome
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                file_name=name,
                feed=feed_file.feed,
                delivery_date=feed_file.delivery_date,
                seq=feed_file.seq,
                sha256=print_.sha256,
                size_bytes=print_.size_bytes,
                source_path=str(feed_file.path.resolve()),
            )
            writer = _DeliveryWriter(delivery, outcome)
            reading = read_feed_file(feed_file)
            last_line = 1
            for batch in _batches(iter(reading), BATCH_ROWS):
                writer.store(batch)
                if progress:
                    line = batch[-1].line
                    progress(name, max(line - last_line, 0))
                    last_line = line
            outcome.warnings = list(getattr(reading, "warnings", []) or [])
            outcome.seconds = time.perf_counter() - started
            Delivery.objects.filter(pk=delivery.pk).update(
                rows_total=outcome.rows,
                rows_new=outcome.new,
                rows_corrected=outcome.corrected,
                rows_unchanged=outcome.unchanged,
                rows_superseded=outcome.superseded,
                rows_quarantined=outcome.quarantined,
                warnings=outcome.warnings,
                ingest_seconds=outcome.seconds,
            )
    except FeedFileError as exc:
        return FileOutcome(file=name, feed=feed_file.feed, status="refused", error=str(exc))
    if progress:
        progress(name, max(print_.lines - last_line, 0))
    return outcome


def ingest_paths(
    paths: Iterable[Path],
    on_start: Callable[[int], None] | None = None,
    progress: ProgressCallback | None = None,
) -> IngestSummary:
    """Ingest files and folders, oldest delivery first so that the newest one ends up current."""
    feed_files, errors = discover([Path(p) for p in paths])
    summary = IngestSummary()
    for error in errors:
        summary.outcomes.append(
            FileOutcome(
                file=str(getattr(error, "path", "") or ""), feed="", status="refused", error=str(error)
            )
        )
    prints = {}
    for feed_file in feed_files:
        try:
            prints[feed_file.path] = fingerprint(feed_file.path)
        except OSError as exc:
            summary.outcomes.append(
                FileOutcome(
                    file=feed_file.path.name,
                    feed=feed_file.feed,
                    status="refused",
                    error=f"cannot read {feed_file.path}: {exc.strerror or exc}",
                )
            )
    if on_start:
        on_start(sum(p.lines for p in prints.values()))
    for feed_file in feed_files:
        if feed_file.path not in prints:
            continue
        summary.outcomes.append(delivery_ingest(feed_file, prints[feed_file.path], progress))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE records_record")
    return summary
