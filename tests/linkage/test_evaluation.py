"""The evaluation metrics of EXPORTS.md, on small examples worked out by hand.

Each figure asserted here was computed on paper from the literal inputs, so a
change in how a metric counts shows up as a wrong number, not a crash.
"""

from __future__ import annotations

import csv
import itertools
import json
import random
from collections import defaultdict
from pathlib import Path

import pytest

from reunify.linkage.evaluation import (
    Truth,
    evaluate_folder,
    evaluate_persons,
    evaluate_quarantine,
    evaluate_relationships,
    evaluate_separations,
    find_exports,
    format_report,
    person_mapping,
    read_persons_export,
    read_truth,
)

TIE_COLUMNS = ["parent_person_id", "child_person_id", "relationship", "status", "score"]
SEPARATION_COLUMNS = [
    "child_person_id",
    "parent_person_id",
    "separated_at",
    "reunified_at",
    "outcome",
    "judicial_basis",
]


def tie(parent: str, child: str, relationship: str, status: str = "") -> dict[str, str]:
    return {
        "parent_person_id": parent,
        "child_person_id": child,
        "relationship": relationship,
        "status": status,
        "score": "0.9",
    }


def separation(
    child: str,
    parent: str,
    separated_at: str,
    reunified_at: str = "",
    outcome: str = "APART",
    judicial_basis: str = "N",
) -> dict[str, str]:
    return {
        "child_person_id": child,
        "parent_person_id": parent,
        "separated_at": separated_at,
        "reunified_at": reunified_at,
        "outcome": outcome,
        "judicial_basis": judicial_basis,
    }


# --------------------------------------------------------------------------- persons


def test_persons_hand_example_pairwise_and_bcubed() -> None:
    truth = {"a": "P1", "b": "P1", "c": "P1", "d": "P2"}
    predicted = {"a": "X", "b": "X", "c": "Y", "d": "Y"}
    score = evaluate_persons(truth, predicted)
    # Pairs: true {ab, ac, bc}; predicted {ab, cd}; correct {ab}.
    assert (score.true_pairs, score.predicted_pairs, score.correct_pairs) == (3, 2, 1)
    assert score.pairwise_precision == pytest.approx(1 / 2)
    assert score.pairwise_recall == pytest.approx(1 / 3)
    assert score.pairwise_f1 == pytest.approx(2 * (1 / 2) * (1 / 3) / (1 / 2 + 1 / 3))  # 0.4
    # B-cubed precision per record: a 2/2, b 2/2, c 1/2, d 1/2 -> 3/4.
    # B-cubed recall per record:    a 2/3, b 2/3, c 1/3, d 1/1 -> 2/3.
    assert score.bcubed_precision == pytest.approx(3 / 4)
    assert score.bcubed_recall == pytest.approx(2 / 3)
    assert score.bcubed_f1 == pytest.approx(12 / 17)
    assert (score.records, score.truth_persons, score.predicted_persons) == (4, 2, 2)
    assert (score.records_missing, score.records_extra) == (0, 0)


def test_persons_count_only_keys_in_both_and_wellformed() -> None:
    truth = {"a": "P1", "b": "P1", "c": "P1", "m": "P1", "gone": "P2"}
    # "m" is malformed (must not count even though exported), "zz" is unknown to the truth,
    # "gone" was never exported: only a, b, c remain, all correctly together.
    predicted = {"a": "X", "b": "X", "c": "X", "m": "X", "zz": "X"}
    score = evaluate_persons(truth, predicted, malformed={"m"})
    assert score.records == 3
    assert score.records_missing == 1  # gone
    assert score.records_extra == 2  # m, zz
    assert (score.true_pairs, score.predicted_pairs, score.correct_pairs) == (3, 3, 3)
    assert score.pairwise_precision == 1.0
    assert score.bcubed_precision == 1.0
    assert score.bcubed_recall == 1.0


def test_persons_empty_prediction_is_undefined_not_perfect() -> None:
    truth = {"a": "P1", "b": "P1"}
    nothing = evaluate_persons(truth, {})
    assert nothing.records == 0
    assert nothing.pairwise_precision is None
    assert nothing.pairwise_recall is None
    assert nothing.bcubed_precision is None
    assert nothing.bcubed_f1 is None
    assert nothing.records_missing == 2

    singletons = evaluate_persons(truth, {"a": "X", "b": "Y"})
    assert singletons.predicted_pairs == 0
    assert singletons.pairwise_precision is None  # no pair placed together: undefined
    assert singletons.pairwise_recall == 0.0
    assert singletons.pairwise_f1 is None
    assert singletons.bcubed_precision == 1.0
    assert singletons.bcubed_recall == pytest.approx(1 / 2)


def test_persons_all_pairs_wrong_gives_f1_zero_not_undefined() -> None:
    truth = {"a": "P1", "b": "P1", "c": "P2", "d": "P2"}
    score = evaluate_persons(truth, {"a": "X", "c": "X", "b": "Y", "d": "Y"})
    assert (score.true_pairs, score.predicted_pairs, score.correct_pairs) == (2, 2, 0)
    assert (score.pairwise_precision, score.pairwise_recall) == (0.0, 0.0)
    assert score.pairwise_f1 == 0.0


def _brute_force(truth: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """The definitions, applied literally by listing every pair and every record's cluster."""
    keys = sorted(truth.keys() & predicted.keys())
    true_pairs = {(x, y) for x, y in itertools.combinations(keys, 2) if truth[x] == truth[y]}
    predicted_pairs = {(x, y) for x, y in itertools.combinations(keys, 2) if predicted[x] == predicted[y]}
    truth_members: defaultdict[str, set[str]] = defaultdict(set)
    predicted_members: defaultdict[str, set[str]] = defaultdict(set)
    for key in keys:
        truth_members[truth[key]].add(key)
        predicted_members[predicted[key]].add(key)
    precision_sum = recall_sum = 0.0
    for key in keys:
        both = truth_members[truth[key]] & predicted_members[predicted[key]]
        precision_sum += len(both) / len(predicted_members[predicted[key]])
        recall_sum += len(both) / len(truth_members[truth[key]])
    return {
        "true_pairs": len(true_pairs),
        "predicted_pairs": len(predicted_pairs),
        "correct_pairs": len(true_pairs & predicted_pairs),
        "bcubed_precision": precision_sum / len(keys),
        "bcubed_recall": recall_sum / len(keys),
    }


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_persons_combinatorics_agree_with_listing_every_pair(seed: int) -> None:
    rng = random.Random(seed)
    keys = [f"k{i}" for i in range(120)]
    truth = {key: f"P{rng.randrange(25)}" for key in keys}
    predicted = {key: f"X{rng.randrange(30)}" for key in keys if rng.random() < 0.9}
    score = evaluate_persons(truth, predicted)
    expected = _brute_force(truth, predicted)
    assert score.true_pairs == expected["true_pairs"]
    assert score.predicted_pairs == expected["predicted_pairs"]
    assert score.correct_pairs == expected["correct_pairs"]
    assert score.bcubed_precision == pytest.approx(expected["bcubed_precision"])
    assert score.bcubed_recall == pytest.approx(expected["bcubed_recall"])


def test_persons_200k_records_by_cluster_arithmetic() -> None:
    """Shifted clusters: truth t = i // 4, project p = (i + 2) // 4, so each inner project person straddles two truth persons."""
    n = 200_000
    truth = {f"r{i}": f"T{i // 4:06d}" for i in range(n)}
    predicted = {f"r{i}": f"X{(i + 2) // 4:06d}" for i in range(n)}
    score = evaluate_persons(truth, predicted)
    # Truth: 50,000 persons of 4 -> 6 pairs each. Project: two edge persons of 2 records, 49,999 of 4.
    assert score.records == n
    assert (score.truth_persons, score.predicted_persons) == (50_000, 50_001)
    assert score.true_pairs == 300_000
    assert score.predicted_pairs == 2 * 1 + 49_999 * 6
    assert score.correct_pairs == 2 * 1 + 49_999 * 2
    # Each inner record shares 2 of its 4 project mates; the 4 edge records share all of theirs.
    assert score.bcubed_precision == pytest.approx((199_996 * 0.5 + 4 * 1.0) / n)
    assert score.bcubed_recall == pytest.approx(0.5)

    mapping = person_mapping(truth, predicted)
    assert len(mapping) == 50_001
    assert mapping["X000000"] == "T000000"
    # X000001 holds r2, r3 (T000000) and r4, r5 (T000001): a 2-2 tie goes to the smaller id.
    assert mapping["X000001"] == "T000000"
    assert mapping["X050000"] == "T049999"


# --------------------------------------------------------------------------- mapping


def test_mapping_majority_and_lexicographic_tie_break() -> None:
    truth = {"a": "P2", "b": "P2", "c": "P1", "d": "P3", "e": "P1", "f": "P9", "m": "P9"}
    predicted = {
        "a": "X",
        "b": "X",
        "c": "X",  # X: 2 of P2, 1 of P1 -> P2
        "d": "Y",
        "e": "Y",  # Y: 1 of P3, 1 of P1 -> tie -> P1 (smallest)
        "zz": "Z",  # Z: no truth record -> unmapped
        "f": "W",
        "m": "W",  # W: f (P9) and m, malformed (P9 too, but it may not vote); still P9 by f
    }
    expected = {"X": "P2", "Y": "P1", "W": "P9"}
    assert person_mapping(truth, predicted, malformed={"m"}) == expected
    # The tie-break may not depend on the order the records arrive in.
    reversed_predicted = dict(reversed(list(predicted.items())))
    assert person_mapping(truth, reversed_predicted, malformed={"m"}) == expected


def test_mapping_malformed_records_do_not_vote() -> None:
    truth = {"a": "P2", "m1": "P1", "m2": "P1"}
    predicted = {"a": "X", "m1": "X", "m2": "X"}
    assert person_mapping(truth, predicted) == {"X": "P1"}
    assert person_mapping(truth, predicted, malformed={"m1", "m2"}) == {"X": "P2"}


# --------------------------------------------------------------------------- relationships


def test_ties_with_statuses_by_hand() -> None:
    truth_ties = [
        tie("M1", "C1", "MOTHER"),
        tie("F1", "C1", "FATHER"),
        tie("M2", "C2", "MOTHER"),
        tie("F2", "C2", "FATHER"),
        tie("M3", "C3", "MOTHER"),
    ]
    mapping = {
        "pm1": "M1",
        "pm1b": "M1",  # a split mother
        "pf1": "F1",
        "pc1": "C1",
        "pm2": "M2",
        "pf2": "F2",
        "pc2": "C2",
        "pm3": "M3",
        "pc3": "C3",
        "px": "X9",
    }
    predicted = [
        tie("pm1", "pc1", "MOTHER", "CONFIRMED"),  # right, label right
        tie("pm1b", "pc1", "MOTHER", "PROBABLE"),  # same mapped pair: counts once
        tie("pf1", "pc1", "PARENT", "PROBABLE"),  # right, label unspecified
        tie("pm2", "pc2", "FATHER", "CONFIRMED"),  # right, label wrong
        tie("pf2", "pc2", "FATHER", "CANDIDATE"),  # true, found only as a candidate
        tie("pm3", "pc3", "MOTHER", "REJECTED"),  # true, rejected: not even a candidate
        tie("pc3", "pm3", "MOTHER", "CONFIRMED"),  # reversed direction: wrong
        tie("px", "pc2", "FATHER", "PROBABLE"),  # maps to a pair that is no tie: wrong
        tie("nobody", "pc1", "FATHER", "confirmed"),  # unmapped parent: wrong, status case-insensitive
    ]
    score = evaluate_relationships(truth_ties, predicted, mapping)
    assert score.true_ties == 5
    assert score.tie_rows == 9
    assert score.asserted_rows == 7
    assert score.asserted_unmapped_rows == 1
    # Distinct asserted: (M1,C1), (F1,C1), (M2,C2), (C3,M3), (X9,C2), unmapped (nobody,pc1) = 6.
    assert score.asserted_ties == 6
    assert score.true_ties_found == 3
    assert score.precision == pytest.approx(3 / 6)
    assert score.recall == pytest.approx(3 / 5)
    assert score.f1 == pytest.approx(2 * 0.5 * 0.6 / 1.1)
    # Candidates (not REJECTED, mapped): (M1,C1), (F1,C1), (M2,C2), (F2,C2) are true; M3->C3 was rejected.
    assert score.true_ties_found_as_candidate == 4
    assert score.candidate_recall == pytest.approx(4 / 5)
    assert (score.label_right, score.label_wrong, score.label_unspecified) == (1, 1, 1)
    assert score.label_accuracy == pytest.approx(1 / 2)


def test_ties_duplicate_labels_disagreeing_are_wrong() -> None:
    truth_ties = [tie("M1", "C1", "MOTHER")]
    mapping = {"a": "M1", "b": "M1", "c": "C1"}
    agree = [tie("a", "c", "MOTHER", "CONFIRMED"), tie("b", "c", "PARENT", "PROBABLE")]
    disagree = [tie("a", "c", "MOTHER", "CONFIRMED"), tie("b", "c", "FATHER", "PROBABLE")]
    assert evaluate_relationships(truth_ties, agree, mapping).label_right == 1
    score = evaluate_relationships(truth_ties, disagree, mapping)
    assert (score.label_right, score.label_wrong) == (0, 1)
    assert score.precision == 1.0  # one distinct pair, and it is true


def test_ties_nothing_asserted_has_undefined_precision() -> None:
    truth_ties = [tie("M1", "C1", "MOTHER")]
    score = evaluate_relationships(truth_ties, [tie("a", "c", "MOTHER", "CANDIDATE")], {"a": "M1", "c": "C1"})
    assert score.asserted_ties == 0
    assert score.precision is None
    assert score.recall == 0.0
    assert score.f1 is None
    assert score.candidate_recall == 1.0
    assert score.label_accuracy is None


def test_ties_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="status 'MAYBE'"):
        evaluate_relationships([], [tie("a", "b", "MOTHER", "MAYBE")], {})


# --------------------------------------------------------------------------- separations


def test_separations_right_rows_and_within_one_day() -> None:
    truth_seps = [
        separation("C1", "M1", "2018-05-03", "2018-07-20", "REUNIFIED", "N"),
        separation("C2", "M2", "2018-05-10", "", "PARENT_REMOVED", "Y"),
        separation("C3", "F3", "2018-06-01", "", "APART", "N"),
        separation("C4", "F4", "2018-06-02", "2018-07-01", "REUNIFIED", "N"),
    ]
    mapping = {"c1": "C1", "m1": "M1", "c2": "C2", "m2": "M2", "c3": "C3", "f3": "F3", "c1b": "C1", "x": "X"}
    predicted = [
        # one day late, outcome and basis right, reunified_at exact
        separation("c1", "m1", "2018-05-04", "2018-07-20", "REUNIFIED", "N"),
        # the same separation again through a split child: right, a duplicate; two days early
        separation("c1b", "m1", "2018-05-01", "2018-07-21", "REUNIFIED", "N"),
        # one day early, outcome wrong, basis wrong, a reunified_at the truth lacks
        separation("c2", "m2", "2018-05-09", "2018-06-01", "REUNIFIED", "N"),
        # blank date: never within a day
        separation("c3", "f3", "", "", "APART", "N"),
        # a pair that is no separation, and an unmapped row
        separation("c3", "m2", "2018-06-01"),
        separation("nobody", "f3", "2018-06-01"),
    ]
    score = evaluate_separations(truth_seps, predicted, mapping)
    assert score.true_separations == 4
    assert score.rows == 6
    assert score.unmapped_rows == 1
    assert score.right_rows == 4
    assert score.duplicate_right_rows == 1
    assert score.true_separations_found == 3
    assert score.precision == pytest.approx(4 / 6)
    assert score.recall == pytest.approx(3 / 4)
    assert score.f1 == pytest.approx(2 * (4 / 6) * (3 / 4) / (4 / 6 + 3 / 4))
    assert score.separated_at_within_one_day == 2  # c1 (+1 day), c2 (-1 day); not c1b (-2), not c3 (blank)
    assert score.separated_at_within_one_day_share == pytest.approx(2 / 4)
    assert score.outcome_right == 3  # c1, c1b, c3
    assert score.outcome_accuracy == pytest.approx(3 / 4)
    assert score.judicial_basis_right == 3  # c1, c1b, c3 (c2 should be Y)
    assert score.judicial_basis_accuracy == pytest.approx(3 / 4)
    assert score.right_rows_truth_reunified == 2  # c1 and c1b
    assert score.reunified_at_exact == 1  # c1b is a day off
    assert score.reunified_at_exact_share == pytest.approx(1 / 2)
    assert score.reunified_at_spurious == 1  # c2


def test_separations_empty_export_is_undefined() -> None:
    score = evaluate_separations([separation("C1", "M1", "2018-05-03")], [], {})
    assert score.precision is None
    assert score.recall == 0.0
    assert score.separated_at_within_one_day_share is None
    assert score.outcome_accuracy is None


# --------------------------------------------------------------------------- quarantine


def test_quarantine_recall_and_loss() -> None:
    malformed = {"f:bad1", "f:bad2", "f:bad3", "f:fixed"}
    wellformed = {"f:ok1", "f:ok2", "f:ok3", "f:fixed"}  # f:fixed: a good row and a broken correction
    quarantine = [
        {"record_key": "f:bad1", "file": "f_20180601.csv", "line": "7"},
        {"record_key": "f:bad1", "file": "f_20180602.csv", "line": "3"},  # twice: counts once
        {"record_key": "f_20180601.csv:9", "file": "f_20180601.csv", "line": "9"},  # no id: bad2 by its line
        {"record_key": "f:fixed", "file": "f_20180603.csv", "line": "2"},  # expected, and still exported
        {"record_key": "f:ok1", "file": "f_20180601.csv", "line": "4"},  # quarantined and not exported: lost
        {"record_key": "f:ok2", "file": "f_20180601.csv", "line": "5"},  # quarantined but exported: not lost
        {"record_key": "f_20180609.csv:2", "file": "f_20180609.csv", "line": "2"},  # unknown
    ]
    exported = {"f:ok2", "f:ok3", "f:fixed", "f:bad3"}  # bad3 was ingested instead of quarantined
    broken_lines = {("f_20180601.csv", 9): "f:bad2"}
    score = evaluate_quarantine(malformed, wellformed, quarantine, exported, broken_lines=broken_lines)
    assert score.malformed_records == 4
    assert score.malformed_quarantined == 3  # bad1, bad2, fixed
    assert score.malformed_missed == 1  # bad3
    assert score.malformed_recall == pytest.approx(3 / 4)
    assert score.malformed_exported == 1  # bad3 (fixed is also well-formed, so its export is right)
    assert score.wellformed_quarantined == 2  # ok1, ok2
    assert score.wellformed_lost == 1  # ok1
    assert score.quarantine_rows == 7
    assert score.quarantine_rows_unknown == 1


def test_quarantine_without_line_map_or_persons_export() -> None:
    quarantine = [{"record_key": "f_20180601.csv:9", "file": "f_20180601.csv", "line": "9"}]
    score = evaluate_quarantine({"f:bad2"}, {"f:ok"}, quarantine, None)
    assert score.malformed_quarantined == 0
    assert score.quarantine_rows_unknown == 1
    assert score.wellformed_lost is None  # cannot tell without persons.csv: not zero
    assert score.malformed_exported is None


# --------------------------------------------------------------------------- files


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, str]], bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _scenario(tmp_path: Path) -> tuple[Path, Path]:
    """A tiny scenario: mother M (2 records), child C (2 records), father F (1), one malformed row."""
    truth_dir = tmp_path / "scenario" / "truth"
    truth_persons = [
        {"record_key": "cbp:1", "person_id": "M", "malformed": "N"},
        {"record_key": "ice:1", "person_id": "M", "malformed": "N"},
        {"record_key": "cbp:2", "person_id": "C", "malformed": "N"},
        {"record_key": "orr:2", "person_id": "C", "malformed": "N"},
        {"record_key": "cbp:3", "person_id": "F", "malformed": "N"},
        {"record_key": "cbp:4", "person_id": "F", "malformed": "Y"},
    ]
    _write_csv(truth_dir / "persons.csv", ["record_key", "person_id", "malformed"], truth_persons, bom=True)
    _write_csv(
        truth_dir / "relationships.csv",
        ["parent_person_id", "child_person_id", "relationship"],
        [
            {"parent_person_id": "M", "child_person_id": "C", "relationship": "MOTHER"},
            {"parent_person_id": "F", "child_person_id": "C", "relationship": "FATHER"},
        ],
    )
    _write_csv(
        truth_dir / "separations.csv",
        SEPARATION_COLUMNS,
        [separation("C", "M", "2018-05-03", "2018-07-20", "REUNIFIED", "N")],
    )
    exports = tmp_path / "exports"
    _write_csv(
        exports / "persons.csv",
        ["record_key", "person_id"],
        [
            {"record_key": "cbp:1", "person_id": "p1"},
            {"record_key": "ice:1", "person_id": "p1"},
            {"record_key": "cbp:2", "person_id": "p2"},
            {"record_key": "orr:2", "person_id": "p3"},  # the child split in two
            {"record_key": "cbp:3", "person_id": "p4"},
        ],
    )
    _write_csv(
        exports / "relationships.csv",
        TIE_COLUMNS,
        [
            tie("p1", "p2", "MOTHER", "CONFIRMED"),
            tie("p1", "p3", "MOTHER", "PROBABLE"),  # same true tie via the split child
            tie("p4", "p2", "PARENT", "CANDIDATE"),
        ],
    )
    _write_csv(
        exports / "separations.csv",
        SEPARATION_COLUMNS,
        [separation("p2", "p1", "2018-05-02", "2018-07-20", "REUNIFIED", "N")],
    )
    _write_csv(
        exports / "quarantine.csv",
        ["record_key", "file", "line", "column", "reason", "raw"],
        [
            {
                "record_key": "cbp:4",
                "file": "cbp_20180601.csv",
                "line": "5",
                "column": "dob",
                "reason": "x",
                "raw": "",
            }
        ],
    )
    return truth_dir, exports


def test_folder_round_trip(tmp_path: Path) -> None:
    truth_dir, exports = _scenario(tmp_path)
    found = find_exports(exports)
    assert set(found) == {"persons", "relationships", "separations", "quarantine"}
    # The scenario folder is accepted in place of its truth/ folder.
    result = evaluate_folder(truth_dir.parent, found)
    assert json.loads(json.dumps(result)) == result

    assert result["truth"]["record_keys"] == 6
    assert result["truth"]["malformed_record_keys"] == 1
    assert result["truth"]["persons"] == 3
    persons = result["persons"]
    assert persons["available"] is True
    assert persons["records"] == 5
    # True pairs: M 1 + C 1 = 2; predicted pairs: p1 1; correct 1.
    assert (persons["true_pairs"], persons["predicted_pairs"], persons["correct_pairs"]) == (2, 1, 1)
    assert persons["pairwise_precision"] == 1.0
    assert persons["pairwise_recall"] == pytest.approx(1 / 2)

    ties = result["relationships"]
    assert ties["asserted_ties"] == 1  # p1->p2 and p1->p3 both map to M->C
    assert ties["precision"] == 1.0
    assert ties["recall"] == pytest.approx(1 / 2)
    assert ties["candidate_recall"] == 1.0
    assert ties["label_right"] == 1

    seps = result["separations"]
    assert (seps["right_rows"], seps["precision"], seps["recall"]) == (1, 1.0, 1.0)
    assert seps["separated_at_within_one_day"] == 1
    assert seps["reunified_at_exact"] == 1

    quarantine = result["quarantine"]
    assert (quarantine["malformed_recall"], quarantine["wellformed_lost"]) == (1.0, 0)

    report = format_report(result)
    assert "pairwise precision (correct / placed-together pairs)" in report
    assert "true ties found by an asserted tie" in report
    assert "not available" not in report
    for line in report.splitlines():
        if line.strip().startswith("pairwise recall"):
            assert line.rstrip().endswith("0.5000")
            break
    else:
        pytest.fail("no pairwise recall line in the report")


def test_folder_missing_exports_are_not_available_not_zero(tmp_path: Path) -> None:
    truth_dir, exports = _scenario(tmp_path)
    result = evaluate_folder(
        truth_dir,
        {"relationships": exports / "relationships.csv", "quarantine": exports / "quarantine.csv"},
    )
    assert result["persons"] == {"available": False, "missing": ["persons.csv"]}
    # Ties need the persons export for the mapping, even though their own file is there.
    assert result["relationships"] == {"available": False, "missing": ["persons.csv"]}
    assert result["separations"] == {"available": False, "missing": ["persons.csv", "separations.csv"]}
    assert result["quarantine"]["malformed_recall"] == 1.0
    assert result["quarantine"]["wellformed_lost"] is None
    assert result["exports"]["persons"] is None
    report = format_report(result)
    assert "not available: missing persons.csv, separations.csv" in report
    assert "n/a (undefined)" in report  # wellformed_lost
    # A path that does not exist counts as absent too.
    absent = evaluate_folder(truth_dir, {"persons": tmp_path / "nowhere.csv"})
    assert absent["persons"]["available"] is False


def test_folder_refuses_unknown_export_names(tmp_path: Path) -> None:
    truth_dir, exports = _scenario(tmp_path)
    with pytest.raises(ValueError, match="unknown export name"):
        evaluate_folder(truth_dir, {"person": exports / "persons.csv"})


def test_read_truth_sets_and_line_map(tmp_path: Path) -> None:
    truth_dir, _ = _scenario(tmp_path)
    _write_csv(
        truth_dir / "broken_rows.csv",
        ["file", "line", "record_key", "kind"],
        [{"file": "cbp_20180601.csv", "line": "5", "record_key": "cbp:4", "kind": "columns"}],
    )
    truth = read_truth(truth_dir)
    assert isinstance(truth, Truth)
    assert truth.malformed == {"cbp:4"}
    assert "cbp:4" not in truth.wellformed_persons
    assert truth.wellformed_persons["orr:2"] == "C"  # BOM-headed file read correctly
    assert truth.broken_lines == {("cbp_20180601.csv", 5): "cbp:4"}
    assert len(truth.relationships) == 2
    assert truth.separations[0]["outcome"] == "REUNIFIED"


def test_read_truth_refuses_bad_files(tmp_path: Path) -> None:
    truth_dir, _ = _scenario(tmp_path)
    _write_csv(
        truth_dir / "persons.csv",
        ["record_key", "person_id", "malformed"],
        [{"record_key": "a:1", "person_id": "P", "malformed": "maybe"}],
    )
    with pytest.raises(ValueError, match="malformed='MAYBE'"):
        read_truth(truth_dir)
    _write_csv(truth_dir / "persons.csv", ["record_key", "person_id"], [])
    with pytest.raises(ValueError, match="missing column"):
        read_truth(truth_dir)


def test_persons_export_with_one_key_in_two_persons_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    _write_csv(
        path,
        ["record_key", "person_id"],
        [{"record_key": "a:1", "person_id": "p1"}, {"record_key": "a:1", "person_id": "p2"}],
    )
    with pytest.raises(ValueError, match="two person ids"):
        read_persons_export(path)
