"""IQS and per-criterion aggregations in SQL: a million stored reviews summarise in under a second.

The numbers match `supportqa.scoring.iqs.aggregate_iqs` / `aggregate_criteria` over the same
reviews: the IQS of a set is the mean of its review scores, null scores excluded but counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, case, func, select

from supportqa.domain.aggregates import CriterionSummary, IqsSummary
from supportqa.domain.score import STATUSES
from supportqa.errors import InputError
from supportqa.storage import identities
from supportqa.storage.tables import review_criteria, reviews

STATUS_COUNTS = STATUSES
"""Every criterion status, counted per key: see `domain.score.Status`."""

GROUP_COLUMNS: dict[str, ColumnElement[Any]] = {
    "agent": reviews.c.reviewee_id,  # with `source`: the identity, summed per person
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


def _grouping(groups: Sequence[str]) -> list[ColumnElement[Any]]:
    """The GROUP BY columns; an agent is its identity, (reviewee id, source), in the covering
    index's order, and identities are then summed per person (`_per_person`)."""
    columns: list[ColumnElement[Any]] = []
    for g in groups:
        columns.append(GROUP_COLUMNS[g])
        if g == "agent":
            columns.append(reviews.c.source)
    return columns


def _per_person(
    connection: Connection, rows: list[dict[str, Any]], sums: Sequence[str], firsts: Sequence[str]
) -> list[dict[str, Any]]:
    """Rows grouped by identity (`g_agent` = reviewee id, `_source`) summed per person: `g_agent`
    becomes the person's key and `agent_name` their name (else the reviewees' first name). An
    identity not in `agents` (rows written around the repository) stands for itself."""
    people = identities.persons(connection)
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        ident = row.pop("_source"), row["g_agent"]
        person = people.get(ident) if ident[1] is not None else None
        if person is not None:
            row["g_agent"], name = person
            row["agent_name"] = name or row["agent_name"]
        key = tuple(v for k, v in row.items() if k.startswith("g_") or k == "key")
        if key not in merged:
            merged[key] = row
            continue
        into = merged[key]
        for name in sums:
            into[name] = into[name] + row[name] if into[name] is not None else row[name]
        for name in firsts:
            values = [v for v in (into[name], row[name]) if v is not None]
            into[name] = min(values) if values else None
    return list(merged.values())


def iqs_by(
    connection: Connection,
    group_by: Sequence[str],
    *,
    kind: str | None,
    scorecard_name: str | None,
    scorecard_version: str | None = None,
) -> list[IqsRow]:
    """One row per group, sorted by the group values; no groups gives one row over everything.
    By agent, the groups are people (`storage.identities`): two help desks' `501` stay apart and
    linked identities count together."""
    groups = check_groups(group_by)
    columns = [GROUP_COLUMNS[g].label(f"g_{g}") for g in groups]
    measures = [
        func.sum(reviews.c.iqs).label("iqs_sum"),
        func.count().label("reviews"),
        func.count(reviews.c.iqs).label("scored"),
        _count_if(reviews.c.incomplete).label("incomplete"),
        _count_if(reviews.c.critical_failed).label("critical_failed"),
    ]
    if "agent" in groups:
        columns.append(reviews.c.source.label("_source"))
        measures.append(func.min(func.nullif(reviews.c.reviewee_name, "")).label("agent_name"))
    query = _filtered(select(*columns, *measures), kind, scorecard_name, scorecard_version)
    query = query.group_by(*_grouping(groups))
    found = [dict(row._mapping) for row in connection.execute(query) if row.reviews]
    if "agent" in groups:
        sums = ("iqs_sum", "reviews", "scored", "incomplete", "critical_failed")
        found = _per_person(connection, found, sums, ("agent_name",))
    result = [
        IqsRow(
            group={g: row[f"g_{g}"] for g in groups},
            iqs=None if not row["scored"] else float(row["iqs_sum"]) / int(row["scored"]),
            reviews=int(row["reviews"]),
            scored=int(row["scored"]),
            incomplete=int(row["incomplete"]),
            critical_failed=int(row["critical_failed"]),
            agent_name=row["agent_name"] if "agent" in groups else None,
        )
        for row in found
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
    if "agent" in groups:
        columns.append(reviews.c.source.label("_source"))
    rated = status == "rated"
    query: Select[Any] = select(
        review_criteria.c.key,
        *columns,
        func.sum(case((rated, review_criteria.c.score_pct))).label("score_sum"),
        func.count(case((rated, review_criteria.c.score_pct))).label("scored"),
        *(_count_if(status == s).label(s) for s in STATUS_COUNTS),
        func.min(review_criteria.c.group).label("criterion_group"),
        func.min(review_criteria.c.id).label("first_seen"),
    ).join_from(review_criteria, reviews, review_criteria.c.review_pk == reviews.c.id)
    query = _filtered(query, kind, scorecard_name, scorecard_version)
    query = query.group_by(review_criteria.c.key, *_grouping(groups))
    found = [dict(row._mapping) for row in connection.execute(query)]
    if "agent" in groups:
        sums = ("score_sum", "scored", *STATUS_COUNTS)
        for row in found:
            row["agent_name"] = None
        found = _per_person(connection, found, sums, ("criterion_group", "first_seen"))
    first_seen: dict[str, int] = {}
    result: list[CriterionRow] = []
    for row in found:
        key = row["key"]
        first_seen[key] = min(first_seen.get(key, row["first_seen"]), row["first_seen"])
        result.append(
            CriterionRow(
                key=key,
                group={g: row[f"g_{g}"] for g in groups},
                avg_score_pct=(
                    float(row["score_sum"]) / int(row["scored"]) if row["scored"] else None
                ),
                rated=int(row["rated"]),
                na=int(row["na"]),
                failed=int(row["failed"]),
                unrated=int(row["unrated"]),
                unsure=int(row["unsure"]),
                criterion_group=row["criterion_group"],
            )
        )
    return sorted(result, key=lambda r: (_sort_key(r.group), first_seen[r.key]))
