"""``reunify audit verify`` against a real database written by several processes at once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import reunify_command

pytestmark = pytest.mark.slow

APPENDER = """
import sys
from reunify.app.bootstrap import setup_django
setup_django()
from reunify.app.audit.services import audit_record
for n in range(int(sys.argv[2])):
    audit_record(sys.argv[1], "concurrent.append", target_type="test", target_id=str(n))
"""


def _alter_row(database_url: str, seq: int) -> None:
    """Change one entry the way a database owner could: drop the trigger first, then UPDATE."""
    if database_url.startswith("sqlite"):
        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        conn.execute("DROP TRIGGER audit_entry_no_update")
        conn.execute("UPDATE audit_auditentry SET actor = 'nobody' WHERE seq = ?", (seq,))
        conn.commit()
        conn.close()
        return
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_change")
        conn.execute("UPDATE audit_auditentry SET actor = 'nobody' WHERE seq = %s", (seq,))


def test_parallel_writers_keep_one_chain_and_verify_names_an_altered_row(
    fresh_database_url: str, tmp_path: Path
) -> None:
    reunify_command(["migrate"], fresh_database_url, tmp_path)
    env = dict(os.environ, REUNIFY_DATABASE_URL=fresh_database_url, REUNIFY_VAR_DIR=str(tmp_path / "var"))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", APPENDER, f"writer{i}", "25"],
            env=env,
            cwd=tmp_path,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(4)
    ]
    for writer in writers:
        _, stderr = writer.communicate(timeout=240)
        assert writer.returncode == 0, stderr

    verified = reunify_command(["audit", "verify"], fresh_database_url, tmp_path)
    assert verified.stdout.startswith("chain intact: 100 entries, last hash ")

    _alter_row(fresh_database_url, 37)
    broken = reunify_command(["audit", "verify"], fresh_database_url, tmp_path, check=False)
    assert broken.returncode == 1
    assert "chain broken at entry #37" in broken.stdout
