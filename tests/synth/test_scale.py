"""A full-size scenario, checked row by row (slow)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from reunify.synth import generate_scenario

from .feedcheck import read_scenario

pytestmark = pytest.mark.slow


def test_ten_thousand_families_are_well_formed_except_the_broken_rows(tmp_path: Path) -> None:
    summary = generate_scenario(tmp_path, 10_000, 2018)
    assert summary.rows > 60_000
    with (tmp_path / "truth" / "broken_rows.csv").open(encoding="utf-8", newline="") as handle:
        declared = {(b["file"], int(b["line"])): int(b["rule"]) for b in csv.DictReader(handle)}
    found = {
        (name, row.line): row.rules
        for name, rows in read_scenario(tmp_path).items()
        for row in rows
        if row.rules
    }
    assert {where: rules for where, rules in found.items()} == {
        where: {rule} for where, rule in declared.items()
    }
    assert 0.004 < summary.broken_rows / summary.rows < 0.006
