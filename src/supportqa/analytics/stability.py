"""CX vs CSAT: coverage and week-over-week volatility, and IQS beside customer opinion per team.

A CX score exists for every AI-scored conversation while CSAT exists only where a customer answered
the survey; teams adopt a CX score because it covers more and moves less. These functions measure
both claims on the user's own data, and show where internal quality and customer opinion disagree.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace

import polars as pl

from supportqa.analytics.frame import Frames

EXTERNAL_METRICS = ("csat", "nps", "ces")


def conversation_outcomes(reviews: pl.DataFrame) -> pl.DataFrame:
    """One row per conversation: CX (the AI's, else the human reviewers' mean) and CSAT.

    CSAT belongs to the conversation, not the review, so counting it once per review would weigh
    conversations with several human reviews more; every CX/CSAT figure uses this frame.
    """
    extra = [m for m in ("nps", "ces") if m in reviews.columns]
    return (
        reviews.sort("kind")  # "ai" before "human": its fields win in `first()`
        .group_by("conversation_id", maintain_order=True)
        .agg(
            *(
                pl.col(c).first()
                for c in ("team", "agent", "channel", "is_bot", "day", "week", "month")
            ),
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
    """One team (and week, or the whole window when `week` is None): IQS beside customer opinion."""

    team: str | None
    week: str | None
    iqs: float | None
    reviews: int
    cx: float | None
    csat: float | None
    csat_n: int
    external: dict[str, float | None]
    iqs_rank: int | None = None
    csat_rank: int | None = None
    rank_gap: int | None = None


@dataclass(frozen=True)
class ExternalReport:
    """Per team and week, then per team over the window ranked by IQS-vs-CSAT disagreement."""

    kind: str
    available: list[str]
    missing: list[str]
    weekly: list[TeamOpinion]
    teams: list[TeamOpinion]
    iqs_csat_correlation: float | None
    correlation_n: int
    notes: list[str] = field(default_factory=list)


def _opinions(frames: Frames, kind: str, keys: list[str], extra: list[str]) -> list[TeamOpinion]:
    scored = frames.reviews.filter(pl.col("kind") == kind, pl.col("iqs").is_not_null())
    iqs = scored.group_by(keys).agg(pl.col("iqs").mean(), pl.len().alias("reviews"))
    conv = conversation_outcomes(frames.reviews)
    opinion = conv.group_by(keys).agg(
        pl.col("cx").mean(),
        pl.col("csat").mean(),
        pl.col("csat").count().alias("csat_n"),
        *(pl.col(m).mean() for m in extra),
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
            external={m: r[m] for m in extra},
        )
        for r in joined.iter_rows(named=True)
    ]


def _ranked(teams: list[TeamOpinion]) -> list[TeamOpinion]:
    """Rank 1 = best; teams lacking IQS or CSAT are listed last without a rank."""
    both = [t for t in teams if t.iqs is not None and t.csat is not None]
    by_iqs = {id(t): i + 1 for i, t in enumerate(sorted(both, key=lambda t: -(t.iqs or 0)))}
    by_csat = {id(t): i + 1 for i, t in enumerate(sorted(both, key=lambda t: -(t.csat or 0)))}
    ranked = []
    for t in both:
        iqs_rank, csat_rank = by_iqs[id(t)], by_csat[id(t)]
        ranked.append(
            replace(t, iqs_rank=iqs_rank, csat_rank=csat_rank, rank_gap=abs(iqs_rank - csat_rank))
        )
    ranked.sort(key=lambda t: (-(t.rank_gap or 0), t.team or ""))
    return ranked + [t for t in teams if t.iqs is None or t.csat is None]


def external_metrics(frames: Frames, *, kind: str = "ai") -> ExternalReport:
    """IQS (of `kind` reviews), CX and CSAT per team and week; NPS/CES when the frame has them."""
    extra: list[str] = [m for m in ("nps", "ces") if m in frames.reviews.columns]
    missing = [m for m in EXTERNAL_METRICS if m not in frames.reviews.columns]
    notes = []
    if missing:
        notes.append(
            f"{', '.join(m.upper() for m in missing)} not in the data: the analytics frame holds no "
            "such column yet (only CSAT is imported from conversations)."
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
        available=["csat", *extra],
        missing=missing,
        weekly=_opinions(frames, kind, ["team", "week"], extra),
        teams=_ranked(_opinions(frames, kind, ["team"], extra)),
        iqs_csat_correlation=corr,
        correlation_n=pairs.height,
        notes=notes,
    )
