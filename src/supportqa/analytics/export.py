"""Every analytics table exports to CSV or Parquet (chosen by the file's suffix)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from supportqa.errors import InputError

SUFFIXES = (".csv", ".parquet")


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
        frame.write_csv(path)
    else:
        frame.write_parquet(path)
    return path
