"""`supportqa users add|list|set-password|token|disable`: who may use `supportqa serve`.

Passwords and tokens are printed once and never stored in the clear; every change is audited as
`cli:<os user>`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from supportqa.cli.common import DbOption, JsonOption, console, open_repository, print_json, styled
from supportqa.services import tokens, users
from supportqa.services.audit import cli_actor
from supportqa.services.permissions import Role

app = typer.Typer(
    help="Users of `supportqa serve`: roles, passwords, API tokens.", no_args_is_help=True
)
EmailArgument = Annotated[str, typer.Argument(help="The user's e-mail (any case)")]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from stdin (else a random one is printed once)"
    ),
]


def _stdin_password(use: bool) -> str | None:
    if not use:
        return None
    return sys.stdin.readline().rstrip("\r\n")


def _secret(label: str, value: str) -> None:
    console.print(styled((f"{label}: ", "bold"), value, ("  (shown once: store it now)", "yellow")))


@app.command("add")
def add_command(
    email: EmailArgument,
    role: Annotated[Role, typer.Option("--role", help="admin, lead, reviewer, agent or viewer")],
    name: Annotated[str | None, typer.Option("--name", help="Display name")] = None,
    team: Annotated[list[str] | None, typer.Option("--team", help="A team (repeat)")] = None,
    agent: Annotated[
        list[str] | None,
        typer.Option("--agent", help="SOURCE:ID help-desk identity that is this user (repeat)"),
    ] = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Add a user with a role; linked identities (--agent) scope an agent to their own
    conversations and stop anyone reviewing their own."""
    with open_repository(db) as workspace:
        info, password = users.add_user(
            workspace,
            email,
            role.value,
            actor=cli_actor(),
            name=name,
            teams=team or [],
            agents=agent or [],
            password=_stdin_password(password_stdin),
        )
    if json:
        print_json({"user": info, "password": password})
        return
    console.print(styled("Added ", (info.email, "bold"), f" as {info.role}"))
    if password is not None:
        _secret("password", password)


@app.command("list")
def list_command(db: DbOption = None, json: JsonOption = False) -> None:
    """Every user with role, teams, linked identities and whether they are disabled."""
    with open_repository(db) as workspace:
        found = users.list_users(workspace)
    if json:
        print_json({"users": found})
        return
    table = Table(title="users")
    for column in ("id", "email", "name", "role", "teams", "agents", "disabled"):
        table.add_column(column)
    for user in found:
        table.add_row(
            str(user.id),
            user.email,
            user.name or "",
            user.role,
            ", ".join(user.teams),
            ", ".join(user.agents),
            "yes" if user.disabled else "",
        )
    console.print(table)


@app.command("set-password")
def set_password_command(
    email: EmailArgument,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Set a new password (random unless --password-stdin); all the user's sessions end."""
    with open_repository(db) as workspace:
        password = users.set_password(
            workspace, email, actor=cli_actor(), password=_stdin_password(password_stdin)
        )
    if json:
        print_json({"email": email.strip().lower(), "password": password})
        return
    console.print(
        styled("Password changed for ", (email.strip().lower(), "bold"), "; sessions ended")
    )
    if password is not None:
        _secret("password", password)


@app.command("token")
def token_command(
    email: EmailArgument,
    name: Annotated[str | None, typer.Option("--name", help="What the token is for")] = None,
    read_only: Annotated[bool, typer.Option("--read-only", help="Only read actions")] = False,
    expires: Annotated[
        float | None, typer.Option("--expires", help="Days until it stops working")
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Create an API token (`Authorization: Bearer …`) for the user; printed once."""
    with open_repository(db) as workspace:
        user = users.find_user(workspace, email)
        new = tokens.create_token(
            workspace,
            user.id,
            actor=cli_actor(),
            name=name,
            read_only=read_only,
            expires_days=expires,
        )
    if json:
        print_json({"token": new.token, "info": new.info})
        return
    console.print(styled(f"Token {new.info.id} for ", (user.email, "bold"), " ", name or ""))
    _secret("token", new.token)


@app.command("disable")
def disable_command(email: EmailArgument, db: DbOption = None, json: JsonOption = False) -> None:
    """Disable a user: their sessions end and their tokens stop working."""
    with open_repository(db) as workspace:
        info = users.disable_user(workspace, email, actor=cli_actor())
    if json:
        print_json({"user": info})
        return
    console.print(styled("Disabled ", (info.email, "bold"), "; sessions ended, tokens refused"))
