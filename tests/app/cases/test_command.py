"""``reunify cases open|list|show`` through the real command."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from reunify.cli import main

pytestmark = pytest.mark.django_db


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_open_list_and_show(two_families) -> None:
    opened = json.loads(_invoke("cases", "open", "--json"))
    assert (opened["opened"], opened["families"]) == (2, 2)
    assert json.loads(_invoke("cases", "open", "--json"))["opened"] == 0
    assert "cases opened now" in _invoke("cases", "open")

    listed = json.loads(_invoke("cases", "list", "--json", "--as-of", "2018-07-05"))
    assert listed["count"] == 2
    first = listed["cases"][0]
    assert first["next_deadline"]["rule_id"] == "phone-contact"
    assert first["next_deadline"]["days_left"] == 1
    overdue = json.loads(_invoke("cases", "list", "--overdue", "--json", "--as-of", "2018-07-12"))
    assert overdue["count"] == 2
    assert "OVERDUE" in _invoke("cases", "list", "--overdue", "--as-of", "2018-07-12")

    case_id = first["case_id"]
    shown = json.loads(_invoke("cases", "show", case_id, "--json", "--as-of", "2018-07-12"))
    assert shown["case_id"] == case_id
    assert {p["person_id"] for p in shown["parents"]} == {"P-M1", "P-F1"}
    assert [s["kind"] for s in shown["steps"]][:2] == ["PARENTAGE", "BACKGROUND"]
    assert any(d["rule_id"] == "reunify-under-5" and d["overdue"] for d in shown["deadlines"])
    assert any(f["kind"] == "NO_CONTACT_IN_WINDOW" for f in shown["flags"])
    text = _invoke("cases", "show", case_id, "--as-of", "2018-07-12")
    assert case_id in text and "MISSED" in text

    missing = CliRunner().invoke(main, ["cases", "show", "C-1999-000000"])
    assert missing.exit_code == 1
    assert "no such case: C-1999-000000" in missing.output
