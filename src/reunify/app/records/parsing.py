"""Reading and encoding feed rows in a second process while the first one writes.

Why a second process: on a 2-core machine, parsing and normalising a row costs
about as much as storing it. Running the reader in a child process that streams
encoded batches through a small bounded queue uses both cores, and the bound
keeps memory flat however large a delivery is. The child never touches the
database (this module imports nothing of Django): the parent keeps the
transaction, so a crash of either leaves no half-delivery.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import queue as queue_module
from collections.abc import Iterator
from dataclasses import dataclass

from reunify.feeds import FeedFile, FeedFileError, ParsedRow, RejectedRow, read_feed_file

BATCH_ROWS = 1000
QUEUE_BATCHES = 6


@dataclass(slots=True)
class EncodedRow:
    """A parsed row with its JSON encoded once, for both the hash and the tables that store it."""

    key: str
    record_id: str
    line: int
    raw_json: str
    fields_json: str
    warnings_json: str
    digest: str


@dataclass(slots=True)
class EncodedRejection:
    line: int
    record_id: str
    column: str
    reason: str
    raw_text: str


def encode(feed: str, row: ParsedRow | RejectedRow) -> EncodedRow | EncodedRejection:
    """Encode a row; the content hash is over the row as delivered, so the same content hashes the same."""
    if isinstance(row, RejectedRow):
        return EncodedRejection(row.line, row.record_id or "", row.column or "", row.reason, row.raw_text)
    raw_json = json.dumps(row.raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return EncodedRow(
        key=f"{feed}:{row.record_id}",
        record_id=row.record_id,
        line=row.line,
        raw_json=raw_json,
        fields_json=json.dumps(row.fields, ensure_ascii=False, separators=(",", ":")),
        warnings_json=json.dumps(row.warnings, ensure_ascii=False),
        digest=hashlib.blake2b(raw_json.encode("utf-8"), digest_size=16).hexdigest(),
    )


class ReaderCrashed(RuntimeError):
    """The reading process failed in a way that is a bug, not a property of the file."""


def _worker(files: list[FeedFile], out: multiprocessing.Queue, parent_pid: int) -> None:
    def put(message: tuple) -> None:
        while True:
            try:
                out.put(message, timeout=1.0)
                return
            except queue_module.Full:
                if os.getppid() != parent_pid:  # the writer was killed: stop, do not linger
                    os._exit(0)

    for feed_file in files:
        try:
            reading = read_feed_file(feed_file)
            batch: list = []
            for row in reading:
                batch.append(encode(feed_file.feed, row))
                if len(batch) >= BATCH_ROWS:
                    put(("batch", batch))
                    batch = []
            if batch:
                put(("batch", batch))
            put(("end", list(getattr(reading, "warnings", []) or [])))
        except FeedFileError as exc:
            put(("error", str(exc)))
        except Exception as exc:
            put(("crash", f"{type(exc).__name__}: {exc} while reading {feed_file.path}"))
            return


class ParsePipeline:
    """Reads the given files, in order, in a child process; the parent takes each file's batches in turn."""

    def __init__(self, files: list[FeedFile]) -> None:
        self.files = files
        context = multiprocessing.get_context("spawn")
        self.queue = context.Queue(maxsize=QUEUE_BATCHES)
        self.process = context.Process(
            target=_worker, args=(files, self.queue, os.getpid()), name="reunify-reader", daemon=True
        )

    def __enter__(self) -> ParsePipeline:
        if self.files:
            self.process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.is_alive():
            self.process.terminate()
        if self.files:
            self.process.join(timeout=10)
        self.queue.close()

    def file_events(self) -> Iterator[tuple[str, object]]:
        """The next file's messages: ("batch", rows)... then ("end", warnings) or ("error", reason)."""
        while True:
            try:
                kind, payload = self.queue.get(timeout=5.0)
            except queue_module.Empty:
                if not self.process.is_alive():
                    raise ReaderCrashed("the reading process ended unexpectedly") from None
                continue
            if kind == "crash":
                raise ReaderCrashed(str(payload))
            yield kind, payload
            if kind in ("end", "error"):
                return
