"""The analytics tables: every stored review (and each of its criteria) as a polars DataFrame.

Trends, drivers, the review queue and coaching all group and filter the same few columns, so they
are read once from the database into two columnar frames and every analysis is a pure function of
those frames (a million reviews group in well under a second). The schema is documented here and
is the contract the analytics modules and their tests share.

`reviews` (one row per review):
  review_pk, review_id, kind ("ai"|"human"), source, conversation_id, reviewer, session_id,
  scorecard_name, scorecard_version, agent (the person's key: identities of one person count
  together, two help desks' `501` apart), agent_name (the person's name), team, channel, is_bot,
  period_at (datetime, UTC: the conversation's creation, else the review time), day (date),
  week ("2026-W07"), month ("2026-02"), iqs (0–100, null = incomplete or nothing rated),
  critical_failed, incomplete, cx (1–5 value), cx_score (1–5), cx_flagged (CX 1–3),
  min_confidence (lowest confidence of the AI's rated criteria),
  csat (the customer's rating mapped onto 1–5), csat_raw, csat_scale, reopened (repeat contact),
  handle_time_s, customer_id, nps (0–10 answer), ces (the answer mapped onto 1–7, higher = easier),
  ces_raw, ces_scale (NPS/CES from the conversation's metadata, see `domain.surveys`).
`criteria` (one row per criterion of a review):
  review_pk, key, group, status ("rated"|"na"|"failed"|"unrated"), score_pct (0–100, rated only),
  rating, weight, critical, confidence, scorer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Connection, Select, and_, func, select

from supportqa.storage import Repository
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


@dataclass(frozen=True)
class Frames:
    """The two analytics tables; `criteria.review_pk` joins `reviews.review_pk`."""

    reviews: pl.DataFrame
    criteria: pl.DataFrame

    def of_kind(self, kind: str) -> Frames:
        """The reviews of one kind with their criteria; kept per kind, since the report asks for
        the AI reviews' frames some twenty times (each a join over every criterion row)."""
        cache: dict[str, Frames] = self.__dict__.setdefault("_of_kind", {})
        if kind not in cache:
            kept = self.reviews.filter(pl.col("kind") == kind)
            pks = kept["review_pk"].implode()  # a filter keeps the rows' order; 4x a join's speed
            cache[kind] = Frames(kept, self.criteria.filter(pl.col("review_pk").is_in(pks)))
        return cache[kind]


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


NO_TEAM = "(no team)"
"""The one label of reviews without a team, where a grouping needs a value rather than null."""


def with_derived_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """`day`, CSAT on the CX scale (1–5), so the two can be compared, and CES on 1–7 (CES 2.0), so
    answers on different scales average together. A blank team is no team (null), so "" and a
    missing team never group apart."""
    scale = pl.col("csat_scale").cast(pl.Float64)
    ces_scale = pl.col("ces_scale").cast(pl.Float64)
    team = pl.col("team")
    return frame.with_columns(
        pl.when(team.str.strip_chars() == "").then(None).otherwise(team).alias("team"),
        pl.col("period_at").dt.date().alias("day"),
        (1 + 4 * (pl.col("csat_raw") - 1) / (scale - 1)).clip(1.0, 5.0).alias("csat"),
        (1 + 6 * (pl.col("ces_raw") - 1) / (ces_scale - 1)).clip(1.0, 7.0).alias("ces"),
    )


def load_frames(repo: Repository, *, scorecard_name: str | None = None) -> Frames:
    """Every review (of one scorecard name, if given) with its conversation's outcomes."""
    identity = and_(
        agents.c.source == reviews.c.source, agents.c.external_id == reviews.c.reviewee_id
    )
    review_query = select(*(c.label(n) for n, c in REVIEW_COLUMNS.items())).select_from(
        reviews.outerjoin(conversations, reviews.c.conversation_pk == conversations.c.id)
        .outerjoin(agents, identity)
        .outerjoin(people, agents.c.person_id == people.c.id)
    )
    # Every criterion row belongs to a review (foreign key, deleted with it): the join to reviews
    # is needed only to filter on the scorecard name.
    criterion_query = select(*(c.label(n) for n, c in CRITERION_COLUMNS.items()))
    if scorecard_name is not None:
        review_query = review_query.where(reviews.c.scorecard_name == scorecard_name)
        criterion_query = criterion_query.select_from(
            review_criteria.join(reviews, review_criteria.c.review_pk == reviews.c.id)
        ).where(reviews.c.scorecard_name == scorecard_name)
    with repo.db.engine.connect() as connection:
        review_frame = _read(connection, review_query, list(REVIEW_COLUMNS))
        criterion_frame = _read(connection, criterion_query, list(CRITERION_COLUMNS))
    return Frames(with_derived_columns(review_frame), criterion_frame)
