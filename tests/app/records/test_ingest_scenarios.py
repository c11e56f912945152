"""Ingestion of whole generated scenarios through the real command, in subprocesses.

These are the issue's acceptance checks: broken rows quarantined and nothing
else; a second ingest changes nothing; a kill in the middle followed by a rerun
gives the same records as one clean run.
"""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import reunify_command

pytestmark = pytest.mark.slow


def _scenario(tmp_path: Path, families: int, seed: int, *extra: str) -> Path:
    out = tmp_path / f"scenario_{seed}"
    subprocess.run(
        [sys.executable, "-m", "reunify.cli", "synth", "--families", str(families), "--seed", str(seed),
         "--out", str(out), *extra],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(("seed", "noise", "broken"), [(7, "1.0", "0.01"), (11, "2.5", "0.03")])
def test_exactly_the_broken_rows_are_quarantined(
    tmp_path: Path, fresh_database_url: str, seed: int, noise: str, broken: str
) -> None:
    scenario = _scenario(tmp_path, 300, seed, "--noise", noise, "--broken-rate", broken)
    first = reunify_command(["ingest", "--json", str(scenario)], fresh_database_url, tmp_path)
    summary = json.loads(first.stdout)
    assert summary["files_refused"] == 0
    reunify_command(["export", "quarantine", "--out", "q.csv"], fresh_database_url, tmp_path)
    reunify_command(["export", "records", "--out", "r.csv"], fresh_database_url, tmp_path)
    truth = _read_csv(scenario / "truth" / "persons.csv")
    malformed = {t["record_key"] for t in truth if t["malformed"] == "Y"}
    wellformed = {t["record_key"] for t in truth if t["malformed"] == "N"}
    quarantined = {q["record_key"] for q in _read_csv(tmp_path / "q.csv")}
    assert malformed, "the scenario must contain broken rows for this test to mean anything"
    assert malformed - quarantined == set(), "broken rows that were ingested"
    assert quarantined & wellformed == set(), "well-formed rows that were quarantined"
    stored = {r["record_key"] for r in _read_csv(tmp_path / "r.csv")}
    assert stored == wellformed
    scored = reunify_command(["evaluate", "--truth", str(scenario), "--json"], fresh_database_url, tmp_path)
    quarantine = json.loads(scored.stdout)["quarantine"]
    assert quarantine["malformed_quarantined"] == len(malformed)
    assert quarantine["wellformed_quarantined"] == 0

    again = json.loads(
        reunify_command(["ingest", "--json", str(scenario)], fresh_database_url, tmp_path).stdout
    )
    assert (again["new"], again["corrected"]) == (0, 0)
    assert again["rows"] == summary["rows"]


def _count_deliveries(database_url: str) -> int:
    """Committed deliveries, read from outside the ingesting process as another client would."""
    try:
        if database_url.startswith("sqlite"):
            import sqlite3

            path = database_url.removeprefix("sqlite:///")
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
                return conn.execute("SELECT COUNT(*) FROM records_delivery").fetchone()[0]
        import psycopg

        with psycopg.connect(database_url) as conn:
            return conn.execute("SELECT COUNT(*) FROM records_delivery").fetchone()[0]
    except Exception:  # the schema may not exist yet
        return 0


def test_killed_ingest_then_rerun_equals_one_clean_run(tmp_path: Path, fresh_database_url: str) -> None:
    scenario = _scenario(tmp_path, 1500, 23)
    files = [p for p in scenario.iterdir() if p.is_file()]
    killed_dir = tmp_path / "killed"
    killed_dir.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reunify.cli", "ingest", str(scenario)],
        cwd=killed_dir,
        env=_env(fresh_database_url, killed_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Kill it once a third of the files are committed: it is then inside another file's transaction.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if _count_deliveries(fresh_database_url) >= len(files) // 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    assert 0 < _count_deliveries(fresh_database_url) < len(files)
    reunify_command(["ingest", str(scenario)], fresh_database_url, killed_dir)
    reunify_command(["export", "records", "--out", "after_kill.csv"], fresh_database_url, killed_dir)
    reunify_command(["export", "quarantine", "--out", "q_after.csv"], fresh_database_url, killed_dir)
    assert _count_deliveries(fresh_database_url) == len(files)

    clean_dir = tmp_path / "clean"
    clean_dir.mkdir()
    clean_url = f"sqlite:///{clean_dir / 'clean.sqlite3'}"
    reunify_command(["ingest", str(scenario)], clean_url, clean_dir)
    reunify_command(["export", "records", "--out", "clean.csv"], clean_url, clean_dir)
    reunify_command(["export", "quarantine", "--out", "q_clean.csv"], clean_url, clean_dir)
    assert (killed_dir / "after_kill.csv").read_bytes() == (clean_dir / "clean.csv").read_bytes()
    assert (killed_dir / "q_after.csv").read_bytes() == (clean_dir / "q_clean.csv").read_bytes()


def _env(database_url: str, cwd: Path) -> dict[str, str]:
    import os

    env = dict(os.environ, REUNIFY_DATABASE_URL=database_url, REUNIFY_VAR_DIR=str(cwd / "var"))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env
