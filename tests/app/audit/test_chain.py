"""The audit log: appends chain by hash, verify proves it, tampering is named, triggers refuse changes."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from reunify.app.audit.models import GENESIS_HASH, AuditEntry
from reunify.app.audit.protection import trigger_sql
from reunify.app.audit.selectors import audit_chain_verify
from reunify.app.audit.services import audit_record, entry_hash

pytestmark = pytest.mark.django_db


def test_entries_chain_each_to_the_one_before() -> None:
    first = audit_record(
        "alice", "person.view", target_type="person", target_id="P1", detail={"b": 1, "a": [1, 2]}
    )
    second = audit_record(None, "export.run", target_type="export", target_id="persons")
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.entry_hash
    assert first.detail_json == '{"a":[1,2],"b":1}'
    assert second.actor == "system"
    stored = AuditEntry.objects.get(seq=1)
    assert entry_hash(stored) == stored.entry_hash


def test_verify_reports_an_intact_chain_with_its_last_hash() -> None:
    for n in range(5):
        audit_record("alice", "case.view", target_type="case", target_id=str(n))
    report = audit_chain_verify()
    last = AuditEntry.objects.order_by("-seq").first()
    assert report.intact and report.entries == 5
    assert report.message() == f"chain intact: 5 entries, last hash {last.entry_hash}"


def test_an_empty_log_is_intact() -> None:
    assert audit_chain_verify().message() == f"chain intact: 0 entries, last hash {GENESIS_HASH}"


@pytest.mark.parametrize(
    "statement", ["UPDATE {t} SET actor = 'mallory' WHERE seq = 2", "DELETE FROM {t} WHERE seq = 2"]
)
def test_the_database_refuses_update_and_delete(statement: str) -> None:
    audit_record("alice", "a")
    audit_record("alice", "b")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(t=AuditEntry._meta.db_table))
    assert AuditEntry.objects.get(seq=2).actor == "alice"


def test_no_orm_path_changes_or_removes_an_entry() -> None:
    entry = audit_record("alice", "a")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="nothing")
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    entry.action = "nothing"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "a"


def _drop_triggers() -> None:
    """What a database owner could do: remove the protection, then change rows at will."""
    with connection.cursor() as cursor:
        for statement in trigger_sql(connection.vendor, create=False):
            cursor.execute(statement)


def test_verify_names_the_first_altered_entry() -> None:
    for n in range(6):
        audit_record("alice", "person.view", target_type="person", target_id=f"P{n}")
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET target_id = 'P99' WHERE seq = 4")
    report = audit_chain_verify()
    assert not report.intact
    assert report.broken_seq == 4
    assert report.entries == 3
    assert "chain broken at entry #4" in report.message() and "altered" in report.message()


def test_verify_names_the_entry_after_a_removed_one() -> None:
    for n in range(4):
        audit_record("alice", "x", target_id=str(n))
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = 2")
    report = audit_chain_verify()
    assert (report.intact, report.broken_seq) == (False, 3)


def test_a_rewritten_chain_tail_still_breaks_at_the_first_changed_row() -> None:
    """Re-hashing an altered row is not enough: its successor's prev_hash no longer matches."""
    for n in range(3):
        audit_record("alice", "x", target_id=str(n))
    _drop_triggers()
    entry = AuditEntry.objects.get(seq=2)
    entry.target_id = "forged"
    entry.entry_hash = entry_hash(entry)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET target_id = %s, entry_hash = %s WHERE seq = 2",
            [entry.target_id, entry.entry_hash],
        )
    report = audit_chain_verify()
    assert (report.intact, report.broken_seq) == (False, 3)
