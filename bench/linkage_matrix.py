"""Generalisation matrix: persons, ties and separations on a matrix of generator configurations, judged by the worst cell.

Usage::

    .venv/bin/python bench/linkage_matrix.py                                   # every cell, 3,000 families, full chain
    .venv/bin/python bench/linkage_matrix.py --families 500 --cells base noise-2.5
    .venv/bin/python bench/linkage_matrix.py --persons truth                   # ties + separations on the truth persons
    .venv/bin/python bench/linkage_matrix.py --misses --json var/bench/matrix.json
    .venv/bin/python bench/linkage_matrix.py --seeds 1 2 --jobs 2              # two seeds per cell, two cells at a time
    .venv/bin/python bench/linkage_matrix.py --list-cells                      # the cells and what SynthConfig lacks
    .venv/bin/python bench/linkage_matrix.py --families 20000 --cells base --persons truth --compare-ref 6a15ae4

Why a matrix: our linkage met every target on our own generator and missed
them on independent deliveries.  A figure measured on one configuration says
how well the model fits that configuration, not how well it generalises, so
every quality figure here is reported as the WORST cell of a set of generator
configurations that together push each axis of the generator to both of its
extremes (name pools and country mix, relatives travelling as a family unit,
lone children whose parent is in the feeds, fraudulent "parents", messiness,
malformed rows, children naming only one parent).  It is not a full
factorial: one cell per axis at its far end, one cell at the easy end of
most axes, the defaults, and one cell with everything at once.

Each cell is a ``SynthConfig`` mapping (``SynthConfig.from_mapping``).  A cell
naming a field the installed ``SynthConfig`` does not know is skipped with a
message naming the fields (the generator grows its knobs while this script is
in use); the worst-cell lines then say over how many cells they were taken.

Per cell and seed, the scenario is generated once under
``var/bench/matrix/<cell>_<families>_<seed>`` (reused while its
``truth/scenario.json`` holds the same config, families and seed; regenerated
otherwise), in a child process.  Then, in another child process per cell (so
that the peak memory is the cell's own), the newest well-formed version of
every record is read (``latest_records``), persons are linked
(``link_persons``; or taken from the truth with ``--persons truth``, which
isolates the tie model), ties are linked (``link_ties``), separations are
detected (``detect_separations`` over person -> records and the ties'
(parent, child, status) triples, as ``reunify.app.custody`` does), and all three
are scored as EXPORTS.md counts them (``reunify.linkage.evaluation``).  Each
stage's wall seconds and the peak resident memory of the process while it
ran (psutil, sampled every 50 ms) are recorded.

Printed: a table cell x figure, a legend saying what each column counts, a
timing table, one "worst" line per figure naming the cell, and the targets
with PASS or MISS.  ``--misses`` adds, for the cells that are worst on a tie
or separation target, why true ties were missed and asserted ones were wrong
(``bench/linkage.py``'s ``tie_misses``) and the false and missed separations
with the child's and the parent's record keys.

``--compare-ref REF`` times the ties stage of another git revision against
the working tree, on the same delivery files and the same truth persons:
``REF`` is checked out with ``git worktree add --detach`` under
``var/bench/worktrees/<REF>`` and imported from its ``src`` through
``PYTHONPATH`` in a child process; the working tree's ties stage runs in a
child process of its own right after, with the same default ``TieSettings``.
Both print their seconds and the ratio (working tree / REF).  Both read the
records with their own reader, so the script checks that the two read the
same records (a digest of every record's key and fields).  Timings on the
shared 2-core machine are noisy; compare runs made while it is quiet.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_VAR, REPO

Out = Callable[[str], None]

MATRIX_VAR = BENCH_VAR / "matrix"
WORKTREES = BENCH_VAR / "worktrees"

# --------------------------------------------------------------------------- the cells


@dataclass(frozen=True)
class Cell:
    """One generator configuration of the matrix.

    ``config`` is a ``SynthConfig.from_mapping`` mapping, except that
    ``country_weights`` may be given as {ISO code: weight}: the tuple the
    generator wants is ordered like ``synth.pools.COUNTRIES``, and naming the
    countries keeps the cell readable and right if that order changes.
    ``seed_offset`` makes the seeds differ per cell, so no two cells share
    their random draws.
    """

    name: str
    config: Mapping[str, Any]
    seed_offset: int
    why: str


#: The axes and their ends.  Names: ``name_pool`` default / alt, ``country_weights``
#: default / 85% Honduras / mostly Mexico, Ecuador, Nicaragua.  Relatives: 0 / 10% of
#: units a relative unit (``share_relative_unit``) and 0 / 10% of family units with an
#: extra adult relative (``relative_with_parent_rate``).  Lone children with a parent
#: in the feeds: 0 / 30%.  Fraud: 0 / 3% false parents, DNA-tested and flagged 10% of
#: the time.  Messiness: noise x0.5 / x2.5.  Malformed rows: 0 / 4%, protected Border
#: Patrol rows of separations too.  Children naming one of two parents: 0 / 80%.
#: Cells leave every field they do not name at the generator's default.
CELLS: tuple[Cell, ...] = (
    Cell("base", {}, 1, "the generator's defaults: what the model was tuned on"),
    Cell(
        "alt-names-honduras",
        {"name_pool": "alt", "country_weights": {"HN": 85, "GT": 5, "SV": 5, "MX": 3, "EC": 1, "NI": 1}},
        2,
        "the other name pool, and a country mix far from the default (85% Honduras)",
    ),
    Cell(
        "relatives-10",
        {"share_relative_unit": 0.10, "relative_with_parent_rate": 0.10, "one_parent_named_rate": 0.8},
        3,
        "10% relative units, 10% of families with an extra adult relative; 80% of children name one parent",
    ),
    Cell(
        "lone-30-fraud-3",
        {
            "lone_child_parent_in_feeds": 0.30,
            "share_false_parent": 0.03,
            "false_parent_dna_rate": 0.1,
            "false_parent_flagged_rate": 0.1,
        },
        4,
        "30% of lone children have a parent in the feeds; 3% false parents, seldom DNA-tested or flagged",
    ),
    Cell(
        "noise-0.5-broken-4",
        {
            "noise": 0.5,
            "broken_rate": 0.04,
            "broken_protected_cbp_rate": 0.04,
            "share_relative_unit": 0.0,
            "relative_with_parent_rate": 0.0,
            "lone_child_parent_in_feeds": 0.0,
            "share_false_parent": 0.0,
            "one_parent_named_rate": 0.0,
        },
        5,
        "half the mess but 4% malformed rows (protected Border Patrol rows too); relatives, lone, fraud at zero",
    ),
    Cell("noise-2.5", {"noise": 2.5, "broken_rate": 0.0}, 6, "messiness x2.5, no malformed rows"),
    Cell(
        "hard-all",
        {
            "name_pool": "alt",
            "country_weights": {"MX": 30, "EC": 25, "NI": 20, "GT": 10, "HN": 10, "SV": 5},
            "share_relative_unit": 0.10,
            "relative_with_parent_rate": 0.10,
            "lone_child_parent_in_feeds": 0.30,
            "share_false_parent": 0.03,
            "false_parent_dna_rate": 0.1,
            "false_parent_flagged_rate": 0.1,
            "noise": 2.5,
            "broken_rate": 0.04,
            "broken_protected_cbp_rate": 0.04,
            "one_parent_named_rate": 0.8,
        },
        7,
        "every axis at its hard end at once",
    ),
)

CELL_NAMES = tuple(cell.name for cell in CELLS)


def cell_named(name: str) -> Cell:
    for cell in CELLS:
        if cell.name == name:
            return cell
    raise KeyError(f"no cell {name!r}; cells: {', '.join(CELL_NAMES)}")


def synth_mapping(cell: Cell) -> dict[str, Any]:
    """The cell's config as ``SynthConfig.from_mapping`` takes it (country weights as a tuple in pool order)."""
    mapping = dict(cell.config)
    weights = mapping.get("country_weights")
    if isinstance(weights, Mapping):
        from reunify.synth.pools import COUNTRIES

        unknown = sorted(set(weights) - set(COUNTRIES))
        if unknown:
            raise ValueError(f"{cell.name}: country_weights names unknown countries {unknown}")
        mapping["country_weights"] = tuple(float(weights.get(code, 0.0)) for code in COUNTRIES)
    return mapping


def unknown_fields(cell: Cell) -> list[str]:
    """The fields of the cell that the installed SynthConfig does not have (yet)."""
    from reunify.synth import SynthConfig

    known = {item.name for item in dataclasses.fields(SynthConfig)}
    return sorted(set(cell.config) - known)


@dataclass
class Resolved:
    """A cell that can run: its generator config, as a mapping and as the SynthConfig it makes."""

    cell: Cell
    mapping: dict[str, Any]
    config: Any  # reunify.synth.SynthConfig


def resolve_cells(cells: Sequence[Cell]) -> tuple[list[Resolved], list[tuple[Cell, str]]]:
    """Split the cells into those the installed generator can make and those it cannot, with the reason.

    Why not crash: the generator gains the fields of this matrix while the
    matrix is in use; the cells it can already make are still worth running,
    provided the report says loudly which were skipped and why.
    """
    from reunify.synth import SynthConfig

    runnable: list[Resolved] = []
    skipped: list[tuple[Cell, str]] = []
    for cell in cells:
        missing = unknown_fields(cell)
        if missing:
            skipped.append((cell, f"SynthConfig does not know yet: {', '.join(missing)}"))
            continue
        try:
            mapping = synth_mapping(cell)
            config = SynthConfig.from_mapping(mapping)
        except ValueError as error:
            skipped.append((cell, f"SynthConfig refused the config: {error}"))
            continue
        runnable.append(Resolved(cell, mapping, config))
    return runnable, skipped


def cell_seed(cell: Cell, seed: int) -> int:
    """The generator seed of a cell for one ``--seeds`` value: different for every cell and every seed."""
    return seed * 1000 + cell.seed_offset


def scenario_folder(root: Path, cell: Cell, families: int, seed: int) -> Path:
    return root / f"{cell.name}_{families}_{seed}"


def scenario_is_current(folder: Path, config: Any, families: int, seed: int) -> bool:
    """Whether the folder holds a finished scenario of exactly this config, size and seed.

    Why compare the whole config and not just the cell's overrides: the
    generator's defaults change too, and a scenario of yesterday's defaults
    would then pass for today's.
    """
    path = folder / "truth" / "scenario.json"
    if not path.exists():
        return False
    try:
        written = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    wanted = json.loads(json.dumps(config.to_dict()))
    return (
        written.get("families") == families
        and written.get("seed") == seed
        and written.get("config") == wanted
    )


# --------------------------------------------------------------------------- figures and targets


@dataclass(frozen=True)
class Figure:
    """A quality figure: its key in a cell's figures, its column header, what it counts, and its target."""

    key: str
    header: str
    label: str
    target: float | None = None
    persons_only: bool = False  # undefined when persons come from the truth


FIGURES: tuple[Figure, ...] = (
    Figure("persons_precision", "pers P", "persons: pairwise precision (record pairs placed together that are one real person / pairs placed together)", 0.9995, True),
    Figure("persons_recall", "pers R", "persons: pairwise recall (record pairs of one real person placed together / such pairs)", 0.997, True),
    Figure("persons_f1", "pers F1", "persons: pairwise F1", None, True),
    Figure("ties_precision", "ties P", "ties: precision (asserted = CONFIRMED or PROBABLE mapped pairs that are true ties / asserted)", 0.995),
    Figure("ties_recall", "ties R", "ties: recall (true ties found asserted / true ties)", 0.99),
    Figure("ties_candidate_recall", "cand R", "ties: candidate recall (true ties present at any status but REJECTED / true ties)", 0.998),
    Figure("ties_label_accuracy", "label", "ties: MOTHER/FATHER label accuracy (right / right + wrong, on true asserted ties)"),
    Figure("separations_precision", "seps P", "separations: precision (rows whose mapped child and parent are a true separation / rows)", 0.995),
    Figure("separations_recall", "seps R", "separations: recall (true separations found by a right row / true separations)", 0.995),
    Figure("separated_at_accuracy", "sep@±1d", "separations: right rows with separated_at within one day / right rows"),
    Figure("outcome_accuracy", "outcome", "separations: right rows with the true outcome / right rows"),
    Figure("judicial_basis_accuracy", "judicial", "separations: right rows with the true judicial_basis / right rows"),
)  # fmt: skip

#: Counts shown beside the figures, so that a ratio can be read against its denominator.
COUNTS: tuple[tuple[str, str, str], ...] = (
    ("records", "records", "newest well-formed version of each record, read from the feeds"),
    ("true_ties", "true ties", "parent-child ties in truth/relationships.csv"),
    (
        "asserted_ties",
        "asserted",
        "distinct asserted (CONFIRMED/PROBABLE) ties after mapping to truth persons",
    ),
    ("true_separations", "true seps", "(child, parent) rows in truth/separations.csv"),
    ("separation_rows", "sep rows", "(child, parent) separation rows we detected"),
)

STAGES: tuple[str, ...] = ("read", "persons", "ties", "separations", "score")


# --------------------------------------------------------------------------- measuring, in the child process


@contextmanager
def stage(name: str, stages: dict[str, dict[str, float]], out: Out = print) -> Iterator[None]:
    """Time a stage and take the peak resident memory of this process while it runs.

    Why psutil sampling and not tracemalloc: DuckDB and Arrow allocate outside
    Python.  ``bench/linkage_persons.PeakMemory`` is that sampler.
    """
    from linkage_persons import PeakMemory

    out(f"{name} ...")
    clock = time.perf_counter()
    with PeakMemory() as peak:
        yield
    seconds = time.perf_counter() - clock
    stages[name] = {"seconds": round(seconds, 3), "peak_mib": round(peak.peak / 2**20, 1)}
    out(f"{name}: {seconds:.1f} s, peak resident {peak.peak / 2**20:,.0f} MiB")


def _keys_by(person_of: Mapping[str, str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for key, person in person_of.items():
        found[person].append(key)
    return found


def _shown_keys(keys: Sequence[str] | None, limit: int = 4) -> str:
    keys = sorted(keys or ())
    if not keys:
        return "(no records)"
    more = f" +{len(keys) - limit} more" if len(keys) > limit else ""
    return ", ".join(keys[:limit]) + more


def separation_misses(
    truth: Any,
    person_of: Mapping[str, str],
    mapping: Mapping[str, str],
    tie_rows: Sequence[Mapping[str, str]],
    rows: Sequence[Mapping[str, str]],
    examples: int = 3,
) -> list[str]:
    """False and missed separations, each put down to a cause, with the child's and the parent's record keys.

    Why these causes: a separation needs both persons right, an asserted tie
    between them, and the custody logic to see the joint apprehension and the
    refugee office placement; naming which of the three failed tells the
    engineer which module to open.  Record keys are the truth person's
    (missed) or the project person's (false), so the rows can be looked up
    in the feeds.
    """
    truth_persons = truth.wellformed_persons
    truth_keys = _keys_by({k: truth_persons[k] for k in person_of if k in truth_persons})
    project_keys = _keys_by(person_of)
    stands_for: dict[str, list[str]] = defaultdict(list)
    for project, real in mapping.items():
        stands_for[real].append(project)
    true_ties = {(r["parent_person_id"], r["child_person_id"]) for r in truth.relationships}
    true_seps = {(r["child_person_id"], r["parent_person_id"]) for r in truth.separations}
    truth_parents: dict[str, set[str]] = defaultdict(set)
    for child, parent in true_seps:
        truth_parents[child].add(parent)
    status: dict[tuple[str, str], str] = {}
    for row in tie_rows:
        status[(row["parent_person_id"], row["child_person_id"])] = row["status"]
    found_pairs: set[tuple[str | None, str | None]] = set()
    found_children: set[str | None] = set()
    for row in rows:
        child, parent = mapping.get(row["child_person_id"]), mapping.get(row["parent_person_id"])
        found_pairs.add((child, parent))
        found_children.add(child)

    lines: list[str] = []
    missed: Counter[str] = Counter()
    missed_examples: dict[str, list[str]] = defaultdict(list)
    for child, parent in sorted(true_seps):
        if (child, parent) in found_pairs:
            continue
        children, parents = stands_for.get(child, []), stands_for.get(parent, [])
        if not children or not parents:
            cause = f"persons: no project person stands for the {'child' if not children else 'parent'}"
        else:
            statuses = {status.get((p, c)) for p in parents for c in children}
            split = [side for side, ids in (("child", children), ("parent", parents)) if len(ids) > 1]
            if statuses & {"CONFIRMED", "PROBABLE"}:
                cause = "custody: tie asserted, no separation detected"
                if child in found_children:
                    cause += " for this parent (the child has one with another)"
            else:
                shown = sorted(s or "no tie" for s in statuses)
                cause = f"ties: not asserted ({', '.join(shown)})"
            if split:
                # A split person is the likelier cause: the tie or the apprehension sits on the other fragment.
                cause = f"persons: {' and '.join(split)} split into several persons; then {cause}"
        missed[cause] += 1
        if len(missed_examples[cause]) < examples:
            missed_examples[cause].append(
                f"child {child} ({len(stands_for.get(child, []))} of our persons) [{_shown_keys(truth_keys.get(child))}]"
                f" / parent {parent} ({len(stands_for.get(parent, []))} of our persons) "
                f"[{_shown_keys(truth_keys.get(parent))}]"
            )
    lines.append(f"  true separations not found: {sum(missed.values()):,}")
    for cause, count in missed.most_common():
        lines.append(f"    {count:5,}  {cause}")
        lines.extend(f"           e.g. {example}" for example in missed_examples[cause])

    wrong: Counter[str] = Counter()
    wrong_examples: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        child_id, parent_id = row["child_person_id"], row["parent_person_id"]
        child, parent = mapping.get(child_id), mapping.get(parent_id)
        if (child, parent) in true_seps:
            continue
        if child is None or parent is None:
            cause = "persons: a person maps to no truth person"
        elif (parent, child) in true_ties:
            cause = "custody: a true tie, not a true separation"
            if truth_parents.get(child):
                cause += " (the child was separated from another parent)"
        else:
            cause = f"ties: asserted tie is false (tie status {status.get((parent_id, child_id), '?')})"
        merged = [
            side for side, person in (("child", child_id), ("parent", parent_id))
            if len({truth_persons.get(k) for k in project_keys.get(person, ()) if k in truth_persons}) > 1
        ]  # fmt: skip
        if merged:
            cause += f" ({' and '.join(merged)} person merges several truth persons)"
        wrong[cause] += 1
        if len(wrong_examples[cause]) < examples:
            wrong_examples[cause].append(
                f"child {child_id} [{_shown_keys(project_keys.get(child_id))}] / parent {parent_id} "
                f"[{_shown_keys(project_keys.get(parent_id))}] separated_at {row['separated_at']}"
            )
    lines.append(f"  separation rows that are wrong: {sum(wrong.values()):,}")
    for cause, count in wrong.most_common():
        lines.append(f"    {count:5,}  {cause}")
        lines.extend(f"           e.g. {example}" for example in wrong_examples[cause])
    return lines


def _tie_miss_lines(
    mapping: Mapping[str, str], tie_rows: list[dict[str, str]], ties: Any, truth: Any
) -> list[str]:
    """bench/linkage.py's ``tie_misses`` on this cell, its lines collected rather than printed."""
    from linkage import tie_misses

    lines: list[str] = []
    # tie_misses reads only these three attributes of its ModelFigures.
    tie_misses(SimpleNamespace(mapping=mapping, tie_rows=tie_rows, ties_result=ties), truth, lines.append)  # type: ignore[arg-type]
    return lines


def measure_cell(folder: Path, persons: str, misses: bool, out: Out = print) -> dict[str, Any]:
    """Read, link persons (or take the truth's), link ties, detect separations and score, stage by stage.

    Runs in a child process of its own (see ``run_cell``), so that the peak
    memory is the cell's.  Returns plain JSON values.
    """
    from reunify.custody import detect_separations
    from reunify.linkage.evaluation import (
        evaluate_persons,
        evaluate_relationships,
        evaluate_separations,
        person_mapping,
        read_truth,
    )
    from reunify.linkage.person_records import latest_records
    from reunify.linkage.ties import TieSettings, link_ties

    stages: dict[str, dict[str, float]] = {}
    with stage("read", stages, out):
        records, read_counts = latest_records([folder])
        truth = read_truth(folder)
    out(
        f"read: {len(records):,} records (newest well-formed versions), {read_counts.get('rejected', 0):,} rows quarantined"
    )
    truth_persons = truth.wellformed_persons
    persons_timings: dict[str, float] = {}
    if persons == "linkage":
        from reunify.linkage.persons import link_persons

        with stage("persons", stages, out):
            linked = link_persons(records)
        person_of = linked.clusters
        persons_timings = {k: round(v, 2) for k, v in (getattr(linked, "timings", None) or {}).items()}
        out("persons sub-stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in persons_timings.items()))
        del linked  # its pair tables are the largest thing held; free them before the ties
    else:
        person_of = {
            r.record_key: truth_persons[r.record_key] for r in records if r.record_key in truth_persons
        }

    with stage("ties", stages, out):
        ties = link_ties(records, person_of, settings=TieSettings(keep_candidates=misses))
    ties_timings = {k: round(v, 2) for k, v in (getattr(ties, "timings", None) or {}).items()}
    out("ties sub-stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in ties_timings.items()))
    tie_rows = [
        {
            "parent_person_id": t.parent,
            "child_person_id": t.child,
            "relationship": t.relationship,
            "status": t.status,
        }
        for t in ties.ties
    ]
    with stage("separations", stages, out):
        by_person: dict[str, list[Any]] = defaultdict(list)
        for record in records:
            person = person_of.get(record.record_key)
            if person is not None:
                by_person[person].append(record)
        separations = detect_separations(by_person, [(t.parent, t.child, t.status) for t in ties.ties])
    separation_rows = [s.export_row() for s in separations]

    figures: dict[str, Any] = {}
    with stage("score", stages, out):
        if persons == "linkage":
            score = evaluate_persons(truth_persons, person_of)
            figures |= {
                "persons_precision": score.pairwise_precision,
                "persons_recall": score.pairwise_recall,
                "persons_f1": score.pairwise_f1,
            }
            persons_counts = {
                "truth_persons": score.truth_persons,
                "predicted_persons": score.predicted_persons,
            }
            mapping = person_mapping(truth_persons, person_of)
        else:
            mapping = {person: person for person in set(person_of.values())}
            persons_counts = {"truth_persons": len(mapping), "predicted_persons": len(mapping)}
        tie_score = evaluate_relationships(truth.relationships, tie_rows, mapping)
        sep_score = evaluate_separations(truth.separations, separation_rows, mapping)
    figures |= {
        "ties_precision": tie_score.precision,
        "ties_recall": tie_score.recall,
        "ties_candidate_recall": tie_score.candidate_recall,
        "ties_label_accuracy": tie_score.label_accuracy,
        "separations_precision": sep_score.precision,
        "separations_recall": sep_score.recall,
        "separated_at_accuracy": sep_score.separated_at_within_one_day_share,
        "outcome_accuracy": sep_score.outcome_accuracy,
        "judicial_basis_accuracy": sep_score.judicial_basis_accuracy,
    }
    counts = {
        "records": len(records),
        "quarantined_rows": read_counts.get("rejected", 0),
        **persons_counts,
        "true_ties": tie_score.true_ties,
        "tie_rows": tie_score.tie_rows,
        "asserted_ties": tie_score.asserted_ties,
        "true_ties_found": tie_score.true_ties_found,
        "true_separations": sep_score.true_separations,
        "separation_rows": sep_score.rows,
        "right_separation_rows": sep_score.right_rows,
    }
    miss_lines: list[str] = []
    if misses:
        out("miss analysis ...")
        miss_lines.append("ties (bench/linkage.py tie_misses):")
        miss_lines += _tie_miss_lines(mapping, tie_rows, ties, truth)
        miss_lines.append(
            "separations (child and parent record keys; truth person's when missed, ours when wrong):"
        )
        miss_lines += separation_misses(truth, person_of, mapping, tie_rows, separation_rows)
    return {
        "folder": str(folder),
        "persons": persons,
        "figures": figures,
        "counts": counts,
        "stages": stages,
        "persons_timings": persons_timings,
        "ties_timings": ties_timings,
        "child_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "misses": miss_lines,
    }


def records_digest(records: Sequence[Any]) -> str:
    """A digest of every record's key, feed and fields: two readers read the same records when digests agree."""
    digest = hashlib.sha256()
    for record in sorted(records, key=lambda r: r.record_key):
        digest.update(record.record_key.encode())
        digest.update(record.feed.encode())
        digest.update(json.dumps(record.fields, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def measure_ties_stage(folder: Path, out: Out = print) -> dict[str, Any]:
    """The ties stage alone, with whatever ``reunify`` is first on the path: the --compare-ref measurement.

    Truth persons and default ``TieSettings`` (what ``reunify link`` runs), so
    that two revisions are timed on exactly the same work.
    """
    import reunify
    from reunify.linkage.evaluation import read_truth
    from reunify.linkage.person_records import latest_records
    from reunify.linkage.ties import link_ties

    out(f"reunify imported from {Path(reunify.__file__).parent}")
    records, _ = latest_records([folder])
    truth_persons = read_truth(folder).wellformed_persons
    person_of = {r.record_key: truth_persons[r.record_key] for r in records if r.record_key in truth_persons}
    digest = records_digest(records)
    out(f"{len(records):,} records (digest {digest}); linking ties ...")
    stages: dict[str, dict[str, float]] = {}
    with stage("ties", stages, out):
        result = link_ties(records, person_of)
    return {
        "reunify": str(Path(reunify.__file__).parent),
        "records": len(records),
        "digest": digest,
        "ties": len(result.ties),
        **stages["ties"],
    }


# --------------------------------------------------------------------------- child processes, from the parent

_print_lock = threading.Lock()


def _say(line: str) -> None:
    with _print_lock:
        print(line, flush=True)


def _child(
    task: dict[str, Any], label: str, pythonpath: Path | None = None, out: Out = _say
) -> dict[str, Any]:
    """Run one task of this script in a child process, echoing its progress lines, and return its result.

    The result travels through a file, not stdout, so progress can be
    streamed; stderr is kept and shown when the child fails.
    """
    with tempfile.TemporaryDirectory(prefix="matrix_") as scratch:
        result_path = Path(scratch) / "result.json"
        task = {**task, "result": str(result_path)}
        env = dict(os.environ)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env["PYTHONPATH"] = str(pythonpath or REPO / "src")
        env["PYTHONUNBUFFERED"] = "1"
        with (Path(scratch) / "stderr").open("w+", encoding="utf-8") as stderr:
            proc = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(task)],
                stdout=subprocess.PIPE, stderr=stderr, text=True, env=env, cwd=REPO,
            )  # fmt: skip
            assert proc.stdout is not None
            for line in proc.stdout:
                out(f"  [{label}] {line.rstrip()}")
            proc.wait()
            if proc.returncode != 0:
                stderr.seek(0)
                tail = stderr.read().strip().splitlines()[-15:]
                raise RuntimeError(
                    f"{task['kind']} child failed (exit {proc.returncode}):\n    " + "\n    ".join(tail)
                )
        return json.loads(result_path.read_text(encoding="utf-8"))


def child_main(task: dict[str, Any]) -> None:
    """Entry point of a child process: generate a scenario, measure a cell, or time a ties stage."""
    import logging

    logging.getLogger("splink").setLevel(logging.ERROR)
    folder = Path(task["folder"])
    if task["kind"] == "generate":
        from reunify.synth import SynthConfig, clear_outputs, generate_scenario

        config = SynthConfig.from_mapping(task["mapping"])
        if folder.exists():
            clear_outputs(folder)
        reported = [-1]

        def progress(step: str, done: int, total: int) -> None:
            tenth = done * 10 // max(total, 1)
            if step == "families" and tenth > reported[0]:
                reported[0] = tenth
                print(f"generating: {done:,} / {total:,} families", flush=True)

        clock = time.perf_counter()
        summary = generate_scenario(folder, task["families"], task["seed"], config, progress)
        seconds = time.perf_counter() - clock
        print(f"generated {summary.families:,} families in {seconds:.1f} s", flush=True)
        result: dict[str, Any] = {"seconds": round(seconds, 1)}
    elif task["kind"] == "measure":
        result = measure_cell(folder, task["persons"], task["misses"], lambda line: print(line, flush=True))
    elif task["kind"] == "ties-stage":
        result = measure_ties_stage(folder, lambda line: print(line, flush=True))
    else:
        raise ValueError(f"unknown task {task['kind']!r}")
    Path(task["result"]).write_text(json.dumps(result), encoding="utf-8")


# --------------------------------------------------------------------------- the matrix, from the parent


@dataclass
class CellRun:
    """One cell at one seed: where its scenario is, and what its child process measured (or why it failed)."""

    cell: str
    seed: int
    folder: str
    config: dict[str, Any]
    generated_seconds: float | None = None
    result: dict[str, Any] | None = None
    error: str | None = None

    @property
    def label(self) -> str:
        return f"{self.cell}/{self.seed}"

    def figure(self, key: str) -> float | None:
        return None if self.result is None else self.result["figures"].get(key)


@dataclass
class Matrix:
    """Everything a run produced, as written by ``--json``."""

    families: int
    persons: str
    seeds: list[int]
    runs: list[CellRun] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    compare: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            **dataclasses.asdict(self),
            "worst": worst_figures(self),
            "targets": [
                {"figure": f.key, "target": f.target, "worst": w, "cell": c, "status": s}
                for f, w, c, s in target_results(self)
            ],
        }


def ensure_scenario(
    resolved: Resolved, families: int, seed: int, root: Path, out: Out = _say
) -> tuple[Path, float | None]:
    """The cell's scenario folder, generated (in a child process) unless a current one is there."""
    folder = scenario_folder(root, resolved.cell, families, seed)
    label = f"{resolved.cell.name}/{seed}"
    if scenario_is_current(folder, resolved.config, families, seed):
        out(f"  [{label}] scenario {folder} is current (same config, families, seed): reused")
        return folder, None
    out(f"  [{label}] generating {families:,} families, seed {seed}, into {folder} ...")
    folder.parent.mkdir(parents=True, exist_ok=True)
    task = {
        "kind": "generate",
        "folder": str(folder),
        "families": families,
        "seed": seed,
        "mapping": resolved.mapping,
    }
    done = _child(task, label, out=out)
    return folder, done["seconds"]


def run_cell(
    resolved: Resolved, families: int, seed: int, persons: str, misses: bool, root: Path, out: Out = _say
) -> CellRun:
    """Generate (or reuse) one cell's scenario, then measure it in a child process; a failure is kept, not raised."""
    run = CellRun(resolved.cell.name, seed, "", dict(resolved.mapping))
    try:
        folder, run.generated_seconds = ensure_scenario(resolved, families, seed, root, out)
        run.folder = str(folder)
        task = {"kind": "measure", "folder": str(folder), "persons": persons, "misses": misses}
        run.result = _child(task, run.label, out=out)
    except Exception as error:  # one broken cell must not lose the others' figures
        run.error = str(error)
        out(f"  [{run.label}] FAILED: {error}")
    return run


def run_matrix(
    cells: Sequence[Cell],
    families: int,
    seeds: Sequence[int] = (1,),
    persons: str = "linkage",
    jobs: int = 1,
    misses: bool = False,
    root: Path = MATRIX_VAR,
    out: Out = _say,
) -> Matrix:
    """Every runnable cell at every seed, ``jobs`` cells at a time; cells the generator cannot make are listed as skipped."""
    matrix = Matrix(families=families, persons=persons, seeds=list(seeds))
    runnable, skipped = resolve_cells(cells)
    for cell, reason in skipped:
        out(f"  SKIPPED cell {cell.name}: {reason}")
        matrix.skipped.append({"cell": cell.name, "reason": reason})
    work = [(resolved, cell_seed(resolved.cell, seed)) for seed in seeds for resolved in runnable]
    if jobs <= 1:
        matrix.runs = [run_cell(r, families, s, persons, misses, root, out) for r, s in work]
    else:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            matrix.runs = list(
                pool.map(lambda item: run_cell(item[0], families, item[1], persons, misses, root, out), work)
            )
    return matrix


# --------------------------------------------------------------------------- the report


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _measured(matrix: Matrix, figure: Figure) -> bool:
    return not (figure.persons_only and matrix.persons == "truth")


def worst_figures(matrix: Matrix) -> dict[str, dict[str, Any]]:
    """Per figure, the lowest value over the cells that ran, and its cell; an undefined value (n/a) counts as lowest.

    Why n/a is lowest: an undefined precision means nothing was asserted, and
    that must never pass for a good cell.
    """
    worst: dict[str, dict[str, Any]] = {}
    done = [run for run in matrix.runs if run.result is not None]
    for figure in FIGURES:
        if not _measured(matrix, figure) or not done:
            continue
        values = [(run.figure(figure.key), run.label) for run in done]
        value, label = min(values, key=lambda item: (item[0] is not None, item[0] or 0.0))
        tied = [other for v, other in values if v == value]
        worst[figure.key] = {"value": value, "cell": label, "cells": tied, "of": len(values)}
    return worst


def _where(worst: Mapping[str, Any]) -> str:
    """The cell holding a worst value, or all of them when several share it (so none is blamed alone)."""
    cells = worst["cells"]
    if len(cells) == worst["of"] and len(cells) > 1:
        return "every cell"
    return ", ".join(cells[:3]) + (f" +{len(cells) - 3} more" if len(cells) > 3 else "")


def target_results(matrix: Matrix) -> list[tuple[Figure, float | None, str | None, str]]:
    """(figure, worst value, its cell, PASS / MISS / NOT MEASURED) for each figure with a target."""
    worst = worst_figures(matrix)
    results = []
    for figure in FIGURES:
        if figure.target is None:
            continue
        if figure.key not in worst:
            results.append((figure, None, None, "NOT MEASURED"))
            continue
        value, label = worst[figure.key]["value"], worst[figure.key]["cell"]
        results.append(
            (figure, value, label, "PASS" if value is not None and value >= figure.target else "MISS")
        )
    return results


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [
        " | ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        for row in rows
    ]
    return lines


def report_lines(matrix: Matrix) -> list[str]:
    """The whole printed report: figures table and legend, timing table, worst lines, targets, skipped cells."""
    lines: list[str] = []
    measured = [f for f in FIGURES if _measured(matrix, f)]
    done = [run for run in matrix.runs if run.result is not None]
    persons_said = (
        "persons linked by link_persons" if matrix.persons == "linkage" else "persons taken from the truth"
    )
    lines.append(
        f"Generalisation matrix: {matrix.families:,} families per cell, {persons_said}, seeds {matrix.seeds}"
    )
    header = ["cell/seed", *(f.header for f in measured), *(c[1] for c in COUNTS)]
    rows = []
    for run in matrix.runs:
        if run.result is None:
            rows.append([run.label, *(["FAILED"] + [""] * (len(header) - 2))])
            continue
        counts = run.result["counts"]
        rows.append(
            [
                run.label,
                *(_fmt(run.figure(f.key)) for f in measured),
                *(_fmt(counts.get(c[0])) for c in COUNTS),
            ]
        )
    lines += _table(header, rows)
    lines.append("columns:")
    lines += [f"  {f.header:9} {f.label}" for f in measured]
    lines += [f"  {c[1]:9} {c[2]}" for c in COUNTS]
    lines.append(
        "  ties and separations are mapped to truth persons: each project person stands for the truth person holding most of its records"
    )

    lines.append("")
    lines.append(
        "Stages: wall seconds / peak resident MiB of the cell's child process while the stage ran (noisy: 2 shared cores)"
    )
    stage_header = ["cell/seed", "generate s", *(f"{name} s / MiB" for name in STAGES), "child peak MiB"]
    stage_rows = []
    for run in done:
        assert run.result is not None
        stages = run.result["stages"]
        stage_rows.append([
            run.label,
            "reused" if run.generated_seconds is None else _fmt(run.generated_seconds, 1),
            *(
                f"{stages[name]['seconds']:.1f} / {stages[name]['peak_mib']:,.0f}" if name in stages else "-"
                for name in STAGES
            ),
            f"{run.result['child_peak_mib']:,.0f}",
        ])  # fmt: skip
    lines += _table(stage_header, stage_rows)
    if matrix.persons == "truth":
        lines.append("  persons: '-' (taken from the truth, not linked)")

    lines.append("")
    total = len(matrix.runs) + len(matrix.skipped)
    coverage = f"over {len(done)} of {total} cell runs"
    if matrix.skipped or len(done) < len(matrix.runs):
        coverage += " -- INCOMPLETE: " + "; ".join(
            [
                *(f"{s['cell']} skipped" for s in matrix.skipped),
                *(f"{r.label} failed" for r in matrix.runs if r.result is None),
            ]
        )
    lines.append(f"Worst cell per figure ({coverage}):")
    worst = worst_figures(matrix)
    width = max((len(f.label) for f in FIGURES), default=0)
    for figure in measured:
        if figure.key in worst:
            lines.append(
                f"  worst {figure.label:<{width}}  {_fmt(worst[figure.key]['value']):>7}  in {_where(worst[figure.key])}"
            )
    lines.append("")
    lines.append(f"Targets, on the worst cell ({coverage}):")
    for figure, value, label, status in target_results(matrix):
        if label:
            where = f" in {_where(worst[figure.key])}"
        else:
            where = " (persons taken from the truth)" if not _measured(matrix, figure) else " (no cell ran)"
        lines.append(
            f"  {status:12} {figure.header:8} >= {figure.target:<7g} worst {_fmt(value)}{where}   ({figure.label})"
        )
    if matrix.skipped:
        lines.append("")
        lines.append("Cells skipped (the installed generator cannot make them yet):")
        lines += [f"  {s['cell']}: {s['reason']}" for s in matrix.skipped]
    failed = [run for run in matrix.runs if run.error]
    if failed:
        lines.append("")
        lines.append("Cells that failed:")
        lines += [f"  {run.label}: {run.error}" for run in failed]
    return lines


def miss_report_lines(matrix: Matrix) -> list[str]:
    """The miss analyses of the cells that are worst on a tie or separation target (computed by each child)."""
    worst = worst_figures(matrix)
    labels: dict[str, list[str]] = defaultdict(list)
    for figure in FIGURES:
        found = worst.get(figure.key)
        if figure.target is None or figure.persons_only or found is None or found["value"] == 1.0:
            continue  # a perfect worst cell has nothing to explain
        for label in found["cells"]:
            labels[label].append(f"{figure.header} {_fmt(found['value'])}")
    lines: list[str] = []
    for run in matrix.runs:
        if run.label not in labels or run.result is None:
            continue
        lines.append(f"Misses in {run.label} (worst on {', '.join(labels[run.label])}):")
        lines += run.result.get("misses") or ["  (no miss analysis: run with --misses)"]
        lines.append("")
    return lines


# --------------------------------------------------------------------------- --compare-ref


def prepare_worktree(ref: str, root: Path = WORKTREES) -> Path:
    """A detached worktree of ``ref`` under var/bench/worktrees (created once, then reused at ``ref``'s commit)."""
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{ref}^{{commit}}"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    path = root / re.sub(r"[^A-Za-z0-9._-]", "_", ref)
    if path.exists():
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, text=True
        ).stdout.strip()
        if head != commit:  # a branch name that has moved on: move the worktree with it
            subprocess.run(["git", "checkout", "--detach", commit], cwd=path, check=True, capture_output=True)
        return path
    root.mkdir(parents=True, exist_ok=True)
    add = ["git", "worktree", "add", "--detach", str(path), commit]
    if subprocess.run(add, cwd=REPO, capture_output=True).returncode != 0:
        # A worktree folder deleted by hand stays registered; --force reuses its registration.
        subprocess.run([*add[:3], "--force", *add[3:]], cwd=REPO, check=True, capture_output=True)
    return path


def compare_ref(ref: str, folder: Path, label: str, repeat: int = 1, out: Out = _say) -> dict[str, Any]:
    """The ties stage of ``ref`` and of the working tree on the same scenario, alternately, never in parallel.

    Why alternate and keep the fastest of ``repeat`` runs per side: on a
    shared machine a run is only ever slowed down by the others, so the
    fastest is the least disturbed, and alternating spreads a busy spell
    over both sides instead of charging it to one.
    """
    worktree = prepare_worktree(ref)
    task = {"kind": "ties-stage", "folder": str(folder)}
    then_runs: list[dict[str, Any]] = []
    now_runs: list[dict[str, Any]] = []
    for turn in range(1, repeat + 1):
        out(f"  [{label}] ties stage of {ref} (from {worktree / 'src'}), run {turn} of {repeat} ...")
        then_runs.append(_child(task, f"{label} {ref}", pythonpath=worktree / "src", out=out))
        out(f"  [{label}] ties stage of the working tree, run {turn} of {repeat} ...")
        now_runs.append(_child(task, f"{label} now", out=out))
    then = min(then_runs, key=lambda run: run["seconds"])
    now = min(now_runs, key=lambda run: run["seconds"])
    ratio = now["seconds"] / then["seconds"] if then["seconds"] else None
    return {
        "cell": label,
        "ref": ref,
        "ref_run": then,
        "working_tree_run": now,
        "ref_seconds_all": [run["seconds"] for run in then_runs],
        "working_tree_seconds_all": [run["seconds"] for run in now_runs],
        "ratio": ratio,
    }


#: The ties-stage timing target: the working tree takes at most this multiple of the reference's time.
TIES_TIME_RATIO_TARGET = 1.2


def compare_lines(compare: Sequence[Mapping[str, Any]], families: int) -> list[str]:
    """One line per compared cell: both seconds, the ratio and PASS/MISS, and whether both read the same records."""
    lines = [
        f"Ties stage timing: link_ties with default TieSettings on the truth persons, {families:,} families; "
        "wall seconds of the fastest run per side (all runs in brackets), peak resident MiB of the child process:"
    ]
    for item in compare:
        then, now = item["ref_run"], item["working_tree_run"]
        same = (
            "same records (digest of keys and fields agrees)"
            if then["digest"] == now["digest"]
            else "DIFFERENT RECORDS (the readers differ): not like with like"
        )
        ratio = item["ratio"]
        status = "n/a" if ratio is None else ("PASS" if ratio <= TIES_TIME_RATIO_TARGET else "MISS")
        every_then = ", ".join(f"{s:.2f}" for s in item["ref_seconds_all"])
        every_now = ", ".join(f"{s:.2f}" for s in item["working_tree_seconds_all"])
        lines += [
            f"  {item['cell']}: {then['records']:,} records, {same}",
            f"    {item['ref']:>12}: {then['seconds']:8.2f} s [{every_then}]  peak {then['peak_mib']:,.0f} MiB, "
            f"{then['ties']:,} ties at any status",
            f"    {'working tree':>12}: {now['seconds']:8.2f} s [{every_now}]  peak {now['peak_mib']:,.0f} MiB, "
            f"{now['ties']:,} ties at any status",
            f"    ratio working tree / {item['ref']}: {_fmt(ratio, 2)} -> {status} (target <= {TIES_TIME_RATIO_TARGET})",
        ]
    return lines


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--families", type=int, default=3000, help="families per cell (default 3000)")
    parser.add_argument(
        "--cells",
        nargs="+",
        default=list(CELL_NAMES),
        metavar="NAME",
        help=f"default all: {' '.join(CELL_NAMES)}",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=[1],
        help="each runs every cell, with a seed of its own per cell",
    )
    parser.add_argument(
        "--persons",
        choices=["linkage", "truth"],
        default="linkage",
        help="linkage: the full chain; truth: ties and separations on the truth persons",
    )
    parser.add_argument(
        "--jobs", type=int, default=1, help="cells measured at once (default 1; 2 cores are shared)"
    )
    parser.add_argument(
        "--misses", action="store_true", help="classify false/missed ties and separations of the worst cells"
    )
    parser.add_argument(
        "--json", type=Path, metavar="FILE", help="write every figure, timing and miss line to FILE"
    )
    parser.add_argument(
        "--compare-ref",
        metavar="GIT_REF",
        help="also time the ties stage of GIT_REF against the working tree",
    )
    parser.add_argument(
        "--compare-repeat", type=int, default=1, help="runs per side for --compare-ref; the fastest counts"
    )
    parser.add_argument(
        "--list-cells", action="store_true", help="print the cells, their configs and what SynthConfig lacks"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        child_main(json.loads(args.child))
        return
    try:
        cells = [cell_named(name) for name in args.cells]
    except KeyError as error:
        parser.error(str(error.args[0]))
    if args.list_cells:
        for cell in cells:
            missing = unknown_fields(cell)
            print(f"{cell.name} (seed offset {cell.seed_offset}): {cell.why}")
            print(f"  config: {json.dumps(dict(cell.config))}")
            print(f"  {'SynthConfig does not know yet: ' + ', '.join(missing) if missing else 'runnable'}")
        return

    started = time.perf_counter()
    print(f"Matrix: cells {' '.join(c.name for c in cells)}; {args.families:,} families; seeds {args.seeds}; "
          f"persons from {args.persons}; {args.jobs} at a time", flush=True)  # fmt: skip
    matrix = run_matrix(cells, args.families, args.seeds, args.persons, args.jobs, args.misses)
    if args.compare_ref:
        for run in matrix.runs:
            if run.folder:
                matrix.compare.append(
                    compare_ref(args.compare_ref, Path(run.folder), run.label, args.compare_repeat)
                )
    print()
    for line in report_lines(matrix):
        print(line)
    if matrix.compare:
        print()
        for line in compare_lines(matrix.compare, args.families):
            print(line)
    if args.misses:
        print()
        for line in miss_report_lines(matrix):
            print(line)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(matrix.as_dict(), indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    print(f"total wall time {time.perf_counter() - started:,.0f} s")


if __name__ == "__main__":
    main()
