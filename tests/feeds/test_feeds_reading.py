"""The reading API: FeedRows, readers, and the date-time forms stored in fields."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reunify.feeds import READERS, SPECS, CsvFeedReader, FeedFileError, JsonlFeedReader, read_feed_file
from reunify.feeds.columns import _offset_moment, _utc_naive_moment, _utc_z_moment
from reunify.names import parse_offset_datetime, parse_utc_naive_datetime, parse_utc_z_datetime

from .helpers import good, write_rows


def test_one_reader_per_feed() -> None:
    assert set(READERS) == set(SPECS)
    assert isinstance(READERS["orr_referrals"], JsonlFeedReader)
    assert all(isinstance(READERS[feed], CsvFeedReader) for feed in SPECS if feed != "orr_referrals")


def test_feed_rows_counts_and_closes(tmp_path: Path) -> None:
    feed_file = write_rows(
        tmp_path,
        "dna_results",
        [good("dna_results", record_id="A"), good("dna_results", record_id="B", result="?")],
    )
    rows = read_feed_file(feed_file)
    assert (rows.parsed, rows.rejected) == (0, 0)  # nothing read yet: rows are read lazily
    first = next(rows)
    assert (first.record_id, rows.parsed, rows.rejected) == ("A", 1, 0)
    assert [r.record_id for r in rows] == ["B"]
    assert (rows.parsed, rows.rejected) == (1, 1)
    assert rows.feed_file == feed_file
    assert list(rows) == []  # exhausted and closed


def test_closing_early_stops_the_iteration(tmp_path: Path) -> None:
    feed_file = write_rows(tmp_path, "dna_results", [good("dna_results", record_id=str(i)) for i in range(5)])
    with read_feed_file(feed_file) as rows:
        next(rows)
    assert list(rows) == []


def test_a_reader_refuses_another_feeds_file(tmp_path: Path) -> None:
    feed_file = write_rows(tmp_path, "dna_results", [good("dna_results")])
    with pytest.raises(FeedFileError, match="is a dna_results file, not court_findings"):
        READERS["court_findings"].read(feed_file)


@pytest.mark.parametrize(
    ("memo", "parse", "written"),
    [
        (_offset_moment, parse_offset_datetime, "2018-05-03T04:12:00-06:00"),
        (_offset_moment, parse_offset_datetime, "2018-05-03T04:12-06:00"),
        (_offset_moment, parse_offset_datetime, "2018-05-03T04:12:00.5-06:00"),
        (_offset_moment, parse_offset_datetime, "2018-05-03T10:12:00Z"),
        (_offset_moment, parse_offset_datetime, "2018-05-03T10:12:00+00:00"),
        (_offset_moment, parse_offset_datetime, "2018-05-03T10:12:00-00:00"),
        (_offset_moment, parse_offset_datetime, "2018-05-03T23:30:00+05:30"),
        (_utc_naive_moment, parse_utc_naive_datetime, "2018-05-20T23:00:00"),
        (_utc_z_moment, parse_utc_z_datetime, "2018-05-05T18:00:00Z"),
        (_utc_z_moment, parse_utc_z_datetime, "2018-05-05T18:00Z"),
        (_utc_z_moment, parse_utc_z_datetime, "2018-05-05T18:00:00.250Z"),
    ],
)
def test_stored_date_times_are_exactly_instant_iso(
    memo: Callable[[str], Any], parse: Callable[[str], Any], written: str
) -> None:
    instant = parse(written)
    moment = memo(written)
    assert moment.iso == instant.iso()
    assert moment.utc == instant.utc
    assert moment.local_date == instant.local_date()
