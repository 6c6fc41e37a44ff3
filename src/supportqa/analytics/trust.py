"""Trust gating: leave criteria the AI is not trusted on out of what judges agents.

`calibrate` marks a criterion `untrusted` when the AI's ratings of it agree too little with the team's
reviewers. Coaching an agent on such a criterion, or ranking agents by it, passes the AI's guess off
as a finding, so coaching focus, agent rankings and the report's agent tables use a gated copy of the
frames: the AI reviews lose their untrusted criteria and their IQS is recomputed over the trusted
rest with the rules of `scoring.iqs` (weighted mean of rated criteria, a rated critical criterion
below 50% → 0, a failed critical criterion → incomplete). Human reviews keep every criterion: the
verdict is about the AI, and people's ratings are the reference it was judged against. A scorecard
opts a criterion back in with `use_when_untrusted: true`; it is still labelled untrusted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

from supportqa.analytics.frame import Frames
from supportqa.scoring.iqs import CRITICAL_THRESHOLD_PCT

__all__ = ["UNTRUSTED", "TrustGate", "gate"]

UNTRUSTED = "untrusted"
"""The label every output puts beside an untrusted criterion."""


@dataclass(frozen=True)
class TrustGate:
    """Per scorecard name: the criteria the latest calibration marks untrusted, and those of them
    the scorecard opts in (`use_when_untrusted`), which stay in coaching and rankings."""

    untrusted: Mapping[str, frozenset[str]] = field(default_factory=dict)
    opted_in: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def gated_of(self, scorecard_name: str) -> frozenset[str]:
        """The criteria of `scorecard_name` left out of coaching and rankings."""
        return self.untrusted.get(scorecard_name, frozenset()) - self.opted_in.get(
            scorecard_name, frozenset()
        )

    @property
    def untrusted_keys(self) -> list[str]:
        """Every untrusted criterion key (of any scorecard name), sorted: what outputs label."""
        return sorted(set().union(*self.untrusted.values()))

    @property
    def gated_keys(self) -> list[str]:
        """Every criterion key left out of coaching and rankings, sorted."""
        return sorted(set().union(*(self.gated_of(name) for name in self.untrusted)))

    def label_of(self, scorecard_name: str, key: str) -> str | None:
        """ "untrusted" when the latest calibration of `scorecard_name` marks `key` so, else None."""
        return UNTRUSTED if key in self.untrusted.get(scorecard_name, frozenset()) else None


def _pairs(trust: TrustGate, names: Iterable[str]) -> pl.DataFrame:
    rows = [(name, key) for name in names for key in sorted(trust.gated_of(name))]
    return pl.DataFrame(rows, schema={"scorecard_name": pl.String, "key": pl.String}, orient="row")


def _recomputed(criteria: pl.DataFrame) -> pl.DataFrame:
    """Per review_pk: iqs, critical_failed and incomplete from the criteria rows left (the rules of
    `scoring.iqs.review_outcome`)."""
    rated = (pl.col("status") == "rated") & pl.col("score_pct").is_not_null()
    critical = pl.col("critical").fill_null(False)
    weight = pl.when(rated).then(pl.col("weight")).otherwise(0.0)
    outcome = criteria.group_by("review_pk").agg(
        (critical & rated & (pl.col("score_pct") < CRITICAL_THRESHOLD_PCT)).any().alias("cf"),
        (critical & (pl.col("status") == "failed")).any().alias("inc"),
        weight.sum().alias("w"),
        (weight * pl.col("score_pct").fill_null(0.0)).sum().alias("ws"),
    )
    return outcome.select(
        "review_pk",
        pl.when(pl.col("cf"))
        .then(0.0)
        .when(pl.col("inc") | (pl.col("w") <= 0))
        .then(None)
        .otherwise(pl.col("ws") / pl.col("w"))
        .alias("iqs"),
        pl.col("cf").alias("critical_failed"),
        (~pl.col("cf") & pl.col("inc")).alias("incomplete"),
    )


def gate(frames: Frames, trust: TrustGate) -> Frames:
    """The frames with each AI review's gated criteria left out and its IQS recomputed over the
    rest; human reviews, and AI reviews with nothing gated, are returned as they are."""
    names = [name for name in trust.untrusted if trust.gated_of(name)]
    if not names or frames.reviews.is_empty():
        return frames
    ai = frames.reviews.filter(pl.col("kind") == "ai").select("review_pk", "scorecard_name")
    dropped = (
        frames.criteria.select("review_pk", "key")
        .join(ai, on="review_pk")
        .join(_pairs(trust, names), on=["scorecard_name", "key"], how="semi")
    )
    if dropped.is_empty():
        return frames
    criteria = frames.criteria.join(
        dropped, on=["review_pk", "key"], how="anti", maintain_order="left"
    )
    touched = dropped["review_pk"].unique().implode()
    outcome = _recomputed(criteria.filter(pl.col("review_pk").is_in(touched)))
    reviews = frames.reviews.join(
        outcome, on="review_pk", how="left", suffix="_gated", maintain_order="left"
    )
    hit = pl.col("review_pk").is_in(touched)
    reviews = reviews.with_columns(
        pl.when(hit).then(pl.col("iqs_gated")).otherwise(pl.col("iqs")).alias("iqs"),
        pl.when(hit)
        .then(pl.col("critical_failed_gated").fill_null(False))
        .otherwise(pl.col("critical_failed"))
        .alias("critical_failed"),
        pl.when(hit)
        .then(pl.col("incomplete_gated").fill_null(False))
        .otherwise(pl.col("incomplete"))
        .alias("incomplete"),
    ).drop("iqs_gated", "critical_failed_gated", "incomplete_gated")
    return Frames(reviews, criteria)
