"""Render the report as one self-contained HTML file: plotly.js is embedded from the installed
package, so the file opens offline and still works when mailed."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, select_autoescape
from plotly.offline import get_plotlyjs

from supportqa.analytics.overview import Overview
from supportqa.reports import charts

CONFIG = {"displaylogo": False, "responsive": True}
QUEUE_SHOWN = 25
"""Queue rows the report lists; it says how many more there are and where to see them."""


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("supportqa.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _div(figure: go.Figure) -> str:
    return str(
        figure.to_html(full_html=False, include_plotlyjs=False, config=CONFIG, default_width="100%")
    )


def _criteria_rows(view: Overview) -> list[dict[str, object]]:
    """One row per criterion in scorecard order (others after, by key): its name and IQS weight, the
    AI's mean score and N/A share beside the people's mean score."""
    columns = ("score", "rated", "na_share", "unsure", "failed")
    empty: dict[str, object] = {f"{kind}_{c}": None for kind in ("ai", "human") for c in columns}
    empty |= {"name": "", "weight": None}
    rows: dict[str, dict[str, object]] = {}
    for r in view.criteria.iter_rows(named=True):
        row = rows.setdefault(r["key"], {"key": r["key"], **empty})
        for column in columns:
            row[f"{r['kind']}_{column}"] = r[column]
    known = list(view.scorecard.criteria) if view.scorecard else []
    for criterion in known:
        if criterion.key in rows:
            rows[criterion.key] |= {"name": criterion.name, "weight": criterion.weight}
    order = {c.key: i for i, c in enumerate(known)}
    return sorted(
        rows.values(), key=lambda r: (order.get(str(r["key"]), len(order)), str(r["key"]))
    )


def _weekly_rows(view: Overview) -> list[dict[str, object]]:
    columns = ("iqs", "reviews", "cx", "csat")
    empty = {f"{kind}_{c}": None for kind in ("ai", "human") for c in columns}
    rows: dict[str, dict[str, object]] = {}
    for r in view.weekly.iter_rows(named=True):
        row = rows.setdefault(r["week"], {"week": r["week"], **empty})
        for column in columns:
            row[f"{r['kind']}_{column}"] = r[column]
    return [rows[w] for w in sorted(rows)]


def render(view: Overview, *, title: str, source: str) -> str:
    """The report page; every chart shares the one embedded plotly.js."""
    figures = {
        "iqs_week": _div(charts.iqs_by_week(view)),
        "cx_csat_week": _div(charts.cx_and_csat_by_week(view)),
        "iqs_team": _div(charts.iqs_by_team(view)),
        "criteria": _div(charts.criteria_scores(view)),
        "cx_distribution": _div(charts.cx_distribution(view)),
    }
    if view.drivers is not None and view.drivers.effects:
        figures["drivers"] = _div(charts.driver_effects(view.drivers))
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=title,
        source=source,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        h=view.headline,
        agents=view.agents.to_dicts(),
        drivers=view.drivers,
        stability=view.stability.rows if view.stability else [],
        coaching=view.coaching,
        cards=view.cards,
        external=view.external,
        criteria=_criteria_rows(view),
        weeks=_weekly_rows(view),
        queue=view.queue,
        queue_shown=QUEUE_SHOWN,
        targets=view.targets,
        cx_only=view.cx_only_criteria(),
        figures=figures,
        plotlyjs=get_plotlyjs(),
    )


def write_report(view: Overview, path: Path, *, title: str, source: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(view, title=title, source=source), encoding="utf-8")
    return path
