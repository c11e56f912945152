"""The whole pipeline, stage by stage: synth, ingest, link (with separations and rules), rules apply, status report.

Usage: .venv/bin/python bench/pipeline.py [--families 10000 100000] [--database sqlite|postgresql]

Each stage is one ``reunify`` process on a fresh database (the scenario is
generated once and cached under var/bench), measured for wall time and peak
resident memory of its whole process tree.  ``link`` includes rebuilding the
stored separations and judging them under the rule sets; ``rules apply`` is the
rules-only re-evaluation; ``report`` is the status report for 2018-07-26
computed from the record versions delivered by then.  The issue's target is
the sum of ingest, link and report under 15 minutes for 100,000 families.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_VAR, command_env, fresh_database, run_measured, scenario


@contextmanager
def kept_database(path: Path) -> Iterator[str]:
    """An SQLite database left in place afterwards, for a benchmark that needs the data loaded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    yield f"sqlite:///{path.resolve()}"


def _rows(folder: Path) -> int:
    count = 0
    for path in folder.iterdir():
        if path.is_file() and path.suffix in (".csv", ".jsonl"):
            with path.open("rb") as handle:
                count += sum(1 for _ in handle) - (path.suffix == ".csv")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--as-of", default="2018-07-26")
    parser.add_argument(
        "--keep",
        type=Path,
        help="SQLite only: keep the loaded database at this path (e.g. for bench/pages.py) instead of removing it",
    )
    args = parser.parse_args()

    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    results = []
    for families in args.families:
        started = time.perf_counter()
        folder = scenario(families, args.seed)
        synth_seconds = time.perf_counter() - started
        rows = _rows(folder)
        results.append({"families": families, "stage": "synth (cached when present)", "seconds": round(synth_seconds, 1),
                        "peak_rss_mib": "", "records": rows})  # fmt: skip
        kept = args.keep.with_name(f"{args.keep.stem}_{families}{args.keep.suffix}") if args.keep else None
        if kept is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{kept}{suffix}").unlink(missing_ok=True)
        with kept_database(kept) if kept else fresh_database(args.database, BENCH_VAR) as url:
            env = command_env(url, BENCH_VAR)
            report = BENCH_VAR / f"status_{families}.md"
            stages = [
                ("ingest", ["ingest", "--json", str(folder)]),
                ("link + separations + rules", ["link", "--json"]),
                ("rules apply (rules only)", ["rules", "apply", "--json"]),
                (
                    f"status report {args.as_of}",
                    ["report", "status", "--as-of", args.as_of, "--out", str(report)],
                ),
            ]
            for name, command in stages:
                print(f"  {families} families: {name} ...", flush=True)
                measured = run_measured([sys.executable, "-m", "reunify.cli", *command], env, BENCH_VAR)
                if measured.returncode != 0:
                    raise SystemExit(f"{name} failed with exit status {measured.returncode}")
                data = json.loads(measured.stdout) if "--json" in command else {}
                records = data.get("rows") or data.get("records") or data.get("separations") or ""
                results.append({"families": families, "stage": name, "seconds": round(measured.seconds, 1),
                                "peak_rss_mib": round(measured.peak_mib), "records": records})  # fmt: skip
        total = sum(
            r["seconds"] for r in results if r["families"] == families and not r["stage"].startswith("synth")
        )
        results.append({"families": families, "stage": "total without synth", "seconds": round(total, 1),
                        "peak_rss_mib": "", "records": ""})  # fmt: skip
    print()
    print(f"Pipeline benchmark ({args.database}; one process per stage, fresh database per size)")
    writer = csv.writer(sys.stdout, delimiter="|", lineterminator="\n")
    header = ["families", "stage", "seconds", "peak_rss_mib", "records"]
    writer.writerow(header)
    for row in results:
        writer.writerow([row[h] for h in header])
    print(
        "records: synth = data rows in the delivery files; ingest = rows read; link = records linked; "
        "rules apply = separations judged. seconds: wall time incl. start-up; peak_rss_mib: the stage's process tree."
    )


if __name__ == "__main__":
    main()
