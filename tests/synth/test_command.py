"""``reunify synth`` on the command line, and configuration files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reunify.synth import SynthConfig
from reunify.synth.command import synth_command


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(synth_command, list(args))
    return result.exit_code, result.output


def test_writes_a_scenario_and_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "scenario"
    code, output = _run("--families", "40", "--seed", "3", "--out", str(out))
    assert code == 0, output
    assert (out / "truth" / "scenario.json").is_file()
    assert any(p.name.startswith("cbp_apprehensions_") for p in out.iterdir())
    for label in ("CBP apprehensions", "broken rows", "persons", "ties", "separations"):
        assert label in output


def test_refuses_a_non_empty_folder_without_force(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    code, output = _run("--families", "5", "--seed", "1", "--out", str(tmp_path))
    assert code != 0
    assert "--force" in output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_force_replaces_only_what_it_writes(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "truth").mkdir()
    (tmp_path / "truth" / "extra.md").write_text("mine too", encoding="utf-8")
    stale = tmp_path / "ice_detentions_20990101.csv"
    stale.write_text("record_id\n", encoding="utf-8")
    code, output = _run("--families", "5", "--seed", "1", "--out", str(tmp_path), "--force")
    assert code == 0, output
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "truth" / "extra.md").exists()
    assert not stale.exists()
    code, output = _run("--families", "5", "--seed", "2", "--out", str(tmp_path), "--force")
    assert code == 0, output
    data = json.loads((tmp_path / "truth" / "scenario.json").read_text(encoding="utf-8"))
    assert data["seed"] == 2


def test_config_file_and_flags(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"share_single_adult": 1.0, "share_separated": 0.0,
                                  "broken_rate": 0.2}), encoding="utf-8")  # fmt: skip
    out = tmp_path / "out"
    code, output = _run(
        "--families", "30", "--seed", "9", "--out", str(out), "--config", str(config),
        "--noise", "2",
    )  # fmt: skip
    assert code == 0, output
    data = json.loads((out / "truth" / "scenario.json").read_text(encoding="utf-8"))
    assert data["config"]["noise"] == 2.0
    assert data["config"]["broken_rate"] == 0.2
    kinds = data["counts"]["families_by_kind"]
    # 1.0 of 1.45 after normalising: about 21 of 30, loosely (a binomial draw)
    assert kinds["separated"] == 0 and kinds["single_adult"] > 12


def test_flags_override_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"broken_rate": 0.2}), encoding="utf-8")
    out = tmp_path / "out"
    code, output = _run("--families", "5", "--seed", "9", "--out", str(out),
                        "--config", str(config), "--broken-rate", "0")  # fmt: skip
    assert code == 0, output
    data = json.loads((out / "truth" / "scenario.json").read_text(encoding="utf-8"))
    assert data["config"]["broken_rate"] == 0.0


def test_unknown_config_field_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"brokn_rate": 0.2}), encoding="utf-8")
    code, output = _run("--families", "5", "--seed", "9", "--out", str(tmp_path / "o"),
                        "--config", str(config))  # fmt: skip
    assert code == 2
    assert "brokn_rate" in output


@pytest.mark.parametrize(
    ("data", "message"),
    [({"typos": 0.1}, "unknown"), ({"typo": 1.5}, "between 0 and 1"), ({"noise": "x"}, "number")],
)
def test_config_values_are_checked(data: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SynthConfig.from_mapping(data)


def test_noise_scales_messiness_only() -> None:
    config = SynthConfig(noise=2.0)
    effective = config.effective()
    assert effective.typo == pytest.approx(2 * config.typo)
    assert effective.drop_second_surname == pytest.approx(2 * config.drop_second_surname)
    assert effective.share_separated == config.share_separated
    assert effective.broken_rate == config.broken_rate
    assert SynthConfig(noise=0).effective().typo == 0
