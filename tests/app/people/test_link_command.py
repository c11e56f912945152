"""The person linkage through the command: stable ids, decisions that survive every rebuild."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reunify.app.people.models import PersonRecord
from reunify.cli import main
from reunify.synth import generate_scenario

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _persons(path: Path) -> dict[str, str]:
    _invoke("export", "persons", "--out", str(path))
    with path.open(encoding="utf-8") as handle:
        return {row["record_key"]: row["person_id"] for row in csv.DictReader(handle)}


def test_relink_keeps_ids_and_obeys_decisions(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario"
    generate_scenario(scenario, families=120, seed=31)
    _invoke("ingest", str(scenario))
    first = json.loads(_invoke("link", "--json"))
    assert first["records"] == PersonRecord.objects.count() > 0
    before = _persons(tmp_path / "p1.csv")

    again = json.loads(_invoke("link", "--json"))
    assert (again["persons_new"], again["persons_retired"]) == (0, 0)
    assert _persons(tmp_path / "p2.csv") == before

    by_person: dict[str, list[str]] = {}
    for key, person in sorted(before.items()):
        by_person.setdefault(person, []).append(key)
    together = next(keys for keys in by_person.values() if len(keys) >= 2)
    apart = [keys[0] for keys in list(by_person.values())[:2]]
    _invoke("review", "decide", together[0], together[1], "--different", "--reason", "test: split", "--by", "t")
    _invoke("review", "decide", apart[0], apart[1], "--same", "--reason", "test: merge", "--by", "t")
    for round_ in range(2):
        _invoke("link")
        after = _persons(tmp_path / f"p{3 + round_}.csv")
        assert after[together[0]] != after[together[1]]
        assert after[apart[0]] == after[apart[1]]


def test_decisions_need_a_reason_and_known_records(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["review", "decide", "cbp_apprehensions:X", "cbp_apprehensions:Y", "--same", "--reason", "x"]
    )
    assert result.exit_code == 2
    assert "no such record" in result.output
