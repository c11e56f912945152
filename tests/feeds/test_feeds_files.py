"""Delivery file names and discovery (FEEDS.md, "Conventions common to all feeds")."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from reunify.feeds import FEEDS, FeedFile, FeedFileError, detect_feed, discover


def test_the_seven_feeds_in_contract_order() -> None:
    assert FEEDS == (
        "cbp_apprehensions",
        "usms_custody",
        "ice_detentions",
        "orr_referrals",
        "dna_results",
        "court_findings",
        "ngo_locates",
    )


@pytest.mark.parametrize(
    ("name", "feed", "date", "seq"),
    [
        ("cbp_apprehensions_20180615.csv", "cbp_apprehensions", datetime.date(2018, 6, 15), 0),
        ("orr_referrals_20180702_2.jsonl", "orr_referrals", datetime.date(2018, 7, 2), 2),
        ("usms_custody_20180501_10.csv", "usms_custody", datetime.date(2018, 5, 1), 10),
        ("ngo_locates_20190101.csv", "ngo_locates", datetime.date(2019, 1, 1), 0),
    ],
)
def test_detect_feed_reads_feed_date_and_sequence(
    name: str, feed: str, date: datetime.date, seq: int
) -> None:
    found = detect_feed(Path("/deliveries") / name)
    assert found == FeedFile(path=Path("/deliveries") / name, feed=feed, delivery_date=date, seq=seq)
    assert found.order == (date, seq)


@pytest.mark.parametrize(
    "name",
    [
        "x.csv",
        "cbp_apprehension_20180615.csv",  # not a feed
        "cbp_apprehensions-20180615.csv",
        "cbp_apprehensions_2018061.csv",  # seven digits
        "cbp_apprehensions_20180615.txt",
        "cbp_apprehensions_20180615.csv.bak",
        "cbp_apprehensions_20180615_a.csv",
        "CBP_APPREHENSIONS_20180615.csv",
    ],
)
def test_detect_feed_refuses_names_that_do_not_name_a_feed(name: str) -> None:
    with pytest.raises(FeedFileError) as error:
        detect_feed(name)
    assert str(error.value) == (
        f"cannot tell the feed of {name!r}: expected <feed>_<YYYYMMDD>[_<seq>].csv|jsonl with feed one of "
        "cbp_apprehensions, usms_custody, ice_detentions, orr_referrals, dna_results, court_findings, "
        "ngo_locates"
    )
    assert error.value.path == Path(name)


def test_detect_feed_refuses_the_wrong_extension_for_the_feed() -> None:
    with pytest.raises(FeedFileError, match=r"feed orr_referrals is delivered as \.jsonl, not \.csv"):
        detect_feed("orr_referrals_20180702.csv")
    with pytest.raises(FeedFileError, match=r"feed cbp_apprehensions is delivered as \.csv, not \.jsonl"):
        detect_feed("cbp_apprehensions_20180702.jsonl")


def test_detect_feed_refuses_an_impossible_delivery_date() -> None:
    with pytest.raises(FeedFileError) as error:
        detect_feed("dna_results_20180230.csv")
    assert str(error.value) == "'dna_results_20180230.csv': 20180230 is not a valid delivery date (YYYYMMDD)"


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("record_id\n", "utf-8")
    return path


def test_discover_orders_by_date_then_seq_then_feed_and_skips_truth_and_hidden(tmp_path: Path) -> None:
    names = [
        "orr_referrals_20180702_2.jsonl",
        "orr_referrals_20180702.jsonl",
        "cbp_apprehensions_20180702_1.csv",
        "cbp_apprehensions_20180615.csv",
        "sub/ice_detentions_20180615.csv",
        "usms_custody_20180702.csv",
    ]
    for name in names:
        _touch(tmp_path / name)
    _touch(tmp_path / "truth" / "cbp_apprehensions_20180101.csv")
    _touch(tmp_path / ".hidden" / "cbp_apprehensions_20180101.csv")
    _touch(tmp_path / ".cbp_apprehensions_20180101.csv")
    _touch(tmp_path / "README.txt")
    _touch(tmp_path / "notes.csv")

    files, errors = discover([tmp_path])

    assert [f.path.relative_to(tmp_path).as_posix() for f in files] == [
        "cbp_apprehensions_20180615.csv",
        "sub/ice_detentions_20180615.csv",
        "orr_referrals_20180702.jsonl",
        "usms_custody_20180702.csv",
        "cbp_apprehensions_20180702_1.csv",
        "orr_referrals_20180702_2.jsonl",
    ]
    assert [error.path.name for error in errors] == ["notes.csv"]
    assert "cannot tell the feed of 'notes.csv'" in str(errors[0])
    _, named = discover([tmp_path / "README.txt"])
    assert "cannot tell the feed of 'README.txt'" in str(named[0])


def test_discover_takes_files_and_folders_once_each_and_reports_missing_paths(tmp_path: Path) -> None:
    one = _touch(tmp_path / "dna_results_20180710.csv")
    files, errors = discover([one, tmp_path, tmp_path / "nowhere"])
    assert [f.path for f in files] == [one]
    assert len(errors) == 1
    assert "does not exist" in str(errors[0])
