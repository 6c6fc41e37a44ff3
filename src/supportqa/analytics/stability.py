"""CX vs CSAT: coverage and week-over-week volatility, and IQS beside customer opinion per team.

A CX score exists for every AI-scored conversation while CSAT exists only where a customer answered
the survey; teams adopt a CX score because it covers more and moves less. These functions measure
both claims on the user's own data, and show where internal quality and customer opinion disagree.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import polars as pl

from supportqa.analytics.frame import NO_TEAM, Frames

EXTERNAL_METRICS = ("csat", "nps", "ces")


def conversation_outcomes(reviews: pl.DataFrame) -> pl.DataFrame:
    """One row per conversation: CX (the AI's, else the human reviewers' mean) and CSAT.

    CSAT belongs to the conversation, not the review, so counting it once per review would weigh
    conversations with several human reviews (or several reviewees) more; every CX/CSAT figure uses
    this frame. Its agent is the one who held the conversation at the end: the AI review carrying
    the CX comes first.
    """
    extra = [m for m in ("nps", "ces") if m in reviews.columns]
    firsts = ("team", "agent", "channel", "is_bot", "day", "week", "month")
    used = reviews.select("conversation_id", "kind", *firsts, "cx", "csat", *extra)
    return (
        # "ai" before "human" and the holder's review (with the CX) first: its fields win in `first()`
        used.sort("kind", pl.col("cx").is_null(), maintain_order=True)
        .group_by("conversation_id", maintain_order=True)
        .agg(
            *(pl.col(c).first() for c in firsts),
            pl.col("cx").filter(pl.col("kind") == "ai").mean().alias("cx_ai"),
            pl.col("cx").mean().alias("cx_any"),
            pl.col("csat").drop_nulls().first().alias("csat"),
            *(pl.col(m).drop_nulls().first().alias(m) for m in extra),
        )
        .with_columns(pl.coalesce("cx_ai", "cx_any").alias("cx"))
        .drop("cx_ai", "cx_any")
    )


@dataclass(frozen=True)
class Volatility:
    """How one score moves week to week (a 1–5 scale for both CX and CSAT)."""

    metric: str
    covered: int
    coverage: float | None
    weeks: int
    mean: float | None
    weekly_std: float | None
    mean_abs_wow_change: float | None


@dataclass(frozen=True)
class StabilityRow:
    scope: str
    conversations: int
    cx: Volatility
    csat: Volatility


@dataclass(frozen=True)
class StabilityReport:
    """Overall first, then one row per team; weekly std is the sample std (n-1) of weekly means."""

    rows: list[StabilityRow]

    def flat(self) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for row in self.rows:
            flat: dict[str, object] = {"scope": row.scope, "conversations": row.conversations}
            for vol in (row.cx, row.csat):
                for key in ("covered", "coverage", "weeks", "mean", "weekly_std"):
                    flat[f"{vol.metric}_{key}"] = getattr(vol, key)
                flat[f"{vol.metric}_mean_abs_wow_change"] = vol.mean_abs_wow_change
            out.append(flat)
        return out


def _volatility(conv: pl.DataFrame, metric: str) -> Volatility:
    values = conv.filter(pl.col(metric).is_not_null())
    weekly = (
        values.group_by("week").agg(pl.col(metric).mean().alias("m")).sort("week")["m"].to_list()
    )
    changes = [abs(b - a) for a, b in itertools.pairwise(weekly)]
    std = None
    if len(weekly) >= 2:
        mean_w = sum(weekly) / len(weekly)
        std = math.sqrt(sum((w - mean_w) ** 2 for w in weekly) / (len(weekly) - 1))
    mean = values[metric].mean() if values.height else None
    return Volatility(
        metric=metric,
        covered=values.height,
        coverage=values.height / conv.height if conv.height else None,
        weeks=len(weekly),
        mean=float(mean) if isinstance(mean, int | float) else None,
        weekly_std=std,
        mean_abs_wow_change=sum(changes) / len(changes) if changes else None,
    )


def stability(frames: Frames) -> StabilityReport:
    """Coverage and volatility of CX and CSAT, overall and per team."""
    conv = conversation_outcomes(frames.reviews)
    scopes = [("overall", conv)]
    for team in sorted(t for t in conv["team"].unique().to_list() if t is not None):
        scopes.append((team, conv.filter(pl.col("team") == team)))
    return StabilityReport(
        [
            StabilityRow(name, part.height, _volatility(part, "cx"), _volatility(part, "csat"))
            for name, part in scopes
        ]
    )


@dataclass(frozen=True)
class TeamOpinion:
    """One team (and week, or the whole window when `week` is None): IQS beside customer opinion.

    `nps` is the standard score (% promoters 9–10 − % detractors 0–6, −100..100) of `nps_n`
    answers; `ces` the mean CES on 1–7 (higher = easier) of `ces_n` answers."""

    team: str | None
    week: str | None
    iqs: float | None
    reviews: int
    cx: float | None
    csat: float | None
    csat_n: int
    nps: float | None
    nps_n: int
    ces: float | None
    ces_n: int
    iqs_rank: int | None = None
    csat_rank: int | None = None
    customer_rank: int | None = None
    """Rank by every customer metric present (CSAT, NPS, CES), see `_ranked`."""
    rank_gap: int | None = None
    """|iqs_rank − customer_rank|: how far internal quality and customer opinion disagree."""


@dataclass(frozen=True)
class ExternalReport:
    """Per team and week, then per team over the window ranked by IQS-vs-customer disagreement."""

    kind: str
    available: list[str]
    missing: list[str]
    weekly: list[TeamOpinion]
    teams: list[TeamOpinion]
    iqs_csat_correlation: float | None
    correlation_n: int
    notes: list[str] = field(default_factory=list)


def nps_expr(column: str = "nps") -> pl.Expr:
    """Net Promoter Score of the answers in `column`: 100 × (promoters − detractors) / answers."""
    value = pl.col(column)
    vote = pl.when(value >= 9).then(1.0).when(value <= 6).then(-1.0).when(value.is_not_null())
    return 100.0 * vote.then(0.0).mean()  # promoter +1, detractor −1, passive 0; nulls skipped


def _opinions(frames: Frames, kind: str, keys: list[str]) -> list[TeamOpinion]:
    """Reviews without a team grouped as NO_TEAM on both sides of the join: a null key never joins,
    so the team's IQS and its customer opinion would land on two rows."""
    reviews = frames.reviews.with_columns(pl.col("team").fill_null(NO_TEAM))
    scored = reviews.filter(pl.col("kind") == kind, pl.col("iqs").is_not_null())
    iqs = scored.group_by(keys).agg(pl.col("iqs").mean(), pl.len().alias("reviews"))
    conv = conversation_outcomes(reviews)
    conv = conv.with_columns(
        pl.lit(None, pl.Float64).alias(m) for m in ("nps", "ces") if m not in conv.columns
    )
    opinion = conv.group_by(keys).agg(
        pl.col("cx").mean(),
        pl.col("csat").mean(),
        pl.col("csat").count().alias("csat_n"),
        nps_expr().alias("nps"),
        pl.col("nps").count().alias("nps_n"),
        pl.col("ces").mean(),
        pl.col("ces").count().alias("ces_n"),
    )
    joined = opinion.join(iqs, on=keys, how="full", coalesce=True).sort(keys, nulls_last=True)
    return [
        TeamOpinion(
            team=r["team"],
            week=r.get("week"),
            iqs=r["iqs"],
            reviews=r["reviews"] or 0,
            cx=r["cx"],
            csat=r["csat"],
            csat_n=r["csat_n"] or 0,
            nps=r["nps"],
            nps_n=r["nps_n"] or 0,
            ces=r["ces"],
            ces_n=r["ces_n"] or 0,
        )
        for r in joined.iter_rows(named=True)
    ]


def _positions(teams: list[TeamOpinion], metric: str) -> dict[int, float]:
    """Each team's place on one metric as 0 (best) .. 1 (worst); none when < 2 teams have it."""
    having = [t for t in teams if getattr(t, metric) is not None]
    if len(having) < 2:
        return {}
    having.sort(key=lambda t: (-getattr(t, metric), t.team or ""))
    return {id(t): i / (len(having) - 1) for i, t in enumerate(having)}


def _ranked(teams: list[TeamOpinion], metrics: list[str]) -> list[TeamOpinion]:
    """Rank 1 = best. The customer rank orders teams by their mean place over the customer metrics
    they have (so with CSAT alone it is the CSAT rank); teams lacking IQS or any customer metric are
    listed last without a rank."""
    scored = [t for t in teams if t.iqs is not None]
    places: dict[int, list[float]] = {id(t): [] for t in scored}
    for metric in metrics:
        for key, place in _positions(scored, metric).items():
            places[key].append(place)
    both = [t for t in scored if places[id(t)]]

    def order(key: Callable[[TeamOpinion], float]) -> dict[int, int]:
        ranked = sorted(both, key=lambda t: (key(t), t.team or ""))
        return {id(t): i + 1 for i, t in enumerate(ranked)}

    by_iqs = order(lambda t: -(t.iqs or 0))
    by_customer = order(lambda t: sum(places[id(t)]) / len(places[id(t)]))
    by_csat = order(lambda t: -(t.csat if t.csat is not None else -math.inf))
    ranked = []
    for t in both:
        iqs_rank, customer_rank = by_iqs[id(t)], by_customer[id(t)]
        ranked.append(
            replace(
                t,
                iqs_rank=iqs_rank,
                csat_rank=by_csat[id(t)] if t.csat is not None else None,
                customer_rank=customer_rank,
                rank_gap=abs(iqs_rank - customer_rank),
            )
        )
    ranked.sort(key=lambda t: (-(t.rank_gap or 0), t.team or ""))
    return ranked + [t for t in teams if t.iqs is None or not places.get(id(t))]


def external_metrics(frames: Frames, *, kind: str = "ai") -> ExternalReport:
    """IQS (of `kind` reviews), CX, CSAT, NPS and CES per team and week; the teams ranked by how far
    their IQS rank and customer rank (every customer metric with answers) disagree."""
    available = [
        m
        for m in EXTERNAL_METRICS
        if m in frames.reviews.columns and frames.reviews[m].drop_nulls().len() > 0
    ]
    missing = [m for m in EXTERNAL_METRICS if m not in available]
    notes = []
    if missing:
        notes.append(
            f"{', '.join(m.upper() for m in missing)} not in the data: no conversation has such an "
            "answer (CSAT is a conversation field; NPS and CES come from metadata `nps`, `ces`, "
            "see docs/formats.md)."
        )
    scored = frames.reviews.filter(pl.col("kind") == kind, pl.col("iqs").is_not_null())
    pairs = (
        scored.group_by("conversation_id")
        .agg(pl.col("iqs").mean(), pl.col("csat").drop_nulls().first())
        .drop_nulls()
    )
    corr = None
    if pairs.height >= 3:
        value = pairs.select(pl.corr("iqs", "csat")).item()
        corr = None if value is None or math.isnan(value) else float(value)
    return ExternalReport(
        kind=kind,
        available=available,
        missing=missing,
        weekly=_opinions(frames, kind, ["team", "week"]),
        teams=_ranked(_opinions(frames, kind, ["team"]), available),
        iqs_csat_correlation=corr,
        correlation_n=pairs.height,
        notes=notes,
    )
