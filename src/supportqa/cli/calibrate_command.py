"""`supportqa calibrate`: how far the AI agrees with the team's reviewers, and reviewers with each other.

`calibrate` alone compares AI and human reviews (and with `--apply` makes untrusted criteria
human-only in a new scorecard version); `calibrate sessions` looks at blind calibration sessions;
`calibrate drift` compares two scorer versions on the same conversations; `calibrate cx` fits the
CX flag to the customers' CSAT.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from supportqa.cli import calibrate_cx_command, sessions_command
from supportqa.cli.common import (
    ApplyOutOption,
    DbOption,
    JsonOption,
    console,
    note_newer,
    open_repository,
    print_json,
)
from supportqa.errors import InputError
from supportqa.services.calibration import (
    METRICS,
    Application,
    CalibrationReport,
    CompareOptions,
    Estimate,
    apply_calibration,
    compare_with_humans,
)

app = typer.Typer(
    help="Agreement between the AI and human reviewers, reviewer calibration sessions, drift.",
    no_args_is_help=False,
    invoke_without_command=True,
)
sessions_command.register(app)
calibrate_cx_command.register(app)

VERDICT_STYLE = {
    "trusted": "green",
    "untrusted": "bold red",
    "insufficient": "yellow",
    "human-only": "dim",
}


# ---- choosing what to compare ---------------------------------------------------------------


# ---- output ---------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 2, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _with_ci(estimate: Estimate, percent: bool = False) -> str:
    """`0.662 [0.48, 0.83]`, or `92.7% [89.4, 95.9]` for shares: the interval one digit shorter."""
    if estimate.value is None:
        return "–"
    text = f"{estimate.value:.1%}" if percent else f"{estimate.value:.3f}"
    if estimate.low is not None and estimate.high is not None:
        if percent:
            text += f" [{100 * estimate.low:.1f}, {100 * estimate.high:.1f}]"
        else:
            text += f" [{estimate.low:.2f}, {estimate.high:.2f}]"
    return text


def _bias(value: float | None, word: str, digits: int = 2) -> str:
    return "–" if value is None else f"{value:+.{digits}f} {word}"


def criteria_table(report: CalibrationReport) -> Table:
    counts = report.counts
    table = Table(
        title=f"AI vs human — {report.scorecard.name} v{report.scorecard.version}: "
        f"{counts.overlapping} conversations reviewed by both ({counts.ai_conversations} by the AI, "
        f"{counts.human_conversations} by people); means, bias = AI − human",
        caption="kappa, alpha, exact: AI rating vs the human mean rounded half up to a scale point; "
        "bias, alignment, Spearman: vs the mean itself",
    )
    table.add_column("criterion")
    table.add_column("n", justify="right")
    table.add_column("AI", justify="right")
    table.add_column("human", justify="right")
    table.add_column("bias", justify="right")
    table.add_column(f"{report.rule.metric} [95% CI]", justify="right")
    table.add_column("alignment [95% CI]", justify="right")
    table.add_column("verdict")
    for c in report.criteria:
        style = VERDICT_STYLE[c.verdict]
        table.add_row(
            c.key,
            str(c.n_pairs),
            _num(c.ai_mean),
            _num(c.human_mean),
            _bias(c.bias, c.bias_word),
            _with_ci(c.verdict_metric, percent=report.rule.metric == "alignment"),
            _with_ci(c.alignment, percent=True),
            Text(c.verdict, style=style),
        )
    return table


def iqs_cx_table(report: CalibrationReport) -> Table:
    """IQS against the human IQS; CX against the human CX, else the customer's CSAT."""
    iqs, cx = report.iqs, report.cx
    reference = {
        "human": "the human CX",
        "csat": "the customer's CSAT on 1–5",
        "human+csat": f"the human CX ({cx.n_human}), else the CSAT on 1–5 ({cx.n_csat})",
        "none": "nothing (no human CX, no CSAT)",
    }[cx.reference]
    table = Table(
        title="IQS and CX, AI vs human (bias = AI − reference)",
        caption=f"IQS vs the human IQS; CX vs {reference}",
    )
    table.add_column("measure")
    for column in ("n", "AI", "reference", "bias", "Spearman [95% CI]", "MAE"):
        table.add_column(column, justify="right")
    table.add_column("alignment [95% CI]", justify="right")
    table.add_column("CX 1–3, low too", justify="right")
    table.add_row(
        "IQS",
        str(iqs.n),
        _num(iqs.ai_mean, 1),
        _num(iqs.human_mean, 1),
        _bias(iqs.bias, iqs.bias_word, 1),
        _with_ci(iqs.spearman),
        _num(iqs.mae, 1),
        _with_ci(iqs.alignment, percent=True),
        "",
    )
    flagged = (
        f"{cx.flagged_also_low}/{cx.flagged} ({cx.flagged_also_low_share:.0%})"
        if cx.flagged_also_low_share is not None
        else "–"
    )
    table.add_row(
        "CX",
        str(cx.n),
        _num(cx.ai_mean),
        _num(cx.reference_mean),
        _bias(cx.bias, cx.bias_word),
        _with_ci(cx.spearman),
        _num(cx.mae),
        _with_ci(cx.alignment, percent=True),
        flagged,
    )
    return table


def disagreements_table(report: CalibrationReport) -> Table:
    table = Table(title="Largest disagreements (AI rating vs human mean)")
    for column in ("criterion", "conversation", "AI", "human", "AI explanation", "evidence"):
        table.add_column(column, justify="right" if column == "AI" else "left")
    for c in report.criteria:
        for d in c.disagreements:
            each = ", ".join(
                f"{name} {'N/A' if v is None else f'{v:g}'}" for name, v in d.human_ratings.items()
            )
            table.add_row(
                c.key,
                f"{d.source}/{d.conversation_id}",
                f"{d.ai_rating:g}",
                f"{d.human_mean:.2f} ({each})",
                d.explanation,
                f'"{d.evidence_quote}"' if d.evidence_quote else "",
            )
    return table


def _print_apply(application: Application, path: Path | None) -> None:
    if application.scorecard is None:
        console.print(f"--apply: {application.reason}.", highlight=False)
        return
    console.print(
        f"--apply: wrote {application.name} v{application.version} (from "
        f"v{application.from_version}) to the database and {path}:",
        highlight=False,
    )
    for change in application.changes:
        console.print(
            f"  {change.key}: human-only (scorer {', '.join(change.removed_scorers)} removed; "
            f"{change.metric} {change.value:.3f} < {change.threshold:g}, {change.n_pairs} pairs)",
            highlight=False,
        )
    console.print(
        f"  kept AI scoring: {', '.join(application.kept) or 'none'}. Score with it "
        f"(`supportqa score --scorecard {path}`): those criteria become `unrated` in AI reviews "
        "and go to people.",
        highlight=False,
    )


def _apply_json(application: Application, path: Path | None) -> dict[str, Any]:
    return {
        "written": application.scorecard is not None,
        "scorecard": application.name,
        "from_version": application.from_version,
        "version": application.version,
        "file": None if path is None else str(path),
        "changes": [c.model_dump(mode="json") for c in application.changes],
        "kept": application.kept,
        "already_applied_as": application.already_applied_as,
        "reason": application.reason,
    }


# ---- the command ----------------------------------------------------------------------------


@app.callback(invoke_without_command=True)
def calibrate(
    ctx: typer.Context,
    db: DbOption = None,
    scorecard_name: Annotated[
        str, typer.Option("--scorecard-name", help="Stored scorecard whose AI reviews to compare")
    ] = "default",
    version: Annotated[
        str | None,
        typer.Option("--version", help="Scorecard version (default: newest with AI reviews)"),
    ] = None,
    metric: Annotated[
        str, typer.Option("--metric", help=f"Verdict metric: {', '.join(METRICS)}")
    ] = "kappa",
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            help="Trusted at or above (default: kappa 0.6, alpha 0.667, alignment 0.85, "
            "spearman 0.6, exact 0.8)",
        ),
    ] = None,
    min_pairs: Annotated[
        int, typer.Option("--min-pairs", help="Fewer pairs: verdict insufficient")
    ] = 30,
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", help="Bootstrap resamples for the 95% CIs (0: none)")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Bootstrap seed")] = 0,
    top: Annotated[int, typer.Option("--top", help="Largest disagreements per criterion")] = 5,
    exclude_sessions: Annotated[
        bool,
        typer.Option(
            "--exclude-sessions", help="Leave calibration-session reviews out of the consensus"
        ),
    ] = False,
    apply: Annotated[
        bool,
        typer.Option("--apply", help="Write a new scorecard version: untrusted → human-only"),
    ] = False,
    out: ApplyOutOption = None,
    json: JsonOption = False,
) -> None:
    """Compare AI reviews with the human consensus per criterion, IQS and CX; a trust verdict each.

    Without a subcommand: exact and within-one agreement, Cohen's kappa, Krippendorff's alpha,
    Spearman, MAE, signed bias and alignment per criterion (verdict metric and alignment with
    bootstrap 95% intervals), the largest disagreements, and `trusted` / `untrusted` /
    `insufficient` / `human-only` per criterion. `--apply` makes untrusted criteria human-only in a
    new scorecard version.
    """
    if ctx.invoked_subcommand is not None:
        return
    chosen = next((m for m in METRICS if m == metric), None)
    if chosen is None:
        raise InputError(f"unknown --metric {metric!r} (use {', '.join(METRICS)})")
    options = CompareOptions(
        metric=chosen,
        threshold=threshold,
        min_pairs=min_pairs,
        bootstrap=bootstrap,
        seed=seed,
        top=top,
    )
    options.rule()  # bad options fail before the database is read
    applied = None
    with open_repository(db) as repo:
        result = compare_with_humans(
            repo,
            scorecard_name=scorecard_name,
            version=version,
            options=options,
            exclude_sessions=exclude_sessions,
        )
        note_newer(result.card.name, result.card.version, result.newer)
        report = result.report
        if apply:
            applied = apply_calibration(repo, result.card, report, out=out)
    application = None if applied is None else applied.application
    path = None if applied is None else applied.path
    if json:
        data = report.model_dump(mode="json")
        data["apply"] = None if application is None else _apply_json(application, path)
        print_json(data)
        return
    console.print(criteria_table(report))
    console.print(iqs_cx_table(report))
    if any(c.disagreements for c in report.criteria):
        console.print(disagreements_table(report))
    console.print(Text(report.summary, style="bold"), highlight=False)
    if application is not None:
        _print_apply(application, path)
