"""Every analytics table exports to CSV or Parquet (chosen by the file's suffix)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from supportqa.errors import InputError

SUFFIXES = (".csv", ".parquet")
FORMULA_START = r"^[=+\-@\t\r]"
"""What a spreadsheet takes for a formula at the start of a cell (OWASP's CSV injection list)."""


def export_rows(rows: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """Write rows (dicts with the same keys) to `path`; nested values are written as JSON text."""
    frame = pl.DataFrame(
        [{k: (str(v) if isinstance(v, dict | list) else v) for k, v in r.items()} for r in rows]
    )
    return export_frame(frame, path)


def export_frame(frame: pl.DataFrame, path: Path) -> Path:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path}: export to .csv or .parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        neutralise_formulas(frame).write_csv(path)
    else:
        frame.write_parquet(path)
    return path


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells starting with `=`, `+`, `-`, `@`, tab or CR get a leading `'`, so a team named
    `=HYPERLINK(...)` opens in a spreadsheet as text, not as a formula that runs. Only text
    columns change: numeric columns stay numbers (`-3.5`, not `'-3.5`). Parquet keeps its types,
    so only CSV needs this."""
    text = [
        name
        for name, dtype in frame.schema.items()
        if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)
    ]
    return frame.with_columns(
        pl.when(pl.col(name).cast(pl.String).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(name).cast(pl.String))
        .otherwise(pl.col(name).cast(pl.String))
        .alias(name)
        for name in text
    )
