"""Delivery files: which feed a file belongs to, and in which order to read deliveries.

A delivery is named ``<feed>_<YYYYMMDD>[_<seq>].<ext>`` (FEEDS.md, "Conventions").
The name is the only place the feed and the delivery date are written, and the
date/sequence pair decides which version of a corrected record wins, so a name
we cannot read exactly is refused rather than guessed.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: The seven feeds of FEEDS.md, in the order the contract lists them.
FEEDS: tuple[str, ...] = (
    "cbp_apprehensions",
    "usms_custody",
    "ice_detentions",
    "orr_referrals",
    "dna_results",
    "court_findings",
    "ngo_locates",
)

#: The file format (extension) each feed is delivered in.
FEED_FORMATS: dict[str, str] = {feed: ("jsonl" if feed == "orr_referrals" else "csv") for feed in FEEDS}

#: Folders that discover() never descends into: scenario truth sits beside the
#: deliveries and must never be read by the pipeline.
SKIPPED_FOLDERS: frozenset[str] = frozenset({"truth"})

_NAME = re.compile(r"(?P<feed>[a-z][a-z0-9_]*?)_(?P<date>[0-9]{8})(?:_(?P<seq>[0-9]+))?\.(?P<ext>csv|jsonl)")


class FeedFileError(Exception):
    """A whole delivery file cannot be read: nothing of it may be stored.

    The message names the file and what is wrong with it, because a data officer
    has to act on it without reading code.
    """

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(problem)


@dataclass(frozen=True)
class FeedFile:
    """One delivery file, with the feed and delivery it belongs to."""

    path: Path
    feed: str
    delivery_date: datetime.date
    seq: int = 0

    @property
    def order(self) -> tuple[datetime.date, int]:
        """Delivery order: a later (date, seq) delivery supersedes an earlier one."""
        return (self.delivery_date, self.seq)

    @property
    def format(self) -> str:
        """``"csv"`` or ``"jsonl"``."""
        return FEED_FORMATS[self.feed]


def _unknown_name(name: str) -> str:
    return (
        f"cannot tell the feed of {name!r}: expected <feed>_<YYYYMMDD>[_<seq>].csv|jsonl "
        f"with feed one of {', '.join(FEEDS)}"
    )


def detect_feed(path: Path | str) -> FeedFile:
    """Read feed, delivery date and sequence from a delivery file's name.

    The file itself is not opened: a name that does not fit the convention is
    refused here so that no row of an unidentifiable file is ever stored.
    Raises FeedFileError.
    """
    path = Path(path)
    name = path.name
    match = _NAME.fullmatch(name)
    if match is None or match["feed"] not in FEED_FORMATS:
        raise FeedFileError(path, _unknown_name(name))
    feed, ext = match["feed"], match["ext"]
    if FEED_FORMATS[feed] != ext:
        raise FeedFileError(
            path,
            f"{name!r}: feed {feed} is delivered as .{FEED_FORMATS[feed]}, not .{ext}",
        )
    raw_date = match["date"]
    try:
        delivery_date = datetime.date(int(raw_date[:4]), int(raw_date[4:6]), int(raw_date[6:]))
    except ValueError:
        raise FeedFileError(path, f"{name!r}: {raw_date} is not a valid delivery date (YYYYMMDD)") from None
    seq = int(match["seq"]) if match["seq"] is not None else 0
    return FeedFile(path=path, feed=feed, delivery_date=delivery_date, seq=seq)


def _walk(folder: Path) -> Iterable[Path]:
    for root, dirs, files in os.walk(folder):
        # Prune in place so os.walk does not descend into truth/ or hidden folders.
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS and not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def discover(paths: Iterable[Path | str]) -> tuple[list[FeedFile], list[FeedFileError]]:
    """Find the delivery files among files and folders, oldest delivery first.

    Folders are searched recursively, skipping ``truth/`` folders, hidden
    files and folders, and files that are not ``.csv`` or ``.jsonl`` (a README
    or a checksum file beside the deliveries is not a delivery). A ``.csv`` or
    ``.jsonl`` file whose name does not name a feed, and any file named
    explicitly, is checked and returned as an error rather than raised, so one
    misnamed delivery is reported without stopping the rest.
    The files are sorted by (delivery date, seq, feed, name): reading them in
    this order lets "newest delivery wins" be applied by simply reading on.
    """
    found: list[FeedFile] = []
    errors: list[FeedFileError] = []
    seen: set[Path] = set()
    for given in paths:
        given = Path(given)
        if given.is_dir():
            candidates: Iterable[Path] = (p for p in _walk(given) if p.suffix.lower() in (".csv", ".jsonl"))
        elif given.is_file():
            candidates = (given,)
        else:
            errors.append(FeedFileError(given, f"{str(given)!r} does not exist"))
            continue
        for candidate in candidates:
            key = candidate.resolve()
            if key in seen:
                continue
            seen.add(key)
            try:
                found.append(detect_feed(candidate))
            except FeedFileError as error:
                errors.append(error)
    found.sort(key=lambda f: (f.delivery_date, f.seq, f.feed, f.path.name, str(f.path)))
    return found, errors
