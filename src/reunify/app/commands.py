"""The application's commands: ``reunify serve``, ``reunify audit verify``, ``reunify users ...``.

Kept out of ``reunify.cli`` so the command line starts without Django; each
command sets Django up only when it runs. They are thin: parse, call one
service or selector, print.
"""

from __future__ import annotations

import json
import os
import sys

import click


def _db() -> None:
    from reunify.app.bootstrap import migrate

    migrate()


# --------------------------------------------------------------------------- audit


@click.group("audit")
def audit_group() -> None:
    """The append-only audit log."""


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True)
def audit_verify(as_json: bool) -> None:
    """Prove the hash chain intact (exit 0), or name the first broken entry (exit 1)."""
    _db()
    from reunify.app.audit.selectors import audit_chain_verify

    report = audit_chain_verify()
    if as_json:
        click.echo(
            json.dumps(
                {
                    "intact": report.intact,
                    "entries": report.entries,
                    "last_hash": report.last_hash,
                    "broken_seq": report.broken_seq,
                    "reason": report.reason,
                }
            )
        )
    else:
        click.echo(report.message())
    sys.exit(0 if report.intact else 1)


# --------------------------------------------------------------------------- users


@click.group("users")
def users_group() -> None:
    """User accounts, roles and sensitive grants (the operator's commands; every change is audited)."""


@users_group.command("create")
@click.argument("username")
@click.option(
    "--role", required=True, help="data_officer, matcher, caseworker, supervisor, state_monitor, ..."
)
@click.option("--agency", default="", help="For a data officer: cbp, usms, ice, orr, court, dna_lab, ngo.")
@click.option("--state", default="", help="For a state monitor: a 2-letter US state.")
@click.option("--team", default="", help="A caseworker's or supervisor's team.")
@click.option("--grant", "grants", multiple=True, help="Sensitive category: dna, trafficking, ...")
@click.option("--password", default=None, help="Default: asked for (or REUNIFY_NEW_PASSWORD).")
def users_create(
    username: str,
    role: str,
    agency: str,
    state: str,
    team: str,
    grants: tuple[str, ...],
    password: str | None,
) -> None:
    """Create a user with a role."""
    _db()
    from reunify.app.accounts.services import AccountError, user_create

    password = (
        password
        or os.environ.get("REUNIFY_NEW_PASSWORD")
        or click.prompt("password", hide_input=True, confirmation_prompt=True)
    )
    try:
        user_create(None, username, password, role, agency=agency, state=state, team=team, grants=grants)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {username} ({role}{', ' + ', '.join(grants) if grants else ''})")


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def users_list(as_json: bool) -> None:
    """Every user with role, scope, grants and whether a second factor is enrolled."""
    _db()
    from reunify.app.accounts.selectors import users_overview

    rows = users_overview()
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Users")
    for column in ("username", "role", "scope", "grants", "2FA", "active", "last sign-in"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["username"],
            row["role"] or "(none)",
            row["scope"],
            ", ".join(row["grants"]),
            "yes" if row["second_factor"] else "",
            "yes" if row["active"] else "no",
            str(row["last_login"] or ""),
        )
    Console(width=None if sys.stdout.isatty() else 160).print(table)


@users_group.command("grant")
@click.argument("username")
@click.option("--role", default=None, help="Change the role (with --agency/--state/--team for its scope).")
@click.option("--agency", default="")
@click.option("--state", default="")
@click.option("--team", default="")
@click.option("--grant", "grants", multiple=True, help="Give a sensitive category.")
@click.option("--revoke", "revokes", multiple=True, help="Withdraw a sensitive category.")
@click.option("--reason", default="", help="Why, for the audit log.")
def users_grant(
    username: str,
    role: str | None,
    agency: str,
    state: str,
    team: str,
    grants: tuple[str, ...],
    revokes: tuple[str, ...],
    reason: str,
) -> None:
    """Change a user's role and scope, or give and withdraw sensitive grants."""
    _db()
    from django.contrib.auth import get_user_model

    from reunify.app.accounts.services import AccountError, user_grant, user_revoke, user_role_assign

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    if not (role or grants or revokes):
        raise click.UsageError("nothing to do: give --role, --grant or --revoke")
    try:
        if role:
            user_role_assign(None, user, role, agency=agency, state=state, team=team)
            click.echo(f"{username} is now {role}")
        for category in grants:
            user_grant(None, user, category, reason=reason)
            click.echo(f"{username} holds {category}")
        for category in revokes:
            user_revoke(None, user, category, reason=reason)
            click.echo(f"{username} no longer holds {category}")
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc


# --------------------------------------------------------------------------- serve


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers", default=None, type=int, help="Gunicorn worker processes (default: 2 x cores + 1, at most 8)."
)
def serve_command(host: str, port: int, workers: int | None) -> None:
    """Serve the application with gunicorn: migrate, collect static files, then serve until stopped."""
    from reunify.app.server import serve

    serve(host, port, workers)
