"""The truth files: columns, coverage, and agreement with what the feeds say."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from reunify.synth import ScenarioSummary, SynthConfig, generate_scenario

from .feedcheck import FILE_NAME, newest_versions, read_scenario

BASIS = {"UNFIT", "DANGER_TO_CHILD", "CRIMINAL_HISTORY", "COMMUNICABLE_DISEASE"}


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def test_truth_files_have_the_documented_columns(scenario: tuple[Path, ScenarioSummary]) -> None:
    out, _ = scenario
    expected = {
        "persons.csv": ["record_key", "person_id", "malformed"],
        "relationships.csv": ["parent_person_id", "child_person_id", "relationship"],
        "separations.csv": [
            "child_person_id", "parent_person_id", "separated_at", "reunified_at", "outcome",
            "judicial_basis",
        ],
        "broken_rows.csv": ["file", "line", "record_key", "kind", "rule"],
    }  # fmt: skip
    for name, columns in expected.items():
        header, rows = _read(out / "truth" / name)
        assert header == columns, name
        assert rows, name
    _, persons = _read(out / "truth" / "persons.csv")
    assert {p["malformed"] for p in persons} == {"Y", "N"}
    _, ties = _read(out / "truth" / "relationships.csv")
    assert {t["relationship"] for t in ties} == {"MOTHER", "FATHER"}
    _, separations = _read(out / "truth" / "separations.csv")
    for row in separations:
        dt.date.fromisoformat(row["separated_at"])
        assert row["outcome"] in {
            "REUNIFIED", "PARENT_REMOVED", "PARENT_DECLINED", "RELEASED_TO_SPONSOR", "APART",
        }  # fmt: skip
        assert row["judicial_basis"] in {"Y", "N"}
        assert bool(row["reunified_at"]) == (row["outcome"] == "REUNIFIED")


def test_truth_names_every_record_key_and_only_those(
    scenario: tuple[Path, ScenarioSummary],
) -> None:
    out, _ = scenario
    _, persons = _read(out / "truth" / "persons.csv")
    keys = [p["record_key"] for p in persons]
    assert len(keys) == len(set(keys))
    in_files = set()
    for name, rows in read_scenario(out).items():
        feed = FILE_NAME.match(name)["feed"]  # type: ignore[index]
        in_files |= {f"{feed}:{row.record_id}" for row in rows if row.record_id}
    assert in_files == set(keys)


def test_malformed_flags_match_the_broken_rows(scenario: tuple[Path, ScenarioSummary]) -> None:
    out, _ = scenario
    _, persons = _read(out / "truth" / "persons.csv")
    _, broken = _read(out / "truth" / "broken_rows.csv")
    assert {p["record_key"] for p in persons if p["malformed"] == "Y"} == {b["record_key"] for b in broken}
    # a broken row's person may well have other, well-formed rows
    people_of = defaultdict(set)
    for p in persons:
        people_of[p["person_id"]].add(p["malformed"])
    assert any(flags == {"Y", "N"} for flags in people_of.values())


def test_ties_and_separations_need_a_well_formed_row_on_both_sides(
    scenario: tuple[Path, ScenarioSummary],
) -> None:
    out, _ = scenario
    _, persons = _read(out / "truth" / "persons.csv")
    well_formed = {p["person_id"] for p in persons if p["malformed"] == "N"}
    _, ties = _read(out / "truth" / "relationships.csv")
    _, separations = _read(out / "truth" / "separations.csv")
    for row in ties + separations:
        assert row["parent_person_id"] in well_formed and row["child_person_id"] in well_formed
    tie_pairs = {(t["parent_person_id"], t["child_person_id"]) for t in ties}
    assert len(tie_pairs) == len(ties)
    for row in separations:  # a separation is always between a parent and its child
        assert (row["parent_person_id"], row["child_person_id"]) in tie_pairs


def test_separations_agree_with_the_feeds(scenario: tuple[Path, ScenarioSummary]) -> None:
    out, _ = scenario
    _, persons = _read(out / "truth" / "persons.csv")
    _, separations = _read(out / "truth" / "separations.csv")
    newest = newest_versions(read_scenario(out))
    keys_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in persons:
        if p["malformed"] == "N":
            feed, record_id = p["record_key"].split(":", 1)
            keys_of[(p["person_id"], feed)].append(record_id)
    outcomes = Counter()
    for row in separations:
        child, parent = row["child_person_id"], row["parent_person_id"]
        referrals = [newest["orr_referrals"][r] for r in keys_of[(child, "orr_referrals")]]
        assert referrals, "a separated child was placed with ORR"
        stays = [newest["ice_detentions"][r] for r in keys_of[(parent, "ice_detentions")]]
        outcome = row["outcome"]
        outcomes[outcome] += 1
        if outcome == "REUNIFIED":
            handed = [
                placement["discharged_at"][:10]
                for referral in referrals
                for placement in referral["placements"]
                if placement["discharge_type"] == "REUNIFIED_WITH_PARENT"
            ]
            assert row["reunified_at"] in handed
            assert any(
                s["book_out_at"][:10] == row["reunified_at"]
                and s["book_out_reason"] in ("FAMILY_RESIDENTIAL", "RELEASED")
                for s in stays
            )
        elif outcome == "PARENT_DECLINED":
            assert any(s["declined_reunification"] == "Y" for s in stays)
        elif outcome == "PARENT_REMOVED":
            assert any(s["book_out_reason"] == "REMOVED" for s in stays)
            assert not any(s["declined_reunification"] == "Y" for s in stays)
        elif outcome == "RELEASED_TO_SPONSOR":
            assert any(
                p["discharge_type"] == "RELEASED_TO_SPONSOR"
                for referral in referrals
                for p in referral["placements"]
            )
        if outcome != "REUNIFIED":
            assert not any(
                p["discharge_type"] == "REUNIFIED_WITH_PARENT"
                for referral in referrals
                for p in referral["placements"]
            )
        # separated_at: the first transfer out of joint custody, local date of the event
        cbp = [
            newest["cbp_apprehensions"][r]
            for person in (child, parent)
            for r in keys_of[(person, "cbp_apprehensions")]
        ]
        events = Counter(c["event_id"] for c in cbp)
        joint = [c for c in cbp if events[c["event_id"]] > 1 and c["transferred_at"]]
        if len({c["record_id"] for c in joint}) >= 2:
            first = min(joint, key=lambda c: dt.datetime.fromisoformat(c["transferred_at"]))
            assert first["transferred_at"][:10] == row["separated_at"]
        findings = [newest["court_findings"][r] for r in keys_of[(parent, "court_findings")]]
        basis = any(f["finding"] in BASIS and f["found_at"] < row["separated_at"] for f in findings)
        assert (row["judicial_basis"] == "Y") == basis
    assert outcomes["REUNIFIED"] and outcomes["PARENT_REMOVED"] and outcomes["APART"]


def test_not_every_adult_with_a_child_is_a_parent(
    default_scenario: tuple[Path, ScenarioSummary],
) -> None:
    """False parents: a DNA exclusion, and no tie between the tested adult and the child."""
    out, _ = default_scenario
    _, persons = _read(out / "truth" / "persons.csv")
    person_of = {p["record_key"]: p["person_id"] for p in persons}
    newest = newest_versions(read_scenario(out))
    child_of_uac = {}
    for record_id, referral in newest["orr_referrals"].items():
        child_of_uac[referral["uac_id"]] = person_of[f"orr_referrals:{record_id}"]
    _, ties = _read(out / "truth" / "relationships.csv")
    tie_pairs = {(t["parent_person_id"], t["child_person_id"]) for t in ties}
    results = Counter()
    for record_id, test in newest["dna_results"].items():
        adult = person_of[f"dna_results:{record_id}"]
        child = child_of_uac.get(test["child_uac_id"])
        if child is None:
            continue
        related = (adult, child) in tie_pairs
        results[test["result"]] += 1
        if test["result"] == "EXCLUSION":
            assert not related
        elif test["result"] == "INCLUSION":
            assert related
    assert results["EXCLUSION"] and results["INCLUSION"]


def test_scenario_json_counts_match_the_files(scenario: tuple[Path, ScenarioSummary]) -> None:
    out, summary = scenario
    data = json.loads((out / "truth" / "scenario.json").read_text(encoding="utf-8"))
    assert data["seed"] == 11 and data["families"] == 400
    assert data["config"]["broken_rate"] == 0.02
    rows = read_scenario(out)
    assert data["counts"]["rows"] == sum(len(r) for r in rows.values()) == summary.rows
    _, separations = _read(out / "truth" / "separations.csv")
    assert data["counts"]["separations"] == len(separations)
    _, ties = _read(out / "truth" / "relationships.csv")
    assert data["counts"]["ties"] == len(ties)


def test_shares_are_respected(tmp_path: Path) -> None:
    config = SynthConfig()
    summary = generate_scenario(tmp_path, 3000, 21, config)
    total = sum(summary.families_by_kind.values())
    assert total == 3000
    for kind, share in (
        ("separated", config.share_separated),
        ("released_together", config.share_released_together),
        ("uac_alone", config.share_uac_alone),
        ("single_adult", config.share_single_adult),
    ):
        assert abs(summary.families_by_kind[kind] / total - share) < 0.03, kind
    _, separations = _read(tmp_path / "truth" / "separations.csv")
    before = sum(1 for s in separations if s["separated_at"] < "2018-04-06")
    assert 0.1 < before / len(separations) < 0.3  # the El Paso pilot
    reunified = [s for s in separations if s["outcome"] == "REUNIFIED"]
    after_order = [s for s in reunified if "2018-07-10" <= s["reunified_at"] <= "2018-07-26"]
    assert len(after_order) / len(reunified) > 0.5


@pytest.mark.parametrize("kind", ["uac_alone", "single_adult"])
def test_a_single_kind_has_no_family_truth(tmp_path: Path, kind: str) -> None:
    shares = {
        f"share_{k}": 0.0
        for k in (
            "separated", "released_together", "one_parent_prosecuted", "uac_alone",
            "single_adult", "false_parent", "relative_unit",
        )
    }  # fmt: skip
    shares[f"share_{kind}"] = 1.0
    # lone children whose parent is in the feeds do have a tie (see test_phenomena.py)
    shares["lone_child_parent_in_feeds"] = 0.0
    summary = generate_scenario(tmp_path, 80, 2, SynthConfig.from_mapping(shares))
    assert summary.families_by_kind[kind] == 80
    assert summary.ties == 0 and summary.separations == 0
