"""Separations on a generated scenario, with persons and ties taken from the truth.

Why from the truth: this isolates the custody layer.  Linkage errors are
scored by the linkage tests; here every miss is the custody logic's own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reunify.custody import custody_episodes, data_quality_findings, detect_separations, where_is
from reunify.linkage.evaluation import evaluate_separations, read_truth
from reunify.linkage.person_records import latest_records
from reunify.synth import generate_scenario


@pytest.mark.slow
def test_separations_on_a_generated_scenario(tmp_path: Path) -> None:
    generate_scenario(tmp_path, families=300, seed=11)
    records, _ = latest_records([tmp_path])
    truth = read_truth(tmp_path)
    persons: dict[str, list] = {}
    for record in records:
        persons.setdefault(truth.persons[record.record_key], []).append(record)
    ties = [(tie["parent_person_id"], tie["child_person_id"], "CONFIRMED") for tie in truth.relationships]

    separations = detect_separations(persons, ties)
    score = evaluate_separations(
        truth.separations, [s.export_row() for s in separations], {person: person for person in persons}
    )

    print(
        f"separations: {score.rows} rows, {score.true_separations} true; precision {score.precision},"
        f" recall {score.recall}, separated_at±1d {score.separated_at_within_one_day_share},"
        f" outcome {score.outcome_accuracy}, judicial_basis {score.judicial_basis_accuracy},"
        f" reunified_at {score.reunified_at_exact_share}"
    )
    assert score.true_separations > 50
    assert score.precision >= 0.99
    assert score.recall >= 0.99
    assert score.separated_at_within_one_day_share >= 0.99
    assert score.outcome_accuracy >= 0.99
    assert score.judicial_basis_accuracy >= 0.99
    assert all(s.source_keys for s in separations)

    # Every person's ledger builds, and where_is answers for everyone with custody records.
    for person_records in persons.values():
        episodes = custody_episodes(person_records)
        data_quality_findings(episodes)
        if episodes:
            assert where_is(episodes) is not None
