"""The report's numbers: pure functions of the analytics frames, so tests can recompute them.

Kept apart from the HTML so the same figures feed the report, the CLI, exports and (later) the API;
`services.report` reads what they need from the workspace (frames, notes, assignments, the example
reviews) and assembles them with `assemble`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from supportqa.analytics.assignments import Assignment
from supportqa.analytics.coaching import AgentCoaching, AgentSummary
from supportqa.analytics.drivers import DriverReport, drivers
from supportqa.analytics.frame import NO_TEAM, Frames
from supportqa.analytics.queue import QueueReport, build_queue
from supportqa.analytics.stability import (
    ExternalReport,
    StabilityReport,
    conversation_outcomes,
    external_metrics,
    nps_expr,
    stability,
)
from supportqa.analytics.trust import TrustGate, gate
from supportqa.domain.score import STATUSES
from supportqa.domain.scorecard import Scorecard, Targets


@dataclass(frozen=True)
class Headline:
    conversations: int
    ai_reviews: int
    human_reviews: int
    ai_iqs: float | None
    human_iqs: float | None
    cx_mean: float | None
    cx_flagged_share: float | None
    csat_mean: float | None
    csat_coverage: float | None
    """Share of AI-reviewed conversations with a CSAT answer (CX covers them all)."""
    target: float = Targets().iqs
    """The scorecard's IQS target (`targets.iqs`, default 88%)."""
    nps: float | None = None
    """NPS (−100..100) over the AI-reviewed conversations with an answer, counted once each."""
    nps_n: int = 0
    ces_mean: float | None = None
    """Mean CES on 1–7 (higher = easier), same conversations."""
    ces_n: int = 0


@dataclass(frozen=True)
class Overview:
    headline: Headline
    weekly: pl.DataFrame
    """week, kind, iqs, reviews, cx, csat."""
    teams: pl.DataFrame
    """team, kind, iqs, reviews."""
    agents: pl.DataFrame
    """agent, agent_name, team, ai_iqs, ai_reviews, human_iqs, human_reviews, cx, target (the
    agent's team's IQS target)."""
    criteria: pl.DataFrame
    """key, kind, score, rated, na, unsure, failed, unrated, na_share (N/A ÷ all rows of the key)."""
    scorecard: Scorecard | None = None
    """Where the targets, criterion names and order, and which criteria count in IQS come from."""
    cx_distribution: dict[int, int] = field(default_factory=dict)
    drivers: DriverReport | None = None
    """What moves CSAT (None without enough CSAT answers)."""
    stability: StabilityReport | None = None
    coaching: list[AgentSummary] = field(default_factory=list)
    cards: list[AgentCoaching] = field(default_factory=list)
    """Coaching cards of the agents with the clearest gaps (with examples when the caller read them)."""
    external: ExternalReport | None = None
    """IQS beside CX, CSAT, NPS and CES per team."""
    queue: QueueReport | None = None
    """The latest week's review queue (what a human should read next), without assigning."""
    untrusted: list[str] = field(default_factory=list)
    """Criteria the latest calibration marks untrusted: labelled wherever criteria are shown."""
    left_out: list[str] = field(default_factory=list)
    """The untrusted criteria not opted in: left out of the agent table's AI IQS and of coaching."""

    @property
    def targets(self) -> Targets:
        return self.scorecard.targets if self.scorecard else Targets()

    def iqs_criteria(self) -> list[tuple[str, str]]:
        """(key, name) of the criteria that count in IQS (weight > 0), in scorecard order; without
        a scorecard, every key seen, by key."""
        if self.scorecard is None:
            return [(k, k) for k in sorted(self.criteria["key"].unique().to_list())]
        return [(c.key, c.name) for c in self.scorecard.criteria if c.weight > 0]

    def cx_only_criteria(self) -> list[str]:
        """Names of the scorecard's weight-0 criteria: CX inputs about the customer, not IQS."""
        return [c.name for c in self.scorecard.criteria if c.weight == 0] if self.scorecard else []


def _mean(frame: pl.DataFrame, column: str) -> float | None:
    value = frame.select(pl.col(column).drop_nulls().mean()).item()
    return None if value is None else float(value)


def headline(frames: Frames, targets: Targets | None = None) -> Headline:
    reviews = frames.reviews
    ai = reviews.filter(pl.col("kind") == "ai")
    human = reviews.filter(pl.col("kind") == "human")
    conversations = reviews.select(pl.struct("source", "conversation_id").n_unique()).item()
    flagged = ai.select(pl.col("cx_flagged").drop_nulls())
    with_cx = flagged.height
    # CSAT is the conversation's: once per AI-reviewed conversation, however many reviewees
    outcomes = conversation_outcomes(ai) if ai.height else ai
    csat = outcomes.select(pl.col("csat").is_not_null().sum()).item() if ai.height else 0
    nps, nps_n, ces_mean, ces_n = _opinion(ai)
    return Headline(
        conversations=int(conversations),
        ai_reviews=ai.height,
        human_reviews=human.height,
        ai_iqs=_mean(ai, "iqs"),
        human_iqs=_mean(human, "iqs"),
        cx_mean=_mean(ai, "cx"),
        cx_flagged_share=(flagged.sum().item() / with_cx) if with_cx else None,
        csat_mean=_mean(outcomes, "csat"),
        csat_coverage=(csat / outcomes.height) if ai.height else None,
        target=(targets or Targets()).iqs,
        nps=nps,
        nps_n=nps_n,
        ces_mean=ces_mean,
        ces_n=ces_n,
    )


def _opinion(ai: pl.DataFrame) -> tuple[float | None, int, float | None, int]:
    """NPS (and its n) and mean CES (and its n), once per AI-reviewed conversation: an answer
    belongs to the conversation, not to each of its reviews."""
    if "nps" not in ai.columns or "ces" not in ai.columns:
        return None, 0, None, 0
    row = (
        conversation_outcomes(ai)
        .select(
            nps_expr().alias("nps"),
            pl.col("nps").count().alias("nps_n"),
            pl.col("ces").mean().alias("ces_mean"),
            pl.col("ces").count().alias("ces_n"),
        )
        .row(0, named=True)
    )
    return row["nps"], int(row["nps_n"]), row["ces_mean"], int(row["ces_n"])


def weekly(frames: Frames) -> pl.DataFrame:
    return (
        frames.reviews.filter(pl.col("week").is_not_null())
        .group_by("week", "kind")
        .agg(
            pl.col("iqs").mean().alias("iqs"),
            pl.len().alias("reviews"),
            pl.col("cx").mean().alias("cx"),
            pl.col("csat").mean().alias("csat"),
        )
        .sort("week", "kind")
    )


def by_team(frames: Frames) -> pl.DataFrame:
    """IQS per team; reviews without one as NO_TEAM, the label the opinion table uses too."""
    return (
        frames.reviews.with_columns(pl.col("team").fill_null(NO_TEAM))
        .group_by("team", "kind")
        .agg(pl.col("iqs").mean().alias("iqs"), pl.len().alias("reviews"))
        .sort("team", "kind", nulls_last=True)
    )


def by_agent(frames: Frames, targets: Targets | None = None) -> pl.DataFrame:
    reviews = frames.reviews.filter(pl.col("agent").is_not_null())

    def side(kind: str) -> pl.DataFrame:
        return (
            reviews.filter(pl.col("kind") == kind)
            .group_by("agent")
            .agg(
                pl.col("iqs").mean().alias(f"{kind}_iqs"),
                pl.len().alias(f"{kind}_reviews"),
                *([pl.col("cx").mean().alias("cx")] if kind == "ai" else []),
            )
        )

    names = reviews.group_by("agent").agg(
        pl.col("agent_name").drop_nulls().first(), pl.col("team").drop_nulls().first()
    )
    goal = targets or Targets()
    return (
        names.join(side("ai"), on="agent", how="left")
        .join(side("human"), on="agent", how="left")
        .with_columns(
            pl.col("team")
            .map_elements(goal.for_team, return_dtype=pl.Float64)
            .fill_null(goal.iqs)
            .alias("target")
        )
        .sort("ai_iqs", nulls_last=True)
    )


def criteria(frames: Frames) -> pl.DataFrame:
    # Lazy, so polars joins only the columns used and fuses the join with the sums (5x faster
    # over the criteria of a million reviews than joining the whole frame first).
    joined = frames.criteria.lazy().join(
        frames.reviews.lazy().select("review_pk", "kind"), on="review_pk"
    )
    return (
        joined.group_by("key", "kind")
        .agg(
            pl.col("score_pct").filter(pl.col("status") == "rated").mean().alias("score"),
            *((pl.col("status") == status).sum().alias(status) for status in STATUSES),
            (pl.col("status") == "na").mean().alias("na_share"),
        )
        .sort("key", "kind")
        .collect()
    )


def main_scorecard_name(frames: Frames) -> str | None:
    """The scorecard most AI reviews were made with (the last by name on a tie), which a report
    without a named scorecard covers."""
    ai = frames.of_kind("ai").reviews
    if ai.height == 0:
        return None
    counts = ai.group_by("scorecard_name").len().sort(["len", "scorecard_name"])
    return str(counts["scorecard_name"][-1])


def cx_distribution(frames: Frames) -> dict[int, int]:
    """How many AI reviews have each CX score 1–5 (every score present, 0 when none)."""
    scores = frames.reviews.filter(pl.col("kind") == "ai").select(pl.col("cx_score").drop_nulls())
    distribution = {score: 0 for score in range(1, 6)}
    for score, count in scores.group_by("cx_score").len().iter_rows():
        distribution[int(score)] = int(count)
    return distribution


def csat_drivers(frames: Frames) -> DriverReport | None:
    """Drivers of CSAT, when there are AI reviews with CSAT to fit."""
    if frames.of_kind("ai").reviews.filter(pl.col("csat").is_not_null()).height < 3:
        return None
    return drivers(frames, outcome="csat")


def latest_queue(frames: Frames, previous: list[Assignment]) -> QueueReport | None:
    """The latest week's review queue, without assigning (None without dated AI reviews)."""
    if frames.of_kind("ai").reviews.filter(pl.col("week").is_not_null()).height == 0:
        return None
    return build_queue(frames, previous=previous)


def assemble(
    frames: Frames,
    *,
    scorecard: Scorecard | None = None,
    coaching: list[AgentSummary] | None = None,
    cards: list[AgentCoaching] | None = None,
    queue: QueueReport | None = None,
    trust: TrustGate | None = None,
    gated: Frames | None = None,
) -> Overview:
    """Every figure of the report from the frames, with the coaching and queue the caller built (they
    need the workspace's notes, assignments and example reviews). `scorecard` gives the IQS targets
    and the criteria's names, order and weights. `trust` gates the agent table: its AI IQS is over
    the trusted criteria (`analytics.trust`; `gated`: the frames already gated by it); headline,
    weekly and team figures keep the stored IQS, which describes the conversations rather than
    ranking people."""
    targets = scorecard.targets if scorecard else None
    trust = trust or TrustGate()
    return Overview(
        headline=headline(frames, targets),
        weekly=weekly(frames),
        teams=by_team(frames),
        agents=by_agent(gated if gated is not None else gate(frames, trust), targets),
        criteria=criteria(frames),
        scorecard=scorecard,
        cx_distribution=cx_distribution(frames),
        drivers=csat_drivers(frames),
        stability=stability(frames),
        coaching=coaching or [],
        cards=cards or [],
        external=external_metrics(frames) if frames.of_kind("ai").reviews.height > 0 else None,
        queue=queue,
        untrusted=trust.untrusted_keys,
        left_out=trust.gated_keys,
    )
