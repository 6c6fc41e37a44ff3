"""The analytics tables: every stored review (and each of its criteria) as a polars DataFrame.

Trends, drivers, the review queue and coaching all group and filter the same few columns, so they
are read once from the database into two columnar frames (`storage.frames`, through the snapshot in
`storage.snapshot`) and every analysis is a pure function of those frames (a million reviews group in
well under a second). The schema is documented here and is the contract the analytics modules, the
query that fills them and their tests share.

`reviews` (one row per review):
  review_pk, review_id, kind ("ai"|"human"), source, conversation_id, reviewer, session_id,
  scorecard_name, scorecard_version, agent (the person's key: identities of one person count
  together, two help desks' `501` apart), agent_name (the person's name), reviewee_id (the
  help-desk identity reviewed, with `source`), team, channel, is_bot,
  period_at (datetime, UTC: the conversation's creation, else the review time), day (date),
  week ("2026-W07"), month ("2026-02"), iqs (0–100, null = incomplete or nothing rated),
  critical_failed, incomplete, cx (1–5 value), cx_score (1–5), cx_flagged (CX 1–3),
  min_confidence (lowest confidence of the AI's rated criteria),
  csat (the customer's rating mapped onto 1–5), csat_raw, csat_scale, reopened (repeat contact),
  handle_time_s, customer_id, nps (0–10 answer), ces (the answer mapped onto 1–7, higher = easier),
  ces_raw, ces_scale (NPS/CES from the conversation's metadata, see `domain.surveys`).
`criteria` (one row per criterion of a review):
  review_pk, key, group, status ("rated"|"na"|"unsure"|"failed"|"unrated"), score_pct (0–100, rated only),
  rating, weight, critical, confidence, scorer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import polars as pl


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


def restrict(
    frames: Frames,
    *,
    scorecard_name: str | None = None,
    team: str | None = None,
    since: date | None = None,
    until: date | None = None,
    agent: str | None = None,
    channel: str | None = None,
) -> Frames:
    """The reviews of one scorecard name, one team (NO_TEAM: those without one), one agent (the
    person's key), one channel and conversations from `since` to `until` (inclusive, by `day`),
    with their criteria: the one filter every report section shares, so the sections of one
    request describe the same conversations."""
    chosen = (scorecard_name, team, since, until, agent, channel)
    if all(value is None for value in chosen):
        return frames
    keep = pl.lit(True)
    if agent is not None:
        keep &= pl.col("agent") == agent
    if channel is not None:
        keep &= pl.col("channel") == channel
    if scorecard_name is not None:
        keep &= pl.col("scorecard_name") == scorecard_name
    if team is not None:
        keep &= pl.col("team").is_null() if team == NO_TEAM else pl.col("team") == team
    if since is not None:
        keep &= pl.col("day") >= since
    if until is not None:
        keep &= pl.col("day") <= until
    kept = frames.reviews.filter(keep)
    pks = kept["review_pk"].implode()
    return Frames(kept, frames.criteria.filter(pl.col("review_pk").is_in(pks)))


def of_reviewees(frames: Frames, reviewees: Iterable[tuple[str, str]]) -> Frames:
    """The reviews of the given (source, reviewee id) identities, with their criteria: what one
    agent may see of themselves."""
    pairs = pl.DataFrame(
        list(reviewees), schema={"source": pl.String, "reviewee_id": pl.String}, orient="row"
    )
    kept = frames.reviews.join(
        pairs, on=["source", "reviewee_id"], how="semi", maintain_order="left"
    )
    pks = kept["review_pk"].implode()
    return Frames(kept, frames.criteria.filter(pl.col("review_pk").is_in(pks)))
