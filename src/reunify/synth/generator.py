"""``generate_scenario``: a whole scenario, deterministic for (families, seed, config).

One ``random.Random(seed)`` drives everything, families are simulated in date
order and nothing iterates over a set or reads the clock, so two runs with the
same arguments write byte-identical folders.  Rows stream to their files as
each family is simulated; memory holds one family, the counters and the
family plan (a date and a kind per family).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clock import FIRST_APPREHENSION, LAST_APPREHENSION, ZERO_TOLERANCE
from .config import KIND_SHARE_FIELDS, KINDS, SynthConfig
from .deliveries import FEEDS, FILE_NAME, DeliveryFiles, build_schedules
from .people import People, Scribe
from .pools import Weighted
from .records import Emitter
from .truth import TRUTH_FILES, TruthFiles
from .world import World

Progress = Callable[[str, int, int], None]


@dataclass
class ScenarioSummary:
    """What a run wrote; every count says what it counts."""

    out_dir: Path
    families: int
    seed: int
    families_by_kind: dict[str, int] = field(default_factory=dict)
    files_per_feed: dict[str, int] = field(default_factory=dict)
    rows_per_feed: dict[str, int] = field(default_factory=dict)
    records_per_feed: dict[str, int] = field(default_factory=dict)
    broken_rows_per_feed: dict[str, int] = field(default_factory=dict)
    malformed_records_per_feed: dict[str, int] = field(default_factory=dict)
    corrections: int = 0
    persons: int = 0
    ties: int = 0
    separations_by_outcome: dict[str, int] = field(default_factory=dict)

    @property
    def separations(self) -> int:
        """Rows of truth/separations.csv (one per separated child and parent)."""
        return sum(self.separations_by_outcome.values())

    @property
    def rows(self) -> int:
        """Data rows in all delivery files, re-sent and broken rows included."""
        return sum(self.rows_per_feed.values())

    @property
    def broken_rows(self) -> int:
        """Rows written broken on purpose (a duplicate pair counts two)."""
        return sum(self.broken_rows_per_feed.values())

    def counts(self) -> dict[str, Any]:
        """The counts as plain JSON values (for scenario.json)."""
        data = dataclasses.asdict(self)
        data.pop("out_dir")
        data.update(rows=self.rows, broken_rows=self.broken_rows, separations=self.separations)
        return data


def existing_outputs(out_dir: Path) -> list[Path]:
    """Files a run would overwrite: delivery files of the seven feeds and truth files."""
    if not out_dir.is_dir():
        return []
    found = sorted(p for p in out_dir.iterdir() if p.is_file() and FILE_NAME.match(p.name))
    truth = out_dir / "truth"
    if truth.is_dir():
        found += [truth / name for name in TRUTH_FILES if (truth / name).is_file()]
    return found


def clear_outputs(out_dir: Path) -> int:
    """Remove only what a run writes (feed files, truth files); returns how many."""
    removed = existing_outputs(out_dir)
    for path in removed:
        path.unlink()
    truth = out_dir / "truth"
    if truth.is_dir() and not any(truth.iterdir()):
        truth.rmdir()
    return len(removed)


def _plan(rng: random.Random, cfg: SynthConfig, families: int) -> list[tuple[dt.date, int]]:
    """A (date, kind) per family, in date order (stable), denser under zero tolerance."""
    kinds = Weighted([(str(i), getattr(cfg, name)) for i, name in enumerate(KIND_SHARE_FIELDS)])
    before_days = (ZERO_TOLERANCE - FIRST_APPREHENSION).days
    zt_days = (LAST_APPREHENSION - ZERO_TOLERANCE).days + 1
    zt_share = zt_days * cfg.zero_tolerance_density / (zt_days * cfg.zero_tolerance_density + before_days)
    separated = KINDS.index("separated")
    false_parent = KINDS.index("false_parent")
    plan = []
    for _ in range(families):
        kind = int(kinds.pick(rng))
        if kind == separated:
            in_zt = rng.random() >= cfg.pilot_separation_share
        elif kind == false_parent:  # DNA tests of July 2018 need them still in custody
            in_zt = rng.random() < 0.8
        else:
            in_zt = rng.random() < zt_share
        if in_zt:
            day = ZERO_TOLERANCE + dt.timedelta(days=rng.randrange(zt_days))
        else:
            day = FIRST_APPREHENSION + dt.timedelta(days=rng.randrange(before_days))
        plan.append((day, kind))
    plan.sort(key=lambda item: item[0])  # stable: ties keep their drawing order
    return plan


def generate_scenario(
    out_dir: Path,
    families: int,
    seed: int,
    config: SynthConfig | None = None,
    progress: Progress | None = None,
) -> ScenarioSummary:
    """Write a scenario of ``families`` apprehension groups into ``out_dir`` (and its truth).

    ``progress(stage, done, total)`` is called now and then.  The folder may
    exist but must not already hold feed or truth files (``clear_outputs``
    removes them), so that deliveries of two runs never mix.
    """
    if families < 0:
        raise ValueError("families must be >= 0")
    config = config or SynthConfig()
    config.validate()
    cfg = config.effective()
    out_dir = Path(out_dir)
    leftovers = existing_outputs(out_dir)
    if leftovers:
        raise FileExistsError(
            f"{out_dir} already holds {len(leftovers)} feed or truth files (e.g. {leftovers[0].name})"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    schedules = build_schedules(rng, cfg)
    truth = TruthFiles(out_dir / "truth")
    files = DeliveryFiles(out_dir, schedules, rng, cfg, truth.broken_row)
    people = People(rng, cfg)
    scribe = Scribe(rng, cfg, people)
    emitter = Emitter(rng, cfg, scribe, files, schedules, truth.person)
    world = World(rng, cfg, people, scribe, emitter, truth.tie, truth.separation)
    plan = _plan(rng, cfg, families)
    by_kind = dict.fromkeys(KINDS, 0)
    step = max(1, families // 200)
    try:
        for done, (day, kind) in enumerate(plan, 1):
            world.family(KINDS[kind], day)
            by_kind[KINDS[kind]] += 1
            if progress is not None and (done % step == 0 or done == families):
                progress("families", done, families)
    finally:
        written = files.close()
        truth.close()
    summary = ScenarioSummary(
        out_dir=out_dir,
        families=families,
        seed=seed,
        families_by_kind=by_kind,
        files_per_feed={feed: len(written[feed]) for feed in FEEDS},
        rows_per_feed={feed: sum(f.rows for f in written[feed]) for feed in FEEDS},
        records_per_feed=dict(emitter.records),
        broken_rows_per_feed={feed: truth.broken_rows.get(feed, 0) for feed in FEEDS},
        malformed_records_per_feed=dict(emitter.malformed_records),
        corrections=emitter.corrections,
        persons=world.persons,
        ties=world.ties,
        separations_by_outcome=dict(world.separations),
    )
    scenario = {
        "seed": seed,
        "families": families,
        "config": config.to_dict(),
        "counts": summary.counts(),
    }
    (out_dir / "truth" / "scenario.json").write_text(json.dumps(scenario, indent=2) + "\n", encoding="utf-8")
    if progress is not None:
        progress("done", families, families)
    return summary
