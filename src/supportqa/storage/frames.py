"""The analytics frames read from the database: one query for the reviews, one for their criteria.

The frames' schema is documented in `supportqa.analytics.frame`, where the analyses that share them
live; this module is the only one that knows which tables and columns fill them.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, Connection, Select, and_, func, select

from supportqa.analytics.frame import Frames, with_derived_columns
from supportqa.storage.repository import Repository
from supportqa.storage.tables import agents, conversations, people, review_criteria, reviews

REVIEW_COLUMNS = {
    "review_pk": reviews.c.id,
    "review_id": reviews.c.review_id,
    "kind": reviews.c.kind,
    "source": reviews.c.source,
    "conversation_id": reviews.c.conversation_id,
    "reviewer": reviews.c.reviewer,
    "session_id": reviews.c.session_id,
    "scorecard_name": reviews.c.scorecard_name,
    "scorecard_version": reviews.c.scorecard_version,
    # the person behind the reviewee's identity (source, id); see `storage.identities`
    "agent": func.coalesce(people.c.key, reviews.c.reviewee_id),
    "agent_name": func.coalesce(people.c.name, reviews.c.reviewee_name),
    "reviewee_id": reviews.c.reviewee_id,
    "team": reviews.c.team,
    "channel": reviews.c.channel,
    "is_bot": reviews.c.is_bot,
    "period_at": reviews.c.period_at,
    "week": reviews.c.week,
    "month": reviews.c.month,
    "iqs": reviews.c.iqs,
    "critical_failed": reviews.c.critical_failed,
    "incomplete": reviews.c.incomplete,
    "cx": reviews.c.cx_value,
    "cx_score": reviews.c.cx_score,
    "cx_flagged": reviews.c.cx_flagged,
    "min_confidence": reviews.c.min_confidence,
    "csat_raw": conversations.c.csat,
    "csat_scale": conversations.c.csat_scale,
    "reopened": conversations.c.reopened,
    "handle_time_s": conversations.c.handle_time_s,
    "customer_id": conversations.c.customer_id,
    "nps": conversations.c.nps,
    "ces_raw": conversations.c.ces,
    "ces_scale": conversations.c.ces_scale,
}
CRITERION_COLUMNS = {
    "review_pk": review_criteria.c.review_pk,
    "key": review_criteria.c.key,
    "group": review_criteria.c.group,
    "status": review_criteria.c.status,
    "score_pct": review_criteria.c.score_pct,
    "weight": review_criteria.c.weight,
    "critical": review_criteria.c.critical,
    "confidence": review_criteria.c.confidence,
    "scorer": review_criteria.c.scorer_name,
}
_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "review_pk": pl.Int64,
    "iqs": pl.Float64,
    "cx": pl.Float64,
    "cx_score": pl.Int64,
    "min_confidence": pl.Float64,
    "csat_raw": pl.Float64,
    "csat_scale": pl.Int64,
    "handle_time_s": pl.Float64,
    "nps": pl.Float64,
    "ces_raw": pl.Float64,
    "ces_scale": pl.Int64,
    "score_pct": pl.Float64,
    "weight": pl.Float64,
    "confidence": pl.Float64,
}
_BOOLEANS = ("is_bot", "critical_failed", "incomplete", "cx_flagged", "reopened", "critical")


def _typed(name: str, series: pl.Series) -> pl.Series:
    """One column from raw driver values: SQLite gives 0/1 for booleans and text for datetimes."""
    if name == "period_at":
        if series.dtype == pl.String:
            series = series.str.to_datetime(time_unit="us", strict=False)
        if series.dtype == pl.Null:
            series = series.cast(pl.Datetime("us"))
        zone = getattr(series.dtype, "time_zone", None)
        return (
            series.dt.replace_time_zone("UTC")
            if zone is None
            else series.dt.convert_time_zone("UTC")
        )
    if name in _BOOLEANS:
        return series.cast(pl.Boolean)
    return series.cast(_SCHEMA.get(name, pl.String), strict=False)


_CHUNK_ROWS = 100_000


def _read(connection: Connection, query: Select[Any], names: list[str]) -> pl.DataFrame:
    """The query's rows as a frame, straight from the DBAPI cursor in chunks that polars turns into
    columns (in Rust): SQLAlchemy's Row objects and a Python transpose took 100 s and 8.4 GB for
    1M reviews with 8.4M criteria, this 38 s and 1.6 GB (benchmarks/bench_analytics.py); types are
    fixed per column by `_typed`."""
    compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
    result = connection.exec_driver_sql(str(compiled))
    parts: list[pl.DataFrame] = []
    try:
        while rows := result.cursor.fetchmany(_CHUNK_ROWS):
            parts.append(pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None))
    finally:
        result.close()
    raw = pl.concat(parts, how="vertical_relaxed") if parts else pl.DataFrame(schema=names)
    return pl.DataFrame([_typed(name, raw[name]) for name in names])


def review_query(where: ColumnElement[bool] | None = None) -> Select[Any]:
    """The reviews' frame query (of the reviews matching `where`), in review order."""
    identity = and_(
        agents.c.source == reviews.c.source, agents.c.external_id == reviews.c.reviewee_id
    )
    query = select(*(c.label(n) for n, c in REVIEW_COLUMNS.items())).select_from(
        reviews.outerjoin(conversations, reviews.c.conversation_pk == conversations.c.id)
        .outerjoin(agents, identity)
        .outerjoin(people, agents.c.person_id == people.c.id)
    )
    return (query if where is None else query.where(where)).order_by(reviews.c.id)


def criterion_query(where: ColumnElement[bool] | None = None) -> Select[Any]:
    """The criteria's frame query (of the reviews matching `where`), in the order they were stored
    (SQLite's natural order: no sort)."""
    query = select(*(c.label(n) for n, c in CRITERION_COLUMNS.items()))
    if where is not None:
        # Every criterion row belongs to a review (foreign key, deleted with it): the reviews are
        # read only to narrow them.
        query = query.where(review_criteria.c.review_pk.in_(select(reviews.c.id).where(where)))
    return query.order_by(review_criteria.c.id)


def read_frames(connection: Connection, where: ColumnElement[bool] | None = None) -> Frames:
    """The frames of the reviews matching `where` (all of them when None), read on `connection`
    (one transaction, so the two queries see the same reviews). Rows are in review order and a
    review's criteria in the order they were stored, so a frame refreshed from a few re-read
    reviews has the rows of a full read in the same order (`storage.frame_changes`)."""
    review_frame = _read(connection, review_query(where), list(REVIEW_COLUMNS))
    criterion_frame = _read(connection, criterion_query(where), list(CRITERION_COLUMNS))
    criterion_frame = criterion_frame.sort("review_pk", maintain_order=True)
    return Frames(with_derived_columns(review_frame), criterion_frame)


def load_frames(repo: Repository, *, scorecard_name: str | None = None) -> Frames:
    """Every review (of one scorecard name, if given) with its conversation's outcomes."""
    where = None if scorecard_name is None else reviews.c.scorecard_name == scorecard_name
    with repo.db.engine.connect() as connection:
        return read_frames(connection, where)
