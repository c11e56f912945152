"""Ingestion benchmark: rows per second and peak memory, on SQLite and PostgreSQL, at two sizes.

Usage: .venv/bin/python bench/ingest.py [--families 10000 100000] [--databases sqlite postgresql]

Each measurement is one ``reunify ingest --json`` process on a fresh database;
its peak resident memory comes from the kernel (wait4), so a figure that stays
flat from 10,000 to 100,000 families shows that ingestion streams.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_VAR, command_env, fresh_database, run_measured, scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--seed", type=int, default=4242)
    args = parser.parse_args()

    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    results = []
    for families in args.families:
        folder = scenario(families, args.seed)
        size_mib = sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) / 2**20
        for kind in args.databases:
            print(f"  ingesting {families} families into {kind} ...", flush=True)
            with fresh_database(kind, BENCH_VAR) as url:
                measured = run_measured(
                    [sys.executable, "-m", "reunify.cli", "ingest", "--json", str(folder)],
                    command_env(url, BENCH_VAR),
                    BENCH_VAR,
                )
            if measured.returncode != 0:
                raise SystemExit(f"ingest failed on {kind} with exit status {measured.returncode}")
            summary = json.loads(measured.stdout)
            results.append(
                {
                    "families": families,
                    "database": kind,
                    "files": summary["files"],
                    "rows": summary["rows"],
                    "input_mib": round(size_mib, 1),
                    "seconds": round(measured.seconds, 1),
                    "rows_per_second": round(summary["rows"] / measured.seconds),
                    "peak_rss_mib": round(measured.peak_mib),
                    "quarantined": summary["quarantined"],
                }
            )
    header = ["families", "database", "files", "rows", "input_mib", "seconds",
              "rows_per_second", "peak_rss_mib", "quarantined"]  # fmt: skip
    print()
    print("Ingestion benchmark (one `reunify ingest` process per line, fresh database each time)")
    print(" | ".join(header))
    for row in results:
        print(" | ".join(str(row[h]) for h in header))
    print(
        "rows: rows read from the files; seconds: wall time of the whole command incl. start-up "
        "and schema creation; peak_rss_mib: peak resident memory of the ingest process and its reader process together."
    )


if __name__ == "__main__":
    main()
