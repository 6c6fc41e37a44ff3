"""`supportqa agents list|link|unlink`: help-desk identities and the people behind them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from supportqa.cli.common import DbOption, JsonOption, console, open_repository, print_json, styled
from supportqa.services.agents import Person, link_agents, list_agents, unlink_agents

app = typer.Typer(
    help="Agent identities (source/external id) and the people behind them.",
    no_args_is_help=True,
)
IdentitiesArgument = Annotated[
    list[str],
    typer.Argument(help="Identities as source/external_id (or a bare id only one source has)"),
]


def _day(value: datetime | None) -> str:
    return "–" if value is None else value.strftime("%Y-%m-%d")


@app.command("list")
def list_command(db: DbOption = None, json: JsonOption = False) -> None:
    """Every identity with its person (the key IQS, reports and coaching group on), its source,
    name, team and how many reviews judge it."""
    with open_repository(db) as workspace:
        found = list_agents(workspace)
    if json:
        print_json({"agents": found})
        return
    table = Table(title="agent identities by person")
    for name in ("person", "name", "identity", "identity name", "team", "bot"):
        table.add_column(name)
    table.add_column("reviews", justify="right")
    table.add_column("seen", no_wrap=True)
    for identity in found:
        table.add_row(
            identity.person,
            identity.person_name or "",
            identity.ref,
            identity.name or "",
            identity.team or "",
            "yes" if identity.is_bot else "",
            str(identity.reviews),
            f"{_day(identity.first_seen_at)} … {_day(identity.last_seen_at)}",
        )
    console.print(table)


def _print_person(person: Person, verb: str) -> None:
    console.print(
        styled(
            f"{verb} ",
            (person.key, "bold"),
            f" ({person.name or 'no name'}): {', '.join(person.identities)}",
        )
    )


@app.command("link")
def link_command(
    identities: IdentitiesArgument,
    as_name: Annotated[
        str | None, typer.Option("--as", help="The person's name (default: the first's)")
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Join identities that are one person into the first one's person (which keeps its key)."""
    with open_repository(db) as workspace:
        person = link_agents(workspace, identities, name=as_name)
    if json:
        print_json(person)
        return
    _print_person(person, "Person")


@app.command("unlink")
def unlink_command(
    identities: IdentitiesArgument, db: DbOption = None, json: JsonOption = False
) -> None:
    """Give each identity a person of its own again."""
    with open_repository(db) as workspace:
        found = unlink_agents(workspace, identities)
    if json:
        print_json({"people": found})
        return
    for person in found:
        _print_person(person, "Person")
