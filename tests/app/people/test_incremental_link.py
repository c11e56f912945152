"""Incremental linkage through the command: a new delivery re-links what it touches, nothing else.

The scenario is delivered in two parts (every file dated before a cut, then
the rest, corrections included); after the second part an incremental run
must give the persons a full re-link with the same model gives, and every
person whose records did not change must keep its id.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reunify.app.people.models import LinkRun
from reunify.cli import main
from reunify.synth import generate_scenario

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CUT = "20180801"


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _link(*args: str) -> dict:
    return json.loads(_invoke("link", "--json", *args))


def _persons(path: Path) -> dict[str, str]:
    _invoke("export", "persons", "--out", str(path))
    with path.open(encoding="utf-8") as handle:
        return {row["record_key"]: row["person_id"] for row in csv.DictReader(handle)}


def _partition(persons: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for key, person in persons.items():
        groups.setdefault(person, set()).add(key)
    return {frozenset(keys) for keys in groups.values()}


def _split(scenario: Path, first: Path, second: Path) -> None:
    first.mkdir()
    second.mkdir()
    for path in sorted(scenario.iterdir()):
        if path.is_file():
            date = re.search(r"_(\d{8})", path.name)
            assert date, path.name
            shutil.copy(path, (first if date.group(1) < CUT else second) / path.name)


def test_a_second_delivery_is_linked_incrementally_as_a_full_run_would(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario"
    generate_scenario(scenario, families=150, seed=43)
    _split(scenario, tmp_path / "first", tmp_path / "second")

    _invoke("ingest", str(tmp_path / "first"))
    first = _link()
    assert (first["action"], first["model_trained"]) == ("FULL", True)
    before = _persons(tmp_path / "p1.csv")

    nothing = _link()
    assert nothing["action"] == "NOTHING"
    assert LinkRun.objects.count() == 1

    _invoke("ingest", str(tmp_path / "second"))
    incremental = _link()
    assert incremental["action"] == "INCREMENTAL"
    assert incremental["model_trained"] is False
    assert incremental["records_new"] > 0 and incremental["records_changed"] > 0
    assert 0 < incremental["records_touched"] < incremental["records"]
    assert incremental["components_reclustered"] < incremental["components"]
    assert incremental["pairs_kept"] > incremental["pairs_scored"]
    after = _persons(tmp_path / "p2.csv")

    # Every person none of whose records was touched keeps its id and all its records (a new record may join).
    touched = _touched_keys()
    assert len(touched) == incremental["records_touched"]
    by_person: dict[str, set[str]] = {}
    for key, person in before.items():
        by_person.setdefault(person, set()).add(key)
    untouched = {person: keys for person, keys in by_person.items() if not keys & touched}
    assert untouched
    for person, keys in untouched.items():
        assert {after[key] for key in keys} == {person}

    full = _link("--full")
    assert (full["action"], full["model_trained"]) == ("FULL", False)
    assert (full["persons_new"], full["persons_retired"]) == (0, 0), "a full run changes no person"
    again = _persons(tmp_path / "p3.csv")
    assert _partition(again) == _partition(after)
    assert again == after

    assert _link()["action"] == "NOTHING"


def _touched_keys() -> set[str]:
    """The records the incremental run re-linked: those whose feature rows differ between the two states."""
    import pyarrow.parquet as pq

    from reunify.app.people.services import link_state_folder
    from reunify.linkage.incremental import touched_records

    first, second = (
        pq.read_table(link_state_folder() / run.state_folder / "features.parquet")
        for run in LinkRun.objects.order_by("started_at")[:2]
    )
    return set(touched_records(second, first))


def test_a_decision_alone_is_applied_incrementally(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario"
    generate_scenario(scenario, families=100, seed=47)
    _invoke("ingest", str(scenario))
    _link()
    before = _persons(tmp_path / "p1.csv")
    by_person: dict[str, list[str]] = {}
    for key, person in sorted(before.items()):
        by_person.setdefault(person, []).append(key)
    together = next(keys for keys in by_person.values() if len(keys) >= 3)
    _invoke(
        "review",
        "decide",
        together[0],
        together[1],
        "--different",
        "--reason",
        "test: split",
        "--by",
        "t",
        "--later",
    )
    run = _link()
    assert run["action"] == "INCREMENTAL"
    assert run["person_decisions_new"] == 1
    assert run["components_reclustered"] >= 1
    after = _persons(tmp_path / "p2.csv")
    assert after[together[0]] != after[together[1]]
    moved = {key for key in before if after[key] != before[key]}
    assert moved and moved <= set(together), "only the decided person's records may move"
    assert _link()["action"] == "NOTHING"
