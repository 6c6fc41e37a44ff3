"""`supportqa train`: learn from the team's human reviews; keep a model only when it measurably helps."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from supportqa.cli.common import (
    DbOption,
    JsonOption,
    console,
    note_newer,
    open_repository,
    print_json,
    progress_bar,
    styled,
)
from supportqa.cli.sessions_command import progress_tasks
from supportqa.errors import InputError
from supportqa.evaluation.curves import write_curve_html
from supportqa.services.training import Figure, TargetResult, TrainOptions
from supportqa.services.training import train as train_models


def _fmt(figure: Figure | None) -> Text:
    if figure is None:
        return Text("–")
    return styled(f"{figure.value:+.2f} ", (f"{figure.low:+.2f}…{figure.high:+.2f}", "dim"))


def _table(results: list[TargetResult], title: str) -> Table:
    table = Table(title=title)
    for name in (
        "target",
        "learned from",
        "n",
        "zero-shot ρ",
        "trained ρ",
        "Δρ (95% CI)",
        "decision",
    ):
        table.add_column(name, justify="right" if name == "n" else "left")
    unrated = [r.target for r in results if r.n == 0]
    if unrated:
        table.caption = f"not rated by people, nothing to learn: {', '.join(unrated)}"
    for r in results:
        if r.n == 0:
            continue
        d = r.decision
        verdict = _verdict(r)
        table.add_row(
            r.target,
            r.reference,
            str(r.n),
            _fmt(d.before if d else None),
            _fmt(d.after if d else None),
            _fmt(d.difference if d else None),
            verdict,
        )
    return table


def _verdict(result: TargetResult) -> Text:
    """A few words; the full reason is in --json."""
    if result.skipped:
        return Text(f"skipped: {result.n} < 30 pairs", "dim")
    if result.accepted:
        name = Path(result.model_path).name if result.model_path else ""
        return styled(("use it", "green"), f" {name}")
    d = result.decision
    worse = d is not None and d.difference.high < 0
    if worse:
        return Text("keep zero-shot (worse)", "red")
    return Text("keep zero-shot (gain unsure)", "yellow")


def _curve_table(results: list[TargetResult]) -> Table | None:
    with_curve = [r for r in results if r.learning_curve]
    if not with_curve:
        return None
    sizes = sorted(
        {k for r in with_curve for k in r.learning_curve},
        key=lambda k: (k == "all", int(k) if k.isdigit() else 0),
    )
    table = Table(title="Learning curve: trained ρ by number of training reviews (cross-validated)")
    table.add_column("target")
    for size in sizes:
        table.add_column(size, justify="right")
    for r in with_curve:
        values = [r.learning_curve.get(size) for size in sizes]
        table.add_row(r.target, *("–" if v is None else f"{v:.3f}" for v in values))
    return table


def train(
    db: DbOption = None,
    scorecard_name: Annotated[
        str,
        typer.Option("--scorecard-name", help="Stored scorecard whose AI reviews to learn from"),
    ] = "default",
    version: Annotated[
        str | None, typer.Option(help="Scorecard version (default: the latest with AI reviews)")
    ] = None,
    target: Annotated[
        list[str] | None,
        typer.Option("--target", help="Criterion key or `cx`; repeat for several (default: all)"),
    ] = None,
    folds: Annotated[int, typer.Option(min=2, max=20, help="Outer cross-validation folds")] = 5,
    bootstrap: Annotated[
        int, typer.Option(min=100, help="Bootstrap resamples for the intervals")
    ] = 1000,
    learning_curve: Annotated[
        bool,
        typer.Option("--learning-curve", help="Also measure agreement with 50/100/200/500 reviews"),
    ] = False,
    plot: Annotated[
        Path | None,
        typer.Option(help="With --learning-curve: write the curves as a self-contained HTML plot"),
    ] = None,
    apply: Annotated[
        bool,
        typer.Option("--apply", help="Write a new scorecard version that uses the accepted models"),
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Where --apply writes the scorecard YAML")
    ] = None,
    seed: Annotated[int, typer.Option()] = 0,
    json: JsonOption = False,
) -> None:
    """Fit criterion and CX models to the team's human reviews and keep the ones that beat zero-shot.

    For each criterion (and CX) rated by both the AI and people: nested 5-fold cross-validation gives
    out-of-fold predictions, compared with the zero-shot scorer on the same conversations (Spearman ρ
    with paired-bootstrap 95% intervals). A model is saved only when the interval of the gain lies
    above 0, as a new version in supportqa-models/ next to the database. `--apply` then writes a new
    scorecard version that uses them; score with it to put them to work.
    """
    if plot is not None and not learning_curve:
        raise InputError("--plot draws the learning curves: add --learning-curve")
    options = TrainOptions(
        scorecard_name=scorecard_name,
        version=version,
        targets=target,
        folds=folds,
        bootstrap=bootstrap,
        learning_curve=learning_curve,
        apply=apply,
        out=out,
        seed=seed,
    )
    with open_repository(db) as repo, progress_bar(quiet=json) as bar:
        run = train_models(repo, options, progress=partial(progress_tasks, bar))
    ref, results, applied = run.scorecard, run.results, run.applied
    note_newer(ref.name, ref.version, run.newer)
    if plot is not None:
        write_curve_html(
            {r.target: _numeric_curve(r, run.conversations) for r in results if r.learning_curve},
            plot,
        )
    if json:
        print_json(
            {
                "scorecard": ref,
                "conversations": run.conversations,
                "models_dir": str(run.models_dir),
                "targets": [r.as_dict() for r in results],
                "applied": None if applied is None else applied.as_dict(),
            }
        )
        return
    console.print(
        _table(
            results,
            f"train: scorecard {ref.name} v{ref.version}, {run.conversations:,} conversations reviewed "
            "by the AI and people (out-of-fold figures)",
        )
    )
    curve = _curve_table(results)
    if curve is not None:
        console.print(curve)
    if plot is not None:
        console.print(f"Learning curves: {plot}")
    if applied:
        console.print(
            f"New scorecard version {applied.version} uses the trained models for "
            f"{', '.join(applied.targets)}: {applied.file}\n"
            f"Score with it: supportqa score --scorecard {applied.file}"
        )
    elif apply:
        console.print("No model was accepted, so no new scorecard version was written.")


def _numeric_curve(result: TargetResult, total: int) -> dict[str, float]:
    """Curve points keyed by review count ("all" becomes the training-fold size) for the plot."""
    points = {}
    for size, value in result.learning_curve.items():
        if value is not None:
            points[size if size.isdigit() else str(result.n * 4 // 5)] = value
    return points


def register(app: typer.Typer) -> None:
    app.command("train")(train)
