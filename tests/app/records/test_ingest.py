"""Ingestion through its public interfaces: the service, the command and the exports, on a real database."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reunify.app.records.models import Delivery, QuarantinedRow, Record, RecordVersion
from reunify.app.records.services import ingest_paths
from reunify.cli import main

CBP_COLUMNS = [
    "record_id", "event_id", "fin", "a_number", "last_name", "first_name", "dob", "sex",
    "citizenship", "apprehended_at", "sector", "station", "state", "family_group_id",
    "relationship", "classification", "disposition", "transferred_to", "transferred_at",
    "separated", "separation_reason", "remarks",
]  # fmt: skip


def cbp_row(record_id: str, **overrides: str) -> dict[str, str]:
    row = {
        "record_id": record_id,
        "event_id": "EPT-18-005123",
        "fin": "1234567890",
        "a_number": "A-212-345-678",
        "last_name": "LOPEZ GARCIA",
        "first_name": "JOSE LUIS",
        "dob": "1988-03-14",
        "sex": "M",
        "citizenship": "GUATEMALA",
        "apprehended_at": "2018-05-03T04:12:00-06:00",
        "sector": "EL PASO",
        "station": "SANTA TERESA",
        "state": "NM",
        "family_group_id": "FG-1",
        "relationship": "HEAD",
        "classification": "FMUA",
        "disposition": "PROSECUTION",
        "transferred_to": "USMS",
        "transferred_at": "2018-05-04T10:00:00-06:00",
        "separated": "",
        "separation_reason": "",
        "remarks": "",
    }
    row.update(overrides)
    return row


def write_cbp(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CBP_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


pytestmark = pytest.mark.django_db(transaction=True)


def test_first_delivery_stores_rows_and_quarantines_the_broken_one(tmp_path: Path) -> None:
    write_cbp(
        tmp_path / "cbp_apprehensions_20180510.csv",
        [
            cbp_row("E3-1-01"),
            cbp_row("E3-1-02", first_name="MARIA", dob="2012-01-01", sex="F", fin=""),
            cbp_row("E3-1-03", dob="2018-02-30"),
        ],
    )
    summary = ingest_paths([tmp_path]).as_dict()
    assert (summary["files"], summary["rows"], summary["new"], summary["quarantined"]) == (1, 3, 2, 1)
    record = Record.objects.get(record_key="cbp_apprehensions:E3-1-01")
    assert record.fields["a_number"] == "212345678"
    assert record.raw["a_number"] == "A-212-345-678"
    assert record.line == 2
    assert record.delivery.file_name == "cbp_apprehensions_20180510.csv"
    assert len(record.content_hash) == 32
    bad = QuarantinedRow.objects.get()
    assert (bad.record_key, bad.line, bad.column) == ("cbp_apprehensions:E3-1-03", 4, "dob")
    assert "2018-02-30" in bad.reason


def test_same_folder_twice_changes_nothing(tmp_path: Path) -> None:
    write_cbp(tmp_path / "cbp_apprehensions_20180510.csv", [cbp_row("E3-1-01"), cbp_row("E3-1-02")])
    ingest_paths([tmp_path])
    again = ingest_paths([tmp_path]).as_dict()
    assert (again["new"], again["corrected"], again["quarantined"]) == (0, 0, 0)
    assert again["unchanged"] == 2
    assert again["per_file"][0]["status"] == "already ingested"
    assert Record.objects.count() == 2
    assert RecordVersion.objects.count() == 2
    assert Delivery.objects.count() == 1


def test_correction_becomes_current_and_keeps_history(tmp_path: Path) -> None:
    write_cbp(tmp_path / "cbp_apprehensions_20180510.csv", [cbp_row("E3-1-01"), cbp_row("E3-1-02")])
    write_cbp(
        tmp_path / "cbp_apprehensions_20180517.csv",
        [cbp_row("E3-1-01", dob="1988-04-14"), cbp_row("E3-1-02"), cbp_row("E3-1-09")],
    )
    summary = ingest_paths([tmp_path]).as_dict()
    assert (summary["new"], summary["corrected"], summary["unchanged"]) == (3, 1, 1)
    record = Record.objects.get(record_key="cbp_apprehensions:E3-1-01")
    assert record.fields["dob"] == "1988-04-14"
    assert record.delivery_date.isoformat() == "2018-05-17"
    history = [v.fields["dob"] for v in record.versions.order_by("delivery__delivery_date")]
    assert history == ["1988-03-14", "1988-04-14"]


def test_older_delivery_arriving_late_stays_history(tmp_path: Path) -> None:
    newer = tmp_path / "new"
    older = tmp_path / "old"
    newer.mkdir()
    older.mkdir()
    write_cbp(newer / "cbp_apprehensions_20180517_2.csv", [cbp_row("E3-1-01", dob="1988-04-14")])
    write_cbp(older / "cbp_apprehensions_20180517.csv", [cbp_row("E3-1-01", dob="1988-03-14")])
    ingest_paths([newer])
    late = ingest_paths([older]).as_dict()
    assert (late["new"], late["corrected"], late["superseded"]) == (0, 0, 1)
    record = Record.objects.get()
    assert record.fields["dob"] == "1988-04-14"
    assert record.version_count == 2


def test_changed_file_under_a_known_name_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    path = write_cbp(tmp_path / "cbp_apprehensions_20180510.csv", [cbp_row("E3-1-01")])
    ingest_paths([path])
    write_cbp(path, [cbp_row("E3-1-01", dob="1970-01-01")])
    summary = ingest_paths([path]).as_dict()
    assert summary["files_refused"] == 1
    assert "different content" in summary["errors"][0]["error"]
    assert Record.objects.get().fields["dob"] == "1988-03-14"


def test_command_json_summary_and_clear_errors(tmp_path: Path) -> None:
    write_cbp(tmp_path / "cbp_apprehensions_20180510.csv", [cbp_row("E3-1-01")])
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "ice_detentions_20180510.csv").write_bytes("record_id\n".encode("utf-16"))
    result = CliRunner().invoke(main, ["ingest", "--json", str(tmp_path)])
    assert result.exit_code == 1
    start = result.stdout.index("{")
    data = json.loads(result.stdout[start:])
    for key in ("files", "rows", "new", "corrected", "unchanged", "quarantined"):
        assert key in data
    assert (data["files"], data["new"]) == (1, 1)
    errors = {Path(e["file"]).name: e["error"] for e in data["errors"]}
    assert set(errors) == {"notes.csv", "ice_detentions_20180510.csv"}
    assert "feed" in errors["notes.csv"]
    assert "UTF" in errors["ice_detentions_20180510.csv"]


def test_exports_write_quarantine_and_records(tmp_path: Path) -> None:
    write_cbp(
        tmp_path / "cbp_apprehensions_20180510.csv",
        [cbp_row("E3-1-01", first_name="JOSÉ"), cbp_row("E3-1-02", sex="X")],
    )
    ingest_paths([tmp_path])
    runner = CliRunner()
    quarantine = tmp_path / "out" / "quarantine.csv"
    records = tmp_path / "out" / "records.csv"
    assert runner.invoke(main, ["export", "quarantine", "--out", str(quarantine)]).exit_code == 0
    assert runner.invoke(main, ["export", "records", "--out", str(records)]).exit_code == 0
    with quarantine.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["record_key"], r["file"], r["line"], r["column"]) for r in rows] == [
        ("cbp_apprehensions:E3-1-02", "cbp_apprehensions_20180510.csv", "3", "sex")
    ]
    with records.open(encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    assert [r["record_key"] for r in exported] == ["cbp_apprehensions:E3-1-01"]
    assert exported[0]["given_names"] == "JOSE"
    assert exported[0]["a_number"] == "212345678"
    assert exported[0]["delivery_date"] == "2018-05-10"
    assert json.loads(exported[0]["fields"])["country"] == "GT"
