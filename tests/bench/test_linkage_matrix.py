"""The generalisation matrix (bench/linkage_matrix.py) runs end to end on two small cells.

Why a test of a benchmark: the matrix is how quality targets are judged, and
a report that silently lost a figure or its worst line would read as a pass.
This checks the machinery (cells generated and reused, a child process per
cell, every figure in the table, a worst line per figure, the targets), never
the figures themselves: at 150 families they say little.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import linkage_matrix as matrix_bench


def test_a_cell_naming_a_field_the_generator_lacks_is_skipped_with_its_name() -> None:
    unknown = matrix_bench.Cell("future", {"noise": 1.0, "no_such_knob": 0.5}, 99, "a field not there yet")

    runnable, skipped = matrix_bench.resolve_cells([matrix_bench.cell_named("base"), unknown])

    assert [r.cell.name for r in runnable] == ["base"]
    assert [(cell.name, "no_such_knob" in reason) for cell, reason in skipped] == [("future", True)]


def test_every_cell_has_its_own_seed() -> None:
    seeds = [matrix_bench.cell_seed(cell, 1) for cell in matrix_bench.CELLS]

    assert len(set(seeds)) == len(seeds)


@pytest.mark.slow
def test_two_cells_report_every_figure_a_worst_line_and_the_targets(tmp_path: Path) -> None:
    cells = [matrix_bench.cell_named("base"), matrix_bench.cell_named("noise-2.5")]
    progress: list[str] = []

    matrix = matrix_bench.run_matrix(
        cells, families=150, seeds=[1], misses=True, root=tmp_path, out=progress.append
    )

    assert [run.error for run in matrix.runs] == [None, None], progress[-20:]
    assert not matrix.skipped
    report = matrix_bench.report_lines(matrix)
    header = next(line for line in report if line.startswith("cell/seed") and "ties P" in line)
    for figure in matrix_bench.FIGURES:
        assert figure.header in header
        assert any(line.startswith(f"  worst {figure.label}") for line in report), figure.key
    for run in matrix.runs:
        assert any(line.startswith(run.label) for line in report)
        assert set(run.result["stages"]) == set(matrix_bench.STAGES)
    targets = [line for line in report if line.lstrip().startswith(("PASS", "MISS"))]
    assert len(targets) == sum(1 for f in matrix_bench.FIGURES if f.target is not None)
    assert json.loads(json.dumps(matrix.as_dict()))["worst"].keys() == {f.key for f in matrix_bench.FIGURES}
    assert isinstance(matrix_bench.miss_report_lines(matrix), list)

    # The scenarios are reused, and truth persons leave the persons figures unmeasured.
    again: list[str] = []
    truth = matrix_bench.run_matrix(
        cells, families=150, seeds=[1], persons="truth", root=tmp_path, out=again.append
    )

    assert sum("reused" in line for line in again) == 2
    assert all(run.result is not None and "persons" not in run.result["stages"] for run in truth.runs)
    report = matrix_bench.report_lines(truth)
    assert sum("NOT MEASURED" in line for line in report) == 2
    assert any(line.startswith("  worst ties: precision") for line in report)
