"""Family-tie benchmark: the tie model alone (truth persons) and behind the person linkage, on varied scenarios.

bench/linkage.py compares our ties with the anchor's behind each one's persons; this
script isolates the tie model (truth persons) and measures it in a child process.

Usage:
    .venv/bin/python bench/linkage_ties.py                       # 2000 and 10000 families x seeds 1, 2 x noise 1, 2
    .venv/bin/python bench/linkage_ties.py --families 100000 --seeds 1 --noise 1.0
    .venv/bin/python bench/linkage_ties.py --persons truth linkage   # also behind reunify.linkage.persons

Scenarios are generated once under var/bench/ties_<families>_<seed>_n<noise>
(``generate_scenario`` with ``SynthConfig(noise=...)``) and reused.  Each
measurement runs in a child process of its own, so its peak memory is its own:
the child reads the newest version of every record, builds ``person_of``
(from the truth, or from ``link_persons``), runs ``link_ties`` and scores the
ties against truth/relationships.csv as EXPORTS.md counts them.  It prints,
per scenario: ties precision and recall (CONFIRMED+PROBABLE), candidate
recall both as generated (true ties among candidate pairs) and as exported
(true ties at any status but REJECTED), label accuracy, the share of children
with a CANDIDATE tie, the calibration of the probabilities, wall time and
peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH_VAR = Path(os.environ.get("REUNIFY_BENCH_DIR", REPO / "var" / "bench"))


def scenario_dir(families: int, seed: int, noise: float) -> Path:
    """Generate the scenario once (deterministic in its parameters) and return its folder."""
    from reunify.synth import SynthConfig, clear_outputs, generate_scenario

    out = BENCH_VAR / f"ties_{families}_{seed}_n{noise:g}"
    if not (out / "truth" / "scenario.json").exists():
        print(f"  generating {families} families, seed {seed}, noise {noise:g} into {out} ...", flush=True)
        if out.exists():
            clear_outputs(out)
        generate_scenario(out, families, seed, SynthConfig(noise=noise))
    return out


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(folder: Path, persons: str) -> dict:
    """One measurement, in this process: read, (link persons), link ties, score."""
    from reunify.linkage.evaluation import evaluate_relationships, person_mapping, read_truth
    from reunify.linkage.person_records import latest_records
    from reunify.linkage.ties import CANDIDATE, TieSettings, link_ties

    started = time.perf_counter()
    records, _ = latest_records([folder])
    read_seconds = time.perf_counter() - started
    rss_after_read = _rss_mib()
    truth = read_truth(folder)
    truth_persons = truth.wellformed_persons

    persons_seconds = 0.0
    persons_figures: dict = {}
    if persons == "truth":
        person_of = {
            r.record_key: truth_persons[r.record_key] for r in records if r.record_key in truth_persons
        }
        mapping = {person: person for person in set(person_of.values())}
    else:
        from reunify.linkage.evaluation import evaluate_persons
        from reunify.linkage.persons import link_persons

        clock = time.perf_counter()
        linked = link_persons(records)
        persons_seconds = time.perf_counter() - clock
        person_of = linked.clusters
        score = evaluate_persons(truth_persons, person_of)
        persons_figures = {
            "persons_precision": score.pairwise_precision,
            "persons_recall": score.pairwise_recall,
        }
        mapping = person_mapping(truth_persons, person_of)
        del linked

    clock = time.perf_counter()
    result = link_ties(records, person_of, settings=TieSettings(keep_candidates=True))
    ties_seconds = time.perf_counter() - clock

    rows = [
        {
            "parent_person_id": t.parent,
            "child_person_id": t.child,
            "relationship": t.relationship,
            "status": t.status,
        }
        for t in result.ties
    ]
    score = evaluate_relationships(truth.relationships, rows, mapping)
    true_ties = {(r["parent_person_id"], r["child_person_id"]) for r in truth.relationships}
    generated = set()
    calibration_n: Counter[int] = Counter()
    calibration_true: Counter[int] = Counter()
    assert result.candidates is not None
    for parent, child, probability, _ in result.candidates:
        pair = (mapping.get(parent), mapping.get(child))
        hit = pair in true_ties
        if hit:
            generated.add(pair)
        bucket = 0 if probability < 0.5 else 1 if probability < 0.9 else 2 if probability < 0.99 else 3
        calibration_n[bucket] += 1
        calibration_true[bucket] += hit
    children = result.counts.get("children", 0)
    with_candidate = len({t.child for t in result.ties if t.status == CANDIDATE})
    figures = {
        "folder": folder.name,
        "persons": persons,
        "records": len(records),
        "true_ties": score.true_ties,
        "precision": score.precision,
        "recall": score.recall,
        "candidate_recall_generated": len(generated) / len(true_ties) if true_ties else None,
        "candidate_recall_exported": score.candidate_recall,
        "label_accuracy": score.label_accuracy,
        "label_unspecified": score.label_unspecified,
        "children": children,
        "candidate_share_of_children": with_candidate / children if children else None,
        "candidate_pairs": result.counts.get("candidate_pairs", 0),
        "ties": len(result.ties),
        "flags": len(result.flags),
        "em_iterations": result.model.iterations,
        "prior": result.model.prior,
        "calibration": {
            label: [calibration_n[b], (calibration_true[b] / calibration_n[b]) if calibration_n[b] else None]
            for b, label in enumerate(("<0.5", "0.5-0.9", "0.9-0.99", ">=0.99"))
        },
        "read_seconds": round(read_seconds, 1),
        "persons_seconds": round(persons_seconds, 1),
        "ties_seconds": round(ties_seconds, 1),
        "ties_timings": result.timings,
        "rss_after_read_mib": round(rss_after_read),
        "peak_rss_mib": round(_rss_mib()),
        **persons_figures,
    }
    return figures


def _fmt(value: object, digits: int = 4) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, nargs="+", default=[2000, 10_000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--noise", type=float, nargs="+", default=[1.0, 2.0])
    parser.add_argument("--persons", nargs="+", choices=["truth", "linkage"], default=["truth"])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON lines as well")
    parser.add_argument("--run-one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--one-persons", default="truth", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.run_one is not None:
        print(json.dumps(run_one(args.run_one, args.one_persons)))
        return

    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    results = []
    for families in args.families:
        for seed in args.seeds:
            for noise in args.noise:
                folder = scenario_dir(families, seed, noise)
                for persons in args.persons:
                    print(f"  linking ties: {folder.name}, persons from {persons} ...", flush=True)
                    clock = time.perf_counter()
                    done = subprocess.run(
                        [sys.executable, __file__, "--run-one", str(folder), "--one-persons", persons],
                        check=True,
                        capture_output=True,
                        text=True,
                        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
                    )
                    figures = json.loads(done.stdout.strip().splitlines()[-1])
                    figures["wall_seconds"] = round(time.perf_counter() - clock, 1)
                    results.append(figures)
                    if args.json:
                        print(json.dumps(figures), flush=True)

    columns = [
        ("folder", "scenario"),
        ("persons", "persons"),
        ("true_ties", "true ties"),
        ("precision", "precision"),
        ("recall", "recall"),
        ("candidate_recall_generated", "cand.rec (gen)"),
        ("candidate_recall_exported", "cand.rec (exp)"),
        ("label_accuracy", "label acc"),
        ("candidate_share_of_children", "CANDIDATE/children"),
        ("persons_precision", "persons P"),
        ("persons_recall", "persons R"),
        ("ties_seconds", "ties s"),
        ("read_seconds", "read s"),
        ("persons_seconds", "persons s"),
        ("peak_rss_mib", "peak MiB"),
    ]
    print()
    widths = [max(len(label), 10) for _, label in columns]
    widths[0] = max(widths[0], *(len(r["folder"]) for r in results)) if results else widths[0]
    print("  ".join(label.ljust(w) for (_, label), w in zip(columns, widths, strict=True)))
    for figures in results:
        print("  ".join(_fmt(figures.get(key)).ljust(w) for (key, _), w in zip(columns, widths, strict=True)))
    print()
    print("calibration (candidate pairs by model probability: count, share that are true ties):")
    for figures in results:
        cells = ", ".join(
            f"{label}: {n} / {_fmt(share, 3)}" for label, (n, share) in figures["calibration"].items()
        )
        print(f"  {figures['folder']} ({figures['persons']}): {cells}")
    print()
    print(
        "peak MiB is the child process's peak resident memory, records included (rss after reading shown in --json)."
    )


if __name__ == "__main__":
    main()
