"""Fixtures for the scenario generator: small scenarios, generated once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from reunify.synth import ScenarioSummary, SynthConfig, generate_scenario


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ScenarioSummary]:
    """400 families with 2% broken rows: enough of every kind for the checks."""
    out = tmp_path_factory.mktemp("synth") / "scenario"
    summary = generate_scenario(out, 400, 11, SynthConfig(broken_rate=0.02))
    return out, summary


@pytest.fixture(scope="session")
def default_scenario(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ScenarioSummary]:
    """400 families with the default configuration."""
    out = tmp_path_factory.mktemp("synth") / "default"
    return out, generate_scenario(out, 400, 5)
