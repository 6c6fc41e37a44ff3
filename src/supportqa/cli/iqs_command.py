"""`supportqa iqs`: Internal Quality Score by agent, team, reviewer, week, month or criterion."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from supportqa.cli.common import (
    DbOption,
    JsonOption,
    ScorecardOption,
    console,
    fmt_pct,
    open_repository,
    print_errors,
    print_json,
    resolve_scorecard,
)
from supportqa.domain.aggregates import CriterionSummary, IqsSummary
from supportqa.domain.review import ScorecardRef
from supportqa.services.iqs import BY_CHOICES, KINDS, IqsReport, check_request, iqs_of_file
from supportqa.services.iqs import iqs as iqs_of_database


def _key(group: dict[str, str | None], keys: Sequence[str]) -> tuple[str | None, ...]:
    return tuple(group.get(k) for k in keys)


def iqs_table(report: IqsReport, title: str) -> Table:
    """Groups down, AI and human side by side when both kinds are present."""
    keys = [k for k in report.by if k != "kind"]
    kinds = KINDS if "kind" in report.by else ("",)
    table = Table(title=title)
    for key in keys:
        table.add_column(key)
    if "agent" in keys:
        table.add_column("name")
    for kind in kinds:
        label = f"{kind.upper()} " if kind else ""
        table.add_column(f"{label}IQS", justify="right")
        table.add_column(f"{label}reviews", justify="right")
    table.add_column("incomplete", justify="right")
    cells: dict[tuple[str | None, ...], dict[str, IqsSummary]] = {}
    for row in report.rows:
        cells.setdefault(_key(row.group, keys), {})[row.group.get("kind") or ""] = row
    for group, by_kind in cells.items():
        values = ["–" if v is None else str(v) for v in group]
        if "agent" in keys:
            values.append(next((r.agent_name for r in by_kind.values() if r.agent_name), ""))
        for kind in kinds:
            found = by_kind.get(kind)
            values += [fmt_pct(found.iqs if found else None), str(found.reviews if found else 0)]
        values.append(str(sum(r.incomplete for r in by_kind.values())))
        table.add_row(*values)
    return table


def criteria_table(report: IqsReport, title: str) -> Table:
    """Average criterion score (rated only) with how often each was N/A, unsure (the AI abstained),
    failed by its scorer, unrated."""
    group_keys = [k for k in (report.criteria[0].group if report.criteria else {}) if k != "kind"]
    kinds = [k for k in KINDS if any(c.group.get("kind") == k for c in report.criteria)] or [""]
    table = Table(title=title)
    for key in [*group_keys, "criterion"]:
        table.add_column(key)
    for kind in kinds:
        label = f"{kind.upper()} " if kind else ""
        table.add_column(f"{label}avg", justify="right")
        table.add_column(f"{label}rated/N/A/unsure/failed/unrated", justify="right")
    rows: dict[tuple[str | None, ...], dict[str, CriterionSummary]] = {}
    for summary in report.criteria:
        slot = rows.setdefault((*_key(summary.group, group_keys), summary.key), {})
        slot[summary.group.get("kind") or ""] = summary
    for row_key, by_kind in rows.items():
        values = ["–" if v is None else str(v) for v in row_key]
        for kind in kinds:
            found = by_kind.get(kind)
            if found is None:
                values += ["", ""]
                continue
            counts = f"{found.rated}/{found.na}/{found.unsure}/{found.failed}/{found.unrated}"
            values += [fmt_pct(found.avg_score_pct), counts]
        table.add_row(*values)
    return table


def iqs(
    file: Annotated[
        Path | None, typer.Argument(help="Reviews/ratings JSONL (default: the database)")
    ] = None,
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help=f"Group by (repeatable): {', '.join(BY_CHOICES)}"),
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="ai or human (default: both)")] = None,
    scorecard: ScorecardOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Internal Quality Score: the mean of review scores, with per-criterion averages beside it."""
    groups = by or []
    check_request(groups, kind)
    card = resolve_scorecard(scorecard)
    if file is not None:
        report = iqs_of_file(file, card, kind=kind, by=groups)
    else:
        ref = ScorecardRef(name=card.name, version=card.version) if scorecard else None
        with open_repository(db) as repo:
            report = iqs_of_database(repo, scorecard=ref, kind=kind, by=groups)
    if json:
        print_json(report)
        return
    if "criterion" not in groups or len(groups) > 1:
        console.print(
            iqs_table(report, "IQS" + (f" by {', '.join(report.by)}" if report.by else ""))
        )
    console.print(criteria_table(report, "Criteria (average score of rated reviews)"))
    print_errors(report.errors)


def register(app: typer.Typer) -> None:
    app.command("iqs")(iqs)
