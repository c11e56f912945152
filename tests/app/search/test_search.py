"""Search over a linked scenario: a child found by a misspelt name, an A-number typed any way, a record key."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from reunify.app.records.models import Record
from reunify.app.search.models import PersonSummary
from reunify.app.search.services import search_index_rebuild
from reunify.cli import main
from reunify.synth import generate_scenario

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _misspell(word: str, rng: random.Random) -> str:
    """Exchange two neighbouring letters inside the word and drop its accents' case: a typical typing slip."""
    if len(word) < 4:
        return word.lower()
    i = rng.randrange(1, len(word) - 2)
    return (word[:i] + word[i + 1] + word[i] + word[i + 2 :]).lower()


def test_children_are_found_by_misspelt_names_identifiers_and_keys(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario"
    generate_scenario(scenario, families=60, seed=41)
    _invoke("ingest", str(scenario))
    _invoke("link")
    figures = search_index_rebuild()
    assert figures["persons_indexed"] == PersonSummary.objects.count() > 0

    rng = random.Random(5)
    children = list(PersonSummary.objects.filter(is_child=True).order_by("public_id"))
    assert children
    found_first = 0
    for child in children[:25]:
        words = child.display_name.split()
        typed = " ".join([_misspell(words[0], rng), *(w.lower() for w in words[1:2])])
        results = json.loads(_invoke("search", typed, "--json", "--limit", "10"))
        ids = [r["person_id"] for r in results]
        assert child.public_id in ids, f"{typed!r} did not find {child.display_name}"
        found_first += (
            ids[0] == child.public_id or results[0]["score"] == results[ids.index(child.public_id)]["score"]
        )
    assert found_first >= 20  # namesakes may tie with the child, never outrank its own spelling

    with_number = PersonSummary.objects.exclude(a_numbers=[]).first()
    assert with_number is not None
    number = with_number.a_numbers[0]
    typed = f"A{number[:3]}-{number[3:6]}-{number[6:]}"
    assert json.loads(_invoke("search", typed, "--json"))[0]["person_id"] == with_number.public_id

    record = Record.objects.order_by("record_key").first()
    assert record is not None
    hits = json.loads(_invoke("search", record.record_key, "--json"))
    assert [h["person_id"] for h in hits] == [record.person_link.person.public_id]

    assert json.loads(_invoke("search", "zzyzx qwerty", "--json")) == []
