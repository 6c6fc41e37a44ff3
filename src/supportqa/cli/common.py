"""Shared CLI plumbing: consoles, `--json` output, settings, database and scorecard resolution."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from pydantic import BaseModel
from rich.console import Console, ConsoleDimensions
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from supportqa.domain.scorecard import Scorecard, default_scorecard, load_scorecard
from supportqa.services import workspace
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings

OFF_TERMINAL_WIDTH = 10_000


class DataConsole(Console):
    """The CLI's console: what it prints is data, never markup, and never cut to fit a page.

    Markup is off, so a name like `Sam [/] Reyes` or a hint like `supportqa[models]` prints as
    written; our own styling goes through `Text`/`styled`, never through the markup parser. Off a
    terminal (a file, a pipe) the width is effectively unbounded, so tables are drawn at their
    natural width instead of being squeezed to 80 columns with every figure cut to `0.6…`."""

    def __init__(self, *, stderr: bool = False) -> None:
        super().__init__(stderr=stderr, markup=False)

    def _size(self) -> ConsoleDimensions:
        size = Console.size.fget(self)  # type: ignore[attr-defined]
        if self.is_terminal:
            return size  # type: ignore[no-any-return]
        return ConsoleDimensions(max(size.width, OFF_TERMINAL_WIDTH), size.height)

    size = property(_size, Console.size.fset)  # type: ignore[attr-defined]


console = DataConsole()
err_console = DataConsole(stderr=True)


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line from plain parts (data, printed verbatim) and `(text, style)` parts (our styling):
    `styled(("error:", "bold red"), f" {exc}")`. Nothing in it is parsed as markup."""
    return Text.assemble(*parts)


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="SQLAlchemy URL or SQLite file (env SUPPORTQA_DB; default ./supportqa.db)"
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the same data as JSON.")]
ApplyOutOption = Annotated[
    Path | None,
    typer.Option("--out", help="With --apply: the YAML to write (default beside the DB)"),
]
ExportOption = Annotated[
    Path | None,
    typer.Option("--export", help="Also write the table to FILE.csv or FILE.parquet"),
]
ScorecardOption = Annotated[
    Path | None,
    typer.Option(
        "--scorecard", help="Scorecard YAML (env SUPPORTQA_SCORECARD; default: the packaged one)"
    ),
]


def settings() -> Settings:
    return Settings()


def resolve_scorecard(path: Path | None) -> Scorecard:
    """The `--scorecard` file, else SUPPORTQA_SCORECARD, else the packaged default."""
    configured = settings().scorecard
    chosen = path or (Path(configured) if configured else None)
    return load_scorecard(chosen) if chosen else default_scorecard()


@contextmanager
def open_repository(db: str | None, *, create: bool = False) -> Iterator[Workspace]:
    """The `--db` workspace, for the length of one command."""
    with workspace.open_workspace(db, settings=settings(), create=create) as repo:
        yield repo


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(type(value).__name__)


def print_json(data: Any) -> None:
    """JSON on stdout, nothing else, so scripts can pipe it."""
    sys.stdout.write(
        orjson.dumps(
            data, default=_plain, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
        ).decode()
        + "\n"
    )


def progress_bar(*, transient: bool = True, quiet: bool = False) -> Progress:
    """A progress bar on stderr, so `--json` output on stdout stays clean."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=transient,
        disable=quiet or not err_console.is_terminal,
    )


def fmt_pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def print_errors(
    errors: Sequence[Mapping[str, Any]], limit: int = 20, *, colour: str = "red", label: str = ""
) -> None:
    """Bad records on stderr, one line each: `file:line: reason` or `file: record #i: reason`. File
    names and reasons come from the data, so they are printed as text, never as rich markup."""
    for error in errors[:limit]:
        if error.get("line") is not None:
            where = f"{error.get('file')}:{error['line']}"
        elif error.get("index") is not None:
            where = f"{error.get('file')}: record #{error['index']}"
        else:
            where = str(error.get("file"))
        err_console.print(
            styled((f"{label}{where}", colour), f": {error.get('reason')}"), highlight=False
        )
    if len(errors) > limit:
        err_console.print(f"... and {len(errors) - limit} more (use --json for all)")


def note_newer(name: str, version: str, newer: list[str]) -> None:
    """Say which later versions were stored but not scored yet (the user may have meant one)."""
    if newer:
        err_console.print(
            f"note: {name} v{', v'.join(newer)} stored later but not scored yet; comparing "
            f"v{version} (score with the newer version, then calibrate it)",
            highlight=False,
        )
