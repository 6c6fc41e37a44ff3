"""`supportqa scorecard validate|show|list`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from supportqa.cli.common import DbOption, JsonOption, console, open_repository, print_json, styled
from supportqa.domain.scorecard import default_scorecard, load_scorecard
from supportqa.services.scorecards import list_scorecards, validate_scorecard

app = typer.Typer(help="Validate and inspect scorecards.", no_args_is_help=True)


@app.command("validate")
def validate(
    file: Annotated[Path, typer.Argument(help="Scorecard YAML")], json: JsonOption = False
) -> None:
    """Check a scorecard YAML: fields, scales, weights, and that every scorer exists with valid args."""
    card, summary = validate_scorecard(file)
    if json:
        print_json({"valid": True, **summary})
        return
    console.print(
        styled(
            ("valid", "green"),
            f": {card.name} v{card.version}, {len(card.criteria)} criteria, "
            f"total weight {summary['total_weight']:g}, groups {summary['group_weights']}",
        )
    )


@app.command("show")
def show(
    file: Annotated[Path | None, typer.Argument(help="Scorecard YAML (default: packaged)")] = None,
    json: JsonOption = False,
) -> None:
    """Print a scorecard's criteria: group, weight, scale, critical, N/A and scorer."""
    card = load_scorecard(file) if file else default_scorecard()
    if json:
        print_json(card.to_dict())
        return
    table = Table(title=f"{card.name} v{card.version}")
    for column in ("group", "key", "weight", "scale", "critical", "N/A", "scorer"):
        table.add_column(column, justify="right" if column == "weight" else "left")
    for c in card.criteria:
        scale = c.scale.name or f"{c.scale.min:g}..{c.scale.max:g}"
        scorer = " → ".join(s.name for s in c.scorers) or "human only"
        table.add_row(
            c.group,
            c.key,
            f"{c.weight:g}",
            scale,
            "yes" if c.critical else "",
            "yes" if c.allow_na else "",
            scorer,
        )
    console.print(table)


@app.command("list")
def list_(db: DbOption = None, json: JsonOption = False) -> None:
    """Scorecard versions stored in the database."""
    with open_repository(db) as repo:
        refs = list_scorecards(repo)
    if json:
        print_json([r.model_dump() for r in refs])
        return
    table = Table(title="stored scorecards")
    table.add_column("name")
    table.add_column("version")
    for ref in refs:
        table.add_row(ref.name, ref.version)
    console.print(table)
