"""One reader per agency feed: delivery file -> normalised rows + quarantine.

The contract is ``shared/feeds/FEEDS.md`` (what each feed holds) and
``docs/validation.md`` (exactly when a row is quarantined). This package turns
a delivery file into a stream of ``ParsedRow`` (with the row as delivered and
its normalised ``fields``) and ``RejectedRow`` (quarantined, with line, column
and reason), and refuses whole files that cannot be read with
``FeedFileError``. The normalised vocabulary is documented in ``FIELDS.md``
beside this file; linkage, custody and exports read it.

Typical use::

    files, errors = discover([delivery_folder])
    for feed_file in files:                     # oldest delivery first
        with read_feed_file(feed_file) as rows:  # FeedFileError: refuse the file
            for row in rows:
                ...                              # ParsedRow or RejectedRow
            rows.warnings                        # file-level warnings

The package is part of the core: it imports nothing from Django.
"""

from .files import FEED_FORMATS, FEEDS, FeedFile, FeedFileError, detect_feed, discover
from .readers import (
    READERS,
    CsvFeedReader,
    FeedReader,
    FeedRows,
    JsonlFeedReader,
    read_feed_file,
)
from .rows import ParsedRow, RejectedRow
from .specs import SPECS, FeedSpec

__all__ = [
    "FEEDS",
    "FEED_FORMATS",
    "READERS",
    "SPECS",
    "CsvFeedReader",
    "FeedFile",
    "FeedFileError",
    "FeedReader",
    "FeedRows",
    "FeedSpec",
    "JsonlFeedReader",
    "ParsedRow",
    "RejectedRow",
    "detect_feed",
    "discover",
    "read_feed_file",
]
