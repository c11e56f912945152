"""JSON Lines mechanics (ORR): lines, encodings, shapes, blanks, identity, file warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reunify.feeds import FeedFile, FeedFileError, ParsedRow, RejectedRow, detect_feed, read_feed_file

from .helpers import good, read

ORR = "orr_referrals"
NAME = "orr_referrals_20180702.jsonl"


def line(**changes: object) -> str:
    return json.dumps(good(ORR, **changes), ensure_ascii=False)


def write(tmp_path: Path, data: bytes | str) -> FeedFile:
    path = tmp_path / NAME
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return detect_feed(path)


def test_lines_are_numbered_physically_and_blank_lines_skipped(tmp_path: Path) -> None:
    data = (
        "\ufeff"
        + line(record_id="A")
        + "\r\n\r\n"
        + line(record_id="B")
        + "\n   \n"
        + line(record_id="C")
        + "\n\n"
    )
    rows = read(write(tmp_path, data))
    assert [(type(r).__name__, r.line, r.record_id) for r in rows] == [
        ("ParsedRow", 1, "A"),
        ("ParsedRow", 3, "B"),
        ("ParsedRow", 5, "C"),
    ]
    assert rows[0].raw == good(ORR, record_id="A")  # the decoded object, untouched


def test_invalid_json_is_quarantined_with_the_record_id_salvaged(tmp_path: Path) -> None:
    broken = '{"record_id": "ORR-R-9", "uac_id": "UAC-18-9", "dob": '
    rows = read(write(tmp_path, line(record_id="A") + "\n" + broken + "\n" + "{'record_id': 'X'}\n"))
    assert rows[1] == RejectedRow(2, "ORR-R-9", None, "not valid JSON: Expecting value at column 55", broken)
    assert rows[2] == RejectedRow(
        3,
        None,
        None,
        "not valid JSON: Expecting property name enclosed in double quotes at column 2",
        "{'record_id': 'X'}",
    )


def test_nan_is_not_json(tmp_path: Path) -> None:
    [row] = read(write(tmp_path, '{"record_id": "A", "age_at_referral": NaN}\n'))
    assert isinstance(row, RejectedRow)
    assert (row.record_id, row.reason) == ("A", "not valid JSON: NaN is not JSON")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("[1, 2]", "a list"),
        ('"ORR-R-1"', "a string"),
        ("null", "null"),
        ("7", "a number"),
        ("true", "a boolean"),
    ],
)
def test_a_line_that_is_not_an_object_is_quarantined(tmp_path: Path, text: str, kind: str) -> None:
    [row] = read(write(tmp_path, text + "\n"))
    assert row == RejectedRow(1, None, None, f"the line holds {kind}, not a JSON object", text)


def test_a_line_with_bytes_that_are_not_utf8_is_quarantined_alone(tmp_path: Path) -> None:
    bad = line(record_id="B", last_name="L@pez").encode("utf-8").replace(b"@", b"\xf3")
    data = (
        line(record_id="A").encode("utf-8")
        + b"\n"
        + bad
        + b"\n"
        + line(record_id="C").encode("utf-8")
        + b"\n"
    )
    rows = read(write(tmp_path, data))
    assert [type(r).__name__ for r in rows] == ["ParsedRow", "RejectedRow", "ParsedRow"]
    rejected = rows[1]
    assert (rejected.line, rejected.record_id, rejected.column) == (2, "B", "last_name")
    assert rejected.reason == 'invalid UTF-8 in key last_name: "L\\xf3pez"'
    assert '"last_name": "L\\xf3pez"' in rejected.raw_text


def test_a_broken_line_with_bytes_that_are_not_utf8_names_the_byte(tmp_path: Path) -> None:
    [row] = read(write(tmp_path, b'{"record_id": "B", "last_name": "L\xf3pez\n'))
    assert row == RejectedRow(
        1, "B", None, "invalid UTF-8 (byte 0xf3 at byte 34)", '{"record_id": "B", "last_name": "L\\xf3pez'
    )


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            (line() + "\n").encode("utf-16"),
            "'orr_referrals_20180702.jsonl' is not UTF-8: it starts with a UTF-16 byte-order mark",
        ),
        (
            (line() + "\n").encode("utf-32"),
            "'orr_referrals_20180702.jsonl' is not UTF-8: it starts with a UTF-32 byte-order mark",
        ),
        (
            (line() + "\n").encode("utf-16-le"),
            "'orr_referrals_20180702.jsonl' is not UTF-8: its first line contains NUL bytes (UTF-16?)",
        ),
    ],
)
def test_a_file_that_is_not_utf8_at_all_is_refused(tmp_path: Path, data: bytes, problem: str) -> None:
    with pytest.raises(FeedFileError) as error:
        read_feed_file(write(tmp_path, data))
    assert str(error.value) == problem


def test_empty_file_has_no_rows(tmp_path: Path) -> None:
    with read_feed_file(write(tmp_path, "")) as rows:
        assert list(rows) == []
        assert rows.warnings == []


def test_null_empty_and_missing_all_mean_not_known(tmp_path: Path) -> None:
    nulls = {key: None for key in good(ORR) if key != "record_id"}
    empties = {key: "" for key in good(ORR) if key != "record_id"}
    rows = read(
        write(
            tmp_path,
            "\n".join(
                [
                    json.dumps({"record_id": "A", **nulls}),
                    json.dumps({"record_id": "B", **empties}),
                    json.dumps({"record_id": "C"}),
                ]
            )
            + "\n",
        )
    )
    assert all(isinstance(r, ParsedRow) for r in rows), rows
    for row in rows:
        assert {key: value for key, value in row.fields.items() if value is not None} == {
            "record_id": row.record_id,
            "dob_estimated": False,
            "role_hint": "child",
        }


def test_file_warnings_for_unknown_keys_and_keys_absent_from_every_row(tmp_path: Path) -> None:
    first = good(ORR, record_id="A", intake_notes="x")
    del first["separated_from_parent"]
    second = good(ORR, record_id="B", intake_notes="y", photo=None)
    del second["separated_from_parent"]
    with read_feed_file(write(tmp_path, json.dumps(first) + "\n" + json.dumps(second) + "\n")) as rows:
        parsed = list(rows)
        assert rows.warnings == [
            "key 'intake_notes' is not in the contract; kept in raw",
            "key 'photo' is not in the contract; kept in raw",
            "key 'separated_from_parent' is absent from every row; read as null",
        ]
    assert [r.fields["separated_from_parent"] for r in parsed] == [None, None]
    assert parsed[0].raw["intake_notes"] == "x"
    assert "intake_notes" not in parsed[0].fields


def test_record_id_blank_or_duplicated(tmp_path: Path) -> None:
    data = [
        line(record_id="A"),
        line(record_id=None),
        line(record_id="  "),
        json.dumps({"uac_id": "UAC-1"}),
        line(record_id="A", first_name="Pedro"),
        line(record_id=" A "),
        line(record_id=["A"]),
    ]
    rows = read(write(tmp_path, "\n".join(data) + "\n"))
    assert [(r.line, r.record_id, getattr(r, "column", None), getattr(r, "reason", None)) for r in rows] == [
        (1, "A", None, None),
        (2, None, "record_id", "record_id is blank"),
        (3, None, "record_id", "record_id is blank"),
        (4, None, "record_id", "record_id is blank"),
        (5, "A", "record_id", "record_id A already appears on line 1 of this file"),
        (6, "A", "record_id", "record_id A already appears on line 1 of this file"),
        (7, None, "record_id", "record_id must be a string, found a list"),
    ]


def test_numbers_where_text_is_expected_are_read_as_text_with_a_warning(tmp_path: Path) -> None:
    [row] = read(write(tmp_path, line(record_id=12345, a_number=12345678, referring_office=7) + "\n"))
    assert isinstance(row, ParsedRow)
    assert row.record_id == "12345"
    assert row.fields["a_number"] == "012345678"
    assert row.fields["referring_office"] == "7"
    assert row.warnings == [
        "record_id 12345 is not a string; read as text",
        "a_number 12345678 is not a string; read as text",
        "referring_office 7 is not a string; read as text",
    ]


def test_a_nul_character_in_a_value_is_quarantined(tmp_path: Path) -> None:
    parents = [{"name": "Ana\u0000", "relationship": "MOTHER"}]
    rows = read(
        write(tmp_path, line(record_id="A") + "\n" + line(record_id="B", stated_parents=parents) + "\n")
    )
    assert isinstance(rows[0], ParsedRow)
    rejected = rows[1]
    assert (rejected.line, rejected.record_id, rejected.column) == (2, "B", "stated_parents")
    assert rejected.reason == "NUL character in key stated_parents"
    assert '"Ana\\u0000"' in rejected.raw_text
    # a backslash written before "u0000" is text, not a NUL character
    assert isinstance(
        read(write(tmp_path, line(record_id="C", referring_office="X\\u0000") + "\n"))[0], ParsedRow
    )
