"""`supportqa calibrate sessions` and `supportqa calibrate drift` (being written)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `sessions` and `drift` commands to the `calibrate` group."""
