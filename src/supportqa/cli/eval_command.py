"""`supportqa eval`: how well the scorer agrees with people, beside a keyword and a VADER reference."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import TaskID
from rich.table import Table
from rich.text import Text

from supportqa.cli.common import (
    JsonOption,
    ScorecardOption,
    console,
    print_json,
    progress_bar,
    resolve_scorecard,
)
from supportqa.errors import InputError
from supportqa.evaluation.base import shared_data_dir
from supportqa.evaluation.curves import write_eval_html
from supportqa.evaluation.regression import SELECTIVE_COVERAGES
from supportqa.evaluation.report import METRIC_TITLES, EvalReport
from supportqa.evaluation.run import DATASETS, EXTRA_DATASETS, EvalOptions, run_eval

MODES = ("zero-shot", "cv5")


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _mark(flag: bool | None) -> Text:
    return {True: Text("✓", "green"), False: Text("✗", "red"), None: Text("")}[flag]


def eval_table(report: EvalReport) -> Table:
    table = Table(title=f"Agreement with people ({report.mode}, scorecard {report.scorecard})")
    for name in ("dataset", "supportqa", "people", "metric", "n", "ours", "95% CI"):
        table.add_column(name, justify="right" if name in ("n", "ours", "95% CI") else "left")
    cv = report.mode == "cv5"
    for name in (
        ("zero-shot", "keyword", "VADER", "human", "goal")
        if cv
        else ("keyword", "VADER", "human", "goal")
    ):
        table.add_column(name, justify="right")
    for row in report.rows:
        ci = "" if row.ci_low is None else f"{row.ci_low:.2f}–{row.ci_high:.2f}"
        dataset = row.dataset + (f" ({row.split})" if row.split else "")
        tolerance = "±" if row.metric == "share gap" else ""
        goal = "" if row.goal is None else f"{tolerance}{row.goal:.2f} {_mark(row.meets_goal)}"
        table.add_row(
            dataset,
            row.ours,
            row.human,
            METRIC_TITLES[row.metric],
            str(row.n),
            _cell(row.value),
            ci,
            *([_cell(row.zero_shot)] if cv else []),
            f"{_cell(row.keyword)} {_mark(row.beats_keyword)}".strip(),
            f"{_cell(row.vader)} {_mark(row.beats_vader)}".strip(),
            _cell(row.human_ceiling) if row.human_ceiling is not None else "",
            goal,
        )
    return table


def regression_table(report: EvalReport) -> Table:
    """Per criterion: AI rating vs the corpus's reference label (pass 1), every answer counted
    (`unsure` ones at their tentative answer); then the answers kept after abstention."""
    table = Table(
        title=f"Regression corpus ({report.regression_split} split, scorecard {report.scorecard}): "
        "AI vs reference labels"
    )
    columns = ("criterion", "scale", "rule", "n", "coverage", "accuracy", "95% CI", "majority")
    for name in (*columns, "unsure", "kept acc."):
        table.add_column(
            name, justify="left" if name in ("criterion", "scale", "rule") else "right"
        )
    for row in report.regression:
        ci = "" if row.ci_low is None else f"{row.ci_low:.2f}–{row.ci_high:.2f}"
        table.add_row(
            row.criterion,
            row.scale,
            row.rule,
            str(row.n),
            _cell(row.coverage),
            _cell(row.accuracy),
            ci,
            _cell(row.majority),
            str(row.abstained) if row.abstained else "",
            _cell(row.answered_accuracy) if row.abstained else "",
        )
    return table


def selective_table(report: EvalReport) -> Table:
    """The selective-prediction curve: accuracy of the most confident answers at each coverage,
    and how well the calibrated confidence matches being right (ECE, Brier)."""
    coverages = list(SELECTIVE_COVERAGES)
    table = Table(
        title="Accuracy at each coverage (most confident answers kept), and the confidence's "
        "calibration"
    )
    table.add_column("criterion")
    for coverage in coverages:
        table.add_column(f"{coverage:.0%}", justify="right")
    table.add_column("gain @90% (95% CI)", justify="right")
    table.add_column("ECE", justify="right")
    table.add_column("Brier", justify="right")
    for row in report.regression:
        cells = [row.selective.get(f"{c:g}") for c in coverages]
        gain = (
            ""
            if row.gain_at_90 is None
            else f"{row.gain_at_90:+.3f} ({row.gain_ci_low:+.2f}–{row.gain_ci_high:+.2f})"
        )
        table.add_row(
            row.criterion, *(_cell(c) for c in cells), gain, _cell(row.ece), _cell(row.brier)
        )
    return table


def curve_table(report: EvalReport) -> Table:
    """Spearman ρ of the trained CX by number of training reviews, per dataset."""
    table = Table(title="Learning curve: trained CX ρ by number of training reviews (out-of-fold)")
    table.add_column("dataset")
    table.add_column("ρ at 50 / 100 / 200 / 500 / all reviews")
    for dataset, points in report.curves.items():
        cells = [f"{size}: {value:.3f}" for size, value in points.items()]
        table.add_row(dataset, "  ".join(cells))
    return table


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_command(
        data: Annotated[
            Path | None,
            typer.Option(
                help="Folder with the human-labelled datasets (stc3-dq/, uss/, ab-redial/); "
                "default: $SUPPORTQA_SHARED_DATA or ../shared/data beside the repository."
            ),
        ] = None,
        dataset: Annotated[
            list[str] | None,
            typer.Option(
                "--dataset", "-d", help=f"Repeatable; default all of {', '.join(DATASETS)}."
            ),
        ] = None,
        split: Annotated[
            str | None,
            typer.Option(
                help="test (report), dev (tune) or all: the STC-3 and labelled-replies part "
                "(default test) and the regression corpus half (default dev: its test half is "
                "measured only when asked for)."
            ),
        ] = None,
        corpus: Annotated[
            Path | None,
            typer.Option(
                help="The regression corpus folder; default the repository's "
                "tests/data/regression (a pip install does not ship it)."
            ),
        ] = None,
        messages: Annotated[
            Path | None,
            typer.Option(
                help="A labelled-replies JSONL (tone/empathy), e.g. tests/data/labelled/"
                "tone_empathy.jsonl."
            ),
        ] = None,
        conversations: Annotated[
            Path | None,
            typer.Option(
                help="Your own conversations JSONL, with --reviews: AI vs your reviewers."
            ),
        ] = None,
        reviews: Annotated[
            Path | None,
            typer.Option(help="Your reviewers' ratings JSONL (ratings lines) for --conversations."),
        ] = None,
        mode: Annotated[
            str,
            typer.Option(
                help="zero-shot: nothing fitted to labels; cv5: a model trained on the labels, "
                "5-fold out-of-fold figures beside zero-shot, and learning curves."
            ),
        ] = "zero-shot",
        plot: Annotated[
            Path | None,
            typer.Option(
                help="Write the figures as one self-contained HTML page: reliability diagrams, "
                "selective-prediction curves and (cv5) learning curves."
            ),
        ] = None,
        bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples for the 95% CI.")] = 1000,
        limit: Annotated[
            int | None, typer.Option(help="At most N conversations per dataset.")
        ] = None,
        scorecard: ScorecardOption = None,
        json_output: JsonOption = False,
    ) -> None:
        """Measure agreement with human labels: Spearman ρ with a bootstrap CI, QWK, AUC and ECE,
        each beside a keyword baseline, VADER on the customer's last turn and (STC-3) the human
        ceiling."""
        if mode not in MODES:
            raise InputError(f"--mode {mode!r}: use {' or '.join(MODES)}")
        if limit is not None and limit < 1:
            raise InputError(f"--limit {limit}: must be at least 1")
        if bootstrap < 0:
            raise InputError(f"--bootstrap {bootstrap}: must be 0 (no intervals) or more")
        if split not in (None, "test", "dev", "all"):
            raise InputError(f"--split {split!r}: use test, dev or all")
        data_dir = data or shared_data_dir()
        regression = bool(dataset) and "regression" in (dataset or [])
        if data_dir is None and messages is None and conversations is None and not regression:
            raise InputError(
                "no labelled data: pass --data DIR (the folder with stc3-dq/, uss/, ab-redial/), "
                "--messages FILE or --conversations FILE --reviews FILE, or set "
                "SUPPORTQA_SHARED_DATA"
            )
        if (conversations is None) != (reviews is None):
            raise InputError("--conversations and --reviews go together")
        own = (conversations, reviews) if conversations and reviews else None
        if dataset:
            chosen = tuple(dataset)
        elif own:
            chosen = ("own", *(("tone-empathy",) if messages else ()))
        else:
            chosen = (*(DATASETS if data_dir else ()), *(("tone-empathy",) if messages else ()))
        unknown = [d for d in chosen if d not in (*DATASETS, *EXTRA_DATASETS)]
        if unknown:
            raise InputError(
                f"unknown dataset {unknown[0]!r} (known: {', '.join((*DATASETS, *EXTRA_DATASETS))})"
            )
        needs_data = any(d not in EXTRA_DATASETS for d in chosen)
        if needs_data and data_dir is None:
            raise InputError(
                "no labelled data: pass --data DIR (the folder with stc3-dq/, uss/, ab-redial/) "
                "or set SUPPORTQA_SHARED_DATA"
            )
        options = EvalOptions(
            data_dir=data_dir if needs_data else None,
            datasets=chosen,
            split=split or "test",
            messages=messages,
            own=own,
            bootstrap=bootstrap,
            limit=limit,
            mode=mode,
            corpus=corpus,
            regression_split=split or "dev",
        )
        card = resolve_scorecard(scorecard)
        with progress_bar(quiet=json_output) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(name: str, done: int, total: int) -> None:
                if name not in tasks:
                    tasks[name] = bar.add_task(f"scoring {name}", total=total)
                bar.update(tasks[name], completed=done)

            report = run_eval(options, card, progress=progress)
        if plot is not None:
            write_eval_html(report, plot)
        if json_output:
            print_json(report.as_json())
            return
        if report.rows or not report.regression:
            console.print(eval_table(report))
        if report.regression:
            console.print(regression_table(report))
            console.print(selective_table(report))
        if report.curves:
            console.print(curve_table(report))
        if plot is not None:
            console.print(f"  figures: {plot}")
        for summary in report.datasets:
            share = "" if summary.flagged_share is None else f", CX 1–3 {summary.flagged_share:.0%}"
            console.print(f"  {summary.dataset}: {summary.conversations} conversations{share}")
        console.print(f"  {report.seconds:.0f} s")
