"""End to end on generated data: synth -> ingest -> link -> cases, and a relink that keeps every case."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reunify.app.cases.models import Case
from reunify.cli import main
from reunify.synth import generate_scenario

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cases_for_every_separated_family_survive_a_relink(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario"
    generate_scenario(scenario, families=80, seed=41)
    _invoke("ingest", str(scenario))
    _invoke("link")
    _invoke("export", "separations", "--out", str(tmp_path / "s.csv"))
    with (tmp_path / "s.csv").open(encoding="utf-8") as handle:
        separations = list(csv.DictReader(handle))
    children = {row["child_person_id"] for row in separations}
    assert children, "a scenario of 80 families has separations"

    # `reunify link` opened them already (the pipeline's last step); opening again adds none
    opened = json.loads(_invoke("cases", "open", "--json"))
    assert (opened["opened"], opened["families"], opened["separations"]) == (
        0,
        len(children),
        len(separations),
    )
    assert set(Case.objects.values_list("child_person_id", flat=True)) == children
    assert Case.objects.filter(child__isnull=True).count() == 0
    ids = dict(Case.objects.values_list("child_person_id", "case_id"))

    _invoke("link", "--full")  # a rebuild of every person, with the stored model
    again = json.loads(_invoke("cases", "open", "--json"))
    assert (again["opened"], again["parents_gone"], again["flagged_for_review"]) == (0, 0, 0)
    assert dict(Case.objects.values_list("child_person_id", "case_id")) == ids

    listed = json.loads(_invoke("cases", "list", "--json", "--as-of", "2018-07-30"))
    assert listed["count"] == len(children)
    case_id = listed["cases"][0]["case_id"]
    shown = json.loads(_invoke("cases", "show", case_id, "--json", "--as-of", "2018-07-30"))
    assert shown["parents"] and shown["steps"]
    assert shown["child"]["birth_date"], "the child's date of birth comes from its records"
    members = [c for c in listed["cases"] if c["next_deadline"] or c["overdue"]]
    assert members, "class members have deadlines from the rule sets"
