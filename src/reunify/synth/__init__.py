"""Scenario generator: realistic FEEDS.md deliveries of 2017–2018, with the truth beside them.

``generate_scenario(out_dir, families, seed, config)`` writes every feed's
deliveries and ``truth/`` (EXPORTS.md).  It writes the file formats itself and
imports nothing from the readers, so that a misunderstanding of the contract
in one is not silently shared by the other.
"""

from .config import SynthConfig
from .generator import ScenarioSummary, clear_outputs, existing_outputs, generate_scenario

__all__ = [
    "ScenarioSummary",
    "SynthConfig",
    "clear_outputs",
    "existing_outputs",
    "generate_scenario",
]
