"""CSV exports open in a spreadsheet as data: text that looks like a formula is neutralised."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from supportqa.analytics.export import export_frame, export_rows

FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_export_prefixes_text_that_starts_like_a_formula(tmp_path: Path) -> None:
    rows = [{"team": text, "delta": -3.5, "n": -2} for text in FORMULAS]
    rows.append({"team": "Billing - EU", "delta": 1.25, "n": 4})
    written = _read(export_rows(rows, tmp_path / "x.csv"))
    assert [r["team"] for r in written] == [f"'{t}" for t in FORMULAS] + ["Billing - EU"]


def test_csv_export_keeps_negative_numbers_numbers(tmp_path: Path) -> None:
    rows = [{"team": "=1", "delta": -3.5, "n": -2}, {"team": "x", "delta": None, "n": 0}]
    written = _read(export_rows(rows, tmp_path / "x.csv"))
    assert [(r["delta"], r["n"]) for r in written] == [("-3.5", "-2"), ("", "0")]


def test_categorical_text_is_neutralised_too(tmp_path: Path) -> None:
    frame = pl.DataFrame({"team": pl.Series(["=1", "ok"], dtype=pl.Categorical)})
    written = _read(export_frame(frame, tmp_path / "x.csv"))
    assert [r["team"] for r in written] == ["'=1", "ok"]


def test_parquet_export_keeps_text_as_written(tmp_path: Path) -> None:
    rows = [{"team": text, "delta": -3.5} for text in FORMULAS]
    frame = pl.read_parquet(export_rows(rows, tmp_path / "x.parquet"))
    assert frame["team"].to_list() == FORMULAS
    assert frame["delta"].to_list() == pytest.approx([-3.5] * len(FORMULAS))
