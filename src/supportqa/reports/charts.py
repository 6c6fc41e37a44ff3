"""Plotly figures for the report, from the overview tables (no data access here)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from supportqa.analytics.drivers import DriverReport
from supportqa.reports.overview import BENCHMARK_IQS, Overview

COLORS = {"ai": "#2563eb", "human": "#f97316", "csat": "#16a34a", "cx": "#7c3aed"}
LAYOUT = {
    "template": "plotly_white",
    "height": 330,
    "margin": {"l": 50, "r": 20, "t": 40, "b": 40},
    "legend": {"orientation": "h", "y": -0.2},
}


def _kind(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    return frame.filter(pl.col("kind") == kind)


def iqs_by_week(view: Overview) -> go.Figure:
    figure = go.Figure()
    for kind in ("ai", "human"):
        rows = _kind(view.weekly, kind)
        figure.add_trace(
            go.Scatter(
                x=rows["week"].to_list(),
                y=rows["iqs"].to_list(),
                name=f"{kind.upper()} IQS",
                mode="lines+markers",
                line={"color": COLORS[kind]},
                customdata=rows["reviews"].to_list(),
                hovertemplate="%{x}: %{y:.1f}% (%{customdata} reviews)<extra></extra>",
            )
        )
    figure.add_hline(
        y=BENCHMARK_IQS,
        line_dash="dash",
        line_color="grey",
        annotation_text=f"benchmark {BENCHMARK_IQS:.0f}%",
    )
    figure.update_layout(title="IQS by week", yaxis={"title": "IQS %", "range": [0, 100]}, **LAYOUT)
    return figure


def cx_and_csat_by_week(view: Overview) -> go.Figure:
    rows = _kind(view.weekly, "ai")
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=rows["week"].to_list(),
            y=rows["cx"].to_list(),
            name="CX (every conversation)",
            mode="lines+markers",
            line={"color": COLORS["cx"]},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=rows["week"].to_list(),
            y=rows["csat"].to_list(),
            name="CSAT on 1–5 (answered only)",
            mode="lines+markers",
            line={"color": COLORS["csat"]},
        )
    )
    figure.update_layout(
        title="CX vs CSAT by week", yaxis={"title": "1–5", "range": [1, 5]}, **LAYOUT
    )
    return figure


def iqs_by_team(view: Overview) -> go.Figure:
    figure = go.Figure()
    for kind in ("ai", "human"):
        rows = _kind(view.teams, kind)
        figure.add_trace(
            go.Bar(
                x=[t or "–" for t in rows["team"].to_list()],
                y=rows["iqs"].to_list(),
                name=f"{kind.upper()} IQS",
                marker_color=COLORS[kind],
            )
        )
    figure.update_layout(title="IQS by team", barmode="group", yaxis={"range": [0, 100]}, **LAYOUT)
    return figure


def criteria_scores(view: Overview) -> go.Figure:
    figure = go.Figure()
    for kind in ("ai", "human"):
        rows = _kind(view.criteria, kind).filter(pl.col("score").is_not_null())
        figure.add_trace(
            go.Bar(
                y=rows["key"].to_list(),
                x=rows["score"].to_list(),
                orientation="h",
                name=kind.upper(),
                marker_color=COLORS[kind],
            )
        )
    figure.update_layout(
        title="Criteria: average score %",
        barmode="group",
        xaxis={"range": [0, 100]},
        **{**LAYOUT, "height": 480},
    )
    return figure


def cx_distribution(view: Overview) -> go.Figure:
    scores = list(view.cx_distribution)
    counts = list(view.cx_distribution.values())
    colors = ["#dc2626" if s <= 3 else "#16a34a" for s in scores]
    figure = go.Figure(go.Bar(x=[str(s) for s in scores], y=counts, marker_color=colors))
    figure.update_layout(title="CX score (1–3 go to human review)", xaxis={"title": "CX"}, **LAYOUT)
    return figure


def driver_effects(report: DriverReport) -> go.Figure:
    """Standardised effect of each criterion on the outcome, with its 95% interval."""
    effects = sorted(report.effects, key=lambda e: e.std_effect)
    figure = go.Figure(
        go.Bar(
            y=[e.key for e in effects],
            x=[e.std_effect for e in effects],
            orientation="h",
            marker_color=["#16a34a" if e.significant and e.helps else "#9ca3af" for e in effects],
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [e.std_ci_high - e.std_effect for e in effects],
                "arrayminus": [e.std_effect - e.std_ci_low for e in effects],
            },
        )
    )
    figure.update_layout(
        title=f"What moves {report.outcome.upper()} (n={report.n})",
        xaxis={"title": "standardised effect, 95% CI"},
        **{**LAYOUT, "height": 420},
    )
    return figure
