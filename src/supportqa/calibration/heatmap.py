"""The session heat map as one self-contained HTML file: plotly.js is embedded, nothing is fetched.

Reviewers down, criteria across, colour = normalised bias (reviewer − reference, in scale ranges):
red is harsh, blue lenient, white in line. The colour range is symmetric around 0 so the two sides
compare fairly.
"""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go

from supportqa.calibration.sessions import SessionsReport
from supportqa.errors import InputError

MIN_RANGE = 0.1
"""Smallest half-width of the colour scale, so a well-calibrated team is not painted in deep colours."""


def _cell(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:+.{digits}f}"


def heatmap_figure(report: SessionsReport) -> go.Figure:
    """The reviewer × criterion figure; hover shows the bias in points, its interval and n."""
    grid = report.heatmap
    cells = {(d.reviewer, d.criterion): d for d in report.deviations}
    hover = []
    for reviewer in grid.reviewers:
        row = []
        for key in grid.criteria:
            d = cells.get((reviewer, key))
            if d is None or d.n == 0:
                row.append(f"{reviewer} · {key}<br>no comparable rating")
                continue
            interval = (
                f" [{_cell(d.bias_low)}, {_cell(d.bias_high)}]" if d.bias_low is not None else ""
            )
            row.append(
                f"{reviewer} · {key}<br>bias {_cell(d.bias)} points{interval}"
                f"<br>normalised {_cell(d.normalised_bias, 3)} · MAE {d.mae or 0:.2f} · n {d.n}"
            )
        hover.append(row)
    values = [v for row in grid.normalised_bias for v in row if v is not None]
    span = max([MIN_RANGE, *(abs(v) for v in values)])
    labels = {r.reviewer: f"{r.reviewer} ({r.label})" for r in report.reviewers}
    figure = go.Figure(
        go.Heatmap(
            z=grid.normalised_bias,
            x=grid.criteria,
            y=[labels.get(r, r) for r in grid.reviewers],
            text=[[_cell(v) if v is not None else "" for v in row] for row in grid.normalised_bias],
            texttemplate="%{text}",
            hovertext=hover,
            hoverinfo="text",
            colorscale="RdBu",
            zmid=0,
            zmin=-span,
            zmax=span,
            colorbar={"title": {"text": "bias / range<br>red harsh · blue lenient"}},
        )
    )
    reference = f"benchmark {report.benchmark}" if report.benchmark else "leave-one-out consensus"
    where = f"session {report.session}" if report.session else f"{len(report.sessions)} sessions"
    figure.update_layout(
        title=f"Reviewer calibration — {where}, {report.conversations} conversations, vs {reference}",
        xaxis={"side": "top", "tickangle": -30},
        yaxis={"autorange": "reversed"},
        height=220 + 48 * max(1, len(grid.reviewers)),
        margin={"t": 140},
    )
    return figure


def write_heatmap(report: SessionsReport, path: Path) -> Path:
    """Write the heat map to ``path`` (HTML with plotly.js inline, usable offline)."""
    html = heatmap_figure(report).to_html(include_plotlyjs=True, full_html=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the heat map: {exc.strerror}", file=str(path)) from None
    return path
