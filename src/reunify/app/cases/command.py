"""``reunify cases``: open cases from the separations, list them with their deadlines, show one.

Django is imported inside the commands, so ``reunify --help`` stays fast and
needs no database.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
from rich.console import Console
from rich.table import Table

err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
out = Console(width=None if sys.stdout.isatty() else 160)


def _db() -> None:
    from reunify.app.bootstrap import migrate

    migrate()


def _as_of(text: str | None) -> dt.date | dt.datetime | None:
    if not text:
        return None
    try:
        if "T" in text:
            moment = dt.datetime.fromisoformat(text)
            if moment.tzinfo is None:
                raise click.BadParameter(f"{text!r} has no offset; write e.g. {text}Z", param_hint="--as-of")
            return moment
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise click.BadParameter(
            f"{text!r} is not an ISO 8601 date or date-time", param_hint="--as-of"
        ) from exc


_AS_OF = click.option(
    "--as-of", "as_of", default=None, help="Count deadlines as of this date (default: now)."
)


@click.group("cases")
def cases_command() -> None:
    """Reunification cases: one per separated family, with steps, deadlines, contacts and flags."""


@cases_command.command("open")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def cases_open(as_json: bool) -> None:
    """Open a case for every separated family without one and refresh the others (idempotent)."""
    _db()
    from reunify.app.cases.services import case_open_for_separations

    summary = case_open_for_separations(by=None)
    figures = summary.as_dict()
    if as_json:
        click.echo(json.dumps(figures, indent=2))
        return
    table = Table(title="Reunification cases")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for label, key in [
        ("separations (child, parent) read", "separations"),
        ("separated families", "families"),
        ("cases opened now", "opened"),
        ("existing cases refreshed", "refreshed"),
        ("parents added to existing cases", "parents_added"),
        ("parents no longer separated (case kept)", "parents_gone"),
        ("parents separated again", "parents_back"),
        ("cases flagged for review", "flagged_for_review"),
        ("cases following a merged child", "rekeyed"),
    ]:
        table.add_row(label, f"{figures[key]:,}")
    out.print(table)


def _due(deadline: dict | None) -> str:
    if not deadline:
        return ""
    days = deadline["days_left"]
    when = (deadline["due_at"] or "")[:10]
    if days is None:
        return f"{deadline['rule_id']} {deadline['status']}"
    left = f"{days} days left" if days >= 0 else f"OVERDUE by {-days} days"
    return f"{deadline['rule_id']} due {when} ({left})"


@cases_command.command("list")
@click.option("--overdue", is_flag=True, help="Only cases with an overdue or missed deadline.")
@click.option("--json", "as_json", is_flag=True)
@_AS_OF
def cases_list(overdue: bool, as_json: bool, as_of: str | None) -> None:
    """Every case with its next deadline and what is overdue."""
    _db()
    from reunify.app.cases.selectors import case_summaries

    rows = [s.as_dict() for s in case_summaries(as_of=_as_of(as_of), overdue_only=overdue)]
    if as_json:
        click.echo(json.dumps({"count": len(rows), "cases": rows}, indent=2, default=str))
        return
    table = Table(title=f"{len(rows)} cases" + (" with overdue deadlines" if overdue else ""))
    for column in ("case", "child", "parents", "status", "track", "next deadline", "overdue", "flags"):
        table.add_column(column)
    for row in rows:
        late = "; ".join(_due(d) for d in row["overdue"])
        table.add_row(
            row["case_id"],
            row["child_person_id"],
            ", ".join(row["parents"]),
            row["status"] + (" [yellow]review[/yellow]" if row["needs_review"] else ""),
            row["track"].lower(),
            _due(row["next_deadline"]),
            f"[bold red]{late}[/bold red]" if late else "",
            str(row["open_flags"] or ""),
        )
    out.print(table)


@cases_command.command("show")
@click.argument("case_id")
@click.option("--json", "as_json", is_flag=True)
@_AS_OF
def cases_show(case_id: str, as_json: bool, as_of: str | None) -> None:
    """One case: parties, steps, deadlines, contacts, the parents' choices, tasks and flags."""
    _db()
    from reunify.app.cases.errors import CaseNotFound
    from reunify.app.cases.selectors import case_detail

    try:
        data = case_detail(case_id, _as_of(as_of))
    except CaseNotFound as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
        return
    track = data["track"]
    out.print(
        f"[bold]{data['case_id']}[/bold] (version {data['version']}) {data['status']}"
        f"{' ' + data['outcome'] if data['outcome'] else ''}: child {data['child']['person_id']} "
        f"born {data['child']['birth_date'] or 'unknown'}, separated {data['separated_at']}; "
        f"{track['track'].lower()} track"
        + (f" chosen by {track['chosen_by']}: {track['reason']}" if track["chosen_by"] else "")
    )
    if data["needs_review"]:
        out.print(f"[yellow]needs review:[/yellow] {data['review_reason']}", highlight=False)
    parents = Table(title="parents")
    for column in ("parent", "separated", "tie", "since", "outcome", "judicial basis"):
        parents.add_column(column)
    for p in data["parents"]:
        parents.add_row(
            p["person_id"],
            "yes" if p["separated"] else f"[yellow]no longer ({p['gone_at'][:10]})[/yellow]",
            p["tie_status"],
            p["separated_at"] or "",
            " ".join(x for x in (p["separation_outcome"], p["separation_outcome_at"] or "") if x),
            "yes" if p["judicial_basis"] else "no",
        )
    out.print(parents)
    deadlines = Table(title="deadlines (from the rule sets)")
    for column in ("rule", "parent", "due", "days left", "status"):
        deadlines.add_column(column)
    for d in data["deadlines"]:
        days = d["days_left"]
        style = "bold red" if d["overdue"] else ("green" if d["status"] in ("MET", "EXCUSED") else "")
        deadlines.add_row(
            f"{d['rule_set_id']}@{d['rule_set_version']} {d['rule_id']}",
            d["parent_person_id"],
            (d["due_at"] or "")[:16],
            "" if days is None or d["status"] not in ("OPEN", "MISSED") else str(days),
            f"[{style}]{d['status']}{' OVERDUE' if d['overdue'] and d['status'] == 'OPEN' else ''}[/{style}]"
            if style
            else d["status"],
        )
    out.print(deadlines)
    steps = Table(title="steps")
    for column in ("step", "status", "owner", "due", "completed", "notes"):
        steps.add_column(column)
    for s in data["steps"]:
        steps.add_row(
            s["label"],
            s["status"],
            s["owner"] or "",
            (s["due_at"] or "")[:10],
            (s["completed_at"] or "")[:10],
            s["notes"],
        )
    out.print(steps)
    if data["contacts"]:
        contacts = Table(title="contact log")
        for column in ("when", "parent", "kind", "minutes", "held", "logged by", "notes"):
            contacts.add_column(column)
        for c in data["contacts"]:
            contacts.add_row(
                c["occurred_at"][:16],
                c["parent_person_id"],
                c["kind"],
                str(c["duration_minutes"] or ""),
                "yes" if c["completed"] else "attempted",
                c["logged_by"] or "",
                c["notes"],
            )
        out.print(contacts)
    for c in data["choices"]:
        out.print(
            f"choice of {c['parent_person_id']}: [bold]{c['choice']}[/bold] signed {c['signed_on']} "
            f"(form {c['form_id']} {c['form_name']}, {c['language']}, interpreter {c['interpreter'] or 'none'}, "
            f"witness {c['witness'] or 'none'}, document {c['document_ref']})",
            highlight=False,
        )
    for t in data["tasks"]:
        out.print(
            f"task {t['id']}: {t['title']} [{t['status']}] for {t['assignee'] or t['team'] or 'nobody'}"
            f"{' due ' + t['due_at'][:10] if t['due_at'] else ''}",
            highlight=False,
        )
    for f in data["flags"]:
        if f.get("resolved"):
            continue
        out.print(f"[red]flag[/red] {f['kind']}: {f['text']} ({f['raised_by']})", highlight=False)
