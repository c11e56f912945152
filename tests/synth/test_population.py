"""The people in a scenario: twins, namesakes, repeat crossers, ages."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from reunify.synth import SynthConfig, generate_scenario

from .feedcheck import newest_versions, read_scenario


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    """A scenario without messiness, so that names and dates are the true ones."""
    out = tmp_path_factory.mktemp("clean")
    generate_scenario(out, 1500, 17, SynthConfig(noise=0.0, broken_rate=0.0))
    with (out / "truth" / "persons.csv").open(encoding="utf-8", newline="") as handle:
        person_of = {row["record_key"]: row["person_id"] for row in csv.DictReader(handle)}
    cbp = newest_versions(read_scenario(out))["cbp_apprehensions"]
    return out, person_of, cbp


def test_twins_share_birth_date_and_surnames(clean: tuple[Path, dict, dict]) -> None:
    _, person_of, cbp = clean
    by_event = defaultdict(list)
    for record_id, row in cbp.items():
        by_event[row["event_id"]].append((person_of[f"cbp_apprehensions:{record_id}"], row))
    twins = 0
    for members in by_event.values():
        children = [(p, r) for p, r in members if r["relationship"] == "CHILD"]
        for i, (p1, r1) in enumerate(children):
            for p2, r2 in children[i + 1 :]:
                if p1 != p2 and r1["dob"] == r2["dob"] and r1["last_name"] == r2["last_name"]:
                    assert r1["first_name"] != r2["first_name"]
                    twins += 1
    assert twins > 0


def test_different_people_share_common_names(clean: tuple[Path, dict, dict]) -> None:
    _, person_of, cbp = clean
    people_by_name = defaultdict(set)
    for record_id, row in cbp.items():
        people_by_name[(row["first_name"], row["last_name"])].add(
            (person_of[f"cbp_apprehensions:{record_id}"], row["dob"])
        )
    namesakes = [n for n, who in people_by_name.items() if len({p for p, _ in who}) > 1]
    assert len(namesakes) > 5
    assert any(len({dob for _, dob in people_by_name[n]}) > 1 for n in namesakes)


def test_repeat_crossers_keep_their_fin(clean: tuple[Path, dict, dict]) -> None:
    _, person_of, cbp = clean
    events = defaultdict(set)
    fins = defaultdict(set)
    for record_id, row in cbp.items():
        person = person_of[f"cbp_apprehensions:{record_id}"]
        events[person].add(row["event_id"])
        if row["fin"]:
            fins[person].add(row["fin"])
    repeaters = [p for p, seen in events.items() if len(seen) > 1]
    assert repeaters
    assert all(len(fins[p]) <= 1 for p in repeaters)


def test_children_ages_include_the_very_young(clean: tuple[Path, dict, dict]) -> None:
    _, _, cbp = clean
    ages = []
    for row in cbp.values():
        if row["classification"] == "UAC" or row["relationship"] == "CHILD":
            born = dt.date.fromisoformat(row["dob"])
            seen = dt.date.fromisoformat(row["apprehended_at"][:10])
            ages.append(seen.year - born.year - ((seen.month, seen.day) < (born.month, born.day)))
    assert min(ages) == 0 and max(ages) == 17
    assert 0.05 < sum(1 for a in ages if a < 5) / len(ages) < 0.3


def test_output_does_not_depend_on_hash_seed(tmp_path: Path) -> None:
    """Set iteration order differs between processes; the output must not."""
    src = Path(__file__).resolve().parents[2] / "src"
    code = (
        "import sys; from pathlib import Path; from reunify.synth import generate_scenario;"
        "generate_scenario(Path(sys.argv[1]), 60, 4)"
    )
    for name, seed in (("a", "1"), ("b", "2")):
        env = {"PYTHONPATH": str(src), "PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}
        subprocess.run([sys.executable, "-c", code, str(tmp_path / name)], check=True, env=env)
    first = sorted(
        (p.relative_to(tmp_path / "a"), p.read_bytes()) for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    second = sorted(
        (p.relative_to(tmp_path / "b"), p.read_bytes()) for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    assert first == second
