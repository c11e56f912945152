"""CSV mechanics: encodings, line ends, quoting, line numbers, headers, shape, identity."""

from __future__ import annotations

from pathlib import Path

import pytest

from reunify.feeds import FeedFile, FeedFileError, ParsedRow, RejectedRow, detect_feed, read_feed_file
from reunify.feeds.specs import SPECS

from .helpers import GOOD, csv_text, good, read

CBP = "cbp_apprehensions"
CBP_HEADER = list(SPECS[CBP].column_names)
NAME = "cbp_apprehensions_20180615.csv"


def cells(**changes: str) -> list[str]:
    row = good(CBP, **changes)
    return [row[column] for column in CBP_HEADER]


def write(tmp_path: Path, data: bytes | str, name: str = NAME) -> FeedFile:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return detect_feed(path)


def test_bom_crlf_and_quoted_newlines_keep_physical_line_numbers(tmp_path: Path) -> None:
    text = csv_text(
        CBP_HEADER,
        [
            cells(record_id="A"),
            cells(record_id="B", remarks="SEPARATED FROM\r\nMOTHER"),
            cells(record_id="C", dob="1985-02-30"),
            cells(record_id="D", sex="X", remarks="TWO\r\nLINES"),
            cells(record_id="E"),
        ],
        newline="\r\n",
    )
    rows = read(write(tmp_path, "\ufeff" + text))

    assert [(type(r).__name__, r.line, r.record_id) for r in rows] == [
        ("ParsedRow", 2, "A"),
        ("ParsedRow", 3, "B"),
        ("RejectedRow", 5, "C"),
        ("RejectedRow", 6, "D"),
        ("ParsedRow", 8, "E"),
    ]
    assert rows[0].raw["record_id"] == "A"  # the BOM is not part of the first column's name
    assert rows[1].raw["remarks"] == "SEPARATED FROM\r\nMOTHER"
    assert rows[1].fields["remarks"] == "SEPARATED FROM\r\nMOTHER"
    assert rows[2].raw_text == ",".join(cells(record_id="C", dob="1985-02-30"))
    row_d = csv_text(CBP_HEADER, [cells(record_id="D", sex="X", remarks="TWO\r\nLINES")], newline="\r\n")
    assert rows[3].raw_text == row_d.split("\r\n", 1)[1].removesuffix("\r\n")
    assert rows[3].raw_text.endswith(',"TWO\r\nLINES"')


def test_the_raw_row_is_every_column_as_delivered(tmp_path: Path) -> None:
    [row] = read(write(tmp_path, csv_text(CBP_HEADER, [cells(last_name=" LOPEZ ")])))
    assert isinstance(row, ParsedRow)
    assert row.raw == dict(good(CBP, last_name=" LOPEZ "))
    assert row.fields["last_name"] == "LOPEZ"


def test_a_row_with_bytes_that_are_not_utf8_is_quarantined_alone(tmp_path: Path) -> None:
    header = csv_text(CBP_HEADER, [cells(record_id="A")]).encode("utf-8")
    bad = ",".join(cells(record_id="B", first_name="JOS@")).encode("utf-8").replace(b"@", b"\xc9") + b"\n"
    after = ",".join(cells(record_id="C", first_name="JOSÉ")).encode("utf-8") + b"\n"
    rows = read(write(tmp_path, header + bad + after))

    assert isinstance(rows[0], ParsedRow)
    assert rows[1] == RejectedRow(
        line=3,
        record_id="B",
        column="first_name",
        reason="invalid UTF-8 in column first_name: 'JOS\\xc9'",
        raw_text=bad.decode("latin-1").rstrip("\n").replace("É", "\\xc9"),
    )
    assert isinstance(rows[2], ParsedRow)
    assert rows[2].raw["first_name"] == "JOSÉ"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            "\ufeffrecord_id,dob\nA,1985-03-02\n".encode("utf-16"),
            "'cbp_apprehensions_20180615.csv' is not UTF-8: it starts with a UTF-16 byte-order mark",
        ),
        (
            "record_id,dob\nA,1985-03-02\n".encode("utf-16-le"),
            "'cbp_apprehensions_20180615.csv' is not UTF-8: its header contains NUL bytes (UTF-16?)",
        ),
        (
            "record_id,año\nA,1985\n".encode("latin-1"),
            "'cbp_apprehensions_20180615.csv' is not UTF-8: its header cannot be decoded",
        ),
        (
            b"event_id,dob\nEPT-1,1985-03-02\n",
            "'cbp_apprehensions_20180615.csv': the header has no record_id column",
        ),
        (
            b"record_id,dob,dob\nA,1985-03-02,1985-03-02\n",
            "'cbp_apprehensions_20180615.csv': the header names column 'dob' twice",
        ),
    ],
)
def test_files_that_cannot_be_read_as_a_whole_are_refused_before_any_row(
    tmp_path: Path, data: bytes, problem: str
) -> None:
    feed_file = write(tmp_path, data)
    with pytest.raises(FeedFileError) as error:
        read_feed_file(feed_file)  # raised on the call, before any iteration
    assert str(error.value) == problem
    assert error.value.path == feed_file.path


def test_a_file_that_cannot_be_opened_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / NAME
    folder.mkdir()
    with pytest.raises(FeedFileError, match=r"cannot read 'cbp_apprehensions_20180615\.csv'"):
        read_feed_file(detect_feed(folder))


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\n", ",".join(CBP_HEADER).encode() + b"\r\n"])
def test_empty_and_header_only_files_have_no_rows_and_no_error(tmp_path: Path, data: bytes) -> None:
    with read_feed_file(write(tmp_path, data)) as rows:
        assert list(rows) == []
        assert rows.warnings == []


def test_blank_lines_are_skipped_not_quarantined(tmp_path: Path) -> None:
    first, second = ",".join(cells(record_id="A")), ",".join(cells(record_id="B"))
    data = "\n".join([",".join(CBP_HEADER), first, "", second, "", "   ", "\r", ""])
    rows = read(write(tmp_path, data))
    assert [(type(r).__name__, r.line, r.record_id) for r in rows] == [
        ("ParsedRow", 2, "A"),
        ("ParsedRow", 4, "B"),
    ]


def test_a_wrong_number_of_fields_is_quarantined_with_the_record_id_salvaged(tmp_path: Path) -> None:
    short = cells(record_id="B")[:19]
    long = [*cells(record_id="C"), "EXTRA"]
    rows = read(write(tmp_path, csv_text(CBP_HEADER, [cells(record_id="A"), short, long, ["", "x"]])))
    assert rows[1:] == [
        RejectedRow(3, "B", None, "expected 22 fields, found 19", ",".join(short)),
        RejectedRow(4, "C", None, "expected 22 fields, found 23", ",".join(long)),
        RejectedRow(5, None, None, "expected 22 fields, found 2", ",x"),
    ]


def test_an_unterminated_quote_swallows_the_rest_into_one_quarantined_row(tmp_path: Path) -> None:
    data = csv_text(CBP_HEADER, [cells(record_id="A")]) + 'B,"EPT-1\n' + ",".join(cells(record_id="C")) + "\n"
    rows = read(write(tmp_path, data))
    assert isinstance(rows[0], ParsedRow)
    assert len(rows) == 2
    assert isinstance(rows[1], RejectedRow)
    assert (rows[1].line, rows[1].record_id, rows[1].reason) == (3, "B", "expected 22 fields, found 2")
    assert rows[1].raw_text.startswith('B,"EPT-1\nC,')  # nothing is lost


def test_missing_columns_read_as_blank_with_one_file_warning(tmp_path: Path) -> None:
    header = [c for c in CBP_HEADER if c not in ("separated", "separation_reason")]
    first, second = good(CBP, record_id="A"), good(CBP, record_id="B")
    data = csv_text(header, [[first[c] for c in header], [second[c] for c in header[:-1]]])
    with read_feed_file(write(tmp_path, data)) as rows:
        assert rows.warnings == [
            "column 'separated' is missing from the header; read as blank",
            "column 'separation_reason' is missing from the header; read as blank",
        ]
        parsed, short = list(rows)
    assert isinstance(parsed, ParsedRow)
    assert parsed.fields["separated"] is None
    assert parsed.fields["separation_reason"] is None
    assert "separated" not in parsed.raw
    assert isinstance(short, RejectedRow)
    assert short.reason == "expected 20 fields, found 19"


def test_unknown_columns_are_kept_in_raw_with_one_file_warning(tmp_path: Path) -> None:
    data = csv_text([*CBP_HEADER, "photo_ref"], [[*cells(record_id="A"), "P-1"], [*cells(record_id="B"), ""]])
    with read_feed_file(write(tmp_path, data)) as rows:
        assert rows.warnings == ["column 'photo_ref' is not in the contract; kept in raw"]
        first, second = list(rows)
    assert first.raw["photo_ref"] == "P-1"
    assert "photo_ref" not in first.fields
    assert second.raw["photo_ref"] == ""


def test_only_record_id_is_required_in_the_header(tmp_path: Path) -> None:
    with read_feed_file(write(tmp_path, "record_id\nA\n\n")) as rows:
        [row] = list(rows)
        assert len(rows.warnings) == len(CBP_HEADER) - 1
    assert isinstance(row, ParsedRow)
    assert row.fields["name"] is None
    assert row.fields["apprehended_at"] is None
    assert row.fields["role_hint"] is None


def test_a_record_id_seen_twice_quarantines_the_later_rows(tmp_path: Path) -> None:
    data = csv_text(
        CBP_HEADER,
        [
            cells(record_id="A"),
            cells(record_id="B", dob="1985-02-30"),
            cells(record_id="A", first_name="JUAN"),
            cells(record_id=" A "),
            cells(record_id="B"),
        ],
    )
    rows = read(write(tmp_path, data))
    assert [(r.line, r.record_id, getattr(r, "reason", None)) for r in rows] == [
        (2, "A", None),
        (3, "B", "dob '1985-02-30' is not a valid date (YYYY-MM-DD)"),
        (4, "A", "record_id A already appears on line 2 of this file"),
        (5, "A", "record_id A already appears on line 2 of this file"),
        (6, "B", "record_id B already appears on line 3 of this file"),
    ]
    assert {r.column for r in rows[2:]} == {"record_id"}


@pytest.mark.parametrize("record_id", ["", "   "])
def test_a_blank_record_id_is_quarantined(tmp_path: Path, record_id: str) -> None:
    rows = read(write(tmp_path, csv_text(CBP_HEADER, [cells(record_id=record_id)])))
    assert rows == [
        RejectedRow(2, None, "record_id", "record_id is blank", ",".join(cells(record_id=record_id)))
    ]


def test_every_csv_feed_reads_its_good_row(tmp_path: Path) -> None:
    for feed in SPECS:
        if SPECS[feed].format != "csv":
            continue
        header = list(SPECS[feed].column_names)
        path = tmp_path / f"{feed}_20180615.csv"
        path.write_text(csv_text(header, [[GOOD[feed][c] for c in header]]), "utf-8")
        [row] = read(detect_feed(path))
        assert isinstance(row, ParsedRow), row
        assert row.warnings == []


def test_a_nul_character_in_a_row_is_quarantined_so_that_no_database_chokes_on_it(tmp_path: Path) -> None:
    data = csv_text(CBP_HEADER, [cells(record_id="A"), cells(record_id="B", remarks="X\x00Y")])
    rows = read(write(tmp_path, data))
    assert isinstance(rows[0], ParsedRow)
    rejected = rows[1]
    assert (rejected.line, rejected.record_id, rejected.column) == (3, "B", "remarks")
    assert rejected.reason == "NUL character in column remarks"
    assert rejected.raw_text.endswith(",X\\x00Y")
    assert "\x00" not in rejected.raw_text
