"""Shared plumbing for the benchmarks: scenarios cached on disk, fresh databases, child-process measurement."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH_VAR = Path(os.environ.get("REUNIFY_BENCH_DIR", REPO / "var" / "bench"))
POSTGRES_URL = os.environ.get("REUNIFY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass
class Measured:
    """A finished child process: its wall time, its peak resident memory and what it printed."""

    seconds: float
    peak_mib: float
    stdout: str
    returncode: int


def run_measured(args: list[str], env: dict[str, str], cwd: Path) -> Measured:
    """Run a command, sampling the resident memory of it and all its child processes together.

    Ingestion reads in a child process, so the peak of the whole process tree is
    the honest figure; it is sampled every 100 ms with psutil.
    """
    import threading

    import psutil

    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stdout is not None
    output = proc.stdout.read().decode("utf-8")
    proc.wait()
    done.set()
    sampler.join()
    return Measured(time.perf_counter() - started, peak / 2**20, output, proc.returncode)


def scenario(families: int, seed: int, *extra: str) -> Path:
    """Generate a scenario once and keep it under var/bench, keyed by its parameters."""
    tag = "_".join([str(families), str(seed), *[e.strip("-") for e in extra]])
    out = BENCH_VAR / f"scenario_{tag}"
    if not (out / "truth" / "scenario.json").exists():
        print(f"  generating {families} families (seed {seed}) into {out} ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "reunify.cli", "synth", "--families", str(families),
             "--seed", str(seed), "--out", str(out), "--force", *extra],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    return out


def command_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ, REUNIFY_DATABASE_URL=database_url, REUNIFY_VAR_DIR=str(var_dir))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@contextmanager
def fresh_database(kind: str, workdir: Path):
    """An empty SQLite file or a new PostgreSQL database, removed afterwards."""
    if kind == "sqlite":
        path = workdir / f"bench_{uuid.uuid4().hex[:8]}.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = f"reunify_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_URL.rpartition("/")[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
