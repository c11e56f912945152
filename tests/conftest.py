"""Fixtures shared by the whole suite: real databases, real files, the real command."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the same kind as the suite's, for commands run as subprocesses.

    On PostgreSQL a database of its own is created on the same server and dropped
    afterwards, so a test that kills a process mid-write never disturbs another test.
    """
    url = os.environ.get("REUNIFY_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'reunify.sqlite3'}"
        return
    import psycopg

    name = f"reunify_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reunify_command(
    args: list[str], database_url: str, cwd: Path, check: bool = True, **kwargs
) -> subprocess.CompletedProcess:
    """Run the real ``reunify`` command in a subprocess against the given database."""
    env = dict(os.environ, REUNIFY_DATABASE_URL=database_url, REUNIFY_VAR_DIR=str(cwd / "var"))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "reunify.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=check,
        **kwargs,
    )
