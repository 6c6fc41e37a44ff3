"""Plotly figures for the report, from the overview tables (no data access here).

Plotly draws a subset of HTML inside chart text (`<a href>`, `<b>`, `<br>`, ...), so a team or
criterion named `<a href="...">Billing</a>` would become a live link in a mailed report. Every text
that reaches a figure — category labels, trace and legend names, titles, annotations, hover text —
goes through `label`, which escapes it; plotly shows the entities as the literal characters.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import plotly.graph_objects as go
import polars as pl

from supportqa.analytics.drivers import DriverReport
from supportqa.analytics.overview import Overview

COLORS = {"ai": "#2563eb", "human": "#f97316", "csat": "#16a34a", "cx": "#7c3aed"}
LAYOUT = {
    "template": "plotly_white",
    "height": 330,
    "margin": {"l": 50, "r": 20, "t": 40, "b": 40},
    "legend": {"orientation": "h", "y": -0.2},
}


def label(text: object) -> str:
    """`text` as plotly shows it literally: `<`, `>` and `&` escaped (None is "–")."""
    return "–" if text is None or text == "" else html.escape(str(text), quote=False)


def labels(values: Iterable[object]) -> list[str]:
    return [label(v) for v in values]


def _kind(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    return frame.filter(pl.col("kind") == kind)


def iqs_by_week(view: Overview) -> go.Figure:
    figure = go.Figure()
    for kind in ("ai", "human"):
        rows = _kind(view.weekly, kind)
        figure.add_trace(
            go.Scatter(
                x=labels(rows["week"]),
                y=rows["iqs"].to_list(),
                name=label(f"{kind.upper()} IQS"),
                mode="lines+markers",
                line={"color": COLORS[kind]},
                customdata=rows["reviews"].to_list(),
                hovertemplate="%{x}: %{y:.1f}% (%{customdata} reviews)<extra></extra>",
            )
        )
    target = view.targets.iqs
    figure.add_hline(
        y=target,
        line_dash="dash",
        line_color="grey",
        annotation_text=label(f"target {target:g}%"),
    )
    figure.update_layout(
        title=label("IQS by week"), yaxis={"title": "IQS %", "range": [0, 100]}, **LAYOUT
    )
    return figure


def cx_and_csat_by_week(view: Overview) -> go.Figure:
    rows = _kind(view.weekly, "ai")
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=labels(rows["week"]),
            y=rows["cx"].to_list(),
            name=label("CX (every conversation)"),
            mode="lines+markers",
            line={"color": COLORS["cx"]},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=labels(rows["week"]),
            y=rows["csat"].to_list(),
            name=label("CSAT on 1–5 (answered only)"),
            mode="lines+markers",
            line={"color": COLORS["csat"]},
        )
    )
    figure.update_layout(
        title=label("CX vs CSAT by week"), yaxis={"title": "1–5", "range": [1, 5]}, **LAYOUT
    )
    return figure


def iqs_by_team(view: Overview) -> go.Figure:
    figure = go.Figure()
    for kind in ("ai", "human"):
        rows = _kind(view.teams, kind)
        figure.add_trace(
            go.Bar(
                x=labels(rows["team"]),
                y=rows["iqs"].to_list(),
                name=label(f"{kind.upper()} IQS"),
                marker_color=COLORS[kind],
            )
        )
    teams = sorted(set(view.teams["team"].to_list()), key=lambda t: (t is None, t or ""))
    figure.add_trace(
        go.Scatter(
            x=labels(teams),
            y=[view.targets.for_team(t) for t in teams],
            name=label("target"),
            mode="markers",
            marker={"symbol": "line-ew-open", "size": 28, "color": "#111827"},
            hovertemplate="%{x}: target %{y:g}%<extra></extra>",
        )
    )
    figure.update_layout(
        title=label("IQS by team"), barmode="group", yaxis={"range": [0, 100]}, **LAYOUT
    )
    return figure


def criteria_scores(view: Overview) -> go.Figure:
    """The IQS criteria by their names, in scorecard order from the top; weight-0 criteria (CX
    inputs about the customer) are left out: they are not the agent's work."""
    shown = view.iqs_criteria()
    names = dict(shown)
    order = labels(name for _, name in shown)
    figure = go.Figure()
    for kind in ("ai", "human"):
        rows = (
            _kind(view.criteria, kind)
            .filter(pl.col("score").is_not_null(), pl.col("key").is_in(list(names)))
            .sort(pl.col("key").replace_strict(list(names), range(len(names))))
        )
        figure.add_trace(
            go.Bar(
                y=labels(names[k] for k in rows["key"]),
                x=rows["score"].to_list(),
                orientation="h",
                name=label(kind.upper()),
                marker_color=COLORS[kind],
            )
        )
    figure.update_layout(
        title=label("IQS criteria: average score %"),
        barmode="group",
        xaxis={"range": [0, 100]},
        yaxis={"categoryorder": "array", "categoryarray": order, "autorange": "reversed"},
        **{**LAYOUT, "height": 480},
    )
    return figure


def cx_distribution(view: Overview) -> go.Figure:
    scores = list(view.cx_distribution)
    counts = list(view.cx_distribution.values())
    colors = ["#dc2626" if s <= 3 else "#16a34a" for s in scores]
    figure = go.Figure(go.Bar(x=labels(scores), y=counts, marker_color=colors))
    figure.update_layout(
        title=label("CX score (1–3 go to human review)"), xaxis={"title": "CX"}, **LAYOUT
    )
    return figure


def driver_effects(report: DriverReport) -> go.Figure:
    """Standardised effect of each criterion on the outcome, with its 95% interval."""
    effects = sorted(report.effects, key=lambda e: e.std_effect)
    figure = go.Figure(
        go.Bar(
            y=labels(e.key for e in effects),
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
        title=label(f"What moves {report.outcome.upper()} (n={report.n})"),
        xaxis={"title": "standardised effect, 95% CI"},
        **{**LAYOUT, "height": 420},
    )
    return figure
