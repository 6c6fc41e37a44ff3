"""IQS and per-criterion aggregations in SQL: a million stored reviews summarise in under a second.

The numbers match `supportqa.scoring.iqs.aggregate_iqs` / `aggregate_criteria` over the same
reviews: the IQS of a set is the mean of its review scores, null scores excluded but counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, case, func, select

from supportqa.domain.aggregates import CriterionSummary, IqsSummary
from supportqa.errors import InputError
from supportqa.storage.tables import review_criteria, reviews

GROUP_COLUMNS: dict[str, ColumnElement[Any]] = {
    "agent": reviews.c.reviewee_id,
    "team": reviews.c.team,
    "reviewer": reviews.c.reviewer,
    "week": reviews.c.week,
    "month": reviews.c.month,
    "channel": reviews.c.channel,
    "kind": reviews.c.kind,
}
KINDS = ("ai", "human")


# The storage names for the shared aggregate types.
IqsRow = IqsSummary
CriterionRow = CriterionSummary


def check_groups(group_by: Sequence[str]) -> list[str]:
    """The requested group names without repeats; an unknown name is an `InputError`."""
    unknown = [g for g in group_by if g not in GROUP_COLUMNS]
    if unknown:
        raise InputError(
            f"cannot group by {', '.join(map(repr, unknown))} (use {', '.join(GROUP_COLUMNS)})"
        )
    return list(dict.fromkeys(group_by))


def check_kind(kind: str | None) -> str | None:
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown review kind {kind!r} (use {' or '.join(KINDS)})")
    return kind


def _filtered(
    query: Select[Any], kind: str | None, name: str | None, version: str | None
) -> Select[Any]:
    if check_kind(kind) is None:
        # A no-op filter that steers SQLite to the covering index instead of a single-column one.
        query = query.where(reviews.c.kind.in_(KINDS))
    else:
        query = query.where(reviews.c.kind == kind)
    if name is not None:
        query = query.where(reviews.c.scorecard_name == name)
    if version is not None:
        query = query.where(reviews.c.scorecard_version == version)
    return query


def _count_if(condition: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.count().filter(condition)


def _sort_key(group: dict[str, str | None]) -> tuple[str, ...]:
    return tuple("" if value is None else value for value in group.values())


def iqs_by(
    connection: Connection,
    group_by: Sequence[str],
    *,
    kind: str | None,
    scorecard_name: str | None,
    scorecard_version: str | None = None,
) -> list[IqsRow]:
    """One row per group, sorted by the group values; no groups gives one row over everything."""
    groups = check_groups(group_by)
    columns = [GROUP_COLUMNS[g].label(f"g_{g}") for g in groups]
    measures = [
        func.avg(reviews.c.iqs).label("iqs"),
        func.count().label("reviews"),
        func.count(reviews.c.iqs).label("scored"),
        _count_if(reviews.c.incomplete).label("incomplete"),
        _count_if(reviews.c.critical_failed).label("critical_failed"),
    ]
    if "agent" in groups:
        measures.append(func.min(func.nullif(reviews.c.reviewee_name, "")).label("agent_name"))
    query = _filtered(select(*columns, *measures), kind, scorecard_name, scorecard_version)
    query = query.group_by(*(GROUP_COLUMNS[g] for g in groups))
    result = [
        IqsRow(
            group={g: row._mapping[f"g_{g}"] for g in groups},
            iqs=None if row.iqs is None else float(row.iqs),
            reviews=int(row.reviews),
            scored=int(row.scored),
            incomplete=int(row.incomplete),
            critical_failed=int(row.critical_failed),
            agent_name=row._mapping["agent_name"] if "agent" in groups else None,
        )
        for row in connection.execute(query)
        if row.reviews
    ]
    return sorted(result, key=lambda r: _sort_key(r.group))


def criterion_averages(
    connection: Connection,
    *,
    kind: str | None,
    scorecard_name: str | None,
    scorecard_version: str | None = None,
    group_by: Sequence[str] = (),
) -> list[CriterionRow]:
    """Per criterion key (and group): AVG(score_pct) over rated results, and the status counts."""
    groups = check_groups(group_by)
    status = review_criteria.c.status
    columns = [GROUP_COLUMNS[g].label(f"g_{g}") for g in groups]
    query: Select[Any] = select(
        review_criteria.c.key,
        *columns,
        func.avg(case((status == "rated", review_criteria.c.score_pct))).label("avg_score_pct"),
        *(_count_if(status == s).label(s) for s in ("rated", "na", "failed", "unrated")),
        func.min(review_criteria.c.group).label("criterion_group"),
        func.min(review_criteria.c.id).label("first_seen"),
    ).join_from(review_criteria, reviews, review_criteria.c.review_pk == reviews.c.id)
    query = _filtered(query, kind, scorecard_name, scorecard_version)
    query = query.group_by(review_criteria.c.key, *(GROUP_COLUMNS[g] for g in groups))
    first_seen: dict[str, int] = {}
    result: list[CriterionRow] = []
    for row in connection.execute(query):
        first_seen[row.key] = min(first_seen.get(row.key, row.first_seen), row.first_seen)
        result.append(
            CriterionRow(
                key=row.key,
                group={g: row._mapping[f"g_{g}"] for g in groups},
                avg_score_pct=None if row.avg_score_pct is None else float(row.avg_score_pct),
                rated=int(row.rated),
                na=int(row.na),
                failed=int(row.failed),
                unrated=int(row.unrated),
                criterion_group=row.criterion_group,
            )
        )
    return sorted(result, key=lambda r: (_sort_key(r.group), first_seen[r.key]))
