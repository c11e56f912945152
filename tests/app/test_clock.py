"""The application's clock: the real time unless REUNIFY_CLOCK fixes it (demo, replay)."""

from __future__ import annotations

import datetime as dt

import pytest

from reunify.app import clock


def test_real_time_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REUNIFY_CLOCK", raising=False)
    assert abs((clock.now() - dt.datetime.now(dt.UTC)).total_seconds()) < 60


def test_a_fixed_date_is_noon_utc_of_that_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REUNIFY_CLOCK", "2018-07-26")
    assert clock.now() == dt.datetime(2018, 7, 26, 12, tzinfo=dt.UTC)
    monkeypatch.setenv("REUNIFY_CLOCK", "2018-07-26T08:30:00-05:00")
    assert clock.now() == dt.datetime(2018, 7, 26, 13, 30, tzinfo=dt.UTC)


def test_a_malformed_clock_is_refused_with_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REUNIFY_CLOCK", "26/07/2018")
    with pytest.raises(ValueError, match="26/07/2018"):
        clock.now()
