"""The commands of the rules, separations and reports layer: ``reunify rules|separations|report``.

\b
reunify rules list                          every rule set version, which is in force today, its source
reunify rules show ID [--version N]         one rule set's rules, as loaded
reunify rules check [PATH...]               validate rule-set files (default: packaged + REUNIFY_RULES_DIRS)
reunify rules apply [--rules-dir DIR]       re-judge every stored separation under the rule sets (no rebuild)
reunify separations list [--without-judicial-basis] [--json]
reunify export unjustified-separations --out FILE
reunify report status --as-of DATE [--format csv|md|html] [--out FILE] [--with-corrections]

Thin on purpose: each parses, calls one selector or service, and prints.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
out = Console(width=None if sys.stdout.isatty() else 160)

_RULES_DIR = click.option(
    "--rules-dir",
    "rules_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="An extra folder of rule-set files (repeatable; added to the packaged ones and REUNIFY_RULES_DIRS).",
)


def _db() -> None:
    from reunify.app.bootstrap import migrate

    migrate()


def _book(rules_dirs: tuple[Path, ...]):
    from reunify.app.bootstrap import setup_django

    setup_django()
    from reunify.app.custody.selectors import rule_book
    from reunify.rules import RuleSetError

    try:
        return rule_book(rules_dirs)
    except RuleSetError as exc:
        raise click.ClickException(f"rule set not usable: {exc}") from exc


def _day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option) from exc


# --------------------------------------------------------------------------- rules


@click.group("rules")
def rules_group() -> None:
    """Court orders, statutory deadlines and class definitions as versioned data files."""


@rules_group.command("list")
@_RULES_DIR
@click.option(
    "--as-of", "as_of", default=None, help="Which versions are in force on this date (default: today)."
)
@click.option("--json", "as_json", is_flag=True)
def rules_list(rules_dirs: tuple[Path, ...], as_of: str | None, as_json: bool) -> None:
    """Every rule set version: id, version, in force from, title, source, and whether it governs the date."""
    book = _book(rules_dirs)
    day = _day(as_of, "--as-of") if as_of else dt.date.today()
    governing = {rs.label for rs in book.in_force(day)}
    rows = [
        {
            "id": rs.id,
            "version": rs.version,
            "in_force_from": rs.in_force_from.isoformat(),
            "governs": rs.label in governing,
            "title": rs.title,
            "rules": len(rs.rules),
            "source": f"{rs.source.court}, {rs.source.case}, {rs.source.date}",
            "file": rs.path,
        }
        for rs in book.rule_sets
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"Rule sets (governing on {day}: marked *)")
    for column in ("id", "version", "in force from", "", "rules", "title"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["id"],
            str(row["version"]),
            row["in_force_from"],
            "*" if row["governs"] else "",
            str(row["rules"]),
            row["title"],
        )
    out.print(table)


@rules_group.command("show")
@click.argument("rule_set_id")
@click.option("--version", "version", type=int, default=None, help="A given version (default: the highest).")
@_RULES_DIR
@click.option("--json", "as_json", is_flag=True)
def rules_show(rule_set_id: str, version: int | None, rules_dirs: tuple[Path, ...], as_json: bool) -> None:
    """One rule set as loaded: its source and every rule with its figures."""
    import dataclasses

    book = _book(rules_dirs)
    try:
        rule_set = book.get(rule_set_id, version)
    except KeyError as exc:
        known = ", ".join(sorted({rs.label for rs in book.rule_sets}))
        raise click.ClickException(f"{exc.args[0]} (known: {known})") from exc
    data = dataclasses.asdict(rule_set)
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
        return
    source = rule_set.source
    out.print(f"[bold]{rule_set.label}[/bold]  {rule_set.title}", highlight=False)
    out.print(f"in force from {rule_set.in_force_from}; file {rule_set.path}", highlight=False)
    out.print(
        f"source: {source.court}; {source.case}; {source.date}; {source.citation} {source.url}",
        highlight=False,
    )
    for rule in rule_set.rules:
        out.print(f"\n  [bold]{rule.id}[/bold] ({rule.kind}): {rule.title}", highlight=False)
        defaults = {f.name: f.default for f in dataclasses.fields(rule)}
        for name, value in dataclasses.asdict(rule).items():
            if name in ("id", "kind", "title") or (
                name != "applies_to" and value in (defaults.get(name), (), None)
            ):
                continue
            shown = ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else value
            out.print(f"    {name} = {shown}", highlight=False)


@rules_group.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def rules_check(paths: tuple[Path, ...]) -> None:
    """Validate rule-set files or folders; every error with its file, key and what is wrong (exit 1)."""
    from reunify.rules import PACKAGED_DIR, check_rule_sets

    if not paths:
        from reunify.app.bootstrap import setup_django

        setup_django()
        from django.conf import settings

        paths = (PACKAGED_DIR, *settings.RULES_DIRS)
    rule_sets, errors = check_rule_sets(paths)
    for rule_set in rule_sets:
        err.print(f"ok  {rule_set.label}: {len(rule_set.rules)} rules ({rule_set.path})", highlight=False)
    for error in errors:
        err.print(f"[red]error[/red] {error}", highlight=False)
    click.echo(f"{len(rule_sets)} rule sets valid, {len(errors)} errors")
    if errors:
        sys.exit(1)


@rules_group.command("apply")
@_RULES_DIR
@click.option("--json", "as_json", is_flag=True)
def rules_apply(rules_dirs: tuple[Path, ...], as_json: bool) -> None:
    """Judge every stored separation again under the rule sets, without rebuilding custody."""
    _db()
    book = _book(rules_dirs)
    from reunify.app.custody.services import separations_evaluate

    try:
        build = separations_evaluate(book)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    _print_build(build, as_json)


def _print_build(build, as_json: bool) -> None:
    data = {
        "kind": build.kind,
        "evaluated_as_of": build.evaluated_as_of.isoformat(),
        "rule_sets": build.rule_sets,
        "seconds": round((build.finished_at - build.started_at).total_seconds(), 2),
        **build.counts,
    }
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
        return
    out.print(
        f"{data['separations']:,} separations judged as of {data['evaluated_as_of']} under "
        f"{', '.join(data['rule_sets']) or 'no rule set'}; {data['without_judicial_basis']:,} without a judicial basis",
        highlight=False,
    )
    out.print(
        "class membership: " + ", ".join(f"{k} {v:,}" for k, v in data["membership"].items()), highlight=False
    )
    out.print("deadlines: " + ", ".join(f"{k} {v:,}" for k, v in data["deadlines"].items()), highlight=False)


# --------------------------------------------------------------------------- separations


@click.group("separations")
def separations_group() -> None:
    """The stored separations (rebuilt by every `reunify link`)."""


@separations_group.command("list")
@click.option("--without-judicial-basis", is_flag=True, help="Only those with no court finding before them.")
@click.option("--limit", default=50, show_default=True, help="How many to print (the count covers all).")
@click.option("--json", "as_json", is_flag=True, help="Every matching separation as JSON (ignores --limit).")
def separations_list(without_judicial_basis: bool, limit: int, as_json: bool) -> None:
    """Separations with their date, stated reason, outcome, class membership and evidence."""
    _db()
    from reunify.app.custody.selectors import separations_are_stored, separations_stored

    if not separations_are_stored():
        raise click.ClickException("no separations stored for the latest linkage run: run `reunify link`")
    queryset = separations_stored(without_judicial_basis)
    total = queryset.count()
    if as_json:
        rows = [
            {
                "child_person_id": s.child.public_id,
                "parent_person_id": s.parent.public_id,
                "separated_at": s.separated_at.isoformat(),
                "agency": s.agency,
                "stated_reason": s.stated_reason_text,
                "judicial_basis": s.judicial_basis,
                "judicial_findings": s.judicial_findings,
                "outcome": s.outcome,
                "outcome_at": s.outcome_at.isoformat() if s.outcome_at else None,
                "membership": s.membership,
                "evaluation": s.evaluation,
                "record_keys": s.record_keys,
            }
            for s in queryset.iterator(chunk_size=2000)
        ]
        click.echo(json.dumps({"count": total, "separations": rows}, indent=2, default=str))
        return
    title = "Separations without a judicial basis" if without_judicial_basis else "Separations"
    table = Table(title=f"{title}: {total:,} (first {min(limit, total)})")
    for column in ("child", "parent", "separated", "stated reason", "basis", "outcome", "class"):
        table.add_column(column)
    for s in queryset[:limit]:
        table.add_row(
            s.child.public_id,
            s.parent.public_id,
            s.separated_at.isoformat(),
            s.stated_reason_text,
            "Y" if s.judicial_basis else "N",
            s.outcome + (f" {s.outcome_at}" if s.outcome_at else ""),
            s.membership,
        )
    out.print(table)
    click.echo(f"{total} {title.lower()}")


def export_unjustified_command() -> click.Command:
    """``reunify export unjustified-separations``, attached to the export group by the main command."""

    @click.command("unjustified-separations")
    @click.option("--out", "out_path", required=True, type=click.Path(path_type=Path))
    def export_unjustified(out_path: Path) -> None:
        """Separations without a judicial basis, with stated reason, later findings and record keys."""
        _db()
        from reunify.app.custody.exports import export_unjustified_separations

        count = export_unjustified_separations(out_path)
        err.print(f"wrote {count} separations without a judicial basis to {out_path}")

    return export_unjustified


# --------------------------------------------------------------------------- report


@click.group("report")
def report_group() -> None:
    """Reports for the court and monitors."""


@report_group.command("status")
@click.option("--as-of", "as_of", required=True, help="The date (YYYY-MM-DD); the report is as of its end.")
@click.option("--format", "fmt", type=click.Choice(["csv", "md", "html"]), default="md", show_default=True)
@click.option(
    "--out", "out_path", type=click.Path(path_type=Path), default=None, help="Write here (atomically)."
)
@click.option("--with-corrections", is_flag=True, help="Use later corrections of the records known by then.")
@_RULES_DIR
def report_status(
    as_of: str, fmt: str, out_path: Path | None, with_corrections: bool, rules_dirs: tuple[Path, ...]
) -> None:
    """The court's status report for a date: each figure with its definition, reproducible byte for byte."""
    _db()
    day = _day(as_of, "--as-of")
    book = _book(rules_dirs)
    from reunify.app.custody.selectors import status_report_as_of
    from reunify.rules import RENDERERS

    report = status_report_as_of(day, with_corrections, book)
    text = RENDERERS[fmt](report)
    if out_path is None:
        click.echo(text, nl=False)
        return
    from reunify.app.records.exports import atomic_text_file

    with atomic_text_file(out_path) as handle:
        handle.write(text)
    err.print(f"wrote the status report as of {day} to {out_path}")


def register(main: click.Group, export: click.Group) -> None:
    """Attach these commands to the ``reunify`` command."""
    main.add_command(rules_group)
    main.add_command(separations_group)
    main.add_command(report_group)
    export.add_command(export_unjustified_command())
