"""``reunify api token issue|list|revoke``: the operator's commands for API tokens.

Kept apart from ``reunify.app.commands`` (one module per app's commands) and,
like those, free of Django until a command runs. The operator holds the
database and is the root of trust; each issue and revocation is audited.
"""

from __future__ import annotations

import json
import sys

import click


def _db() -> None:
    from reunify.app.bootstrap import migrate

    migrate()


@click.group("api")
def api_group() -> None:
    """The JSON API under /api/ (OpenAPI description at /api/openapi.json)."""


@api_group.group("token")
def token_group() -> None:
    """API tokens: only their hash is stored; a token is shown once, when issued."""


@token_group.command("issue")
@click.argument("username")
@click.option("--name", required=True, help="The system that will use it, e.g. ngo-tracing-sync.")
@click.option("--days", default=90, show_default=True, type=int, help="Days until it expires (at most 366).")
@click.option("--json", "as_json", is_flag=True)
def token_issue(username: str, name: str, days: int, as_json: bool) -> None:
    """Issue a token for USERNAME and print it, once (standard output; the notes go to standard error)."""
    _db()
    from reunify.app.api.services import TokenError, api_token_issue, api_user_by_name

    try:
        issued = api_token_issue(None, api_user_by_name(username), name, days=days)
    except TokenError as exc:
        raise click.ClickException(str(exc)) from exc
    token = issued.token
    if as_json:
        click.echo(
            json.dumps(
                {"id": token.pk, "user": username, "name": token.name, "token": issued.secret,
                 "expires_at": token.expires_at.isoformat()}
            )
        )  # fmt: skip
        return
    click.echo(issued.secret)
    click.echo(
        f"token {token.pk} ({token.name}) for {username}, expires {token.expires_at:%Y-%m-%d}; "
        "store it now: it is not kept and cannot be shown again",
        err=True,
    )


@token_group.command("list")
@click.option("--user", "username", default=None, help="Only this user's tokens.")
@click.option("--json", "as_json", is_flag=True)
def token_list(username: str | None, as_json: bool) -> None:
    """Every token with its user, prefix, expiry, last use and revocation (never the token itself)."""
    _db()
    from reunify.app.api.models import ApiToken

    tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at", "id")
    if username:
        tokens = tokens.filter(user__username=username)
    rows = [
        {
            "id": t.pk,
            "user": t.user.get_username(),
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at.isoformat(),
            "expires_at": t.expires_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
        }
        for t in tokens
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="API tokens")
    for column in ("id", "user", "name", "prefix", "expires", "last used", "revoked"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["id"]), row["user"], row["name"], row["prefix"] + "…", row["expires_at"][:10],
            (row["last_used_at"] or "")[:16], (row["revoked_at"] or "")[:10],
        )  # fmt: skip
    Console(width=None if sys.stdout.isatty() else 160).print(table)


@token_group.command("revoke")
@click.argument("token")
@click.option("--reason", default="", help="Why, for the audit log.")
def token_revoke(token: str, reason: str) -> None:
    """Revoke TOKEN (its id, or the prefix shown by `list`); it stops working at once."""
    _db()
    from reunify.app.api.services import TokenError, api_token_find, api_token_revoke

    try:
        found = api_token_find(token)
    except TokenError as exc:
        raise click.ClickException(str(exc)) from exc
    if api_token_revoke(None, found, reason=reason):
        click.echo(f"revoked token {found.pk} ({found.name}) of {found.user.get_username()}")
    else:
        click.echo(f"token {found.pk} was already revoked on {found.revoked_at:%Y-%m-%d}")
