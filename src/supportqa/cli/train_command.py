"""`supportqa train`: learn from the team's human reviews; keep a model only when it measurably helps."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from supportqa.calibration.artefacts import models_dir
from supportqa.calibration.features import Features, conversation_features
from supportqa.calibration.learn import Figure
from supportqa.calibration.reference import human_references
from supportqa.calibration.training import (
    TargetResult,
    analyses,
    evaluate_target,
    pair_keys,
    save_model,
    training_sets,
)
from supportqa.calibration.versions import apply_trained
from supportqa.cli.calibrate_command import stored_scorecard
from supportqa.cli.common import (
    DbOption,
    JsonOption,
    console,
    open_repository,
    print_json,
    progress_bar,
    styled,
)
from supportqa.domain.review import ScorecardRef
from supportqa.errors import InputError
from supportqa.evaluation.curves import write_curve_html

FEATURE_BATCH = 256


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
    with open_repository(db) as repo:
        card = stored_scorecard(repo, scorecard_name, version)
        ref = ScorecardRef(name=card.name, version=card.version)
        ai = {
            (r.source, r.conversation_id): r
            for r in repo.iter_reviews(kind="ai", scorecard=ref)
            if r.holder  # people's references are per conversation: the holder's review
        }
        humans = human_references(
            r for r in repo.iter_reviews(kind="human") if r.scorecard.name == card.name
        )
        keys = pair_keys(ai, humans)
        if not keys:
            raise InputError(
                f"no conversation has both an AI review (scorecard {card.name} v{card.version}: "
                f"{len(ai)}) and a human review ({len(humans)} conversations): import human "
                "reviews with `supportqa import` and score with `supportqa score`"
            )
        conversations = [repo.get_conversation(*key) for key in keys]
        present = [i for i, c in enumerate(conversations) if c is not None]
        keys = [keys[i] for i in present]
        found = [c for c in conversations if c is not None]
        directory = models_dir(repo.db.url)
        with progress_bar(quiet=json) as bar:
            task = bar.add_task("features", total=len(found))
            items = analyses(found, card)
            parts: list[Features] = []
            for start in range(0, len(items), FEATURE_BATCH):
                chunk = items[start : start + FEATURE_BATCH]
                parts.append(conversation_features(chunk))
                bar.advance(task, len(chunk))
            features = Features.concat(parts)
            sets, results = training_sets(
                card, [ai[k] for k in keys], [humans[k] for k in keys], found, target
            )
            unknown = sorted(set(target or []) - {*card.keys, "cx"})
            if unknown:
                raise InputError(f"unknown target {', '.join(unknown)}; use {card.keys} or cx")
            for training in sets:
                fold_task = bar.add_task(f"training {training.target}", total=folds)
                result, x = evaluate_target(
                    training,
                    features,
                    folds=folds,
                    seed=seed,
                    resamples=bootstrap,
                    learning_curve=learning_curve,
                    on_fold=partial(bar.advance, fold_task),
                )
                if result.accepted:
                    save_model(training, result, x, ref, directory, seed=seed)
                results.append(result)
        applied = apply_trained(repo, card, results, out, repo.db.url) if apply else None
    order = {key: i for i, key in enumerate([*card.keys, "cx"])}
    results.sort(key=lambda r: order.get(r.target, len(order)))
    if plot is not None:
        write_curve_html(
            {r.target: _numeric_curve(r, len(keys)) for r in results if r.learning_curve}, plot
        )
    if json:
        print_json(
            {
                "scorecard": ref,
                "conversations": len(keys),
                "models_dir": str(directory),
                "targets": [r.as_dict() for r in results],
                "applied": applied,
            }
        )
        return
    console.print(
        _table(
            results,
            f"train: scorecard {card.name} v{card.version}, {len(keys):,} conversations reviewed "
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
            f"New scorecard version {applied['version']} uses the trained models for "
            f"{', '.join(applied['targets'])}: {applied['file']}\n"
            f"Score with it: supportqa score --scorecard {applied['file']}"
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
