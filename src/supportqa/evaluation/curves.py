"""Learning curves as a picture: agreement against the number of training reviews, per dataset."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import plotly.graph_objects as go


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
