"""`supportqa schema NAME`: print the JSON Schema of a data contract."""

from __future__ import annotations

from typing import Annotated

import typer

from supportqa.cli.common import print_json
from supportqa.errors import InputError
from supportqa.schemas import schemas


def schema(
    name: Annotated[str, typer.Argument(help="conversation, review, ratings or scorecard")],
) -> None:
    """Print the JSON Schema of a contract (documented in docs/formats.md)."""
    all_schemas = schemas()
    if name not in all_schemas:
        raise InputError(f"unknown schema {name!r} (use one of {', '.join(all_schemas)})")
    print_json(all_schemas[name])


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)
