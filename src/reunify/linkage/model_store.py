"""Keeping a trained person model on disk, so any score can be explained after the run.

Why files and not the database: a model is Splink's settings (a JSON document)
plus the run's term-frequency tables and name-role counts, tens of thousands of
rows of plain columns. Parquet keeps them compact and typed, loads in
milliseconds, and ties the explanation of a decision to exactly the model that
made it (the folder is named by the model's version).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pyarrow.parquet as pq

from .person_records import ExtraField
from .persons import PersonModel

SETTINGS_FILE = "settings.json"
META_FILE = "model.json"


def save_model(model: PersonModel, folder: Path) -> Path:
    """Write the model into ``folder/<version>/`` (idempotent: the same version is the same model)."""
    target = Path(folder) / model.version
    if (target / META_FILE).exists():
        return target
    staging = target.with_name(f".{model.version}.tmp")
    staging.mkdir(parents=True, exist_ok=True)
    (staging / SETTINGS_FILE).write_text(model.settings_json(), encoding="utf-8")
    for column, table in model.term_frequencies.items():
        pq.write_table(table, staging / f"tf_{column}.parquet")
    if model.name_roles is not None:
        pq.write_table(model.name_roles, staging / "name_roles.parquet")
    meta = {
        "version": model.version,
        "term_frequency_columns": sorted(model.term_frequencies),
        "extra_fields": [asdict(extra) for extra in model.extra_fields],
        "name_roles": model.name_roles is not None,
    }
    (staging / META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    staging.rename(target)
    return target


def load_model(folder: Path) -> PersonModel:
    """Read a model written by :func:`save_model`; its version is checked against the settings."""
    folder = Path(folder)
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    settings = json.loads((folder / SETTINGS_FILE).read_text(encoding="utf-8"))
    model = PersonModel(
        settings=settings,
        term_frequencies={
            c: pq.read_table(folder / f"tf_{c}.parquet") for c in meta["term_frequency_columns"]
        },
        extra_fields=tuple(ExtraField(**extra) for extra in meta["extra_fields"]),
        name_roles=pq.read_table(folder / "name_roles.parquet") if meta["name_roles"] else None,
    )
    if model.version != meta["version"]:
        raise ValueError(f"model in {folder} does not match its recorded version {meta['version']}")
    return model
