"""The deliveries: names, headers, formats, messiness, broken rows, determinism."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections import Counter
from pathlib import Path

import pytest

from reunify.synth import ScenarioSummary, SynthConfig, generate_scenario

from .feedcheck import (
    FILE_NAME,
    delivery_files,
    expected_header,
    file_day,
    read_file,
    read_scenario,
)


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _broken(out: Path) -> list[dict[str, str]]:
    with (out / "truth" / "broken_rows.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ---------------------------------------------------------------------------- determinism
def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    generate_scenario(tmp_path / "a", 150, 42, SynthConfig(broken_rate=0.02))
    generate_scenario(tmp_path / "b", 150, 42, SynthConfig(broken_rate=0.02))
    first, second = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert len(first) > 20
    assert first == second


def test_different_seeds_differ(tmp_path: Path) -> None:
    generate_scenario(tmp_path / "a", 150, 1)
    generate_scenario(tmp_path / "b", 150, 2)
    assert _digest(tmp_path / "a") != _digest(tmp_path / "b")


def test_refuses_to_mix_with_an_earlier_run(tmp_path: Path) -> None:
    generate_scenario(tmp_path, 5, 1)
    with pytest.raises(FileExistsError):
        generate_scenario(tmp_path, 5, 1)


# ---------------------------------------------------------------------------- files
def test_file_names_follow_the_convention(scenario: tuple[Path, ScenarioSummary]) -> None:
    out, summary = scenario
    names = [p.name for p in out.iterdir() if p.is_file()]
    assert names and all(FILE_NAME.match(n) for n in names), names
    feeds = Counter(FILE_NAME.match(n)["feed"] for n in names)  # type: ignore[index]
    assert dict(feeds) == {f: c for f, c in summary.files_per_feed.items() if c}
    for name in names:
        match = FILE_NAME.match(name)
        assert match
        assert match["ext"] == ("jsonl" if match["feed"] == "orr_referrals" else "csv")
        dt.datetime.strptime(match["date"], "%Y%m%d")
        if match["seq"]:
            assert match["seq"] == "2"
            assert f"{match['feed']}_{match['date']}.{match['ext']}" in names
    assert any(FILE_NAME.match(n)["seq"] for n in names), "no _2 delivery"  # type: ignore[index]


def test_csv_files_have_the_documented_header_for_their_date(
    scenario: tuple[Path, ScenarioSummary],
) -> None:
    out, _ = scenario
    early = late = 0
    for path in delivery_files(out):
        if path.suffix != ".csv":
            continue
        header, rows = read_file(path)
        match = FILE_NAME.match(path.name)
        assert match
        assert header == expected_header(match["feed"], file_day(path)), path.name
        if match["feed"] == "cbp_apprehensions":
            if "separated" in header:
                late += 1
            else:
                early += 1
        # the csv module reads every data row
        text = path.read_bytes().decode("utf-8-sig")
        assert len(list(csv.reader(io.StringIO(text, newline="")))) == len(rows) + 1
    assert early and late


def test_orr_key_separated_from_parent_only_from_july_5(
    scenario: tuple[Path, ScenarioSummary],
) -> None:
    out, _ = scenario
    with_key = without_key = 0
    for path in delivery_files(out):
        if path.suffix != ".jsonl":
            continue
        _, rows = read_file(path)
        for row in rows:
            if row.values is None:
                continue
            if "separated_from_parent" in row.values:
                assert file_day(path) >= dt.date(2018, 7, 5), path.name
                with_key += 1
            else:
                without_key += 1
    assert with_key and without_key


def test_well_formed_jsonl_lines_parse(scenario: tuple[Path, ScenarioSummary]) -> None:
    out, _ = scenario
    broken = {(b["file"], int(b["line"])) for b in _broken(out)}
    count = 0
    for path in delivery_files(out):
        if path.suffix != ".jsonl":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            if not line or (path.name, number) in broken:
                continue
            obj = json.loads(line)
            assert isinstance(obj, dict) and obj["record_id"].startswith("ORR-R-")
            assert isinstance(obj["placements"], list)
            count += 1
    assert count > 100


def test_file_surfaces_vary(scenario: tuple[Path, ScenarioSummary]) -> None:
    out, _ = scenario
    csvs = [p.read_bytes() for p in delivery_files(out) if p.suffix == ".csv"]
    assert any(b.startswith(b"\xef\xbb\xbf") for b in csvs)
    assert any(b"\r\n" in b for b in csvs)
    assert any(b"\r\n" not in b for b in csvs)
    assert any(b.startswith((b'"record_id"', b'\xef\xbb\xbf"record_id"')) for b in csvs)


def test_quoted_newlines_and_commas_survive_csv(tmp_path: Path) -> None:
    config = SynthConfig(quoted_newline_rate=1.0, broken_rate=0.0)
    generate_scenario(tmp_path, 60, 3, config)
    remarks = []
    for path in delivery_files(tmp_path):
        if path.name.startswith("cbp_"):
            _, rows = read_file(path)
            remarks += [r.values["remarks"] for r in rows if r.values and r.values["remarks"]]
    assert any("\n" in r for r in remarks)
    assert any("," in r for r in remarks)


# ---------------------------------------------------------------------------- broken rows
def test_exactly_the_declared_rows_are_malformed(scenario: tuple[Path, ScenarioSummary]) -> None:
    """Our own reading of docs/validation.md finds each declared rule, and nothing else."""
    out, _ = scenario
    declared = {(b["file"], int(b["line"])): b for b in _broken(out)}
    found = {}
    for name, rows in read_scenario(out).items():
        for row in rows:
            if row.rules:
                found[(name, row.line)] = row.rules
    assert set(found) == set(declared)
    for where, rules in found.items():
        assert rules == {int(declared[where]["rule"])}, (where, declared[where], rules)


def test_broken_rows_keep_a_readable_record_id(scenario: tuple[Path, ScenarioSummary]) -> None:
    out, _ = scenario
    declared = {(b["file"], int(b["line"])): b for b in _broken(out)}
    for name, rows in read_scenario(out).items():
        for row in rows:
            note = declared.get((name, row.line))
            if note is not None:
                assert note["record_key"] == f"{FILE_NAME.match(name)['feed']}:{row.record_id}"  # type: ignore[index]


def test_broken_share_is_near_the_configured_rate(scenario: tuple[Path, ScenarioSummary]) -> None:
    _, summary = scenario
    share = summary.broken_rows / summary.rows
    assert 0.015 < share < 0.025, share


def test_default_broken_share(default_scenario: tuple[Path, ScenarioSummary]) -> None:
    _, summary = default_scenario
    assert 0.002 < summary.broken_rows / summary.rows < 0.008


def test_broken_rows_cover_many_kinds(scenario: tuple[Path, ScenarioSummary]) -> None:
    out, _ = scenario
    kinds = Counter(b["kind"] for b in _broken(out))
    rules = {b["rule"] for b in _broken(out)}
    assert len(kinds) >= 10, kinds
    assert rules == {"1", "2", "3", "4", "5", "6", "7"}


def test_broken_records_are_never_redelivered(scenario: tuple[Path, ScenarioSummary]) -> None:
    out, _ = scenario
    broken_keys = {b["record_key"] for b in _broken(out)}
    files_of: dict[str, set[str]] = {}
    for name, rows in read_scenario(out).items():
        feed = FILE_NAME.match(name)["feed"]  # type: ignore[index]
        for row in rows:
            if row.record_id:
                files_of.setdefault(f"{feed}:{row.record_id}", set()).add(name)
    for key in broken_keys:
        assert len(files_of[key]) == 1, (key, files_of[key])


def test_duplicates_share_a_file_and_the_first_row_is_broken_too(
    scenario: tuple[Path, ScenarioSummary],
) -> None:
    out, _ = scenario
    notes = _broken(out)
    duplicates = [b for b in notes if b["kind"] == "duplicate_record_id"]
    assert duplicates
    for dup in duplicates:
        earlier = [
            b
            for b in notes
            if b["record_key"] == dup["record_key"] and b["file"] == dup["file"] and b is not dup
        ]
        assert len(earlier) == 1 and int(earlier[0]["line"]) < int(dup["line"])


def test_no_broken_rows_when_the_rate_is_zero(tmp_path: Path) -> None:
    summary = generate_scenario(tmp_path, 120, 4, SynthConfig(broken_rate=0.0))
    assert summary.broken_rows == 0
    assert _broken(tmp_path) == []
    for rows in read_scenario(tmp_path).values():
        assert not any(row.rules for row in rows)


# ---------------------------------------------------------------------------- increments
def test_open_stays_are_resent_when_closed(scenario: tuple[Path, ScenarioSummary]) -> None:
    out, _ = scenario
    versions: dict[str, list[str]] = {}
    for name, rows in read_scenario(out).items():
        if name.startswith("ice_detentions"):
            for row in rows:
                if row.values is not None and not row.rules:
                    versions.setdefault(row.record_id or "", []).append(row.values["book_out_at"])
    resent = [v for v in versions.values() if len(v) > 1]
    assert len(resent) > 20
    assert any(v[0] == "" and v[-1] for v in resent)


def test_corrections_change_one_value_later(scenario: tuple[Path, ScenarioSummary]) -> None:
    out, summary = scenario
    assert summary.corrections > 0
    seen: dict[str, dict] = {}
    changed = 0
    for name, rows in read_scenario(out).items():
        if not name.startswith("cbp_"):
            continue
        for row in rows:
            if row.values is None or row.rules:
                continue
            before = seen.get(row.record_id or "")
            if before is not None:
                fields = ("last_name", "first_name", "dob", "a_number")
                if any(before.get(f) != row.values.get(f) for f in fields):
                    changed += 1
            seen[row.record_id or ""] = row.values
    assert changed > 0


# ---------------------------------------------------------------------------- messiness
def test_orr_unknowns_take_every_written_form(
    default_scenario: tuple[Path, ScenarioSummary],
) -> None:
    out, _ = default_scenario
    forms = Counter()
    for name, rows in read_scenario(out).items():
        if name.startswith("orr_"):
            for row in rows:
                if row.values is not None:
                    value = row.values.get("a_number", "missing")
                    forms["missing" if value == "missing" else repr(value)[:1]] += 1
    assert forms["missing"] and forms["N"] and forms["'"]  # missing, None, strings


def test_estimated_birth_dates_are_january_first(
    default_scenario: tuple[Path, ScenarioSummary],
) -> None:
    out, _ = default_scenario
    estimated = 0
    for name, rows in read_scenario(out).items():
        if name.startswith("orr_"):
            for row in rows:
                if row.values and row.values.get("dob_estimated") is True:
                    assert row.values["dob"].startswith("01/01/")
                    estimated += 1
    assert estimated


def test_a_numbers_come_in_every_written_form(default_scenario: tuple[Path, ScenarioSummary]) -> None:
    out, _ = default_scenario
    shapes = set()
    for name, rows in read_scenario(out).items():
        if name.startswith(("cbp_", "ice_")):
            for row in rows:
                value = (row.values or {}).get("a_number", "")
                if value and not row.rules:
                    digits = "".join(ch for ch in value if ch.isdigit())
                    shapes.add((value[0] == "A", "-" in value, len(digits)))
    assert {(True, False, 9), (False, False, 9), (True, True, 9), (False, True, 9)} <= shapes
    assert any(length == 8 for _, _, length in shapes)


def test_children_under_14_have_no_fin(default_scenario: tuple[Path, ScenarioSummary]) -> None:
    out, _ = default_scenario
    checked = 0
    for name, rows in read_scenario(out).items():
        if not name.startswith("cbp_"):
            continue
        for row in rows:
            values = row.values
            if values is None or row.rules or not values["fin"]:
                continue
            born = dt.date.fromisoformat(values["dob"])
            seen = dt.date.fromisoformat(values["apprehended_at"][:10])
            # the written dob can be an estimate or a slip; allow a year of slack
            assert (seen - born).days > 12 * 365, values
            checked += 1
    assert checked > 100


def test_clean_run_when_noise_is_zero(tmp_path: Path) -> None:
    summary = generate_scenario(tmp_path, 150, 8, SynthConfig(noise=0.0, broken_rate=0.0))
    assert summary.corrections == 0
    for path in delivery_files(tmp_path):
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    for name, rows in read_scenario(tmp_path).items():
        if name.startswith("cbp_"):
            for row in rows:
                assert row.values is not None
                assert row.values["a_number"] == "" or "." not in row.values["a_number"]
                if row.values["relationship"] in ("HEAD", "SPOUSE"):
                    assert len(row.values["last_name"].split()) >= 2


@pytest.mark.parametrize("noise", [0.0, 2.5, 5.0])
def test_messiness_never_makes_a_row_malformed(tmp_path: Path, noise: float) -> None:
    """However messy, only the declared rows break a rule (and each only its own)."""
    generate_scenario(tmp_path, 300, 13, SynthConfig(noise=noise, broken_rate=0.03))
    declared = {(b["file"], int(b["line"])): {int(b["rule"])} for b in _broken(tmp_path)}
    found = {
        (name, row.line): row.rules
        for name, rows in read_scenario(tmp_path).items()
        for row in rows
        if row.rules
    }
    assert found == declared
