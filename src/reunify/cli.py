"""The ``reunify`` command.

Progress and tables go to standard error through rich, results and ``--json``
to standard output, so the command can be piped without mixing the two.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

# Logs and pipes get a wide console: folding a table to 80 columns hides its numbers.
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
out = Console(width=None if sys.stdout.isatty() else 160)


class _LogProgress:
    """Progress for logs: when standard error is not a terminal, a plain line every few seconds."""

    def __init__(self, every_seconds: float = 5.0) -> None:
        self.every = every_seconds
        self.tasks: dict[int, dict] = {}
        self.last = 0.0

    def __enter__(self) -> _LogProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        for task in self.tasks.values():
            self._print(task)

    def add_task(self, description: str, total: float | None = None) -> int:
        self.tasks[len(self.tasks)] = {"description": description, "total": total, "completed": 0}
        return len(self.tasks) - 1

    def update(self, task_id: int, **changes: object) -> None:
        task = self.tasks[task_id]
        advance = changes.pop("advance", 0) or 0
        task.update({k: v for k, v in changes.items() if v is not None})
        task["completed"] += advance
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self._print(task)

    def _print(self, task: dict) -> None:
        if not task["total"] and not task["completed"]:
            return
        total = task["total"]
        done = task["completed"]
        share = f" ({100 * done / total:.0f}%)" if total else ""
        err.print(f"{task['description']}: {done:,} of {total or '?'}{share}", highlight=False)


def _progress(unit: str = "lines") -> Progress | _LogProgress:
    if not err.is_terminal:
        return _LogProgress()
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )


def _db() -> None:
    from reunify.app.bootstrap import migrate

    migrate()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reunify")
def main() -> None:
    """Reunify: find, track and reunite separated families from agency records."""
    import logging

    # Splink narrates every training step at INFO and WARNING ("level not observed
    # in dataset"); the command shows its own progress, so only Splink's errors pass.
    logging.getLogger("splink").setLevel(logging.ERROR)


def _register_synth() -> None:
    from reunify.synth.command import synth_command

    main.add_command(synth_command, "synth")


_register_synth()


def _register_app_commands() -> None:
    from reunify.app.commands import audit_group, serve_command, users_group

    main.add_command(serve_command, "serve")
    main.add_command(audit_group, "audit")
    main.add_command(users_group, "users")


_register_app_commands()


def _register_cases() -> None:
    from reunify.app.cases.command import cases_command

    main.add_command(cases_command, "cases")


_register_cases()


def _register_api() -> None:
    from reunify.app.api.command import api_group

    main.add_command(api_group, "api")


_register_api()


@main.command()
def migrate() -> None:
    """Create or update the database schema (other commands do this on their own too)."""
    from reunify.app.bootstrap import migrate as run

    run(verbosity=1)


def run_ingest(paths: list[Path], as_json: bool, per_file: bool = False) -> int:
    """Ingest with a progress bar and print the summary; returns the exit status."""
    _db()
    from reunify.app.records.services import ingest_paths

    with _progress() as bar:
        task = bar.add_task("ingesting", total=None)

        def on_start(total_lines: int) -> None:
            bar.update(task, total=total_lines)

        def on_progress(file_name: str, lines: int) -> None:
            bar.update(task, advance=lines, description=f"ingesting {file_name}")

        summary = ingest_paths(paths, on_start=on_start, progress=on_progress)
        bar.update(task, description="ingested")
    data = summary.as_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        _print_ingest_summary(data, per_file)
    for error in data["errors"]:
        err.print(f"[red]error:[/red] {error['file']}: {error['error']}", highlight=False)
    return 1 if data["errors"] else 0


def _print_ingest_summary(data: dict, per_file: bool = False) -> None:
    """One line per feed (or per file with ``--per-file``), with totals as the footer."""
    columns = ["rows", "new", "corrected", "unchanged", "superseded", "quarantined"]
    lines: dict[str, dict] = {}
    for row in data["per_file"]:
        if row["status"] == "refused":
            continue  # listed with its reason below the table
        label = row["file"] if per_file else row["feed"]
        line = lines.setdefault(label, {"files": 0, "status": set(), **dict.fromkeys(columns, 0)})
        line["files"] += 1
        line["status"].add(row["status"])
        for column in columns:
            line[column] += row[column]
    title = "Ingestion summary (rows per file)" if per_file else "Ingestion summary (rows per feed)"
    table = Table(title=title, show_footer=True)
    table.add_column("file" if per_file else "feed", footer="total")
    table.add_column("files", justify="right", footer=f"{data['files']} ({data['files_refused']} refused)")
    table.add_column("status", footer="")
    for column in columns:
        table.add_column(column, justify="right", footer=f"{data[column]:,}")
    for label, line in lines.items():
        table.add_row(
            label, str(line["files"]), ", ".join(sorted(line["status"])), *(f"{line[c]:,}" for c in columns)
        )
    out.print(table)
    out.print(
        "files: delivery files read; rows: rows read; new: record keys seen for the first time; "
        "corrected: newer versions of known records; unchanged: same content as already stored; "
        "superseded: older versions that arrived late (kept in history); quarantined: malformed rows "
        "kept with their reason (reunify export quarantine).",
        style="dim",
    )


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--per-file", is_flag=True, help="One summary line per file instead of per feed.")
def ingest(paths: tuple[Path, ...], as_json: bool, per_file: bool) -> None:
    """Ingest feed files or folders of deliveries (any mix of feeds)."""
    sys.exit(run_ingest(list(paths), as_json, per_file))


@main.group()
def export() -> None:
    """Write what the pipeline holds as CSV (EXPORTS.md)."""


def _register_custody() -> None:
    from reunify.app.custody.command import register

    register(main, export)


_register_custody()


@export.command("quarantine")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path))
def export_quarantine(out_path: Path) -> None:
    """Every quarantined row with its file, line, column and reason."""
    _db()
    from reunify.app.records.exports import export_quarantine as run

    count = run(out_path)
    err.print(f"wrote {count} quarantined rows to {out_path}")


@export.command("records")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path))
def export_records(out_path: Path) -> None:
    """Every current record with its normalised fields."""
    _db()
    from reunify.app.records.exports import export_records as run

    count = run(out_path)
    err.print(f"wrote {count} current records to {out_path}")


def _exporters() -> dict[str, object]:
    """The EXPORTS.md files the project can write now, by name; the evaluator marks the rest unavailable."""
    from reunify.app.custody.exports import export_separations as separations
    from reunify.app.people.exports import export_persons as persons
    from reunify.app.people.exports import export_relationships as relationships
    from reunify.app.records.exports import export_quarantine as quarantine

    return {
        "quarantine": quarantine,
        "persons": persons,
        "relationships": relationships,
        "separations": separations,
    }


@export.command("persons")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path))
def export_persons(out_path: Path) -> None:
    """Every linked record with its person id (EXPORTS.md)."""
    _db()
    from reunify.app.people.exports import export_persons as run

    count = run(out_path)
    err.print(f"wrote {count} records with their person ids to {out_path}")


@export.command("relationships")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path))
def export_relationships(out_path: Path) -> None:
    """Every parent-child tie at any status, with its score (EXPORTS.md)."""
    _db()
    from reunify.app.people.exports import export_relationships as run

    count = run(out_path)
    err.print(f"wrote {count} parent-child ties to {out_path}")


@export.command("separations")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path))
def export_separations(out_path: Path) -> None:
    """Every separated child and accompanying parent, with outcome and judicial basis (EXPORTS.md)."""
    _db()
    from reunify.app.custody.exports import export_separations as run

    count = run(out_path)
    err.print(f"wrote {count} separations (child, parent) to {out_path}")


@main.command()
@click.argument("reference")
@click.option("--at", "at", default=None, help="An ISO 8601 date-time with offset (default: last known).")
@click.option("--json", "as_json", is_flag=True)
def whereis(reference: str, at: str | None, as_json: bool) -> None:
    """Where a person (or the person behind a record) was at a moment, or is now, and since when."""
    import datetime as dt

    _db()
    from reunify.app.custody.selectors import person_custody

    moment = None
    if at:
        try:
            moment = dt.datetime.fromisoformat(at)
        except ValueError as exc:
            raise click.BadParameter(f"{at!r} is not an ISO 8601 date-time", param_hint="--at") from exc
        if moment.tzinfo is None:
            raise click.BadParameter(
                f"{at!r} has no offset; write e.g. {at}-06:00 or {at}Z", param_hint="--at"
            )
    try:
        answer = person_custody(reference, moment)
    except LookupError as exc:
        raise click.ClickException(str(exc).strip("'\"")) from exc
    location = answer.location
    data = {
        "person_id": answer.person_id,
        "at": at or "last known",
        "status": location.status if location else None,
        "agency": location.agency if location else None,
        "facility": location.facility if location else None,
        "state": location.state if location else None,
        "since": location.since if location else None,
        "records": list(location.source_keys) if location else [],
        "episodes": [
            {
                "agency": e.agency,
                "kind": e.kind,
                "facility": e.facility,
                "state": e.state,
                "start": e.start,
                "end": e.end,
                "end_reason": e.end_reason,
                "records": list(e.source_keys),
            }
            for e in answer.episodes
        ],
        "findings": [{"kind": f.kind, "message": f.message} for f in answer.findings],
    }
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
        return
    if location is None:
        out.print(f"{answer.person_id}: no custody known at {data['at']}")
    else:
        place = ", ".join(x for x in (location.agency, location.facility, location.state) if x)
        out.print(
            f"[bold]{answer.person_id}[/bold] at {data['at']}: {location.status} ({place}) since {location.since}"
        )
    table = Table(title="custody ledger")
    for column in ("agency", "kind", "facility", "state", "start", "end", "end reason"):
        table.add_column(column)
    for e in answer.episodes:
        table.add_row(
            e.agency, e.kind, e.facility or "", e.state or "", e.start, e.end or "", e.end_reason or ""
        )
    out.print(table)
    for finding in answer.findings:
        out.print(f"[yellow]data-quality finding[/yellow] {finding.kind}: {finding.message}", highlight=False)


@main.command()
@click.option(
    "--full", is_flag=True, help="Score every pair again (with the stored model), not only what changed."
)
@click.option("--retrain", is_flag=True, help="Train a new person model first (implies --full).")
@click.option("--json", "as_json", is_flag=True, help="Print the run's figures as JSON.")
def link(full: bool, retrain: bool, as_json: bool) -> None:
    """Decide which records are the same person (Splink on DuckDB), obeying every human decision.

    Incremental: only records new or changed since the last run (and the
    records of new decisions) are re-linked; with nothing new, nothing is done.
    """
    _db()
    from reunify.app.people.services import persons_link

    with _progress("stages") as bar:
        task = bar.add_task("linking", total=None)

        def on_progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=f"linking: {stage}", completed=done, total=total)

        outcome = persons_link(progress=on_progress, full=full, retrain=retrain)
        if outcome.run is not None:
            from reunify.app.pipeline import derived_rebuild

            derived = derived_rebuild(progress=on_progress)
    changes = outcome.changes
    done = {
        "action": outcome.action,
        "reason": outcome.reason,
        "records_new": changes.records_new,
        "records_changed": changes.records_changed,
        "person_decisions_new": changes.person_decisions,
        "tie_decisions_new": changes.tie_decisions,
    }
    run = outcome.run
    if run is None:
        if as_json:
            click.echo(
                json.dumps({**done, "records": changes.records, "persons_new": 0, "persons_retired": 0})
            )
        else:
            out.print(f"Nothing to link: {outcome.reason}.", highlight=False)
        return
    counts = run.counts
    done |= {
        "records_touched": counts.get("records_touched", run.records),
        "pairs_scored": counts.get("scored_pairs", 0) + counts.get("group_pairs_scored", 0),
        "pairs_kept": counts.get("pairs_kept", 0),
        "components": counts.get("candidate_groups", 0),
        "components_reclustered": counts.get("candidate_groups_clustered", 0),
        "model_trained": run.trained,
        "stage_seconds": {**run.timings, **{f"app_{k}": v for k, v in outcome.seconds.items()}},
    }
    figures = {
        **done,
        "records": run.records,
        "persons": run.persons,
        "persons_new": run.persons_new,
        "persons_kept_unchanged": run.persons_kept,
        "persons_retired": run.persons_retired,
        "review_pairs": run.reviews.count(),
        "ties": run.ties.count(),
        "model_version": run.model_version,
        "seconds": round(sum(outcome.seconds.values()), 1),
        "counts": run.counts,
        "separations": derived.separations,
        "separations_without_judicial_basis": derived.separations_without_judicial_basis,
        "persons_indexed_for_search": derived.persons_indexed,
        "cases_opened": derived.cases_opened,
        "cases_flagged_for_review": derived.cases_flagged_for_review,
        "derived_seconds": derived.seconds,
    }
    if as_json:
        click.echo(json.dumps(figures, indent=2, default=str))
        return
    table = Table(title=f"Person linkage, {run.kind.lower()} (model {run.model_version}): {outcome.reason}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for label, key in [
        ("records linked", "records"),
        ("records new since the last run", "records_new"),
        ("records with a new version since the last run", "records_changed"),
        ("records touched (re-scored: changed, their relatives, new decisions)", "records_touched"),
        ("record pairs scored in this run", "pairs_scored"),
        ("record pairs kept from the last run", "pairs_kept"),
        ("candidate groups (connected components)", "components"),
        ("candidate groups re-clustered in this run", "components_reclustered"),
        ("persons", "persons"),
        ("persons new in this run", "persons_new"),
        ("persons whose records did not change (id kept)", "persons_kept_unchanged"),
        ("persons retired (merged into another or emptied)", "persons_retired"),
        ("record pairs waiting for review", "review_pairs"),
        ("parent-child ties (any status)", "ties"),
        ("separations (child, parent), stored and judged by the rules", "separations"),
        ("of which without a judicial basis", "separations_without_judicial_basis"),
        ("persons in the search index", "persons_indexed_for_search"),
        ("reunification cases opened in this run", "cases_opened"),
        ("cases flagged for review (a family changed)", "cases_flagged_for_review"),
        ("wall time of the linkage, seconds", "seconds"),
    ]:
        table.add_row(label, f"{figures[key]:,}" if isinstance(figures[key], int) else str(figures[key]))
    for stage, value in {**figures["stage_seconds"], **figures["derived_seconds"]}.items():
        table.add_row(f"seconds: {stage.replace('_', ' ')}", f"{value:.1f}")
    out.print(table)


@main.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--limit", default=20, show_default=True, help="How many persons to show at most.")
@click.option("--json", "as_json", is_flag=True)
def search(text: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Find persons by name (misspelt, accents or not), A-number, FIN, case or record key."""
    _db()
    from reunify.app.search.selectors import search_persons

    results = search_persons(" ".join(text), limit=limit)
    rows = [
        {
            "person_id": r.summary.public_id,
            "name": r.summary.display_name,
            "dob": r.summary.dob.isoformat() if r.summary.dob else None,
            "child": r.summary.is_child,
            "a_numbers": r.summary.a_numbers,
            "score": r.hit.score,
            "matched": list(r.hit.matched),
        }
        for r in results
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{len(rows)} persons found for {' '.join(text)!r}")
    for column in ("person", "name", "born", "child", "A-number", "score", "matched"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["person_id"],
            row["name"],
            row["dob"] or "",
            "yes" if row["child"] else "",
            ", ".join(row["a_numbers"]),
            str(row["score"]),
            ", ".join(row["matched"]),
        )
    out.print(table)


_SHOWN_FIELDS = [
    ("name", lambda f: (f.get("name") or {}).get("raw")),
    ("given names", lambda f: " ".join((f.get("name") or {}).get("given") or [])),
    ("surnames", lambda f: " ".join((f.get("name") or {}).get("surnames") or [])),
    ("date of birth", lambda f: (f.get("dob") or "") + (" (estimate)" if f.get("dob_estimated") else "")),
    ("sex", lambda f: f.get("sex")),
    ("A-number", lambda f: f.get("a_number")),
    ("FIN", lambda f: f.get("fin")),
    ("country", lambda f: f.get("country")),
    ("apprehension event", lambda f: f.get("event_id")),
    ("ORR case (uac_id)", lambda f: f.get("uac_id")),
    ("role", lambda f: f.get("role_hint")),
]


@main.command()
@click.argument("reference", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True)
def explain(reference: tuple[str, ...], as_json: bool) -> None:
    """Why a person is a person, or why a tie is a tie.

    \b
    reunify explain RECORD_KEY|PERSON_ID      the records side by side and the weights linking them
    reunify explain tie PARENT CHILD          the evidence behind a parent-child tie
    """
    _db()
    from django.utils import translation

    from reunify.app.people.services import person_explanation, tie_explanation

    try:
        if reference[0] == "tie":
            if len(reference) != 3:
                raise click.UsageError("usage: reunify explain tie PARENT CHILD")
            with translation.override(
                None
            ):  # the command speaks the site's default language, as its text does
                data = tie_explanation(reference[1], reference[2])
        elif len(reference) == 1:
            data = person_explanation(reference[0])
        else:
            raise click.UsageError("usage: reunify explain RECORD_KEY|PERSON_ID, or reunify explain tie P C")
    except LookupError as exc:
        raise click.ClickException(str(exc).strip("'\"")) from exc
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
        return
    if reference[0] == "tie":
        _print_tie(data)
        return
    table = Table(title=f"Person {data['person_id']}: {len(data['records'])} records")
    table.add_column("")
    for record in data["records"]:
        table.add_column(f"{record['record_key']}\n(delivered {record['delivery_date']})")
    for label, get in _SHOWN_FIELDS:
        values = [get(r["fields"]) or "" for r in data["records"]]
        if any(values):
            table.add_row(label, *[str(v) for v in values])
    out.print(table)
    for link in data["links"]:
        out.print(
            f"\n[bold]{link['record_key_a']}[/bold] ~ [bold]{link['record_key_b']}[/bold]: "
            f"match weight {link['match_weight']:+.1f} (probability {link['match_probability']:.4f})"
        )
        for line in link["lines"]:
            out.print(f"  {line['weight']:+6.1f}  {line['text']}", highlight=False)
    if data["records_not_explained"]:
        out.print(f"({data['records_not_explained']} more records not scored pair by pair)", style="dim")


def _print_tie(tie: dict) -> None:
    """A tie as ``people.services.ties_read`` reads it: why it is in review, then the evidence for and against.

    The records' words (a CBP remark, a name) are printed as written: rich
    markup in them is escaped, never interpreted, and a long line is not
    broken (a remark stays whole for whoever greps the output).
    """
    from rich.markup import escape

    out.print(
        f"[bold]{tie['parent_person_id']}[/bold] as {tie['relationship']} of [bold]{tie['child_person_id']}"
        f"[/bold]: {tie['status']}, probability {tie['probability']:.3f}"
    )
    for reason in tie["review_reasons"]:
        out.print(
            f"  in review: [bold]{escape(reason['label'])}[/bold] — {escape(reason['text'])}",
            highlight=False,
            soft_wrap=True,
        )
    groups = (
        ("evidence for the tie", tie["evidence_for"]),
        ("evidence against the tie", tie["evidence_against"]),
        ("neither (the prior, decisions)", tie["evidence_neutral"]),
    )
    for title, lines in groups:
        if not lines and title.startswith("neither"):
            continue
        out.print(f"  {title}:" if lines else f"  {title}: none")
        for line in lines:
            keys = f"  [dim]({escape(', '.join(line['record_keys']))})[/dim]" if line["record_keys"] else ""
            out.print(
                f"    {line['weight']:+6.1f}  {escape(line['text'])}{keys}", highlight=False, soft_wrap=True
            )
    for flag in tie["flags"]:
        out.print(f"  flag {flag['kind']}: {escape(flag['text'])}", highlight=False, soft_wrap=True)


@main.group()
def review() -> None:
    """The queue of record pairs the model was unsure about."""


@review.command("list")
@click.option("--limit", default=20, show_default=True, help="How many pairs to show.")
@click.option(
    "--ties", "show_ties", is_flag=True, help="Candidate parent-child ties instead of record pairs."
)
@click.option("--json", "as_json", is_flag=True)
def review_list(limit: int, show_ties: bool, as_json: bool) -> None:
    """Open review pairs (or candidate ties), most likely first, with each piece of evidence's weight."""
    _db()
    from reunify.app.people.models import PersonReview, Tie

    if show_ties:
        from django.utils import translation

        from reunify.app.people.services import ties_read

        candidates = Tie.objects.filter(status=Tie.CANDIDATE).select_related("parent", "child")
        total = candidates.count()
        with translation.override(None):  # the command speaks the site's default language, as its text does
            rows = ties_read(
                list(candidates.order_by("-probability", "child__public_id", "parent__public_id")[:limit])
            )
        if as_json:
            click.echo(json.dumps({"open": total, "ties": rows}, indent=2))
            return
        out.print(f"{total} candidate parent-child ties wait for review; the {len(rows)} most likely:")
        for row in rows:
            out.print()
            _print_tie(row)
        out.print(
            "\ndecide with: reunify review tie PARENT CHILD --confirm|--reject --reason TEXT", style="dim"
        )
        return

    open_reviews = PersonReview.objects.filter(status=PersonReview.OPEN)
    total = open_reviews.count()
    items = list(open_reviews[:limit])
    if as_json:
        click.echo(
            json.dumps(
                {
                    "open": total,
                    "pairs": [
                        {
                            "record_key_a": r.record_key_a,
                            "record_key_b": r.record_key_b,
                            "match_probability": r.match_probability,
                            "match_weight": r.match_weight,
                            "explanation": r.explanation,
                        }
                        for r in items
                    ],
                },
                indent=2,
            )
        )
        return
    out.print(f"{total} record pairs wait for review; the {len(items)} most likely matches:")
    for r in items:
        out.print(
            f"\n[bold]{r.record_key_a}[/bold]  vs  [bold]{r.record_key_b}[/bold]  "
            f"probability {r.match_probability:.3f} (weight {r.match_weight:+.1f})"
        )
        for line in r.explanation:
            out.print(f"   {line['weight']:+6.1f}  {line['text']}", highlight=False)
    out.print(
        "\ndecide with: reunify review decide KEY_A KEY_B --same|--different --reason TEXT", style="dim"
    )


@review.command("decide")
@click.argument("record_key_a")
@click.argument("record_key_b")
@click.option("--same/--different", required=True, help="Same person, or different persons.")
@click.option("--reason", required=True, help="Why: the evidence a colleague can check.")
@click.option("--by", "decided_by", default=None, help="Who decides (defaults to the login name).")
@click.option(
    "--later",
    is_flag=True,
    help="Only record the decision; the next `reunify link` applies it (batch review).",
)
def review_decide(
    record_key_a: str, record_key_b: str, same: bool, reason: str, decided_by: str | None, later: bool
) -> None:
    """Decide that two records are (or are not) one person: applied at once, and obeyed by every later run."""
    import getpass

    _db()
    from reunify.app.people.services import person_decide, person_decisions_apply

    try:
        decision = person_decide(record_key_a, record_key_b, same, decided_by or getpass.getuser(), reason)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    err.print(
        f"recorded: {decision.record_key_a} and {decision.record_key_b} are "
        f"{'the same person' if same else 'different persons'} (by {decision.decided_by})"
    )
    if later:
        err.print("not applied yet: the next `reunify link` applies it")
        return
    with _progress("stages") as bar:
        task = bar.add_task("applying the decision", total=None)

        def on_progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=f"applying: {stage}", completed=done, total=total)

        applied = person_decisions_apply(progress=on_progress)
    err.print(
        f"applied in {applied.get('seconds', 0)} s: {applied.get('persons_new', 0)} persons new, "
        f"{applied.get('persons_retired', 0)} retired; other persons keep their ids"
        if applied["applied"]
        else f"nothing to apply: {applied['reason']}"
    )


@review.command("tie")
@click.argument("parent")
@click.argument("child")
@click.option("--confirm/--reject", required=True, help="The adult is, or is not, the child's parent.")
@click.option("--reason", required=True, help="Why: the evidence a colleague can check.")
@click.option("--by", "decided_by", default=None, help="Who decides (defaults to the login name).")
def review_tie(parent: str, child: str, confirm: bool, reason: str, decided_by: str | None) -> None:
    """Confirm or reject a parent-child tie (person ids or record keys); every later run obeys it."""
    import getpass

    _db()
    from reunify.app.people.services import tie_decide

    try:
        decision = tie_decide(parent, child, confirm, decided_by or getpass.getuser(), reason)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    err.print(
        f"recorded: {parent} {'is' if confirm else 'is not'} the parent of {child} "
        f"(by {decision.decided_by}); run `reunify link` to rebuild the ties with it"
    )


@main.command()
@click.option(
    "--truth",
    "truth_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A scenario's truth/ folder (or the scenario folder holding it).",
)
@click.option(
    "--exports",
    "exports_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Score these export files instead of writing the project's own first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def evaluate(truth_dir: Path, exports_dir: Path | None, as_json: bool) -> None:
    """Score the project's exports against a truth folder with every metric of EXPORTS.md."""
    import tempfile

    from reunify.linkage.evaluation import evaluate_folder, find_exports, format_report

    with tempfile.TemporaryDirectory(prefix="reunify-evaluate-") as scratch:
        if exports_dir is None:
            _db()
            exports_dir = Path(scratch)
            for name, write in _exporters().items():
                write(exports_dir / f"{name}.csv")  # type: ignore[operator]
        result = evaluate_folder(truth_dir, find_exports(exports_dir))
    if as_json:
        click.echo(json.dumps(result, indent=2, default=str))
    else:
        out.print(format_report(result), highlight=False)


@main.command()
@click.option("--families", default=2000, show_default=True, help="Families in the generated scenario.")
@click.option("--seed", default=2018, show_default=True, help="Random seed of the scenario.")
@click.option(
    "--out",
    "out_dir",
    default=Path("var/scenario"),
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder for the generated deliveries.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--serve/--no-serve", default=True, show_default=True, help="Serve the application at the end.")
def demo(families: int, seed: int, out_dir: Path, host: str, port: int, serve: bool) -> None:
    """The main job: a realistic scenario through the whole pipeline, then the application with demo users.

    Unless REUNIFY_DATABASE_URL says otherwise, the demo keeps its own SQLite
    database (var/demo.sqlite3), started afresh each time, so it never mixes
    with data of your own.
    """
    import os

    from reunify.synth import generate_scenario

    if not os.environ.get("REUNIFY_DATABASE_URL", "").strip():
        database = Path(os.environ.get("REUNIFY_VAR_DIR", "var")).resolve() / "demo.sqlite3"
        database.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            leftover.unlink(missing_ok=True)
        os.environ["REUNIFY_DATABASE_URL"] = f"sqlite:///{database}"
    err.rule("1. generating a scenario")
    if out_dir.exists() and any(out_dir.iterdir()):
        import shutil

        shutil.rmtree(out_dir)
    with _progress("steps") as bar:
        task = bar.add_task("generating", total=None)

        def on_progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=f"generating {stage}", completed=done, total=total)

        generate_scenario(out_dir, families=families, seed=seed, progress=on_progress)
    err.print(f"scenario of {families} families (seed {seed}) written to {out_dir}")
    err.rule("2. ingesting every delivery")
    status = run_ingest([out_dir], as_json=False)
    if status:
        sys.exit(status)
    err.rule("3. linking persons and family ties; separations, rules, search index, cases")
    ctx = click.get_current_context()
    ctx.invoke(link, full=False, retrain=False, as_json=False)
    err.rule("4. scoring the result against the scenario's truth")
    ctx.invoke(evaluate, truth_dir=out_dir, exports_dir=None, as_json=False)
    err.rule("5. demo users, one per role")
    from reunify.app.demo import DEMO_TEAM, demo_people

    logins, assigned = demo_people()
    table = Table(
        title=f"Demo logins (passwords drawn afresh for this run); {assigned} cases given to team {DEMO_TEAM}"
    )
    for column in ("username", "password", "role", "scope"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.username, login.password, login.role, login.scope)
    out.print(table)
    if not serve:
        return
    err.rule(f"6. serving the application on http://{host}:{port}/ (Ctrl-C stops it)")
    from reunify.app.custody.selectors import data_horizon
    from reunify.app.server import serve as serve_application

    if not os.environ.get("REUNIFY_CLOCK"):
        os.environ["REUNIFY_CLOCK"] = data_horizon().isoformat()
    err.print(
        f"the application's clock is set to {os.environ['REUNIFY_CLOCK']} (the day of the latest delivery), "
        "so deadlines count as a caseworker saw them then; unset REUNIFY_CLOCK to follow the real clock"
    )

    serve_application(host=host, port=port)


if __name__ == "__main__":
    main()
