"""A-numbers and FINs."""

from __future__ import annotations

import pytest

from reunify.names import InvalidIdentifier, NormalisationError, normalise_a_number, normalise_fin


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # the forms FEEDS.md lists
        ("A123456789", "123456789"),
        ("A-123-456-789", "123456789"),
        ("123456789", "123456789"),
        ("123-456-789", "123456789"),
        ("A12345678", "012345678"),  # 8 digits: leading zero dropped
        ("12345678", "012345678"),
        ("012345678", "012345678"),
        # spaces, dots, lower case
        ("a 123 456 789", "123456789"),
        ("a123456789", "123456789"),
        ("A 123456789", "123456789"),
        ("123.456.789", "123456789"),
        ("A-12-345-678", "012345678"),
        ("  A123456789  ", "123456789"),
        ("A–123–456–789", "123456789"),  # en dashes from a word processor
        (123456789, "123456789"),  # a JSON number
        (12345678, "012345678"),
    ],
)
def test_a_number_forms(raw: str, expected: str) -> None:
    assert normalise_a_number(raw) == expected


@pytest.mark.parametrize("blank", [None, "", "   ", "\t"])
def test_a_number_blank(blank: str | None) -> None:
    assert normalise_a_number(blank) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("A12-34", "A-number 'A12-34' has 4 digits; expected 8 or 9"),
        ("1234567890", "A-number '1234567890' has 10 digits; expected 8 or 9"),
        ("1234567", "A-number '1234567' has 7 digits; expected 8 or 9"),
        ("A", "A-number 'A' has 0 digits; expected 8 or 9"),
        (
            "A#123456789",
            "A-number 'A#123456789' contains '#'; expected 8 or 9 digits, "
            "optionally after 'A' and separated by dashes, dots or spaces",
        ),
        (
            "AA123456789",
            "A-number 'AA123456789' contains 'A'; expected 8 or 9 digits, "
            "optionally after 'A' and separated by dashes, dots or spaces",
        ),
        (
            "123456789A",
            "A-number '123456789A' contains 'A'; expected 8 or 9 digits, "
            "optionally after 'A' and separated by dashes, dots or spaces",
        ),
        (
            "UNKNOWN",
            "A-number 'UNKNOWN' contains 'UNKNOWN'; expected 8 or 9 digits, "
            "optionally after 'A' and separated by dashes, dots or spaces",
        ),
        (
            "123/456/789",
            "A-number '123/456/789' contains '//'; expected 8 or 9 digits, "
            "optionally after 'A' and separated by dashes, dots or spaces",
        ),
        (
            "١٢٣٤٥٦٧٨٩",
            "A-number '١٢٣٤٥٦٧٨٩' contains '١٢٣٤٥٦٧٨٩'; expected 8 or 9 digits, "
            "optionally after 'A' and separated by dashes, dots or spaces",
        ),
        (12.5, "A-number 12.5 is not text; expected digits"),
        (True, "A-number True is not text; expected digits"),
    ],
)
def test_a_number_errors(raw: object, message: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_a_number(raw)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_identifier_errors_are_value_errors() -> None:
    with pytest.raises(NormalisationError):
        normalise_a_number("A1")
    with pytest.raises(ValueError):
        normalise_fin("1")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234567890", "1234567890"),
        ("0012345678", "0012345678"),
        ("123 456 7890", "1234567890"),
        ("123-456-7890", "1234567890"),
        (" 1234567890 ", "1234567890"),
        (1234567890, "1234567890"),
    ],
)
def test_fin_forms(raw: str, expected: str) -> None:
    assert normalise_fin(raw) == expected


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_fin_blank(blank: str | None) -> None:
    assert normalise_fin(blank) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("12345", "FIN '12345' has 5 digits; expected exactly 10"),
        ("12345678901", "FIN '12345678901' has 11 digits; expected exactly 10"),
        (
            "12345A7890",
            "FIN '12345A7890' contains 'A'; expected exactly 10 digits (spaces and dashes allowed)",
        ),
        (
            "123.456.7890",
            "FIN '123.456.7890' contains '..'; expected exactly 10 digits (spaces and dashes allowed)",
        ),
    ],
)
def test_fin_errors(raw: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_fin(raw)
    assert str(caught.value) == message
