"""`supportqa calibrate cx`: fit the CX flag (CX 1–3) to the share of customers with CSAT ≤ 3."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from supportqa.cli.common import (
    ApplyOutOption,
    DbOption,
    JsonOption,
    console,
    note_newer,
    open_repository,
    print_json,
)
from supportqa.services.cx_flag import (
    MIN_FIT,
    AppliedCuts,
    CxCalibration,
    FlagFigures,
    apply_cx_cuts,
    fit_cx_to_csat,
)


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _cuts(cuts: tuple[float, ...]) -> str:
    return ", ".join(f"{c:g}" for c in cuts)


def fit_table(result: CxCalibration) -> Table:
    fit, card = result.fit, result.card
    table = Table(
        title=f"CX flag vs CSAT ≤ 3 — {card.name} v{card.version}: {fit.n} conversations with "
        f"a CX value and a CSAT answer; {fit.target_share:.1%} have CSAT ≤ 3 (on 1–5)",
        caption="flag = CX 1–3, i.e. CX value below the third cut; precision: flagged that had "
        "CSAT ≤ 3; recall: CSAT ≤ 3 that were flagged",
    )
    for column in ("", "cuts", "flagged", "precision", "recall"):
        table.add_column(column, justify="left" if column in ("cuts", "") else "right")
    rows: list[tuple[str, tuple[float, ...], FlagFigures]] = [
        ("now", fit.cuts_before, fit.before),
        ("fitted", fit.cuts, fit.after),
    ]
    for name, cuts, figures in rows:
        table.add_row(
            name,
            _cuts(cuts),
            f"{figures.flagged} ({_share(figures.flagged_share)})",
            _share(figures.precision),
            _share(figures.recall),
        )
    return table


def _json(result: CxCalibration, applied: AppliedCuts | None) -> dict[str, Any]:
    application = None if applied is None else applied.application
    return {
        "scorecard": {"name": result.card.name, "version": result.card.version},
        "csat_answers": result.csat_answers,
        "min_conversations": MIN_FIT,
        **result.fit.model_dump(mode="json"),
        "apply": None
        if application is None
        else {
            "written": application.scorecard is not None,
            "from_version": application.from_version,
            "version": application.version,
            "file": None if applied is None or applied.path is None else str(applied.path),
            "already_applied_as": application.already_applied_as,
            "reason": application.reason,
        },
    }


def calibrate_cx(
    db: DbOption = None,
    scorecard_name: Annotated[
        str, typer.Option("--scorecard-name", help="Stored scorecard whose AI reviews to fit")
    ] = "default",
    version: Annotated[
        str | None,
        typer.Option("--version", help="Scorecard version (default: newest with AI reviews)"),
    ] = None,
    apply: Annotated[
        bool,
        typer.Option("--apply", help="Write a new scorecard version with the fitted cuts"),
    ] = False,
    out: ApplyOutOption = None,
    json: JsonOption = False,
) -> None:
    """Fit the CX flag to the team's CSAT: flag as many as have CSAT ≤ 3.

    The cuts move so the share flagged (CX 1–3) equals the share with CSAT ≤ 3 on 1–5 (other CSAT
    scales are mapped onto 1–5 first). Prints n, that share, the cuts, and the flag's precision
    and recall against CSAT ≤ 3 with the current cuts and the fitted ones. Needs at least 30
    conversations with both an AI review's CX and a CSAT answer. `--apply` stores a new scorecard
    version with the fitted cuts (score with it to re-flag).
    """
    applied = None
    with open_repository(db) as repo:
        result = fit_cx_to_csat(repo, scorecard_name=scorecard_name, version=version)
        note_newer(result.card.name, result.card.version, result.newer)
        if apply:
            applied = apply_cx_cuts(repo, result, out=out)
    if json:
        print_json(_json(result, applied))
        return
    console.print(fit_table(result))
    if applied is None:
        return
    application = applied.application
    if application.scorecard is None:
        console.print(f"--apply: {application.reason}.", highlight=False)
        return
    console.print(
        f"--apply: wrote {application.name} v{application.version} (from "
        f"v{application.from_version}) with cuts {_cuts(result.fit.cuts)} to the database and "
        f"{applied.path}. Score with it (`supportqa score --scorecard {applied.path}`) to re-flag.",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command("cx")(calibrate_cx)
