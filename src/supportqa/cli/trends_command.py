"""`supportqa trends`, `stability` and `external`: how quality moves, how steady CX and CSAT are."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from supportqa.analytics.export import export_rows
from supportqa.analytics.trends import BENCHMARK, GROUPS, TargetProgress, TrendPoint, TrendReport
from supportqa.cli.common import (
    DbOption,
    ExportOption,
    JsonOption,
    console,
    open_repository,
    print_json,
    settings,
    styled,
)
from supportqa.errors import InputError
from supportqa.services.trends import (
    Goal,
    check_kind,
    cx_stability,
    opinion_by_team,
    quality_trends,
)

LABELS = {
    "ai_iqs": "AI IQS",
    "human_iqs": "human IQS",
    "cx": "CX",
    "csat": "CSAT",
    "ai_score": "AI score",
    "human_score": "human score",
}


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _cell(point: TrendPoint | None) -> str:
    if point is None:
        return ""
    digits = 2 if point.metric in ("cx", "csat") else 1
    text = f"{_num(point.mean, digits)} (n={point.n})"
    if point.delta is not None:
        text += f" Δ{point.delta:+.{digits}f}" + (" ✓" if point.real_change else "")
    return text


def trends_table(report: TrendReport) -> Table:
    title = f"Trends by {report.period}" + (f" and {', '.join(report.by)}" if report.by else "")
    table = Table(title=title, caption="Δ: change since the previous period; ✓: 95% CI excludes 0")
    for key in ["period", *report.by]:
        table.add_column(key)
    for metric in report.metrics:
        table.add_column(LABELS.get(metric, metric), justify="right")
    cells: dict[tuple[str | None, ...], dict[str, TrendPoint]] = {}
    for p in report.points:
        cells.setdefault((p.period, *p.group.values()), {})[p.metric] = p
    for row_key, by_metric in cells.items():
        values = ["–" if v is None else v for v in row_key]
        table.add_row(*values, *(_cell(by_metric.get(m)) for m in report.metrics))
    return table


def target_table(progress: TargetProgress) -> Table:
    table = Table(title=f"Target progress ({LABELS[progress.metric]}, latest week)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    rows = [
        ("latest week", f"{progress.latest_week} ({progress.latest_n} reviews)"),
        ("IQS", f"{progress.latest_iqs:.1f}%"),
        (f"gap to benchmark {progress.benchmark:g}%", f"{progress.gap_to_benchmark:+.1f} pts"),
        (
            f"agents at/above {progress.benchmark:g}% (last {progress.agent_window_weeks} wk)",
            f"{progress.agents_at_benchmark}/{progress.agents}",
        ),
    ]
    goal = progress.stretch
    if goal is not None:
        needed_now = _num(goal.weekly_gain_needed_from_now, 2)
        rows += [
            (
                f"stretch goal {goal.target:g}% by {goal.by_date}",
                f"from {goal.start_level:.1f}% in {goal.start_week}",
            ),
            ("weekly gain on the path", f"{goal.weekly_gain_needed:+.2f} pts/wk"),
            ("path expects now", f"{goal.expected_now:.1f}%"),
            ("ahead (+) / behind (−)", f"{goal.ahead_by:+.1f} pts"),
            ("weekly gain needed from now", f"{needed_now} pts/wk"),
            (f"agents at/above {goal.target:g}%", f"{goal.agents_at_target}/{progress.agents}"),
        ]
    for name, value in rows:
        table.add_row(name, value)
    return table


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} {value!r} is not a date: use YYYY-MM-DD") from None


def trends_command(
    period: Annotated[str, typer.Option("--period", help="day, week or month")] = "week",
    by: Annotated[
        list[str] | None, typer.Option("--by", help=f"Group by (repeatable): {', '.join(GROUPS)}")
    ] = None,
    kind: Annotated[str, typer.Option("--kind", help="ai, human or both")] = "both",
    benchmark: Annotated[float, typer.Option("--benchmark", help="IQS benchmark %")] = BENCHMARK,
    target: Annotated[float | None, typer.Option("--target", help="Stretch goal IQS %")] = None,
    by_date: Annotated[str | None, typer.Option("--by-date", help="Goal date YYYY-MM-DD")] = None,
    start_level: Annotated[
        float | None, typer.Option("--from", help="Starting IQS % (default: latest week's)")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="Goal start date (default: latest week)")
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
    export: ExportOption = None,
) -> None:
    """IQS (AI, human), CX and CSAT per period with the change and whether it is real."""
    goal = Goal(target, _date(by_date, "--by-date"), start_level, _date(start, "--start"))
    with open_repository(db) as repo:
        result = quality_trends(
            repo,
            period=period,
            by=by or [],
            kind=kind,
            benchmark=benchmark,
            goal=goal,
            settings=settings(),
        )
    report, progress = result.trends, result.target
    if export is not None:
        export_rows(report.flat(), export)
    if json:
        print_json({"trends": report, "target": progress})
        return
    console.print(trends_table(report))
    console.print(target_table(progress))
    if export is not None:
        console.print(f"Wrote {export}")


def stability_command(
    db: DbOption = None, json: JsonOption = False, export: ExportOption = None
) -> None:
    """CX vs CSAT: the share of conversations each covers and how much each moves week to week."""
    with open_repository(db) as repo:
        report = cx_stability(repo, settings=settings())
    if export is not None:
        export_rows(report.flat(), export)
    if json:
        print_json(report)
        return
    table = Table(title="CX vs CSAT: coverage and week-over-week volatility (1–5 scale)")
    table.add_column("scope")
    table.add_column("convs", justify="right")
    for metric in ("CX", "CSAT"):
        for col in ("cover", "mean", "wk std", "|Δwk|"):
            table.add_column(f"{metric} {col}", justify="right")
    for row in report.rows:
        values = [row.scope, str(row.conversations)]
        for vol in (row.cx, row.csat):
            coverage = "–" if vol.coverage is None else f"{vol.coverage:.0%}"
            values += [coverage, _num(vol.mean, 2), _num(vol.weekly_std, 3)]
            values.append(_num(vol.mean_abs_wow_change, 3))
        table.add_row(*values)
    console.print(table)
    console.print("wk std: std of weekly means; |Δwk|: mean absolute week-over-week change")
    if export is not None:
        console.print(f"Wrote {export}")


def external_command(
    kind: Annotated[str, typer.Option("--kind", help="IQS of ai or human reviews")] = "ai",
    weekly: Annotated[
        bool, typer.Option("--weekly", help="Also one row per team and week")
    ] = False,
    db: DbOption = None,
    json: JsonOption = False,
    export: ExportOption = None,
) -> None:
    """IQS beside CX, CSAT, NPS and CES per team: where quality and customer opinion disagree."""
    check_kind(kind)
    with open_repository(db) as repo:
        report = opinion_by_team(repo, kind=kind, settings=settings())
    rows = [*report.teams, *(report.weekly if weekly else [])]
    if export is not None:
        export_rows([r.__dict__ for r in rows], export)
    if json:
        print_json(report)
        return
    table = Table(
        title=f"{kind.upper()} IQS vs customer opinion per team (largest rank gap first)",
        caption="NPS: % promoters (9–10) − % detractors (0–6); CES on 1–7, higher = easier; "
        "customer rank: mean place over the customer metrics present",
    )
    for col in ("team", "week", "IQS", "reviews", "CX"):
        table.add_column(col, justify="left" if col in ("team", "week") else "right")
    shown = [m for m in ("csat", "nps", "ces") if m in report.available or m == "csat"]
    for metric in shown:
        table.add_column(metric.upper(), justify="right")
        table.add_column("n", justify="right")
    for col in ("IQS rank", "cust. rank", "gap"):
        table.add_column(col, justify="right")
    for r in rows:
        values = {
            "csat": (_num(r.csat, 2), r.csat_n),
            "nps": ("–" if r.nps is None else f"{r.nps:+.0f}", r.nps_n),
            "ces": (_num(r.ces, 2), r.ces_n),
        }
        opinion = [cell for m in shown for cell in (values[m][0], str(values[m][1]))]
        ranks = ["" if v is None else str(v) for v in (r.iqs_rank, r.customer_rank, r.rank_gap)]
        table.add_row(
            r.team or "–",
            r.week or "all",
            _num(r.iqs),
            str(r.reviews),
            _num(r.cx, 2),
            *opinion,
            *ranks,
        )
    console.print(table)
    corr = _num(report.iqs_csat_correlation, 2)
    console.print(
        f"Conversation-level correlation of IQS and CSAT: r = {corr} (n={report.correlation_n})"
    )
    for note in report.notes:
        console.print(styled(("note:", "yellow"), f" {note}"))
    if export is not None:
        console.print(f"Wrote {export}")


def register(app: typer.Typer) -> None:
    app.command("trends")(trends_command)
    app.command("stability")(stability_command)
    app.command("external")(external_command)
