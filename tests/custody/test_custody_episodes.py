"""The custody ledger of one person: episodes in order, findings, and where the person was."""

from __future__ import annotations

import datetime as dt

import pytest
from custody_records import cbp, ice, orr, usms

from reunify.custody import custody_episodes, data_quality_findings, where_is


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.fixture
def prosecuted_parent() -> list:
    """Zero tolerance: Border Patrol -> Marshals -> ICE (two stays) -> removed to Guatemala."""
    return [
        ice(
            "EARM-2",
            "2018-06-01T15:00:00+00:00",
            "2018-07-20T12:00:00+00:00",
            "REMOVED",
            removal_country="GT",
        ),
        cbp(
            "E3-1-01",
            "EPT-18-1",
            "2018-05-20T04:00:00-06:00",
            "USMS",
            "2018-05-20T10:00:00-06:00",
            disposition="PROSECUTION",
        ),
        usms("USMS-1", "2018-05-20T11:30:00-05:00", "2018-05-23T09:00:00-05:00", "ICE"),
        ice("EARM-1", "2018-05-23T18:00:00+00:00", "2018-06-01T13:00:00+00:00", "TRANSFER"),
    ]


def test_episodes_in_order_with_terminal_removal(prosecuted_parent: list) -> None:
    episodes = custody_episodes(prosecuted_parent)
    assert [(e.agency, e.kind) for e in episodes] == [
        ("CBP", "BORDER_PATROL_PROCESSING"),
        ("USMS", "MARSHALS_BOOKING"),
        ("ICE", "IMMIGRATION_DETENTION"),
        ("ICE", "IMMIGRATION_DETENTION"),
        ("ICE", "REMOVAL"),
    ]
    border, marshals, *_, removal = episodes
    assert border.start == "2018-05-20T04:00:00-06:00"
    assert border.end_reason == "TRANSFER" and border.destination == "USMS"
    assert border.facility == "CLINT" and border.state == "TX"
    assert border.source_keys == ("cbp_apprehensions:E3-1-01",)
    assert marshals.destination == "ICE"
    assert removal.detail["country"] == "GT"
    assert removal.start == removal.end == "2018-07-20T12:00:00+00:00"
    assert removal.source_keys == ("ice_detentions:EARM-2",)
    assert data_quality_findings(episodes) == []


def test_child_placements_and_release_to_sponsor() -> None:
    child = [
        cbp("E3-1-02", "EPT-18-1", "2018-05-20T04:00:00-06:00", "ORR", "2018-05-22T08:00:00-06:00"),
        orr(
            "R-1",
            "EPT-18-1",
            "2018-05-22T12:00:00+00:00",
            [
                ("Casa Padre", "TX", "2018-05-22T20:00:00+00:00", "2018-06-10T15:00:00+00:00", "TRANSFER"),
                (
                    "Cayuga",
                    "NY",
                    "2018-06-10T22:00:00+00:00",
                    "2018-08-01T16:00:00+00:00",
                    "RELEASED_TO_SPONSOR",
                ),
            ],
        ),
    ]
    episodes = custody_episodes(child)
    assert [(e.agency, e.kind, e.facility) for e in episodes] == [
        ("CBP", "BORDER_PATROL_PROCESSING", "CLINT"),
        ("ORR", "REFUGEE_OFFICE_PLACEMENT", "Casa Padre"),
        ("ORR", "REFUGEE_OFFICE_PLACEMENT", "Cayuga"),
        ("ORR", "RELEASE", None),
    ]
    assert episodes[2].state == "NY" and episodes[2].end_reason == "RELEASED_TO_SPONSOR"
    assert data_quality_findings(episodes) == []


def test_family_residential_and_open_stay() -> None:
    episodes = custody_episodes(
        [
            ice(
                "EARM-9", "2018-07-01T00:00:00+00:00", None, None, facility_code="DIL", facility_name="DILLEY"
            ),
        ]
    )
    assert episodes[0].kind == "FAMILY_RESIDENTIAL" and episodes[0].end is None
    assert where_is(episodes).status == "IN_CUSTODY"


def test_the_same_stay_twice_is_one_episode_with_both_sources() -> None:
    stay = ("2018-05-23T18:00:00+00:00", "2018-06-01T13:00:00+00:00", "RELEASED")
    episodes = custody_episodes([ice("EARM-1", *stay), ice("EARM-1B", *stay)])
    assert [e.kind for e in episodes] == ["IMMIGRATION_DETENTION", "RELEASE"]
    assert episodes[0].source_keys == ("ice_detentions:EARM-1", "ice_detentions:EARM-1B")


def test_where_is_at_several_instants(prosecuted_parent: list) -> None:
    episodes = custody_episodes(prosecuted_parent)
    assert where_is(episodes, _at("2018-05-19T00:00:00+00:00")) is None
    at_border = where_is(episodes, _at("2018-05-20T12:00:00+00:00"))
    assert (at_border.status, at_border.agency, at_border.facility) == ("IN_CUSTODY", "CBP", "CLINT")
    assert at_border.since == "2018-05-20T04:00:00-06:00"
    # Between the Marshals booking (local -05:00) and its release: the offsets are honoured.
    marshals = where_is(episodes, _at("2018-05-21T00:00:00-05:00"))
    assert (marshals.agency, marshals.kind) == ("USMS", "MARSHALS_BOOKING")
    # Between the first ICE book-out and the next book-in (two hours): in transit.
    transit = where_is(episodes, _at("2018-06-01T14:00:00+00:00"))
    assert transit.status == "IN_TRANSIT" and transit.since == "2018-06-01T13:00:00+00:00"
    second = where_is(episodes, _at("2018-07-01T00:00:00+00:00"))
    assert second.source_keys == ("ice_detentions:EARM-2",)
    assert second.since == "2018-06-01T15:00:00+00:00"
    removed = where_is(episodes, _at("2018-09-01T00:00:00+00:00"))
    assert removed.status == "REMOVED" and removed.since == "2018-07-20T12:00:00+00:00"
    assert removed.episode.detail["country"] == "GT"
    assert where_is(episodes) == removed  # now = last known
    with pytest.raises(ValueError):
        where_is(episodes, dt.datetime(2018, 6, 1))


def test_where_is_without_episodes() -> None:
    assert where_is([]) is None


def test_impossible_overlap_is_flagged_not_hidden() -> None:
    records = [
        cbp("E3-5-01", "EPT-18-5", "2018-05-20T04:00:00-06:00", "USMS", "2018-05-20T10:00:00-06:00"),
        # Booked by the Marshals while still in an ICE stay for days: cannot be true.
        usms("USMS-5", "2018-05-20T11:00:00-05:00", "2018-05-30T09:00:00-05:00", "ICE"),
        ice("EARM-5", "2018-05-22T00:00:00+00:00", "2018-06-15T00:00:00+00:00", "RELEASED"),
    ]
    episodes = custody_episodes(records)
    findings = data_quality_findings(episodes)
    assert [f.kind for f in findings] == ["OVERLAP"]
    assert findings[0].source_keys == ("usms_custody:USMS-5", "ice_detentions:EARM-5")
    assert "USMS and ICE" in findings[0].message
    assert len(episodes) == 4  # nothing dropped


def test_handover_within_tolerance_is_not_an_overlap() -> None:
    records = [
        usms("USMS-6", "2018-05-20T11:00:00-05:00", "2018-05-23T12:00:00-05:00", "ICE"),
        # ICE logs the book-in two hours before the Marshals log the release.
        ice("EARM-6", "2018-05-23T15:00:00+00:00", None, None),
    ]
    assert data_quality_findings(custody_episodes(records)) == []


def test_gap_and_end_before_start() -> None:
    records = [
        cbp("E3-7-01", "EPT-18-7", "2018-05-20T04:00:00-06:00", "ICE", "2018-05-20T10:00:00-06:00"),
        ice("EARM-7", "2018-05-27T00:00:00+00:00", "2018-05-26T00:00:00+00:00", "RELEASED"),
    ]
    findings = data_quality_findings(custody_episodes(records))
    assert sorted(f.kind for f in findings) == ["END_BEFORE_START", "GAP"]
    gap = next(f for f in findings if f.kind == "GAP")
    assert gap.source_keys == ("cbp_apprehensions:E3-7-01", "ice_detentions:EARM-7")
    assert data_quality_findings(custody_episodes(records), gap_tolerance=dt.timedelta(days=10)) == [
        f for f in findings if f.kind == "END_BEFORE_START"
    ]


def test_open_episode_followed_by_later_custody_is_flagged_once() -> None:
    records = [
        cbp("E3-8-01", "EPT-18-8", "2018-01-10T04:00:00-06:00", None, None),
        cbp("E3-9-01", "EPT-18-9", "2018-05-20T04:00:00-06:00", "ICE", "2018-05-21T10:00:00-06:00"),
        ice("EARM-9", "2018-05-21T18:00:00+00:00", "2018-06-10T00:00:00+00:00", "RELEASED"),
    ]
    findings = data_quality_findings(custody_episodes(records))
    assert [f.kind for f in findings] == ["OVERLAP"]
    assert findings[0].source_keys == ("cbp_apprehensions:E3-8-01", "cbp_apprehensions:E3-9-01")
