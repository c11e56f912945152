"""Reading one delivery file: rows in, ``ParsedRow`` / ``RejectedRow`` out, streaming.

``read_feed_file(feed_file)`` opens the file, checks what makes a file
unreadable as a whole (docs/validation.md, last paragraph) and raises
``FeedFileError`` *before any row is produced*; it then returns a ``FeedRows``
iterator that reads the file lazily, one row at a time, so memory stays flat
whatever the delivery's size (only the record ids seen so far are kept, to
find duplicates).

File-level warnings (a contract column missing from a CSV header, a column or
key the contract does not know) are on ``FeedRows.warnings``. For CSV they are
complete as soon as ``read_feed_file`` returns; for JSON Lines, where every row
carries its own keys, unknown keys are added when first seen and keys absent
from every row are added when the iteration ends.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, BinaryIO

from .columns import INT, LIST, TEXT, future_limit, json_type, not_in_future, quote
from .files import FeedFile, FeedFileError
from .rows import ParsedRow, RejectedRow, RowProblem
from .specs import SPECS, FeedSpec

Row = ParsedRow | RejectedRow

_NON_UTF8_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_SALVAGE_RECORD_ID = re.compile(r'"record_id"\s*:\s*"((?:[^"\\]|\\.)*)"')


def _printable(text: str) -> str:
    """Text with undecodable bytes and NUL shown as ``\\xNN``, so that any database can store it."""
    if "\x00" in text:
        text = text.replace("\x00", "\\x00")
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _has_bad_bytes(text: str) -> bool:
    """True when text decoded with surrogateescape carries bytes that were not UTF-8."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _refuse_non_utf8(feed_file: FeedFile, head: bytes) -> None:
    for bom, encoding in _NON_UTF8_BOMS:
        if head.startswith(bom):
            raise FeedFileError(
                feed_file.path,
                f"{feed_file.path.name!r} is not UTF-8: it starts with a {encoding} byte-order mark",
            )


class FeedRows(Iterator[Row]):
    """The rows of one delivery file, read lazily.

    Iterate it (or ``list()`` it) to get ``ParsedRow`` and ``RejectedRow`` in
    file order. ``warnings`` holds the file-level warnings; ``parsed`` and
    ``rejected`` count what has been produced so far. Use it as a context
    manager, or exhaust it, to close the file promptly.
    """

    def __init__(
        self,
        feed_file: FeedFile,
        rows: Iterator[Row],
        warnings: list[str],
        handle: BinaryIO,
    ) -> None:
        self.feed_file = feed_file
        self.warnings = warnings
        self.parsed = 0
        self.rejected = 0
        self._rows = rows
        self._handle = handle

    def __iter__(self) -> FeedRows:
        return self

    def __next__(self) -> Row:
        try:
            row = next(self._rows)
        except OSError as error:  # the disk or the network share failed mid-file
            self.close()
            path = self.feed_file.path
            raise FeedFileError(path, f"cannot read {path.name!r}: {error.strerror or error}") from error
        except BaseException:  # StopIteration, or the caller's interrupt
            self.close()
            raise
        if row.__class__ is ParsedRow:
            self.parsed += 1
        else:
            self.rejected += 1
        return row

    def close(self) -> None:
        """Close the file; further iteration yields nothing."""
        self._rows = iter(())
        self._handle.close()

    def __enter__(self) -> FeedRows:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class FeedReader:
    """Reads the files of one feed according to its ``FeedSpec``.

    One instance per feed (``READERS``); the column plan is precomputed here so
    the row loop does no lookups it could avoid.
    """

    format: str = ""

    def __init__(self, spec: FeedSpec) -> None:
        if spec.format != self.format:
            raise ValueError(f"{type(self).__name__} cannot read {spec.format} feed {spec.feed}")
        self.spec = spec
        self.feed = spec.feed
        self.known = frozenset(spec.column_names)
        self._finish = spec.finish

    def read(self, feed_file: FeedFile) -> FeedRows:
        """Open ``feed_file`` and return its rows; FeedFileError for whole-file problems."""
        if feed_file.feed != self.feed:
            raise FeedFileError(
                feed_file.path, f"{feed_file.path.name!r} is a {feed_file.feed} file, not {self.feed}"
            )
        try:
            handle = open(feed_file.path, "rb")  # noqa: SIM115 - closed by FeedRows
        except OSError as error:
            raise FeedFileError(
                feed_file.path, f"cannot read {feed_file.path.name!r}: {error.strerror or error}"
            ) from None
        try:
            head = handle.read(4)
            handle.seek(0)
            _refuse_non_utf8(feed_file, head)
            rows, warnings = self._start(feed_file, handle)
        except BaseException:
            handle.close()
            raise
        return FeedRows(feed_file, rows, warnings, handle)

    def _start(self, feed_file: FeedFile, handle: BinaryIO) -> tuple[Iterator[Row], list[str]]:
        raise NotImplementedError


class CsvFeedReader(FeedReader):
    """CSV feeds: UTF-8 (BOM allowed), header row, RFC 4180 quoting, LF or CRLF."""

    format = "csv"

    def _start(self, feed_file: FeedFile, handle: BinaryIO) -> tuple[Iterator[Row], list[str]]:
        path = feed_file.path
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="surrogateescape", newline="")
        # The tap keeps the physical lines of the row being parsed, so that a
        # quarantined row can be stored exactly as it was delivered.
        lines: list[str] = []
        reader = csv.reader(_tap(text, lines), strict=False)
        header: list[str] | None = None
        try:
            for cells in reader:
                if cells and not (len(cells) == 1 and not cells[0].strip()):
                    header = cells
                    break
        except csv.Error as error:
            raise FeedFileError(path, f"{path.name!r}: the header cannot be read ({error})") from None
        except OSError as error:
            raise FeedFileError(path, f"cannot read {path.name!r}: {error}") from None
        if header is None:  # empty, or blank lines only: a delivery with no rows
            return iter(()), []
        header_text = "".join(lines)
        lines.clear()
        if "\x00" in header_text:
            raise FeedFileError(path, f"{path.name!r} is not UTF-8: its header contains NUL bytes (UTF-16?)")
        if _has_bad_bytes(header_text):
            raise FeedFileError(path, f"{path.name!r} is not UTF-8: its header cannot be decoded")
        header = [cell.strip() for cell in header]
        seen: set[str] = set()
        for cell in header:
            if cell in seen:
                raise FeedFileError(path, f"{path.name!r}: the header names column {cell!r} twice")
            seen.add(cell)
        if "record_id" not in seen:
            raise FeedFileError(path, f"{path.name!r}: the header has no record_id column")
        warnings: list[str] = []
        missing = [name for name in self.spec.column_names if name not in seen]
        for name in missing:
            warnings.append(f"column {name!r} is missing from the header; read as blank")
        for cell in header:
            if cell not in self.known:
                warnings.append(f"column {cell!r} is not in the contract; kept in raw")
        return self._rows(reader, lines, header, bool(missing), future_limit()), warnings

    def _rows(
        self, reader: Any, lines: list[str], header: list[str], pad: bool, latest: datetime.date
    ) -> Iterator[Row]:
        width = len(header)
        positions = {name: index for index, name in enumerate(header)}
        # Missing columns point one past the end, where "" is appended per row.
        # Text columns are copied in one comprehension; columns with a parser
        # go through the slower loop that can quarantine the row.
        text_plan = tuple(
            (column.name, positions.get(column.name, width))
            for column in self.spec.columns
            if column.parse is None
        )
        plan = tuple(
            (positions.get(column.name, width), column.name, column.parse, column.to_json)
            for column in self.spec.columns
            if column.parse is not None
        )
        id_index = positions["record_id"]
        finish = self._finish
        first_line: dict[str, int] = {}
        end = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                start, end = end + 1, reader.line_num
                raw_text = "".join(lines)
                lines.clear()
                yield RejectedRow(
                    start, None, None, f"the row cannot be read as CSV: {error}", _printable(raw_text)
                )
                continue
            start, end = end + 1, reader.line_num
            raw_text = lines[0] if len(lines) == 1 else "".join(lines)
            lines.clear()
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # a blank line is no row
            if len(cells) != width:
                salvaged = cells[id_index].strip() if id_index < len(cells) else ""
                yield RejectedRow(
                    start,
                    _printable(salvaged) or None,
                    None,
                    f"expected {width} fields, found {len(cells)}",
                    _printable(raw_text.rstrip("\r\n")),
                )
                continue
            if not raw_text.isascii() and _has_bad_bytes(raw_text):
                column = next((header[i] for i, cell in enumerate(cells) if _has_bad_bytes(cell)), None)
                shown = cells[header.index(column)] if column is not None else raw_text
                yield RejectedRow(
                    start,
                    _printable(cells[id_index].strip()) or None,
                    column,
                    f"invalid UTF-8 in column {column}: '{_printable(shown)}'",
                    _printable(raw_text.rstrip("\r\n")),
                )
                continue
            if "\x00" in raw_text:
                column = next((header[i] for i, cell in enumerate(cells) if "\x00" in cell), None)
                yield RejectedRow(
                    start,
                    _printable(cells[id_index].strip()) or None,
                    column,
                    f"NUL character in column {column}",
                    _printable(raw_text.rstrip("\r\n")),
                )
                continue
            record_id = cells[id_index].strip()
            if not record_id:
                yield RejectedRow(start, None, "record_id", "record_id is blank", raw_text.rstrip("\r\n"))
                continue
            earlier = first_line.get(record_id)
            if earlier is not None:
                yield RejectedRow(
                    start,
                    record_id,
                    "record_id",
                    f"record_id {record_id} already appears on line {earlier} of this file",
                    raw_text.rstrip("\r\n"),
                )
                continue
            first_line[record_id] = start
            raw = dict(zip(header, cells, strict=True))
            if pad:
                cells.append("")
            warnings: list[str] = []
            fields = {name: cells[index].strip() or None for name, index in text_plan}
            typed = fields.copy()
            try:
                for index, name, parse, to_json in plan:
                    value = cells[index].strip()
                    if not value:
                        typed[name] = fields[name] = None
                        continue
                    value = parse(value, warnings)
                    typed[name] = value
                    fields[name] = value if to_json is None or value is None else to_json(value)
                finish(typed, fields, raw, warnings)
                not_in_future(typed, latest, raw)
            except RowProblem as problem:
                yield RejectedRow(start, record_id, problem.column, problem.reason, raw_text.rstrip("\r\n"))
                continue
            yield ParsedRow(start, record_id, raw, fields, warnings)


def _tap(text: io.TextIOWrapper, lines: list[str]) -> Iterator[str]:
    append = lines.append
    for line in text:
        append(line)
        yield line


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _has_nul(text: str) -> bool:
    return "\x00" in text


def _holds(value: Any, test: Callable[[str], bool]) -> bool:
    """True when a decoded JSON value holds, at any depth, a string (or key) that passes ``test``."""
    if isinstance(value, str):
        return test(value)
    if isinstance(value, list):
        return any(_holds(item, test) for item in value)
    if isinstance(value, dict):
        return any(test(key) or _holds(item, test) for key, item in value.items())
    return False


def _find_key(value: dict[str, Any], test: Callable[[str], bool]) -> str | None:
    """The first top-level key whose name or value holds a string that passes ``test``."""
    for key, item in value.items():
        if test(key) or _holds(item, test):
            return key
    return None


class JsonlFeedReader(FeedReader):
    """JSON Lines feeds: one UTF-8 JSON object per line; blank lines skipped."""

    format = "jsonl"

    def _start(self, feed_file: FeedFile, handle: BinaryIO) -> tuple[Iterator[Row], list[str]]:
        path = feed_file.path
        first = handle.readline()
        handle.seek(0)
        if b"\x00" in first:
            raise FeedFileError(
                path, f"{path.name!r} is not UTF-8: its first line contains NUL bytes (UTF-16?)"
            )
        warnings: list[str] = []
        return self._rows(handle, warnings, future_limit()), warnings

    def _rows(self, handle: BinaryIO, file_warnings: list[str], latest: datetime.date) -> Iterator[Row]:
        plan = tuple(
            (column.name, column.shape, column.parse, column.to_json)
            for column in self.spec.columns
            if column.name != "record_id"
        )
        objects = 0
        known = self.known
        unseen = set(self.spec.column_names)
        unknown_reported: set[str] = set()
        finish = self._finish
        first_line: dict[str, int] = {}
        decode = json.JSONDecoder(parse_constant=_reject_constant).decode
        line_number = 0
        for data in handle:
            line_number += 1
            if line_number == 1 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            if not data.strip():
                continue
            try:
                raw_text = data.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as error:
                text = data.decode("utf-8", "surrogateescape").rstrip("\r\n")
                yield self._bad_utf8(line_number, text, error)
                continue
            try:
                raw = decode(raw_text)
            except (ValueError, RecursionError) as error:
                if isinstance(error, json.JSONDecodeError):
                    reason = f"{error.msg} at column {error.colno}"
                else:
                    reason = str(error)
                salvaged = _SALVAGE_RECORD_ID.search(raw_text)
                yield RejectedRow(
                    line_number,
                    salvaged.group(1) if salvaged else None,
                    None,
                    f"not valid JSON: {reason}",
                    raw_text,
                )
                continue
            if not isinstance(raw, dict):
                yield RejectedRow(
                    line_number,
                    None,
                    None,
                    f"the line holds {json_type(raw)}, not a JSON object",
                    raw_text,
                )
                continue
            objects += 1
            if "\\u0000" in raw_text:
                column = _find_key(raw, _has_nul)
                if column is not None:
                    found = raw.get("record_id")
                    yield RejectedRow(
                        line_number,
                        (found.strip() or None) if isinstance(found, str) else None,
                        column,
                        f"NUL character in key {column}",
                        raw_text,
                    )
                    continue
            if unseen:
                unseen.difference_update(raw.keys())
            if len(raw) > len(known) or not known.issuperset(raw.keys()):
                for key in raw:
                    if key not in known and key not in unknown_reported:
                        unknown_reported.add(key)
                        file_warnings.append(f"key {key!r} is not in the contract; kept in raw")
            warnings: list[str] = []
            typed: dict[str, Any] = {}
            fields: dict[str, Any] = {}
            record_id: str | None = None
            try:
                record_id = _json_text("record_id", raw.get("record_id"), warnings)
                if record_id is None:
                    raise RowProblem("record_id", "record_id is blank")
                earlier = first_line.get(record_id)
                if earlier is not None:
                    raise RowProblem(
                        "record_id",
                        f"record_id {record_id} already appears on line {earlier} of this file",
                    )
                first_line[record_id] = line_number
                fields["record_id"] = typed["record_id"] = record_id
                get = raw.get
                for name, shape, parse, to_json in plan:
                    value = get(name)
                    if value is None:
                        typed[name] = fields[name] = None
                        continue
                    if value.__class__ is str:  # the usual case, checked first
                        value = value.strip()
                        if not value:
                            typed[name] = fields[name] = None
                            continue
                        if shape is LIST:
                            raise RowProblem(name, f"{name} must be a list, found a string")
                    elif shape is TEXT:
                        value = _json_text(name, value, warnings)
                    elif shape is INT:
                        if isinstance(value, (list, dict)):
                            raise RowProblem(name, f"{name} must be a whole number, found {json_type(value)}")
                    elif shape is LIST and not isinstance(value, list):
                        raise RowProblem(name, f"{name} must be a list, found {json_type(value)}")
                    if parse is not None:
                        value = parse(value, warnings)
                    typed[name] = value
                    fields[name] = value if to_json is None or value is None else to_json(value)
                finish(typed, fields, raw, warnings)
                not_in_future(typed, latest, raw)
            except RowProblem as problem:
                yield RejectedRow(line_number, record_id, problem.column, problem.reason, raw_text)
                continue
            yield ParsedRow(line_number, record_id, raw, fields, warnings)
        for key in self.spec.column_names if objects else ():
            if key in unseen:
                file_warnings.append(f"key {key!r} is absent from every row; read as null")

    def _bad_utf8(self, line_number: int, raw_text: str, error: UnicodeDecodeError) -> RejectedRow:
        record_id: str | None = None
        column: str | None = None
        try:
            value = json.loads(raw_text)
        except ValueError:
            value = None
        if isinstance(value, dict):
            column = _find_key(value, _has_bad_bytes)
            found = value.get("record_id")
            if isinstance(found, str) and found.strip():
                record_id = _printable(found.strip())
        else:
            salvaged = _SALVAGE_RECORD_ID.search(raw_text)
            record_id = _printable(salvaged.group(1)) if salvaged else None
        if column is not None:
            reason = (
                f"invalid UTF-8 in key {column}: {_printable(json.dumps(value[column], ensure_ascii=False))}"
            )
        else:
            reason = f"invalid UTF-8 (byte 0x{error.object[error.start]:02x} at byte {error.start})"
        return RejectedRow(line_number, record_id, column, reason, _printable(raw_text))


def _json_text(name: str, value: Any, warnings: list[str]) -> str | None:
    """A JSON value where the contract expects text: blank -> None, numbers read as text.

    A list or an object where text is expected is a wrong shape (rule 1).
    """
    if isinstance(value, str):
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        raise RowProblem(name, f"{name} must be a string, found {json_type(value)}")
    warnings.append(f"{name} {quote(value)} is not a string; read as text")
    return json.dumps(value)


_READER_CLASSES: dict[str, Callable[[FeedSpec], FeedReader]] = {
    "csv": CsvFeedReader,
    "jsonl": JsonlFeedReader,
}

#: One reader per feed.
READERS: dict[str, FeedReader] = {feed: _READER_CLASSES[spec.format](spec) for feed, spec in SPECS.items()}


def read_feed_file(feed_file: FeedFile) -> FeedRows:
    """Read one delivery file: FeedFileError now, or an iterator of its rows.

    Whole-file problems (a non-UTF-8 file, a header without record_id, an
    unreadable file) are raised here, before any row is produced, so that
    nothing of such a file is ever stored.
    """
    return READERS[feed_file.feed].read(feed_file)
