"""Ingestion: feed files into versioned records and quarantine, one transaction per file.

Why one transaction per file: a delivery is the unit a data officer sends and
re-sends. Either all of it is stored (records, versions, quarantine and the
``Delivery`` row that marks it done) or none of it is, so a crash or a kill in
the middle leaves nothing half-written and running the command again completes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import connection, transaction

from reunify.feeds import FeedFile, FeedFileError, discover

from .models import Delivery, QuarantinedRow, Record, RecordVersion
from .parsing import EncodedRejection, EncodedRow, ParsePipeline

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


class _DeliveryWriter:
    """Stores one file's rows batch by batch inside the caller's transaction.

    Plain parameterised SQL with ``executemany`` rather than the ORM's bulk
    helpers: ``bulk_update`` builds one CASE expression per row and field and was
    over two thirds of the ingest time, and model instances cost more than the
    rows they carry. The SQL stays portable between SQLite and PostgreSQL; only
    the JSON placeholder differs (PostgreSQL's ``jsonb`` wants an explicit cast).
    """

    def __init__(self, delivery: Delivery, outcome: FileOutcome) -> None:
        self.delivery = delivery
        self.outcome = outcome
        self.order = (delivery.delivery_date, delivery.seq)
        json_param = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
        record = Record._meta.db_table
        version = RecordVersion._meta.db_table
        self.sql_insert_record = (
            f"INSERT INTO {record} (record_key, feed, record_id, delivery_id, delivery_date, "
            "delivery_seq, line, content_hash, raw, fields, warnings, version_count) VALUES "
            f"(%s, %s, %s, %s, %s, %s, %s, %s, {json_param}, {json_param}, {json_param}, %s)"
        )
        self.sql_insert_version = (
            f"INSERT INTO {version} (record_id, delivery_id, line, content_hash, raw, fields, warnings) "
            f"VALUES (%s, %s, %s, %s, {json_param}, {json_param}, {json_param})"
        )
        self.sql_promote = (
            f"UPDATE {record} SET delivery_id = %s, delivery_date = %s, delivery_seq = %s, line = %s, "
            f"content_hash = %s, raw = {json_param}, fields = {json_param}, warnings = {json_param}, "
            "version_count = version_count + 1 WHERE id = %s"
        )
        self.use_copy = connection.vendor == "postgresql"
        self.copy_record = (
            f"COPY {record} (record_key, feed, record_id, delivery_id, delivery_date, delivery_seq, "
            "line, content_hash, raw, fields, warnings, version_count) FROM STDIN"
        )
        self.copy_version = (
            f"COPY {version} (record_id, delivery_id, line, content_hash, raw, fields, warnings) FROM STDIN"
        )
        self.sql_count_version = f"UPDATE {record} SET version_count = version_count + 1 WHERE id = %s"
        self.sql_select = (
            f"SELECT id, record_key, content_hash, delivery_date, delivery_seq FROM {record} "
            "WHERE record_key IN ({})"
        )

    def store(self, batch: list[EncodedRow | EncodedRejection]) -> None:
        parsed = [row for row in batch if isinstance(row, EncodedRow)]
        rejected = [row for row in batch if isinstance(row, EncodedRejection)]
        self.outcome.rows += len(batch)
        if rejected:
            QuarantinedRow.objects.bulk_create(
                QuarantinedRow(
                    delivery=self.delivery,
                    line=row.line,
                    record_id=row.record_id,
                    column=row.column,
                    reason=row.reason,
                    raw_text=row.raw_text,
                )
                for row in rejected
            )
            self.outcome.quarantined += len(rejected)
        if parsed:
            self._store_parsed(parsed)

    def _insert(self, cursor, sql: str, copy_sql: str, rows: list[tuple]) -> None:
        """PostgreSQL's COPY is several times faster than INSERT for a batch; SQLite has no COPY."""
        if not self.use_copy:
            cursor.executemany(sql, rows)
            return
        with cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)

    def _lookup(self, cursor, keys: list[str]) -> dict[str, tuple]:
        cursor.execute(self.sql_select.format(", ".join(["%s"] * len(keys))), keys)
        found = {}
        for record_id, key, digest, delivery_date, seq in cursor.fetchall():
            if isinstance(delivery_date, str):  # SQLite hands dates back as text
                delivery_date = dt.date.fromisoformat(delivery_date)
            found[key] = (record_id, digest, (delivery_date, seq))
        return found

    def _store_parsed(self, encoded: list[EncodedRow]) -> None:
        delivery = self.delivery
        with connection.cursor() as cursor:
            existing = self._lookup(cursor, [e.key for e in encoded])
            new: list[EncodedRow] = []
            versions: list[tuple[int, EncodedRow]] = []
            promoted: list[tuple] = []
            superseded: list[tuple] = []
            for item in encoded:
                known = existing.get(item.key)
                if known is None:
                    new.append(item)
                    continue
                record_id, digest, order = known
                if digest == item.digest:
                    self.outcome.unchanged += 1
                    continue
                versions.append((record_id, item))
                if self.order > order:
                    promoted.append(
                        (
                            delivery.pk,
                            delivery.delivery_date,
                            delivery.seq,
                            item.line,
                            item.digest,
                            item.raw_json,
                            item.fields_json,
                            item.warnings_json,
                            record_id,
                        )
                    )
                    self.outcome.corrected += 1
                else:
                    # An older delivery arriving late: kept in the history, never current.
                    superseded.append((record_id,))
                    self.outcome.superseded += 1
            if new:
                self._insert(
                    cursor,
                    self.sql_insert_record,
                    self.copy_record,
                    [
                        (
                            item.key,
                            delivery.feed,
                            item.record_id,
                            delivery.pk,
                            delivery.delivery_date,
                            delivery.seq,
                            item.line,
                            item.digest,
                            item.raw_json,
                            item.fields_json,
                            item.warnings_json,
                            1,
                        )
                        for item in new
                    ],
                )
                ids = self._lookup(cursor, [item.key for item in new])
                versions.extend((ids[item.key][0], item) for item in new)
                self.outcome.new += len(new)
            if versions:
                self._insert(
                    cursor,
                    self.sql_insert_version,
                    self.copy_version,
                    [
                        (
                            record_id,
                            delivery.pk,
                            item.line,
                            item.digest,
                            item.raw_json,
                            item.fields_json,
                            item.warnings_json,
                        )
                        for record_id, item in versions
                    ],
                )
            if promoted:
                cursor.executemany(self.sql_promote, promoted)
            if superseded:
                cursor.executemany(self.sql_count_version, superseded)


def _refusal_or_skip(
    feed_file: FeedFile, print_: FileFingerprint, progress: ProgressCallback | None
) -> FileOutcome | None:
    """An outcome when the file needs no reading: already stored, or a changed file under a known name."""
    name = feed_file.path.name
    known = Delivery.objects.filter(file_name=name).first()
    if known is None:
        return None
    outcome = FileOutcome(file=name, feed=feed_file.feed, status="already ingested")
    if known.sha256 == print_.sha256:
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


def delivery_ingest(
    feed_file: FeedFile,
    print_: FileFingerprint,
    events: Iterator[tuple[str, object]],
    progress: ProgressCallback | None = None,
) -> FileOutcome:
    """Store one file's rows, read elsewhere, in one transaction; a reading error refuses the whole file."""
    name = feed_file.path.name
    outcome = FileOutcome(file=name, feed=feed_file.feed, status="ingested")
    started = time.perf_counter()
    last_line = 1
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
            for kind, payload in events:
                if kind == "error":
                    raise FeedFileError(feed_file.path, str(payload))
                if kind == "end":
                    outcome.warnings = list(payload)  # type: ignore[call-overload]
                    break
                batch = payload  # type: ignore[assignment]
                writer.store(batch)  # type: ignore[arg-type]
                if progress:
                    line = batch[-1].line  # type: ignore[index]
                    progress(name, max(line - last_line, 0))
                    last_line = line
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
    prints: dict[Path, FileFingerprint] = {}
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
    to_read: list[FeedFile] = []
    for feed_file in feed_files:
        if feed_file.path not in prints:
            continue
        decided = _refusal_or_skip(feed_file, prints[feed_file.path], progress)
        if decided is not None:
            summary.outcomes.append(decided)
        else:
            to_read.append(feed_file)
    with ParsePipeline(to_read) as pipeline:
        for feed_file in to_read:
            outcome = delivery_ingest(feed_file, prints[feed_file.path], pipeline.file_events(), progress)
            summary.outcomes.append(outcome)
    if to_read and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Record._meta.db_table}")
    return summary
