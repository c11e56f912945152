"""Person linkage on small hand-built record sets, inside a small generated population.

The model is trained on the data at hand, so a handful of records cannot train
it; each hand-built case is therefore placed among the records of a small
generated scenario (250 families), and the assertions are about the
hand-built records only.  One linkage run serves every test that needs no
decision, a second run applies the decisions.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from reunify.linkage import person_model as pm
from reunify.linkage.clustering import (
    attach_lone,
    attach_sparse,
    average_linkage,
    components,
    ordered,
    refine_component,
)
from reunify.linkage.person_records import (
    LinkRecord,
    NameRoles,
    build_feature_table,
    feature_row,
    latest_records,
)
from reunify.linkage.persons import (
    PersonDecisions,
    PersonLinkResult,
    PersonLinkSettings,
    _ConstraintColumns,
    _review,
    explain_pair,
    link_persons,
)
from reunify.names import parse_free_name, parse_last_comma_first, parse_name

FAST = PersonLinkSettings(u_max_pairs=3e5, em_max_pairs=2e5, threads=2)


def name_dict(name: Any) -> dict[str, Any]:
    return {
        "raw": name.raw,
        "given": list(name.given),
        "surnames": list(name.surnames),
        "tokens": list(name.tokens),
        "order_certain": name.order_certain,
    }


def cbp(record_id: str, first: str, last: str, dob: str, **fields: Any) -> LinkRecord:
    born = dt.date.fromisoformat(dob)
    base = {
        "name": name_dict(parse_name(first, last)),
        "dob": dob,
        "dob_estimated": born.month == 1 and born.day == 1,
        "sex": None,
        "country": "GT",
        "a_number": None,
        "fin": None,
        "event_id": None,
        "apprehended_at": "2018-05-03T04:12:00-06:00",
        "role_hint": "adult",
    }
    base.update(fields)
    return LinkRecord(f"cbp_apprehensions:{record_id}", "cbp_apprehensions", base)


def other(feed: str, record_id: str, name: Any, dob: str | None, **fields: Any) -> LinkRecord:
    estimated = bool(dob) and dob.endswith("-01-01")
    base = {
        "name": name_dict(name),
        "dob": dob,
        "dob_estimated": fields.pop("dob_estimated", estimated),
        "sex": None,
        "country": None,
        "a_number": None,
        "fin": None,
        "event_id": None,
        "role_hint": "adult",
    }
    base.update(fields)
    return LinkRecord(f"{feed}:{record_id}", feed, base)


def hand_built() -> list[LinkRecord]:
    """The cases the tests are about; record ids start with T- so they cannot collide with the scenario."""
    return [
        # Swapped given and family names, no identifier in common.
        cbp("T-SWAP-1", "TZUL IXCOY", "EDGAR ROLANDO", "1983-07-21", sex="M"),
        other(
            "ice_detentions",
            "T-SWAP-2",
            parse_name("EDGAR ROLANDO", "TZUL IXCOY"),
            "1983-07-21",
            sex="M",
            country="GT",
            a_number="209900001",
            book_in_at="2018-05-20T23:00:00+00:00",
        ),
        # Twins in one CBP event, each with an ORR referral in the same event.
        cbp(
            "T-TWIN-A",
            "KEVIN ALEXANDER",
            "CHOC BOL",
            "2012-05-05",
            sex="M",
            event_id="TST-18-000001",
            a_number="209900011",
            role_hint="child",
            relationship="CHILD",
        ),
        cbp(
            "T-TWIN-B",
            "BRYAN JOSUE",
            "CHOC BOL",
            "2012-05-05",
            sex="M",
            event_id="TST-18-000001",
            a_number="209900012",
            role_hint="child",
            relationship="CHILD",
        ),
        other(
            "orr_referrals",
            "T-TWIN-A",
            parse_name("Kevin Alexander", "Choc Bol"),
            "2012-05-05",
            sex="M",
            country="GT",
            event_id="TST-18-000001",
            uac_id="UAC-T-0001",
            role_hint="child",
            referred_at="2018-05-05T10:00:00+00:00",
        ),
        other(
            "orr_referrals",
            "T-TWIN-B",
            parse_name("Bryan Josué", "Choc Bol"),
            "2012-05-05",
            sex="M",
            country="GT",
            event_id="TST-18-000001",
            uac_id="UAC-T-0002",
            role_hint="child",
            referred_at="2018-05-05T10:00:00+00:00",
        ),
        # A particle merged by one feed and not the other, and accents.
        cbp(
            "T-DELCID-1",
            "MARIA JOSE",
            "DEL CID PEREZ",
            "2009-02-03",
            sex="F",
            a_number="209900021",
            role_hint="child",
        ),
        other(
            "orr_referrals",
            "T-DELCID-2",
            parse_name("María José", "Delcid Pérez"),
            "2009-02-03",
            sex="F",
            country="GT",
            role_hint="child",
            referred_at="2018-05-06T10:00:00+00:00",
        ),
        # A common name with two different dates of birth: two people.
        other(
            "ice_detentions",
            "T-COMMON-1",
            parse_name("JOSE", "LOPEZ"),
            "1980-01-15",
            sex="M",
            country="HN",
            a_number="209900031",
            book_in_at="2018-06-01T10:00:00+00:00",
        ),
        other(
            "court_findings", "T-COMMON-2", parse_free_name("Jose Lopez"), "1975-07-22", found_at="2018-06-02"
        ),
        # One person in two feeds (same FIN): linked unless a human says otherwise.
        other(
            "ice_detentions",
            "T-CANNOT-1",
            parse_name("RIGOBERTO", "CHUB POP"),
            "1979-10-30",
            sex="M",
            country="GT",
            a_number="209900041",
            fin="1199000041",
            book_in_at="2018-06-01T10:00:00+00:00",
        ),
        other(
            "usms_custody",
            "T-CANNOT-2",
            parse_last_comma_first("CHUB POP, RIGOBERTO"),
            "1979-10-30",
            sex="M",
            fin="1199000041",
            booked_at="2018-05-30T10:00:00-06:00",
        ),
        # An NGO locate with a given name only: not linked unless a human says so.
        cbp(
            "T-MUST-1",
            "GUADALUPE",
            "AJPOP SICAN",
            "1990-12-12",
            sex="F",
            a_number="209900051",
            fin="1199000051",
        ),
        other(
            "ice_detentions",
            "T-MUST-2",
            parse_name("GUADALUPE", "AJPOP SICAN"),
            "1990-12-12",
            sex="F",
            country="GT",
            a_number="209900051",
            fin="1199000051",
            book_in_at="2018-06-01T10:00:00+00:00",
        ),
        other(
            "ngo_locates",
            "T-MUST-3",
            parse_free_name("Lupita"),
            None,
            country="GT",
            contacted_at="2018-09-01",
        ),
        *phenomena(),
    ]


def phenomena() -> list[LinkRecord]:
    """One case per way a person is written differently, each with a counter-example that must stay apart."""
    handed_over = {"transferred_to": "ORR", "station": "YUMA", "role_hint": "child"}
    referral = {"referring_agency": "CBP", "referring_office": "YUMA STATION", "role_hint": "child"}
    return [
        # Given names and surnames in each other's fields at ORR (a child "in transit" for months).
        cbp("T-ORRSWAP-1", "ANA LUCIA", "COJTI PEREZ", "2010-03-04", sex="F", **handed_over),
        other(
            "orr_referrals",
            "T-ORRSWAP-2",
            parse_name("Cojtí Pérez", "Ana Lucía"),
            "2010-03-04",
            sex="F",
            country="GT",
            uac_id="UAC-T-0301",
            referred_at="2018-05-04T10:00:00+00:00",
            **referral,
        ),
        # Counter-example: the same words swapped, but another child (born four years earlier).
        other(
            "orr_referrals",
            "T-ORRSWAP-3",
            parse_name("Cojti Perez", "Ana Lucia"),
            "2006-09-20",
            sex="F",
            country="GT",
            uac_id="UAC-T-0302",
            referred_at="2018-02-14T10:00:00+00:00",
            role_hint="child",
        ),
        # A 1 January estimate at ORR, a year off, handed over from the apprehending station.
        cbp("T-EST-1", "BRAYAN", "XOL CAAL", "2011-07-15", sex="M", event_id="TST-18-000300", **handed_over),
        other(
            "orr_referrals",
            "T-EST-2",
            parse_name("Brayan", "Xol Caal"),
            "2012-01-01",
            dob_estimated=True,
            sex="M",
            country="GT",
            uac_id="UAC-T-0311",
            referred_at="2018-05-04T18:00:00+00:00",
            **referral,
        ),
        # Counter-example: his brother, estimated too, referred with him.
        other(
            "orr_referrals",
            "T-EST-3",
            parse_name("Kevin", "Xol Caal"),
            "2014-01-01",
            dob_estimated=True,
            sex="M",
            country="GT",
            uac_id="UAC-T-0312",
            referred_at="2018-05-04T18:00:00+00:00",
            **referral,
        ),
        # A DNA kit naming the father with one surname and no date of birth; the child's ORR
        # case and the child beside him in his apprehension event are the context.
        cbp(
            "T-KIT-1",
            "RIGOBERTO ANTONIO",
            "TUYUC SOCOP",
            "1985-04-04",
            sex="M",
            event_id="TST-18-000320",
            a_number="209900321",
            relationship="HEAD",
        ),
        other(
            "ice_detentions",
            "T-KIT-2",
            parse_name("RIGOBERTO ANTONIO", "TUYUC SOCOP"),
            "1985-04-04",
            sex="M",
            country="GT",
            a_number="209900321",
            book_in_at="2018-05-06T10:00:00+00:00",
        ),
        cbp(
            "T-KIT-3",
            "ELMER OSWALDO",
            "TUYUC MENCHU",
            "2011-08-08",
            sex="M",
            event_id="TST-18-000320",
            role_hint="child",
            relationship="CHILD",
        ),
        other(
            "orr_referrals",
            "T-KIT-4",
            parse_name("Elmer Oswaldo", "Tuyuc Menchú"),
            "2011-08-08",
            sex="M",
            country="GT",
            uac_id="UAC-T-0320",
            referred_at="2018-05-07T10:00:00+00:00",
            role_hint="child",
        ),
        other(
            "dna_results",
            "T-KIT-5",
            parse_free_name("Rigoberto Tuyuc"),
            None,
            child_uac_id="UAC-T-0320",
            collected_at="2018-07-10",
        ),
        # Counter-example: a namesake father in another family, whose given name the kit matches better.
        cbp("T-KIT-6", "RIGOBERTO", "TUYUC XOCOP", "1979-11-30", sex="M", event_id="TST-18-000330"),
        other(
            "ice_detentions",
            "T-KIT-7",
            parse_name("RIGOBERTO", "TUYUC XOCOP"),
            "1979-11-30",
            sex="M",
            country="GT",
            a_number="209900331",
            book_in_at="2018-05-09T10:00:00+00:00",
        ),
        # A court finding naming "Marvin Oxlaj" and nothing else: two men of that name, so it stays alone.
        cbp("T-BARE-1", "MARVIN", "OXLAJ CUX", "1980-02-02", sex="M", a_number="209900351"),
        other(
            "ice_detentions",
            "T-BARE-2",
            parse_name("MARVIN", "OXLAJ CUX"),
            "1980-02-02",
            sex="M",
            country="GT",
            a_number="209900351",
            book_in_at="2018-05-12T10:00:00+00:00",
        ),
        cbp("T-BARE-3", "MARVIN", "OXLAJ TZOC", "1983-06-16", sex="M", a_number="209900352"),
        other(
            "usms_custody",
            "T-BARE-4",
            parse_last_comma_first("OXLAJ TZOC, MARVIN"),
            "1983-06-16",
            sex="M",
            booked_at="2018-05-14T10:00:00-06:00",
        ),
        other("court_findings", "T-BARE-5", parse_free_name("Marvin Oxlaj"), None, found_at="2018-08-01"),
        # A Mayan surname transcribed another way (KH / CH), with the fields swapped too.
        cbp("T-MAYAN-1", "SUSANA", "KHIQUIN AJANEL", "1979-03-03", sex="F", a_number="209900341"),
        other(
            "ice_detentions",
            "T-MAYAN-2",
            parse_name("CHIQUIN AJANEL", "SUSANA"),
            "1979-03-03",
            sex="F",
            country="GT",
            book_in_at="2018-05-09T10:00:00+00:00",
        ),
        # Counter-example: another Susana of that family name, born nine years later.
        other(
            "ice_detentions",
            "T-MAYAN-3",
            parse_name("SUSANA", "CHIQUIN AJANEL"),
            "1988-10-10",
            sex="F",
            country="GT",
            a_number="209900342",
            book_in_at="2018-06-09T10:00:00+00:00",
        ),
        # A parent feed's subject is an adult: an NGO locate never joins a child namesake.
        other(
            "ngo_locates",
            "T-PARENT-1",
            parse_free_name("Elmer Oswaldo Tuyuc Menchu"),
            None,
            country="GT",
            contacted_at="2018-09-01",
            child_age=4,
        ),
    ]


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> list[LinkRecord]:
    from reunify.synth import generate_scenario

    folder = Path(tmp_path_factory.mktemp("linkage_population"))
    generate_scenario(folder, 250, 7)
    records, _ = latest_records([folder])
    return records + hand_built()


@pytest.fixture(scope="module")
def result(population: list[LinkRecord]) -> PersonLinkResult:
    return link_persons(population, settings=FAST)


@pytest.fixture(scope="module")
def decided(population: list[LinkRecord], result: PersonLinkResult) -> PersonLinkResult:
    decisions = PersonDecisions(
        must_link=[("ngo_locates:T-MUST-3", "cbp_apprehensions:T-MUST-1")],
        cannot_link=[("ice_detentions:T-CANNOT-1", "usms_custody:T-CANNOT-2")],
    )
    return link_persons(population, decisions=decisions, settings=FAST, model=result.model)


def same(result: PersonLinkResult, a: str, b: str) -> bool:
    return result.clusters[a] == result.clusters[b]


# --------------------------------------------------------------------------- the cases


def test_swapped_given_and_family_names_link(result: PersonLinkResult) -> None:
    assert same(result, "cbp_apprehensions:T-SWAP-1", "ice_detentions:T-SWAP-2")


def test_names_swapped_at_orr_link_and_a_swapped_namesake_born_apart_does_not(
    result: PersonLinkResult,
) -> None:
    assert same(result, "cbp_apprehensions:T-ORRSWAP-1", "orr_referrals:T-ORRSWAP-2")
    assert not same(result, "cbp_apprehensions:T-ORRSWAP-1", "orr_referrals:T-ORRSWAP-3")
    lines = explain_pair(result, "cbp_apprehensions:T-ORRSWAP-1", "orr_referrals:T-ORRSWAP-2")
    by_comparison = {line.comparison: line for line in lines}
    assert by_comparison["given names"].label == pm.NAMES_SWAPPED
    assert by_comparison["given names"].weight > 5  # learnt, and not cancelled by a frequency adjustment
    assert by_comparison["surnames"].label == pm.WEIGHED_UNDER_GIVEN
    assert by_comparison["surnames"].weight == pytest.approx(0.0)


def test_estimated_birth_date_a_year_off_links_and_the_brother_does_not(result: PersonLinkResult) -> None:
    assert same(result, "cbp_apprehensions:T-EST-1", "orr_referrals:T-EST-2")
    assert not same(result, "cbp_apprehensions:T-EST-1", "orr_referrals:T-EST-3")
    lines = explain_pair(result, "cbp_apprehensions:T-EST-1", "orr_referrals:T-EST-2")
    by_comparison = {line.comparison: line for line in lines}
    assert by_comparison["date of birth"].label == pm.DOB_ESTIMATE_NEAR
    assert by_comparison["Border Patrol to ORR handover"].label == pm.HANDOVER_SAME


def test_one_surname_kit_without_birth_date_reaches_the_father_through_the_child(
    result: PersonLinkResult,
) -> None:
    assert same(result, "dna_results:T-KIT-5", "cbp_apprehensions:T-KIT-1")
    assert same(result, "dna_results:T-KIT-5", "ice_detentions:T-KIT-2")
    assert not same(result, "dna_results:T-KIT-5", "cbp_apprehensions:T-KIT-6")


def test_a_bare_name_that_two_namesakes_fit_stays_alone(result: PersonLinkResult) -> None:
    assert not same(result, "court_findings:T-BARE-5", "cbp_apprehensions:T-BARE-1")
    assert not same(result, "court_findings:T-BARE-5", "cbp_apprehensions:T-BARE-3")


def test_mayan_transcription_with_swapped_fields_links_and_a_namesake_does_not(
    result: PersonLinkResult,
) -> None:
    assert same(result, "cbp_apprehensions:T-MAYAN-1", "ice_detentions:T-MAYAN-2")
    assert not same(result, "cbp_apprehensions:T-MAYAN-1", "ice_detentions:T-MAYAN-3")
    assert not same(result, "ice_detentions:T-MAYAN-2", "ice_detentions:T-MAYAN-3")


def test_a_located_parent_never_joins_a_child_namesake(result: PersonLinkResult) -> None:
    assert not same(result, "ngo_locates:T-PARENT-1", "cbp_apprehensions:T-KIT-3")
    assert not same(result, "ngo_locates:T-PARENT-1", "orr_referrals:T-KIT-4")


def test_placeholder_birth_date_and_unknown_name_words_say_nothing() -> None:
    record = other(
        "usms_custody",
        "T-FNU",
        parse_last_comma_first("CONTRERAS, FNU"),
        "1900-01-01",
        booked_at="2018-05-01",
    )
    row = feature_row(record)
    assert row["dob"] is None and row["dob_y"] is None
    assert row["g1"] is None and row["s1"] == "CONTRERAS"
    assert "FNU" not in (row["tpset"] or "")


def test_twins_in_one_cbp_event_never_merge(result: PersonLinkResult) -> None:
    assert not same(result, "cbp_apprehensions:T-TWIN-A", "cbp_apprehensions:T-TWIN-B")
    assert same(result, "cbp_apprehensions:T-TWIN-A", "orr_referrals:T-TWIN-A")
    assert same(result, "cbp_apprehensions:T-TWIN-B", "orr_referrals:T-TWIN-B")
    assert not same(result, "orr_referrals:T-TWIN-A", "orr_referrals:T-TWIN-B")


def test_particle_and_accent_variants_link(result: PersonLinkResult) -> None:
    assert same(result, "cbp_apprehensions:T-DELCID-1", "orr_referrals:T-DELCID-2")


def test_common_name_with_another_date_of_birth_does_not_link(result: PersonLinkResult) -> None:
    assert not same(result, "ice_detentions:T-COMMON-1", "court_findings:T-COMMON-2")


def test_without_decisions_the_fin_pair_links_and_the_locate_stays_apart(result: PersonLinkResult) -> None:
    assert same(result, "ice_detentions:T-CANNOT-1", "usms_custody:T-CANNOT-2")
    assert not same(result, "ngo_locates:T-MUST-3", "cbp_apprehensions:T-MUST-1")


def test_cannot_link_decision_splits(decided: PersonLinkResult, result: PersonLinkResult) -> None:
    assert not same(decided, "ice_detentions:T-CANNOT-1", "usms_custody:T-CANNOT-2")
    assert decided.counts["decisions_cannot_link"] == 1
    assert decided.model.version == result.model.version


def test_decisions_change_nothing_else(decided: PersonLinkResult, result: PersonLinkResult) -> None:
    touched = {"ice_detentions:T-CANNOT-1", "usms_custody:T-CANNOT-2", "ngo_locates:T-MUST-3"}
    touched |= {
        key for key, cluster in result.clusters.items() if cluster in {result.clusters[k] for k in touched}
    }
    moved = {key for key in result.clusters if decided.clusters[key] != result.clusters[key]} - touched
    assert not moved


def test_must_link_decision_merges_with_everything_linked_to_either_side(decided: PersonLinkResult) -> None:
    assert same(decided, "ngo_locates:T-MUST-3", "cbp_apprehensions:T-MUST-1")
    assert same(decided, "ngo_locates:T-MUST-3", "ice_detentions:T-MUST-2")


def test_cluster_id_is_the_smallest_record_key(result: PersonLinkResult) -> None:
    for cluster, keys in result.members().items():
        assert cluster == min(keys)


def test_explain_pair_names_the_levels(result: PersonLinkResult) -> None:
    lines = explain_pair(result, "cbp_apprehensions:T-DELCID-1", "orr_referrals:T-DELCID-2")
    by_comparison = {line.comparison: line for line in lines}
    assert by_comparison["given names"].label == pm.SAME_GIVEN
    assert by_comparison["given names"].text.startswith("given names: both MARIA JOSE (+")
    assert by_comparison["surnames"].label == pm.SAME_SURNAMES
    assert by_comparison["date of birth"].label == pm.DOB_SAME
    assert by_comparison["A-number"].label == pm.MISSING
    swapped = {
        line.comparison: line.label
        for line in explain_pair(result, "cbp_apprehensions:T-SWAP-1", "ice_detentions:T-SWAP-2")
    }
    assert swapped["given names"] == pm.NAMES_SWAPPED
    assert swapped["surnames"] == pm.WEIGHED_UNDER_GIVEN


def test_explain_pair_lines_add_up_to_the_scored_match_weight(result: PersonLinkResult) -> None:
    lines = explain_pair(result, "ice_detentions:T-CANNOT-1", "usms_custody:T-CANNOT-2")
    pairs = result.pairs.to_pylist()
    (scored,) = [
        row
        for row in pairs
        if (row["record_key_l"], row["record_key_r"])
        == ("ice_detentions:T-CANNOT-1", "usms_custody:T-CANNOT-2")
    ]
    assert math.isclose(sum(line.weight for line in lines), scored["match_weight"], abs_tol=1e-6)
    assert scored["level_fin"] == pm.SAME


def test_explain_pair_accepts_records_not_in_the_run(result: PersonLinkResult) -> None:
    left = cbp("X-1", "EDGAR ROLANDO", "TZUL IXCOY", "1983-07-21", sex="M")
    right = cbp("X-2", "EDGAR ROLANDO", "TZUL", "1983-01-01", sex="M")
    labels = {line.comparison: line.label for line in explain_pair(result.model, left, right)}
    assert labels["surnames"] == pm.SURNAME_SECOND_MISSING
    assert labels["date of birth"] == pm.DOB_ESTIMATE_YEAR


def test_result_carries_model_pairs_and_review_band(result: PersonLinkResult) -> None:
    assert result.model.version and '"comparisons"' in result.model.settings_json()
    assert {
        "record_key_l",
        "record_key_r",
        "match_weight",
        "match_probability",
        "mw_given_names",
        "level_given_names",
        "constrained",
        "linked",
    } <= set(result.pairs.column_names)
    sizes: dict[str, int] = {}
    for cluster in result.clusters.values():
        sizes[cluster] = sizes.get(cluster, 0) + 1
    for row in result.review_candidates.to_pylist():
        assert row["match_probability"] >= FAST.review_floor and not row["constrained"]
        alone = [
            key for key in (row["record_key_l"], row["record_key_r"]) if sizes[result.clusters[key]] == 1
        ]
        assert alone, "every review row is a record left alone beside its best partner"
    assert result.counts["records"] == len(result.clusters)


def test_review_queue_is_each_record_left_alone_beside_its_best_partner() -> None:
    pairs = pa.table(
        {
            "record_key_l": ["a", "a", "b", "c", "d", "e"],
            "record_key_r": ["b", "x", "c", "x", "e", "f"],
            "match_weight": [3.0, 1.0, 20.0, 5.0, -0.5, -0.2],
            "match_probability": [0.89, 0.67, 0.99, 0.97, 0.41, 0.45],
            "constrained": [False, False, False, False, False, True],
            "linked": [False, False, True, False, False, False],
        }
    )
    # a is alone (best partner b), x is alone (best partner c), d and e are alone (e's pair with f is forbidden).
    review = _review(pairs, FAST, PersonDecisions())
    assert list(zip(review["record_key_l"].to_pylist(), review["record_key_r"].to_pylist(), strict=True)) == [
        ("c", "x"),
        ("a", "b"),
        ("d", "e"),
    ]
    decided = _review(pairs, FAST, PersonDecisions(cannot_link=(("a", "b"),)))
    assert ("a", "x") in zip(
        decided["record_key_l"].to_pylist(), decided["record_key_r"].to_pylist(), strict=True
    )


# --------------------------------------------------------------------------- clustering, constraints, pieces


def test_weak_single_link_between_two_tight_groups_does_not_chain_them() -> None:
    weight = {(a, b): 20.0 for group in ((0, 1, 2), (3, 4, 5)) for a in group for b in group if a < b}
    weight[(2, 3)] = 8.0  # one pair above the link threshold: connected components would chain
    groups = components(6, [pair for pair, value in weight.items() if value > 0])
    assert groups == [[0, 1, 2, 3, 4, 5]]
    persons = refine_component(
        groups[0], weight, lambda a, b: False, (), merge_weight=0.0, missing_weight=-6.6, clip=10.0
    )
    assert persons == [[0, 1, 2], [3, 4, 5]]


def test_strong_pair_joins_a_sparse_record_to_its_person() -> None:
    # Record 3 (a DNA kit: name and A-number) is certain to be record 0 and says little about 1 and 2.
    weight = {(0, 1): 20.0, (0, 2): 20.0, (1, 2): 20.0, (0, 3): 15.0, (1, 3): -3.0, (2, 3): -3.0}
    persons = refine_component(
        [0, 1, 2, 3],
        weight,
        lambda a, b: False,
        (),
        strong=[(0, 3)],
        merge_weight=0.0,
        missing_weight=-6.6,
        clip=10.0,
    )
    assert persons == [[0, 1, 2, 3]]


# Comparisons: given names, surnames, date of birth, A-number; prior -15.
_PRIOR = -15.0
_PERSON = {(0, 1): 20.0, (0, 2): 20.0, (1, 2): 20.0}


def _sparse_case(evidence: dict[tuple[int, int], tuple[float, ...]]) -> list[list[int]]:
    weight = {**_PERSON, **{pair: _PRIOR + sum(values) for pair, values in evidence.items()}}
    return refine_component(
        sorted({member for pair in weight for member in pair}),
        weight,
        lambda a, b: False,
        (),
        merge_weight=0.0,
        missing_weight=-6.6,
        clip=10.0,
        evidence={**{pair: (5.0, 5.0, 5.0, 5.0) for pair in _PERSON}, **evidence},
        prior_weight=_PRIOR,
    )


def test_a_sparse_record_joins_the_person_its_pooled_evidence_singles_out() -> None:
    # Record 3 (a DNA kit: a name and an A-number, no date of birth) has the name as record 0 spells it
    # and the A-number of record 1; no single pair, nor their average, reaches the merge threshold.
    persons = _sparse_case(
        {(0, 3): (8.0, 9.0, 0.0, -4.0), (1, 3): (-6.0, 9.0, 0.0, 11.0), (2, 3): (-6.0, 4.0, 0.0, -4.0)}
    )
    assert persons == [[0, 1, 2, 3]]


def test_pooled_evidence_keeps_out_a_record_every_dated_record_contradicts() -> None:
    # Same names, but each record of the person that has a date of birth gives another one.
    persons = _sparse_case(
        {(0, 3): (8.0, 9.0, -7.0, 0.0), (1, 3): (8.0, 9.0, -7.0, 0.0), (2, 3): (8.0, 9.0, 0.0, 0.0)}
    )
    assert persons == [[0, 1, 2], [3]]


def test_a_record_two_namesakes_fit_equally_stays_alone() -> None:
    # Record 3 fits record 0 of one person and record 4 of another equally well; alone, it would join either.
    weight = {**_PERSON, (4, 5): 20.0, (4, 6): 20.0, (5, 6): 20.0}
    evidence = {pair: (5.0, 5.0, 5.0, 5.0) for pair in weight}
    for first, person in ((0, (0, 1, 2)), (4, (4, 5, 6))):
        for member in person:
            evidence[ordered(member, 3)] = (8.0 if member == first else -6.0, 9.0, 0.0, 0.0)
    for pair, values in evidence.items():
        weight.setdefault(pair, _PRIOR + sum(values))

    def persons(members: list[int]) -> list[list[int]]:
        inside = set(members)
        return refine_component(
            members,
            {pair: value for pair, value in weight.items() if inside.issuperset(pair)},
            lambda a, b: False,
            (),
            merge_weight=0.0,
            missing_weight=-6.6,
            clip=10.0,
            evidence={pair: value for pair, value in evidence.items() if inside.issuperset(pair)},
            prior_weight=_PRIOR,
        )

    assert persons([0, 1, 2, 3]) == [[0, 1, 2, 3]]
    assert [3] in persons(list(range(7)))


def test_a_free_text_unit_joins_the_one_person_its_pooled_evidence_singles_out() -> None:
    # Unit (10, 11): a DNA kit and an NGO locate of one parent.  The kit names the child that stands
    # beside record 0 (family), the locate the name as record 1 spells it; no pair reaches the
    # link threshold.  Record 20's person shares the name only.
    evidence = {
        (0, 10): (4.0, 5.0, 10.0),
        (1, 10): (4.0, 5.0, 0.0),
        (0, 11): (7.0, 7.0, 0.0),
        (1, 11): (7.0, 7.0, 0.0),
        (10, 20): (4.0, 5.0, -2.5),
        (11, 20): (7.0, 7.0, 0.0),
        (10, 21): (4.0, 5.0, 0.0),
        (11, 21): (7.0, 7.0, 0.0),
    }
    units, candidates = [[10, 11]], {0: [[0, 1], [20, 21]]}
    moves = attach_sparse(
        units, candidates, evidence, lambda a, b: False, prior_weight=-13.0, merge_weight=1.0
    )
    assert moves == [(0, 0)]
    # Without the family evidence both persons fit alike: the unit stays where it is.
    evidence[(0, 10)] = (4.0, 5.0, 0.0)
    evidence[(10, 20)] = (4.0, 5.0, 0.0)
    assert (
        attach_sparse(units, candidates, evidence, lambda a, b: False, prior_weight=-13.0, merge_weight=1.0)
        == []
    )
    # A forbidden pair (the feed contract, a human) removes a candidate; a pair never scored blocks the move.
    evidence[(0, 10)] = (4.0, 5.0, 10.0)
    assert attach_sparse(
        units, candidates, evidence, lambda a, b: b == 20, prior_weight=-13.0, merge_weight=1.0
    ) == [(0, 0)]
    del evidence[(11, 21)]
    assert (
        attach_sparse(units, candidates, evidence, lambda a, b: False, prior_weight=-13.0, merge_weight=1.0)
        == []
    )


def test_a_record_not_compared_with_every_record_of_the_person_is_not_pooled() -> None:
    evidence = {**{pair: (5.0, 5.0, 5.0, 5.0) for pair in _PERSON}, (0, 3): (8.0, 9.0, 0.0, -7.0)}
    assert attach_lone([[0, 1, 2], [3]], evidence, set(), prior_weight=_PRIOR, merge_weight=0.0) == [
        [0, 1, 2],
        [3],
    ]
    evidence[(1, 3)] = (-6.0, 9.0, 0.0, 12.0)
    evidence[(2, 3)] = (-6.0, 4.0, 0.0, 0.0)
    assert attach_lone([[0, 1, 2], [3]], evidence, set(), prior_weight=_PRIOR, merge_weight=0.0) == [
        [0, 1, 2, 3]
    ]
    assert attach_lone([[0, 1, 2], [3]], evidence, {(2, 3)}, prior_weight=_PRIOR, merge_weight=0.0) == [
        [0, 1, 2],
        [3],
    ]


def test_cannot_link_is_never_merged_even_by_average() -> None:
    weight = {(0, 1): 20.0, (0, 2): 20.0, (1, 2): 20.0}
    assert average_linkage([[0], [1], [2]], weight, {(0, 2)}, 0.0, -6.6, 10.0) in (
        [[0, 1], [2]],
        [[0], [1, 2]],
    )


def test_constraints_in_sql_and_python_agree() -> None:
    import duckdb

    records = [
        cbp("C-1", "ANA", "POP", "1980-02-02", event_id="EV-1"),
        cbp("C-2", "ANA", "POP", "1980-02-02", event_id="EV-1"),
        cbp("C-3", "LUCIA", "POP", "2012-03-03", event_id="EV-2", role_hint="child"),
        other("usms_custody", "C-4", parse_name("LUCIA", "POP"), "1990-03-03", event_id="EV-2"),
        other("orr_referrals", "C-5", parse_name("LUCIA", "POP"), "2012-01-01", role_hint="child"),
        other(
            "ngo_locates", "C-6", parse_free_name("Lucia Pop"), None, contacted_at="2018-09-01", child_age=2
        ),
        other("dna_results", "C-7", parse_free_name("Lucia Pop"), None, collected_at="2018-07-01"),
        # Two case ids referred from one apprehension are two children; one case id referred again is one.
        other("orr_referrals", "C-8", parse_name("JUAN", "POP"), "2011-01-01", role_hint="child",
              event_id="EV-3", uac_id="UAC-18-000008"),
        other("orr_referrals", "C-9", parse_name("JUAN", "POP"), "2010-01-01", role_hint="child",
              event_id="EV-3", uac_id="UAC-18-000009"),
        other("orr_referrals", "C-10", parse_name("JUAN", "POP"), "2011-01-01", role_hint="child",
              event_id="EV-3", uac_id="UAC-18-000008"),
    ]  # fmt: skip
    features = build_feature_table(records)
    python = _ConstraintColumns.from_table(features.table)
    connection = duckdb.connect()
    connection.register("f", features.table)
    sql = connection.execute(
        f"SELECT l.unique_id, r.unique_id, {pm.constraint_sql()} FROM f l JOIN f r ON l.unique_id < r.unique_id"
    ).fetchall()
    verdicts = {(a, b): value for a, b, value in sql}
    assert verdicts == {(a, b): python.violated(a, b) for a, b in verdicts}
    keys = features.keys
    assert verdicts[(keys.index("cbp_apprehensions:C-1"), keys.index("cbp_apprehensions:C-2"))]
    assert verdicts[(keys.index("cbp_apprehensions:C-3"), keys.index("usms_custody:C-4"))]
    assert not verdicts[(keys.index("cbp_apprehensions:C-3"), keys.index("orr_referrals:C-5"))]
    assert verdicts[tuple(sorted((keys.index("orr_referrals:C-8"), keys.index("orr_referrals:C-9"))))]
    assert not verdicts[tuple(sorted((keys.index("orr_referrals:C-8"), keys.index("orr_referrals:C-10"))))]
    # A parent feed's subject, dated by the record: not the child, still possibly the 1990 adult.
    assert verdicts[(keys.index("cbp_apprehensions:C-3"), keys.index("ngo_locates:C-6"))]
    assert verdicts[(keys.index("dna_results:C-7"), keys.index("orr_referrals:C-5"))]
    assert not verdicts[(keys.index("ngo_locates:C-6"), keys.index("usms_custody:C-4"))]


def test_dna_child_uac_id_is_not_the_adults_identity() -> None:
    dna = other("dna_results", "D-1", parse_free_name("Ana Pop"), None, child_uac_id="UAC-18-000001")
    orr = other("orr_referrals", "O-1", parse_name("Ana", "Pop"), "2010-01-01", uac_id="UAC-18-000001")
    assert feature_row(dna)["uac_id"] is None
    assert feature_row(orr)["uac_id"] == "UAC-18-000001"


def test_name_roles_resplit_a_guessed_free_text_name() -> None:
    certain = [name_dict(parse_name("ANA MARCELINA", "MEJIA")) for _ in range(5)]
    guessed = [name_dict(parse_free_name("Ana Marcelina Mejia"))]
    roles = NameRoles.learn(certain + guessed)
    assert roles.given == {"ANA": 5, "MARCELINA": 5}  # guessed splits teach nothing
    assert roles.given_count(("ANA", "MARCELINA", "MEJIA"), guessed=1) == 2
    once = NameRoles.learn([name_dict(parse_name("ANA", "MEJIA"))])
    assert once.given_count(("MEJIA", "ANA"), guessed=1) == 1  # one example is too little to overturn a guess


def test_decisions_are_normalised_and_contradictions_refused() -> None:
    decisions = PersonDecisions(must_link=[("b", "a"), ("a", "b")])
    assert decisions.must_link == (("a", "b"),)
    with pytest.raises(ValueError):
        PersonDecisions(must_link=[("a", "b")], cannot_link=[("b", "a")])


def test_arrow_input_with_fields_json_gives_the_same_features() -> None:
    import json

    records = hand_built()[:4]
    table = pa.table(
        {
            "record_key": [r.record_key for r in records],
            "feed": [r.feed for r in records],
            "fields": [json.dumps(r.fields) for r in records],
        }
    )
    from reunify.linkage.person_records import feature_table_from_arrow

    assert feature_table_from_arrow(table).table.equals(build_feature_table(records).table)


@pytest.mark.slow
def test_a_repeated_run_gives_the_same_model_version_and_clusters(
    population: list[LinkRecord], result: PersonLinkResult
) -> None:
    again = link_persons(list(reversed(population)), settings=FAST)
    assert again.model.version == result.model.version
    assert again.clusters == result.clusters
