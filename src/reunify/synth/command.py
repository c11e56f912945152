"""``reunify synth``: write a scenario of deliveries and its truth from the command line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .config import SynthConfig
from .generator import ScenarioSummary, clear_outputs, generate_scenario

_FEED_LABELS = {
    "cbp_apprehensions": "CBP apprehensions",
    "usms_custody": "USMS custody",
    "ice_detentions": "ICE detentions",
    "orr_referrals": "ORR referrals",
    "dna_results": "DNA results",
    "court_findings": "court findings",
    "ngo_locates": "NGO locates",
}


@click.command("synth")
@click.option(
    "--families",
    type=click.IntRange(min=0),
    required=True,
    help="Apprehension groups (families, lone children, single adults) to simulate.",
)
@click.option("--seed", type=int, required=True, help="Random seed; same seed, same bytes.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder for the deliveries; the truth goes to OUT/truth.",
)
@click.option(
    "--noise",
    type=click.FloatRange(min=0),
    default=None,
    help="Multiplies every messiness rate (default 1.0; 0 writes clean feeds).",
)
@click.option(
    "--broken-rate",
    type=click.FloatRange(0, 1),
    default=None,
    help="Share of rows written deliberately malformed (default 0.005).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="JSON object overriding any SynthConfig field.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into a non-empty folder, first removing the feed files and truth files there.",
)
def synth_command(
    families: int,
    seed: int,
    out_dir: Path,
    noise: float | None,
    broken_rate: float | None,
    config_file: Path | None,
    force: bool,
) -> None:
    """Generate a deterministic 2017–2018 scenario: seven feeds' deliveries plus truth/."""
    try:
        config = SynthConfig.from_json_file(config_file) if config_file else SynthConfig()
        overrides = {}
        if noise is not None:
            overrides["noise"] = noise
        if broken_rate is not None:
            overrides["broken_rate"] = broken_rate
        config = dataclasses.replace(config, **overrides)
        config.validate()
    except (ValueError, OSError) as error:
        raise click.BadParameter(str(error), param_hint="--config") from error
    err = Console(stderr=True)
    if out_dir.exists() and any(out_dir.iterdir()):
        if not force:
            raise click.ClickException(
                f"{out_dir} is not empty; use --force to replace the feed and truth files in it"
            )
        removed = clear_outputs(out_dir)
        err.print(f"removed {removed} feed and truth files from {out_dir}", highlight=False)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task("simulating families", total=families or 1)

        def on_progress(stage: str, done: int, total: int) -> None:
            """Move the bar; the generator reports every 0.5% of the families."""
            label = "simulating families" if stage == "families" else "done"
            bar.update(task, description=label, completed=done, total=total or 1)

        summary = generate_scenario(out_dir, families, seed, config, progress=on_progress)
    Console().print(summary_tables(summary))


def summary_tables(summary: ScenarioSummary) -> Table:
    """The run's counts, each labelled with what it counts."""
    outer = Table.grid(padding=(1, 0))
    feeds = Table(
        title=f"Scenario of {summary.families:,} families (seed {summary.seed}) in {summary.out_dir}",
        caption=(
            "files: delivery files written; rows: data rows in them (re-sent versions, "
            "corrections and broken rows included); records: distinct record keys; "
            "broken rows: rows written malformed on purpose (truth/broken_rows.csv)"
        ),
        show_footer=True,
    )
    feeds.add_column("feed", footer="all feeds")
    for name, total in (
        ("files", sum(summary.files_per_feed.values())),
        ("rows", summary.rows),
        ("records", sum(summary.records_per_feed.values())),
        ("broken rows", summary.broken_rows),
    ):
        feeds.add_column(name, justify="right", footer=f"{total:,}")
    for feed, label in _FEED_LABELS.items():
        feeds.add_row(
            label,
            f"{summary.files_per_feed.get(feed, 0):,}",
            f"{summary.rows_per_feed.get(feed, 0):,}",
            f"{summary.records_per_feed.get(feed, 0):,}",
            f"{summary.broken_rows_per_feed.get(feed, 0):,}",
        )
    truth = Table(title="Truth (OUT/truth)", show_header=True)
    truth.add_column("what is counted")
    truth.add_column("count", justify="right")
    truth.add_row("persons: real people with at least one row", f"{summary.persons:,}")
    truth.add_row("ties: parent-child pairs in relationships.csv", f"{summary.ties:,}")
    truth.add_row("separations: child-parent rows in separations.csv", f"{summary.separations:,}")
    for outcome, count in summary.separations_by_outcome.items():
        truth.add_row(f"  separations with outcome {outcome}", f"{count:,}")
    truth.add_row("corrections: records re-sent later with a fixed value", f"{summary.corrections:,}")
    for kind, count in summary.families_by_kind.items():
        truth.add_row(f"families of kind {kind}", f"{count:,}")
    outer.add_row(feeds)
    outer.add_row(truth)
    return outer
