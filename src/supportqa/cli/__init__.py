"""The `supportqa` command line: thin typer adapters over the library's functions."""

from supportqa.cli.app import app, main

__all__ = ["app", "main"]
