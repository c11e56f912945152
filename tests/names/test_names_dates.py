"""Dates, birth-date estimates, instants in each feed's form, USMS districts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import pytest

from reunify.names import (
    BirthDate,
    Instant,
    InvalidDate,
    NormalisationError,
    birth_date,
    day_month_swapped,
    district_zone,
    parse_iso_date,
    parse_local_minutes,
    parse_offset_datetime,
    parse_us_date,
    parse_utc_naive_datetime,
    parse_utc_z_datetime,
)

UTC = dt.UTC
T = TypeVar("T")
BLANKS = [None, "", "   ", "\t"]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def present(value: T | None) -> T:
    """The parsed value, which the test expects not to be None."""
    assert value is not None
    return value


def message_of(parser: Callable[..., object], raw: object, *args: object) -> str:
    with pytest.raises(InvalidDate) as caught:
        parser(raw, *args)
    return str(caught.value)


# ------------------------------------------------------------ ISO dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2018-05-03", dt.date(2018, 5, 3)),
        ("2012-01-01", dt.date(2012, 1, 1)),
        ("2016-02-29", dt.date(2016, 2, 29)),
        (" 2018-05-03 ", dt.date(2018, 5, 3)),
    ],
)
def test_parse_iso_date(raw: str, expected: dt.date) -> None:
    assert parse_iso_date(raw) == expected


@pytest.mark.parametrize("blank", BLANKS)
def test_parse_iso_date_blank(blank: str | None) -> None:
    assert parse_iso_date(blank) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2018-02-30", "'2018-02-30' is not a valid date (YYYY-MM-DD)"),
        ("2018-13-01", "'2018-13-01' is not a valid date (YYYY-MM-DD)"),
        ("2017-02-29", "'2017-02-29' is not a valid date (YYYY-MM-DD)"),
        ("2018-00-10", "'2018-00-10' is not a valid date (YYYY-MM-DD)"),
        ("05/03/2018", "'05/03/2018' is not a date in the form YYYY-MM-DD"),
        ("2018-5-3", "'2018-5-3' is not a date in the form YYYY-MM-DD"),
        ("20180503", "'20180503' is not a date in the form YYYY-MM-DD"),
        ("2018-05-03T00:00:00", "'2018-05-03T00:00:00' is not a date in the form YYYY-MM-DD"),
        ("unknown", "'unknown' is not a date in the form YYYY-MM-DD"),
        (20180503, "20180503 is not a date in the form YYYY-MM-DD"),
    ],
)
def test_parse_iso_date_errors(raw: str, message: str) -> None:
    assert message_of(parse_iso_date, raw) == message


# ------------------------------------------------------------ US dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05/03/2018", dt.date(2018, 5, 3)),
        ("5/3/2018", dt.date(2018, 5, 3)),
        ("12/31/2017", dt.date(2017, 12, 31)),
        ("01/01/2012", dt.date(2012, 1, 1)),
        ("02/29/2016", dt.date(2016, 2, 29)),
    ],
)
def test_parse_us_date(raw: str, expected: dt.date) -> None:
    assert parse_us_date(raw) == expected


@pytest.mark.parametrize("blank", BLANKS)
def test_parse_us_date_blank(blank: str | None) -> None:
    assert parse_us_date(blank) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("02/30/2018", "'02/30/2018' is not a valid date (MM/DD/YYYY)"),
        ("13/05/2018", "'13/05/2018' is not a valid date (MM/DD/YYYY)"),  # day first: no
        ("2018-05-03", "'2018-05-03' is not a date in the form MM/DD/YYYY"),
        ("05/03/18", "'05/03/18' is not a date in the form MM/DD/YYYY"),
        ("05-03-2018", "'05-03-2018' is not a date in the form MM/DD/YYYY"),
        ("005/03/2018", "'005/03/2018' is not a date in the form MM/DD/YYYY"),
    ],
)
def test_parse_us_date_errors(raw: str, message: str) -> None:
    assert message_of(parse_us_date, raw) == message


# ------------------------------------------------------------ birth dates


def test_birth_date_first_of_january_is_an_estimate_when_the_flag_is_unknown() -> None:
    assert birth_date(dt.date(2012, 1, 1)) == BirthDate(dt.date(2012, 1, 1), estimated=True)


def test_birth_date_other_days_are_exact_when_the_flag_is_unknown() -> None:
    assert birth_date(dt.date(2012, 3, 14)) == BirthDate(dt.date(2012, 3, 14), estimated=False)
    assert present(birth_date(dt.date(2012, 1, 2))).estimated is False
    assert present(birth_date(dt.date(2012, 2, 1))).estimated is False


def test_birth_date_source_flag_wins() -> None:
    assert birth_date(dt.date(2012, 3, 14), True) == BirthDate(dt.date(2012, 3, 14), True)
    assert birth_date(dt.date(2012, 1, 1), False) == BirthDate(dt.date(2012, 1, 1), False)


def test_birth_date_none() -> None:
    assert birth_date(None) is None
    assert birth_date(None, True) is None


def test_birth_date_iso() -> None:
    assert present(birth_date(dt.date(2012, 1, 1))).iso() == "2012-01-01"


@pytest.mark.parametrize(
    ("a", "b", "swapped"),
    [
        (dt.date(2012, 3, 5), dt.date(2012, 5, 3), True),
        (dt.date(2012, 5, 3), dt.date(2012, 3, 5), True),
        (dt.date(2012, 12, 1), dt.date(2012, 1, 12), True),
        (dt.date(2012, 3, 5), dt.date(2013, 5, 3), False),  # different year
        (dt.date(2012, 5, 5), dt.date(2012, 5, 5), False),  # equal
        (dt.date(2012, 3, 5), dt.date(2012, 3, 6), False),
        (dt.date(2012, 3, 13), dt.date(2012, 3, 13), False),
    ],
)
def test_day_month_swapped(a: dt.date, b: dt.date, swapped: bool) -> None:
    assert day_month_swapped(a, b) is swapped


# ------------------------------------------------------------ Instant


def test_instant_requires_aware_utc() -> None:
    with pytest.raises(ValueError):
        Instant(utc=dt.datetime(2018, 5, 3, 10, 12), tz="UTC")
    with pytest.raises(ValueError):
        Instant(
            utc=dt.datetime(2018, 5, 3, 4, 12, tzinfo=dt.timezone(dt.timedelta(hours=-6))),
            tz="-06:00",
        )


def test_instant_rejects_unknown_zone() -> None:
    with pytest.raises(NormalisationError) as caught:
        Instant(utc=utc(2018, 5, 3), tz="Mars/Olympus_Mons")
    assert str(caught.value) == "'Mars/Olympus_Mons' is not a known time zone"


# ------------------------------------------------------------ CBP: offset


def test_parse_offset_datetime() -> None:
    instant = present(parse_offset_datetime("2018-05-03T04:12:00-06:00"))
    assert instant == Instant(utc=utc(2018, 5, 3, 10, 12), tz="-06:00")
    assert instant.iso() == "2018-05-03T04:12:00-06:00"
    assert instant.local_date() == dt.date(2018, 5, 3)


def test_parse_offset_datetime_local_date_differs_from_utc_date() -> None:
    instant = present(parse_offset_datetime("2018-05-03T23:30:00-07:00"))
    assert instant.utc == utc(2018, 5, 4, 6, 30)
    assert instant.local_date() == dt.date(2018, 5, 3)


@pytest.mark.parametrize(
    ("raw", "expected_utc", "tz", "iso"),
    [
        ("2018-05-03T04:12-06:00", utc(2018, 5, 3, 10, 12), "-06:00", "2018-05-03T04:12:00-06:00"),
        ("2018-05-03T10:12:00Z", utc(2018, 5, 3, 10, 12), "UTC", "2018-05-03T10:12:00+00:00"),
        (
            "2018-05-03T10:12:00+00:00",
            utc(2018, 5, 3, 10, 12),
            "+00:00",
            "2018-05-03T10:12:00+00:00",
        ),
        (
            "2018-05-03T04:12:30.5-05:00",
            dt.datetime(2018, 5, 3, 9, 12, 30, 500000, tzinfo=UTC),
            "-05:00",
            "2018-05-03T04:12:30.500000-05:00",
        ),
        ("2018-06-01T00:30:00+05:30", utc(2018, 5, 31, 19, 0), "+05:30", "2018-06-01T00:30:00+05:30"),
    ],
)
def test_parse_offset_datetime_forms(raw: str, expected_utc: dt.datetime, tz: str, iso: str) -> None:
    instant = present(parse_offset_datetime(raw))
    assert instant == Instant(utc=expected_utc, tz=tz)
    assert instant.iso() == iso


@pytest.mark.parametrize("blank", BLANKS)
def test_parse_offset_datetime_blank(blank: str | None) -> None:
    assert parse_offset_datetime(blank) is None


OFFSET_FORM = "an ISO 8601 date-time with offset, e.g. 2018-05-03T04:12:00-06:00"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2018-05-03T04:12:00", f"'2018-05-03T04:12:00' has no UTC offset; expected {OFFSET_FORM}"),
        ("2018-05-03T04:12", f"'2018-05-03T04:12' has no UTC offset; expected {OFFSET_FORM}"),
        (
            "2018-02-30T04:12:00-06:00",
            "'2018-02-30T04:12:00-06:00' is not a valid date-time (YYYY-MM-DDTHH:MM:SS±HH:MM)",
        ),
        (
            "2018-05-03T24:00:00-06:00",
            "'2018-05-03T24:00:00-06:00' is not a valid date-time (YYYY-MM-DDTHH:MM:SS±HH:MM)",
        ),
        (
            "2018-05-03T04:12:00-25:00",
            "'2018-05-03T04:12:00-25:00' has an impossible UTC offset '-25:00'",
        ),
        ("2018-05-03 04:12:00-06:00", f"'2018-05-03 04:12:00-06:00' is not {OFFSET_FORM}"),
        ("2018-05-03T04:12:00-0600", f"'2018-05-03T04:12:00-0600' is not {OFFSET_FORM}"),
        ("2018-05-03", f"'2018-05-03' is not {OFFSET_FORM}"),
        ("05/03/2018 04:12", f"'05/03/2018 04:12' is not {OFFSET_FORM}"),
    ],
)
def test_parse_offset_datetime_errors(raw: str, message: str) -> None:
    assert message_of(parse_offset_datetime, raw) == message


# ------------------------------------------------------------ ICE: naive UTC


def test_parse_utc_naive_datetime() -> None:
    instant = present(parse_utc_naive_datetime("2018-06-01T12:30:45"))
    assert instant == Instant(utc=utc(2018, 6, 1, 12, 30, 45), tz="UTC")
    assert instant.iso() == "2018-06-01T12:30:45+00:00"
    assert instant.local_date() == dt.date(2018, 6, 1)


@pytest.mark.parametrize("blank", BLANKS)
def test_parse_utc_naive_datetime_blank(blank: str | None) -> None:
    assert parse_utc_naive_datetime(blank) is None


NAIVE_FORM = "a date-time in the form YYYY-MM-DDTHH:MM:SS (UTC, no offset)"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2018-06-01T12:30:45Z", f"'2018-06-01T12:30:45Z' has a UTC offset; expected {NAIVE_FORM}"),
        (
            "2018-06-01T12:30:45-05:00",
            f"'2018-06-01T12:30:45-05:00' has a UTC offset; expected {NAIVE_FORM}",
        ),
        ("2018-06-01T12:30", f"'2018-06-01T12:30' is not {NAIVE_FORM}"),
        ("2018-06-01 12:30:45", f"'2018-06-01 12:30:45' is not {NAIVE_FORM}"),
        ("2018-06-01", f"'2018-06-01' is not {NAIVE_FORM}"),
        (
            "2018-06-31T12:30:45",
            "'2018-06-31T12:30:45' is not a valid date-time (YYYY-MM-DDTHH:MM:SS)",
        ),
        (
            "2018-06-01T12:60:00",
            "'2018-06-01T12:60:00' is not a valid date-time (YYYY-MM-DDTHH:MM:SS)",
        ),
    ],
)
def test_parse_utc_naive_datetime_errors(raw: str, message: str) -> None:
    assert message_of(parse_utc_naive_datetime, raw) == message


# ------------------------------------------------------------ ORR: UTC with Z


@pytest.mark.parametrize(
    ("raw", "expected_utc"),
    [
        ("2018-07-02T15:04:05Z", utc(2018, 7, 2, 15, 4, 5)),
        ("2018-07-02T15:04:05+00:00", utc(2018, 7, 2, 15, 4, 5)),
        ("2018-07-02T15:04:05.123Z", dt.datetime(2018, 7, 2, 15, 4, 5, 123000, tzinfo=UTC)),
        ("2018-07-02T15:04:05.123456Z", dt.datetime(2018, 7, 2, 15, 4, 5, 123456, tzinfo=UTC)),
        ("2018-07-02T15:04Z", utc(2018, 7, 2, 15, 4)),
    ],
)
def test_parse_utc_z_datetime(raw: str, expected_utc: dt.datetime) -> None:
    assert parse_utc_z_datetime(raw) == Instant(utc=expected_utc, tz="UTC")


def test_parse_utc_z_datetime_iso() -> None:
    instant = present(parse_utc_z_datetime("2018-07-02T15:04:05Z"))
    assert instant.iso() == "2018-07-02T15:04:05+00:00"


@pytest.mark.parametrize("blank", BLANKS)
def test_parse_utc_z_datetime_blank(blank: str | None) -> None:
    assert parse_utc_z_datetime(blank) is None


Z_FORM = "an ISO 8601 date-time in UTC, e.g. 2018-07-02T15:04:05Z"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2018-07-02T15:04:05", f"'2018-07-02T15:04:05' has no Z (UTC) suffix; expected {Z_FORM}"),
        (
            "2018-07-02T10:04:05-05:00",
            f"'2018-07-02T10:04:05-05:00' is not in UTC (offset -05:00); expected {Z_FORM}",
        ),
        ("2018-07-02T15:04:05z", f"'2018-07-02T15:04:05z' is not {Z_FORM}"),
        ("07/02/2018", f"'07/02/2018' is not {Z_FORM}"),
        (
            "2018-02-30T15:04:05Z",
            "'2018-02-30T15:04:05Z' is not a valid date-time (YYYY-MM-DDTHH:MM:SSZ)",
        ),
    ],
)
def test_parse_utc_z_datetime_errors(raw: str, message: str) -> None:
    assert message_of(parse_utc_z_datetime, raw) == message


# ------------------------------------------------------------ USMS: local minutes


def test_parse_local_minutes_central_daylight_time() -> None:
    instant = present(parse_local_minutes("2018-05-03 14:05", "America/Chicago"))
    assert instant == Instant(utc=utc(2018, 5, 3, 19, 5), tz="America/Chicago")
    assert instant.iso() == "2018-05-03T14:05:00-05:00"


def test_parse_local_minutes_central_standard_time() -> None:
    instant = present(parse_local_minutes("2018-01-15 14:05", "America/Chicago"))
    assert instant.utc == utc(2018, 1, 15, 20, 5)


def test_parse_local_minutes_mountain_and_arizona_differ_in_summer_only() -> None:
    summer_denver = present(parse_local_minutes("2018-07-01 12:00", "America/Denver"))
    summer_phoenix = present(parse_local_minutes("2018-07-01 12:00", "America/Phoenix"))
    winter_denver = present(parse_local_minutes("2018-01-01 12:00", "America/Denver"))
    winter_phoenix = present(parse_local_minutes("2018-01-01 12:00", "America/Phoenix"))
    assert summer_denver.utc == utc(2018, 7, 1, 18, 0)
    assert summer_phoenix.utc == utc(2018, 7, 1, 19, 0)
    assert winter_denver.utc == winter_phoenix.utc == utc(2018, 1, 1, 19, 0)


def test_parse_local_minutes_spring_gap_reads_the_skipped_hour_as_standard_time() -> None:
    # 2018-03-11 02:00 -> 03:00 in Chicago: 02:30 never happened.
    instant = present(parse_local_minutes("2018-03-11 02:30", "America/Chicago"))
    assert instant.utc == utc(2018, 3, 11, 8, 30)
    assert instant.iso() == "2018-03-11T03:30:00-05:00"
    assert instant.local_date() == dt.date(2018, 3, 11)


def test_parse_local_minutes_around_the_spring_gap() -> None:
    before = present(parse_local_minutes("2018-03-11 01:59", "America/Chicago"))
    after = present(parse_local_minutes("2018-03-11 03:00", "America/Chicago"))
    assert before.utc == utc(2018, 3, 11, 7, 59)
    assert after.utc == utc(2018, 3, 11, 8, 0)


def test_parse_local_minutes_autumn_fold_takes_the_first_occurrence() -> None:
    # 2018-11-04 02:00 -> 01:00 in Chicago: 01:30 happened twice; the first is CDT.
    instant = present(parse_local_minutes("2018-11-04 01:30", "America/Chicago"))
    assert instant.utc == utc(2018, 11, 4, 6, 30)
    assert instant.iso() == "2018-11-04T01:30:00-05:00"
    after = present(parse_local_minutes("2018-11-04 02:00", "America/Chicago"))
    assert after.utc == utc(2018, 11, 4, 8, 0)


def test_parse_local_minutes_is_deterministic() -> None:
    first = present(parse_local_minutes("2018-11-04 01:30", "America/Denver"))
    second = present(parse_local_minutes("2018-11-04 01:30", "America/Denver"))
    assert first == second
    assert first.utc == utc(2018, 11, 4, 7, 30)


def test_parse_local_minutes_local_date_near_midnight() -> None:
    instant = present(parse_local_minutes("2018-06-20 23:45", "America/Los_Angeles"))
    assert instant.utc == utc(2018, 6, 21, 6, 45)
    assert instant.local_date() == dt.date(2018, 6, 20)


def test_parse_local_minutes_in_utc_for_an_unknown_district() -> None:
    instant = present(parse_local_minutes("2018-06-20 23:45", district_zone("D. Mass.")))
    assert instant == Instant(utc=utc(2018, 6, 20, 23, 45), tz="UTC")


@pytest.mark.parametrize("blank", BLANKS)
def test_parse_local_minutes_blank(blank: str | None) -> None:
    assert parse_local_minutes(blank, "America/Chicago") is None


LOCAL_FORM = "a local date-time in the form YYYY-MM-DD HH:MM"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2018-05-03T14:05", f"'2018-05-03T14:05' is not {LOCAL_FORM}"),
        ("2018-05-03 14:05:00", f"'2018-05-03 14:05:00' is not {LOCAL_FORM}"),
        ("2018-05-03 14:05-05:00", f"'2018-05-03 14:05-05:00' is not {LOCAL_FORM}"),
        ("05/03/2018 14:05", f"'05/03/2018 14:05' is not {LOCAL_FORM}"),
        ("2018-05-03 2:05", f"'2018-05-03 2:05' is not {LOCAL_FORM}"),
        ("2018-02-30 14:05", "'2018-02-30 14:05' is not a valid date-time (YYYY-MM-DD HH:MM)"),
        ("2018-05-03 25:05", "'2018-05-03 25:05' is not a valid date-time (YYYY-MM-DD HH:MM)"),
    ],
)
def test_parse_local_minutes_errors(raw: str, message: str) -> None:
    assert message_of(parse_local_minutes, raw, "America/Chicago") == message


def test_parse_local_minutes_unknown_zone() -> None:
    with pytest.raises(NormalisationError) as caught:
        parse_local_minutes("2018-05-03 14:05", "America/Nowhere")
    assert str(caught.value) == "'America/Nowhere' is not a known time zone"


# ------------------------------------------------------------ districts


@pytest.mark.parametrize(
    ("district", "case_number", "zone"),
    [
        ("W.D. Tex.", "EP-18-MJ-01234", "America/Denver"),
        ("W.D. Tex.", "ep-18-mj-01234", "America/Denver"),
        ("W.D. Tex.", "EP18MJ01234", "America/Denver"),
        ("W.D. Tex.", "DR-18-MJ-01234", "America/Chicago"),  # Del Rio division
        ("W.D. Tex.", "SA-18-CR-00077", "America/Chicago"),
        ("W.D. Tex.", None, "America/Chicago"),
        ("W.D. Tex.", "", "America/Chicago"),
        ("W.D. Tex.", "EPX-1", "America/Chicago"),
        ("WD Tex", "EP-18-MJ-01234", "America/Denver"),
        ("W. D. Tex.", None, "America/Chicago"),
        ("w.d. tex.", None, "America/Chicago"),
        ("W.D.Tex.", None, "America/Chicago"),
        ("Western District of Texas", "EP-18-MJ-1", "America/Denver"),
        ("S.D. Tex.", "EP-18-MJ-01234", "America/Chicago"),  # EP rule is W.D. Tex. only
        ("S.D. Tex.", "M-18-1234", "America/Chicago"),
        ("D.N.M.", "18-MJ-1234", "America/Denver"),
        ("D.N.M", None, "America/Denver"),
        ("D. N.M.", None, "America/Denver"),
        ("D. Ariz.", None, "America/Phoenix"),
        ("D.Ariz.", None, "America/Phoenix"),
        ("S.D. Cal.", None, "America/Los_Angeles"),
        ("S.D. Cal", None, "America/Los_Angeles"),
        ("S.D. Calif.", None, "America/Los_Angeles"),
        ("D. Mass.", None, "UTC"),
        ("", None, "UTC"),
        (None, "EP-18-MJ-01234", "UTC"),
    ],
)
def test_district_zone(district: str | None, case_number: str | None, zone: str) -> None:
    assert district_zone(district, case_number) == zone
