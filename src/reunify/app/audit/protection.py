"""Database-level protection of the audit log: triggers that refuse UPDATE and DELETE.

SQLite has no roles, so its triggers ask a function that only this process
defines (``reunify_audit_erasing``): it answers 1 only while ``flush`` (the
erasure of the whole database, which test isolation uses) runs, and any other
connection (the ``sqlite3`` shell, another program) has no such function, so
its DELETE fails too. PostgreSQL refuses UPDATE and DELETE for every role,
always; TRUNCATE only while the session setting ``reunify.audit_erasing`` is
``on``, which ``flush`` sets. A database owner can still drop the triggers;
then ``reunify audit verify`` names the first altered entry.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

TABLE = "audit_auditentry"
_erasing = threading.local()

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON {TABLE}
    WHEN reunify_audit_erasing() = 0
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_entry_no_update", "DROP TRIGGER IF EXISTS audit_entry_no_delete"]

POSTGRES_CREATE = [
    """CREATE OR REPLACE FUNCTION audit_entry_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' AND current_setting('reunify.audit_erasing', true) = 'on' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$""",
    f"""CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse()""",
    f"""CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_entry_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_entry_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_entry_refuse()",
]


def trigger_sql(vendor: str, create: bool = True) -> list[str]:
    """The statements creating (or dropping) the triggers on a database of ``vendor``."""
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if vendor == "postgresql":
        return POSTGRES_CREATE if create else POSTGRES_DROP
    raise NotImplementedError(f"no audit-log triggers for the {vendor} database")


def register_sqlite_guard(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Define ``reunify_audit_erasing()`` on each new SQLite connection (Django's connection_created)."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        "reunify_audit_erasing", 0, lambda: 1 if getattr(_erasing, "on", False) else 0, deterministic=False
    )


@contextmanager
def erasing_whole_database(connection: Any) -> Iterator[None]:
    """Let ``flush`` empty the audit table along with every other; nothing else may."""
    _erasing.on = True
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET reunify.audit_erasing = 'on'")
    try:
        yield
    finally:
        _erasing.on = False
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET reunify.audit_erasing")
