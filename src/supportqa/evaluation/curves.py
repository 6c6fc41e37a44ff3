"""The eval report as pictures: learning curves (cv5), reliability diagrams and selective-prediction
curves."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import plotly.graph_objects as go

from supportqa.evaluation.report import EvalReport


def curve_figure(
    curves: Mapping[str, Mapping[str, float]],
    title: str = "How many reviews does a trained model need?",
) -> go.Figure:
    """One line per dataset or target; x is the number of training reviews (log scale)."""
    figure = go.Figure()
    for dataset, points in curves.items():
        sizes = [int(size) for size in points]
        figure.add_trace(
            go.Scatter(x=sizes, y=list(points.values()), mode="lines+markers", name=dataset)
        )
    figure.update_layout(
        title=title,
        xaxis={"title": "training reviews", "type": "log"},
        yaxis={"title": "Spearman ρ with people (out-of-fold)", "range": [0, 1]},
        template="plotly_white",
    )
    return figure


def write_curve_html(curves: Mapping[str, Mapping[str, float]], path: Path) -> None:
    """Self-contained: plotly.js is embedded from the installed package, no network needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    curve_figure(curves).write_html(str(path), include_plotlyjs=True, full_html=True)


def reliability_figure(report: EvalReport) -> go.Figure | None:
    """The reliability diagram: per calibrated figure, share right against mean confidence in
    equal-mass bins; on the diagonal, the confidence means what it says."""
    series = dict(report.reliability)
    for row in report.regression:
        if row.reliability:
            series[f"regression {report.regression_split} {row.criterion}"] = row.reliability
    if not series:
        return None
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect", line={"dash": "dot"})
    )
    for name, points in series.items():
        figure.add_trace(
            go.Scatter(
                x=[p[0] for p in points],
                y=[p[1] for p in points],
                mode="lines+markers",
                name=name,
                text=[f"{p[2]} answers" for p in points],
            )
        )
    figure.update_layout(
        title="Reliability: how often answers at each confidence were right",
        xaxis={"title": "confidence (mean of the bin)", "range": [0, 1]},
        yaxis={"title": "share right", "range": [0, 1]},
        template="plotly_white",
    )
    return figure


def selective_figure(report: EvalReport) -> go.Figure | None:
    """Accuracy against coverage per criterion: what abstaining on the least confident buys."""
    rows = [r for r in report.regression if r.selective]
    if not rows:
        return None
    figure = go.Figure()
    for row in rows:
        points = sorted((float(c), a) for c, a in row.selective.items())
        figure.add_trace(
            go.Scatter(
                x=[c for c, _ in points],
                y=[a for _, a in points],
                mode="lines+markers",
                name=row.criterion,
            )
        )
    figure.update_layout(
        title=f"Selective prediction on the regression corpus ({report.regression_split})",
        xaxis={"title": "coverage (share of answers kept)", "autorange": "reversed"},
        yaxis={"title": "accuracy of the answers kept"},
        template="plotly_white",
    )
    return figure


def write_eval_html(report: EvalReport, path: Path) -> None:
    """Every picture the report has (learning curves, reliability, selective prediction) on one
    self-contained page: plotly.js embedded once from the installed package, no network needed."""
    figures = [
        f
        for f in (
            curve_figure(report.curves) if report.curves else None,
            reliability_figure(report),
            selective_figure(report),
        )
        if f is not None
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    parts = [
        figure.to_html(full_html=False, include_plotlyjs=(index == 0))
        for index, figure in enumerate(figures)
    ]
    path.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>supportqa eval</title></head>"
        f"<body>{''.join(parts) or '<p>No figures to draw.</p>'}</body></html>\n",
        encoding="utf-8",
    )
