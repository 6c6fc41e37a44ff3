"""`supportqa dataset export`: a shared research dataset as conversations and human reviews."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, cast

import typer
from rich.table import Table

from supportqa.cli.common import (
    JsonOption,
    ScorecardOption,
    console,
    print_json,
    resolve_scorecard,
)
from supportqa.errors import InputError
from supportqa.evaluation.base import LoadReport, shared_data_dir
from supportqa.evaluation.export import (
    DATASETS,
    ExportReport,
    SplitChoice,
    export_dataset,
    load_dataset,
    select,
)

app = typer.Typer(
    help="The shared human-labelled research datasets as supportqa data.", no_args_is_help=True
)


def export_table(report: ExportReport) -> Table:
    table = Table(title=f"{report.dataset} ({report.split}) exported")
    for name in ("conversations", "reviews", "reviewers", "ratings", "skipped", "unpaired"):
        table.add_column(name, justify="left" if name == "ratings" else "right")
    table.add_row(
        str(report.conversations),
        str(report.reviews),
        str(report.reviewers),
        ", ".join(f"{key} {n}" for key, n in report.ratings.items()) or "–",
        str(report.skipped_records),
        str(len(report.unpaired)),
    )
    return table


@app.command("export")
def export(
    dataset: Annotated[str, typer.Option("--dataset", help=f"One of {', '.join(DATASETS)}")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for conversations.jsonl and reviews.jsonl")
    ],
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Folder with stc3-dq/, uss/, ab-redial/ (default: $SUPPORTQA_SHARED_DATA or "
            "../shared/data beside the repository)",
        ),
    ] = None,
    split: Annotated[
        str, typer.Option("--split", help="dev, test (the evaluation's id-hash halves) or all")
    ] = "all",
    limit: Annotated[
        int | None, typer.Option("--limit", help="At most N conversations (in file order)")
    ] = None,
    scorecard: ScorecardOption = None,
    json: JsonOption = False,
) -> None:
    """Write DIR/conversations.jsonl and DIR/reviews.jsonl (ratings lines, one per annotator, named
    like stc3-annotator-07), ready for `supportqa import`. The mapping onto the default scorecard is
    in docs/formats.md."""
    if split not in ("dev", "test", "all"):
        raise InputError(f"--split {split!r}: use dev, test or all")
    if limit is not None and limit < 1:
        raise InputError(f"--limit {limit}: must be at least 1")
    if dataset not in DATASETS:
        raise InputError(f"unknown dataset {dataset!r} (use one of {', '.join(DATASETS)})")
    data_dir = data or shared_data_dir()
    if data_dir is None:
        raise InputError(
            "no shared data: pass --data DIR (the folder with stc3-dq/, uss/, ab-redial/) or set "
            "SUPPORTQA_SHARED_DATA"
        )
    card = resolve_scorecard(scorecard)
    loaded = LoadReport()
    items = select(load_dataset(data_dir, dataset, loaded), cast(SplitChoice, split), limit)
    report = export_dataset(
        items,
        out,
        card,
        dataset=dataset,
        split=split,
        skipped_records=len(loaded.skipped),
    )
    if json:
        print_json(report)
        return
    console.print(export_table(report))
    console.print(
        f"Wrote {report.conversations_out} and {report.reviews_out}; next: "
        f"supportqa import {report.conversations_out} {report.reviews_out}",
        highlight=False,
        soft_wrap=True,
    )
