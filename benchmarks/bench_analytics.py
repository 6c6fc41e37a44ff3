"""The analytics at scale: a million conversations through every analysis and the HTML report,
against the same aggregations in DuckDB over Parquet exports (and in SQLite itself).

Run:  .venv/bin/python benchmarks/bench_analytics.py [--n 1000000] [--db URL | --reuse PATH]
                                                      [--runs 3] [--json PATH] [--no-profile]
      (build once, then iterate:  --n 1000000 --db /tmp/bench/a1m.db --generate-only
                                  --reuse /tmp/bench/a1m.db --json /tmp/bench/a1m.json)
At 1M: ~8 min to generate (7.5 GB SQLite file), ~17 min for the figures, 5.7 GB peak RSS.

1. Generates N conversations, one AI review each plus ~5% human reviews of the same conversations,
   with their `review_criteria` rows (8 per review) into a fresh SQLite database in a temporary
   directory (or into an empty database given with --db, which is kept; --reuse PATH skips the
   generation and uses a database built by an earlier --db run). Rows go in with Core bulk inserts
   (executemany in chunks), as in bench_iqs_query.py: ~120 agents in 4 teams, 26 ISO weeks from
   2026-W02, 3 channels, CSAT on ~30% of conversations (driven by resolution and empathy), repeat
   contact and handle time on every conversation, scorecard `default` v2 criteria (one critical,
   one weight-0 CX input), ~5% N/A on optional criteria, 2% critical failures (IQS 0), 0.3%
   incomplete (IQS null), CX value/score/flag and min_confidence on every AI review, and a valid
   review payload (explanations and evidence quotes) so rows are as wide as real ones.
2. Times `load_frames` (the one database read every analysis shares), then each analysis on the
   loaded frames (one warm-up, median of --runs): trends by week overall, by team and by agent,
   target progress, stability, external metrics, drivers of each outcome, one agent's coaching
   card (with its examples, as `supportqa coach AGENT` does), the coaching summary, the review
   queue (as the report builds it), `explain` of one conversation (as the CLI does it, reading the
   stored payloads), the report's `overview(...)`, the HTML write, and `supportqa report` end to
   end (load + overview + HTML, the CLI function itself; its steps replayed if the CLI package
   does not import). Goals: each analysis < 1 s, the full report < 30 s; load_frames is reported
   on its own against 1 s.
3. Exports the frames to Parquet with `analytics.export.export_frame` and computes the same
   aggregations in DuckDB (weekly IQS/CX/CSAT as the report shows it; trends by week overall, by
   team × week and by agent × week with n, mean, std, delta and its interval; criterion means by
   team; the report's criteria table), asserts the results equal polars' within 1e-9 and prints
   the time ratio polars / DuckDB. Also times the weekly aggregation as SQL inside SQLite, and
   DuckDB reading the SQLite file directly when its sqlite extension is available (offline it
   usually is not: then a note says so).
4. Prints a final table (query, seconds, goal, met?) and the ratios; --json PATH writes them.
   Any analysis over its goal is profiled once with cProfile (top functions printed).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import inspect
import io
import json
import math
import os
import pstats
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from sqlalchemy import func, insert, select

from supportqa.analytics import overview as overview_module
from supportqa.analytics.coaching import coach
from supportqa.analytics.coaching import summary as coaching_summary
from supportqa.analytics.drivers import OUTCOMES, drivers
from supportqa.analytics.explain import explain
from supportqa.analytics.export import export_frame
from supportqa.analytics.frame import Frames
from supportqa.analytics.queue import build_queue
from supportqa.analytics.stability import external_metrics, stability
from supportqa.analytics.trends import Z95, target_progress, trends
from supportqa.domain.periods import iso_month, iso_week
from supportqa.domain.scorecard import default_scorecard
from supportqa.reports.html import write_report
from supportqa.services.coaching import with_examples
from supportqa.services.report import overview
from supportqa.storage import Database, Repository
from supportqa.storage.assignments import load_assignments
from supportqa.storage.coaching_notes import load_notes, notes_path
from supportqa.storage.database import masked
from supportqa.storage.frames import load_frames
from supportqa.storage.snapshot import analytics_frames
from supportqa.storage.tables import conversations, review_criteria, reviews

QUERY_GOAL_S = 1.0
REPORT_GOAL_S = 30.0
TOLERANCE = 1e-9
FIRST_MONDAY = datetime(2026, 1, 5, tzinfo=UTC)  # 2026-W02
WEEKS = 26
TEAMS = ("Billing", "Technical", "Onboarding", "Retention")
AGENTS = [(f"ag-{i:03d}", f"Agent {i:03d}", TEAMS[i % len(TEAMS)]) for i in range(120)]
CHANNELS = ("email", "chat", "phone")
HANDLE_MEDIAN_S = {"email": 1800.0, "chat": 600.0, "phone": 420.0}
REVIEWERS = [f"lead-{i}" for i in range(6)]
CHUNK = 10_000
HUMAN_SHARE = 0.05
CSAT_SHARE = 0.30
CRITICAL_SHARE = 0.02
INCOMPLETE_SHARE = 0.003
SCORECARD = ("default", "2")


@dataclass(frozen=True)
class Criterion:
    key: str
    group: str
    weight: float
    critical: bool
    low: int
    high: int
    na_share: float
    scorer: str


CRITERIA = (
    Criterion("greeting", "Opening", 10, False, 0, 1, 0.03, "greeting_rules"),
    Criterion("resolution", "Resolution", 25, False, 1, 3, 0.0, "resolution_model"),
    Criterion("solution_offered", "Resolution", 10, False, 0, 1, 0.10, "solution_rules"),
    Criterion("tone", "Communication", 8, False, 1, 4, 0.0, "tone_model"),
    Criterion("empathy", "Empathy", 20, False, 1, 4, 0.02, "empathy_model"),
    Criterion("closing", "Communication", 3, False, 0, 1, 0.05, "closing_rules"),
    Criterion("pii_exposure", "Compliance", 5, True, 0, 1, 0.0, "pii_rules"),
    Criterion("customer_sentiment", "Customer", 0, False, 1, 5, 0.0, "sentiment_model"),
)
QUOTES = (
    "Thanks for waiting, I have checked your account",
    "I understand how frustrating this must be",
    "Your refund has been issued and will arrive in 3-5 days",
    "Is there anything else I can help you with today?",
)


# --------------------------------------------------------------------------------------------
# Generation


@dataclass
class Chunk:
    conversations: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    criteria: list[dict[str, Any]] = field(default_factory=list)


def _clip(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return low if value < low else high if value > high else value


class Generator:
    """Synthetic conversations with AI (and some human) reviews, deterministic for a seed.

    Each agent has a skill and each week a drift, so trends, team gaps and coaching gaps exist;
    CSAT, repeat contact and handle time depend on resolution and empathy, so drivers find them."""

    def __init__(self, n: int, seed: int = 7) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.skill = {a[0]: self.rng.gauss(0.0, 0.07) for a in AGENTS}
        self.weak = {a[0]: self.rng.choice(CRITERIA[:6]).key for a in AGENTS}
        self.drift = [0.03 * math.sin(w / 4) + 0.002 * w for w in range(WEEKS)]
        self.next_human_pk = n + 1
        self.now = datetime.now(UTC)
        self.span = timedelta(weeks=WEEKS).total_seconds()

    def chunks(self) -> Iterator[Chunk]:
        done = 0
        while done < self.n:
            size = min(CHUNK, self.n - done)
            chunk = Chunk()
            for i in range(done, done + size):
                self._conversation(i, chunk)
            done += size
            yield chunk

    def _ratings(self, agent: str, week: int, human: bool) -> list[dict[str, Any]]:
        """One review's criteria: status, rating, score_pct, confidence."""
        rng = self.rng
        base = 0.72 + self.skill[agent] + self.drift[week]
        rows = []
        roll = rng.random()
        critical_fail = roll < CRITICAL_SHARE
        incomplete = not critical_fail and roll < CRITICAL_SHARE + INCOMPLETE_SHARE
        for c in CRITERIA:
            p = base - (0.15 if c.key == self.weak[agent] else 0.0) + rng.gauss(0.0, 0.18)
            status, rating = "rated", None
            if c.critical:
                if incomplete and not human:
                    status = "failed"
                else:
                    rating = 0.0 if critical_fail else 1.0
            elif rng.random() < c.na_share:
                status = "na"
            elif not human and rng.random() < 0.004:
                status = "failed"
            elif c.high - c.low == 1:
                rating = 1.0 if rng.random() < _clip(p) else 0.0
            else:
                rating = float(c.low + round(_clip(p) * (c.high - c.low)))
            score = None if rating is None else 100.0 * (rating - c.low) / (c.high - c.low)
            confidence = None
            if not human and status == "rated":
                confidence = (
                    round(rng.uniform(0.3, 0.5), 3)
                    if rng.random() < 0.003
                    else round(0.55 + 0.44 * rng.random() ** 0.5, 3)
                )
            rows.append(
                {
                    "c": c,
                    "status": status,
                    "rating": rating,
                    "score_pct": score,
                    "confidence": confidence,
                }
            )
        return rows

    def _review(
        self,
        pk: int,
        conv_pk: int,
        conv: dict[str, Any],
        week: int,
        kind: str,
        reviewer: str,
        agent: tuple[str, str, str],
        chunk: Chunk,
    ) -> dict[str, float | None]:
        rng = self.rng
        human = kind == "human"
        ratings = self._ratings(agent[0], week, human)
        rated = [r for r in ratings if r["status"] == "rated"]
        critical_failed = any(r["c"].critical and (r["score_pct"] or 0.0) < 50.0 for r in rated)
        incomplete = any(r["c"].critical and r["status"] == "failed" for r in ratings)
        weight = sum(r["c"].weight for r in rated)
        iqs: float | None
        if critical_failed:
            iqs = 0.0
        elif incomplete or weight <= 0:
            iqs = None
        else:
            iqs = sum(r["c"].weight * r["score_pct"] for r in rated) / weight
        scores = {r["c"].key: r["score_pct"] for r in ratings}
        cx = None
        if not human or rng.random() < 0.5:
            parts = {
                "resolution": (scores["resolution"] or 50.0) / 100,
                "sentiment": (scores["customer_sentiment"] or 50.0) / 100,
                "service_quality": (scores["tone"] or 50.0) / 100,
            }
            weights = {"resolution": 0.4, "sentiment": 0.4, "service_quality": 0.2}
            value = 1 + 4 * sum(weights[k] * v for k, v in parts.items())
            score = min(5, max(1, round(value)))
            cx = {
                "score": score,
                "value": value,
                "subscores": parts,
                "weights": weights,
                "explanation": "resolved with a calm customer" if score > 3 else "unresolved",
                "review_recommended": score <= 3,
            }
        confidences = [r["confidence"] for r in rated if r["confidence"] is not None]
        review_id = f"rv-{pk:08d}" if not human else f"rh-{pk:08d}"
        criteria_payload = []
        for j, r in enumerate(ratings):
            c: Criterion = r["c"]
            chunk.criteria.append(
                {
                    "review_pk": pk,
                    "key": c.key,
                    "group": c.group,
                    "status": r["status"],
                    "rating": r["rating"],
                    "score_pct": r["score_pct"],
                    "weight": c.weight,
                    "critical": c.critical,
                    "confidence": r["confidence"],
                    "scorer_name": None if human else c.scorer,
                }
            )
            criteria_payload.append(
                {
                    "key": c.key,
                    "group": c.group,
                    "status": r["status"],
                    "rating": r["rating"],
                    "score_pct": r["score_pct"],
                    "weight": c.weight,
                    "critical": c.critical,
                    "explanation": f"The agent handled {c.key.replace('_', ' ')} as asked.",
                    "evidence": [
                        {"message_index": 1 + j % 3, "quote": QUOTES[j % 4], "kind": "quote"}
                    ],
                    "confidence": r["confidence"],
                    "scorer": None
                    if human
                    else {"name": c.scorer, "version": "1", "args": {"threshold": 0.5}},
                }
            )
        counts = {s: sum(r["status"] == s for r in ratings) for s in ("rated", "na", "failed")}
        created = conv["created_at"]
        reviewed_at = created + timedelta(days=2 if human else 0, hours=1)
        reviewee = {"id": agent[0], "name": agent[1], "team": agent[2], "is_bot": False}
        payload = {
            "review_id": review_id,
            "kind": kind,
            "conversation_id": conv["external_id"],
            "source": "zendesk",
            "reviewer": reviewer,
            "reviewee": reviewee,
            "reviewed_at": reviewed_at,
            "conversation_created_at": created,
            "channel": conv["channel"],
            "scorecard": {"name": SCORECARD[0], "version": SCORECARD[1]},
            "iqs": iqs,
            "critical_failed": critical_failed,
            "incomplete": incomplete,
            "counts": {**counts, "unrated": 0},
            "criteria": criteria_payload,
            "cx": cx,
        }
        chunk.reviews.append(
            {
                "id": pk,
                "review_id": review_id,
                "kind": kind,
                "source": "zendesk",
                "conversation_id": conv["external_id"],
                "conversation_pk": conv_pk,
                "reviewer": reviewer,
                "reviewee_id": agent[0],
                "reviewee_name": agent[1],
                "team": agent[2],
                "is_bot": False,
                "channel": conv["channel"],
                "reviewed_at": reviewed_at,
                "period_at": created,
                "week": iso_week(created),
                "month": iso_month(created),
                "scorecard_name": SCORECARD[0],
                "scorecard_version": SCORECARD[1],
                "session_id": None,
                "iqs": iqs,
                "critical_failed": critical_failed,
                "incomplete": incomplete,
                "n_rated": counts["rated"],
                "n_na": counts["na"],
                "n_failed": counts["failed"],
                "n_unrated": 0,
                "content_hash": f"{pk:064x}",
                "payload": payload,
                "imported_at": self.now,
                "updated_at": self.now,
                "cx_value": None if cx is None else cx["value"],
                "cx_score": None if cx is None else cx["score"],
                "cx_flagged": None if cx is None else cx["review_recommended"],
                "min_confidence": min(confidences) if confidences else None,
            }
        )
        return scores

    def _conversation(self, i: int, chunk: Chunk) -> None:
        rng = self.rng
        agent = AGENTS[rng.randrange(len(AGENTS))]
        offset = rng.random() * self.span
        created = FIRST_MONDAY + timedelta(seconds=offset)
        week = int(offset // timedelta(weeks=1).total_seconds())
        channel = CHANNELS[rng.randrange(len(CHANNELS))]
        conv_pk = i + 1
        external_id = f"c-{i:08d}"
        customer = f"cu-{rng.randrange(self.n // 3 + 1):07d}"
        conv: dict[str, Any] = {
            "id": conv_pk,
            "source": "zendesk",
            "external_id": external_id,
            "channel": channel,
            "subject": "Question about my last invoice",
            "status": "solved",
            "created_at": created,
            "agent_id": agent[0],
            "agent_name": agent[1],
            "team": agent[2],
            "customer_id": customer,
            "csat_scale": 5,
            "nps": None,
            "ces": None,
            "ces_scale": None,
            "content_hash": f"{i:064x}",
            "imported_at": self.now,
            "updated_at": self.now,
        }
        scores = self._review(conv_pk, conv_pk, conv, week, "ai", "supportqa", agent, chunk)
        if rng.random() < HUMAN_SHARE:
            pk = self.next_human_pk
            self.next_human_pk += 1
            reviewer = REVIEWERS[rng.randrange(len(REVIEWERS))]
            self._review(pk, conv_pk, conv, week, "human", reviewer, agent, chunk)
        resolution = (scores["resolution"] or 50.0) / 100
        empathy = (scores["empathy"] or 50.0) / 100
        sentiment = (scores["customer_sentiment"] or 50.0) / 100
        csat = None
        if rng.random() < CSAT_SHARE:
            latent = 1 + 4 * (0.5 * resolution + 0.3 * empathy + 0.2 * sentiment)
            csat = float(min(5, max(1, round(latent + rng.gauss(0.0, 0.8)))))
        survey: dict[str, Any] = {}
        if rng.random() < 0.10:
            nps = float(
                min(10, max(0, round(10 * (0.6 * resolution + 0.4 * empathy) + rng.gauss(0, 1.5))))
            )
            survey = {"nps": nps}
            conv["nps"] = nps
        if rng.random() < 0.10:
            ces = float(min(7, max(1, round(1 + 6 * resolution + rng.gauss(0, 1.0)))))
            survey["ces"] = ces
            conv.update(ces=ces, ces_scale=7)
        handle = HANDLE_MEDIAN_S[channel] * (1.3 - 0.5 * resolution) * rng.lognormvariate(0, 0.5)
        closed = created + timedelta(seconds=handle)
        conv.update(
            csat=csat,
            reopened=rng.random() < 0.04 + 0.16 * (1 - resolution),
            handle_time_s=round(handle, 1),
            closed_at=closed,
            payload={
                "id": external_id,
                "source": "zendesk",
                "channel": channel,
                "subject": conv["subject"],
                "status": "solved",
                "created_at": created,
                "closed_at": closed,
                "agent": {"id": agent[0], "name": agent[1], "team": agent[2]},
                "customer": {"id": customer},
                "csat": csat,
                "metadata": survey,
                "messages": [
                    {
                        "role": "customer",
                        "text": "Hi, I was charged twice for my plan.",
                        "at": created,
                    },
                    {"role": "agent", "text": QUOTES[0], "author": agent[0]},
                    {"role": "agent", "text": QUOTES[2], "author": agent[0]},
                    {"role": "customer", "text": "Great, thank you!"},
                ],
            },
        )
        chunk.conversations.append(conv)


def generate(db: Database, n: int) -> dict[str, float]:
    """Insert n conversations with their reviews and criteria; returns counts and rates."""
    repo = Repository(db)
    card = default_scorecard()
    repo.save_scorecard(card)
    started = time.perf_counter()
    counts = {"conversations": 0, "reviews": 0, "criteria": 0}
    for chunk in Generator(n).chunks():
        with db.engine.begin() as connection:
            connection.execute(insert(conversations), chunk.conversations)
            connection.execute(insert(reviews), chunk.reviews)
            connection.execute(insert(review_criteria), chunk.criteria)
        counts["conversations"] += len(chunk.conversations)
        counts["reviews"] += len(chunk.reviews)
        counts["criteria"] += len(chunk.criteria)
        done = counts["conversations"]
        print(f"\r  inserted {done:,} / {n:,} conversations", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    seconds = time.perf_counter() - started
    if db.dialect == "sqlite":
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    return {**counts, "seconds": seconds, "rows_per_s": sum(counts.values()) / seconds}


# --------------------------------------------------------------------------------------------
# Timing


@dataclass
class Timing:
    name: str
    seconds: float
    goal: float | None
    note: str = ""
    runs: list[float] = field(default_factory=list)

    @property
    def met(self) -> bool | None:
        return None if self.goal is None else self.seconds < self.goal


def median_seconds(action: Callable[[], object], runs: int) -> tuple[float, list[float], object]:
    """One warm-up, then the median of `runs` (the previous result is dropped before each run so
    at most two large results are alive at once)."""
    result: object = action()
    times: list[float] = []
    for _ in range(runs):
        result = None
        gc.collect()
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, result


def profile(action: Callable[[], object], top: int = 18) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    action()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------------------------
# Comparisons: the same aggregation in polars (the project's functions) and in DuckDB


def _close(a: object, b: object) -> bool:
    if isinstance(a, float) and math.isnan(a):
        a = None
    if isinstance(b, float) and math.isnan(b):
        b = None
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return abs(float(a) - float(b)) <= TOLERANCE
    return a == b


def same_rows(left: Sequence[Sequence[object]], right: Sequence[Sequence[object]]) -> str:
    """'' when equal within the tolerance, else what differs."""
    if len(left) != len(right):
        return f"{len(left)} vs {len(right)} rows"
    for a, b in zip(left, right, strict=True):
        if len(a) != len(b) or not all(_close(x, y) for x, y in zip(a, b, strict=True)):
            return f"first difference: {tuple(a)} vs {tuple(b)}"
    return ""


def _sorted(rows: Sequence[Sequence[object]]) -> list[tuple[object, ...]]:
    return sorted((tuple(r) for r in rows), key=lambda r: tuple((x is None, str(x)) for x in r))


TREND_SQL = """
WITH conv AS (
    SELECT conversation_id,
           first(week ORDER BY kind) AS week,
           first(team ORDER BY kind) AS team,
           first(agent ORDER BY kind) AS agent,
           coalesce(avg(cx) FILTER (WHERE kind = 'ai'), avg(cx)) AS cx,
           first(csat ORDER BY kind) FILTER (WHERE csat IS NOT NULL) AS csat
    FROM r GROUP BY conversation_id
), vals AS (
    SELECT week AS period{keys}, kind || '_iqs' AS metric, iqs AS value
    FROM r WHERE iqs IS NOT NULL
    UNION ALL SELECT week{keys}, 'cx', cx FROM conv WHERE cx IS NOT NULL
    UNION ALL SELECT week{keys}, 'csat', csat FROM conv WHERE csat IS NOT NULL
), stats AS (
    SELECT period{keys}, metric, count(*) AS n, avg(value) AS mean,
           stddev_samp(value) AS std, stddev_samp(value) ^ 2 / count(*) AS se2
    FROM vals GROUP BY ALL
)
SELECT period{keys}, metric, n, mean, std,
       lag(period) OVER w AS previous,
       mean - lag(mean) OVER w AS delta,
       mean - lag(mean) OVER w - {z} * sqrt(se2 + lag(se2) OVER w) AS ci_low,
       mean - lag(mean) OVER w + {z} * sqrt(se2 + lag(se2) OVER w) AS ci_high
FROM stats
WINDOW w AS (PARTITION BY {partition}metric ORDER BY period)
"""


def trend_rows(frames: Frames, by: list[str]) -> list[tuple[object, ...]]:
    report = trends(frames, period="week", by=by, kind="both")
    return [
        (
            p.period,
            *(p.group[k] for k in by),
            p.metric,
            p.n,
            p.mean,
            p.std,
            p.previous,
            p.delta,
            p.ci_low,
            p.ci_high,
        )
        for p in report.points
    ]


def trend_sql(by: list[str]) -> str:
    keys = "".join(f", {k}" for k in by)
    partition = "".join(f"{k}, " for k in by)
    return TREND_SQL.format(keys=keys, partition=partition, z=repr(Z95))


WEEKLY_COLUMNS = ["week", "kind", "iqs", "reviews", "cx", "csat"]
CRITERIA_COLUMNS = ["key", "kind", "score", "rated", "na", "failed", "unrated"]


def _columns(frame: pl.DataFrame, columns: list[str]) -> list[tuple[object, ...]]:
    return frame.select(columns).rows()


WEEKLY_SQL = """
SELECT week, kind, avg(iqs), count(*), avg(cx), avg(csat) FROM r
WHERE week IS NOT NULL GROUP BY week, kind
"""
CRITERIA_BY_TEAM_SQL = """
SELECT r.team, r.kind, c.key, avg(c.score_pct), count(*)
FROM c JOIN r USING (review_pk)
WHERE c.status = 'rated' AND c.score_pct IS NOT NULL
GROUP BY ALL
"""
CRITERIA_SQL = """
SELECT c.key, r.kind, avg(c.score_pct) FILTER (WHERE c.status = 'rated'),
       count(*) FILTER (WHERE c.status = 'rated'), count(*) FILTER (WHERE c.status = 'na'),
       count(*) FILTER (WHERE c.status = 'failed'), count(*) FILTER (WHERE c.status = 'unrated')
FROM c JOIN r USING (review_pk) GROUP BY ALL
"""


def criteria_by_team(frames: Frames) -> list[tuple[object, ...]]:
    rated = frames.criteria.filter(pl.col("status") == "rated", pl.col("score_pct").is_not_null())
    return (
        rated.join(frames.reviews.select("review_pk", "team", "kind"), on="review_pk")
        .group_by("team", "kind", "key")
        .agg(pl.col("score_pct").mean(), pl.len())
        .rows()
    )


@dataclass
class Comparison:
    name: str
    polars_s: float
    duckdb_s: float
    rows: int
    match: bool
    detail: str = ""

    @property
    def ratio(self) -> float:
        return self.polars_s / self.duckdb_s if self.duckdb_s else math.inf


def compare_duckdb(
    frames: Frames, workdir: Path, runs: int
) -> tuple[list[Comparison], dict[str, Any]]:
    """Export the frames to Parquet (the project's export path) and run the same aggregations in
    DuckDB straight over the files."""
    info: dict[str, Any] = {}
    reviews_path, criteria_path = workdir / "reviews.parquet", workdir / "criteria.parquet"
    started = time.perf_counter()
    export_frame(frames.reviews, reviews_path)
    export_frame(frames.criteria, criteria_path)
    info["parquet_export_s"] = time.perf_counter() - started
    info["parquet_mb"] = (reviews_path.stat().st_size + criteria_path.stat().st_size) / 1e6
    info["polars_read_parquet_s"], _, _ = median_seconds(
        lambda: (pl.read_parquet(reviews_path), pl.read_parquet(criteria_path)), runs
    )
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute(f"CREATE VIEW r AS SELECT * FROM read_parquet('{reviews_path}')")
    con.execute(f"CREATE VIEW c AS SELECT * FROM read_parquet('{criteria_path}')")
    cases: list[tuple[str, Callable[[], list[tuple[object, ...]]], str]] = [
        (
            "weekly IQS/CX/CSAT (report)",
            lambda: _columns(overview_module.weekly(frames), WEEKLY_COLUMNS),
            WEEKLY_SQL,
        ),
        ("trends week overall", lambda: trend_rows(frames, []), trend_sql([])),
        ("trends team x week", lambda: trend_rows(frames, ["team"]), trend_sql(["team"])),
        ("trends agent x week", lambda: trend_rows(frames, ["agent"]), trend_sql(["agent"])),
        ("criterion means by team", lambda: criteria_by_team(frames), CRITERIA_BY_TEAM_SQL),
        (
            "criteria table (report)",
            lambda: _columns(overview_module.criteria(frames), CRITERIA_COLUMNS),
            CRITERIA_SQL,
        ),
    ]
    results = []
    for name, polars_side, sql in cases:
        polars_s, _, polars_rows = median_seconds(polars_side, runs)
        duck_s, _, duck_rows = median_seconds(partial(duck_rows_of, con, sql), runs)
        assert isinstance(polars_rows, list) and isinstance(duck_rows, list)
        detail = same_rows(_sorted(polars_rows), _sorted(duck_rows))
        results.append(Comparison(name, polars_s, duck_s, len(polars_rows), not detail, detail))
        assert not detail, f"{name}: polars and DuckDB disagree: {detail}"
    con.close()
    return results, info


def duck_rows_of(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return con.execute(sql).fetchall()


def _columns_of_weekly(frames: Frames, columns: list[str]) -> list[tuple[object, ...]]:
    return overview_module.weekly(frames).select(columns).rows()


def sqlite_baselines(db: Database, frames: Frames, runs: int) -> list[Comparison]:
    """The weekly aggregation as SQL inside the database (SQLite: the covering index for IQS; a
    join for CX/CSAT), against polars on the loaded frames."""
    clip = ("min", "max") if db.dialect == "sqlite" else ("least", "greatest")  # skip NULLs
    engine = "SQLite" if db.dialect == "sqlite" else db.dialect
    iqs_sql = (
        "SELECT week, kind, avg(iqs), count(*) FROM reviews WHERE week IS NOT NULL "
        "GROUP BY week, kind"
    )
    full_sql = (
        "SELECT r.week, r.kind, avg(r.iqs), count(*), avg(r.cx_value), "
        f"avg(CASE WHEN c.csat IS NOT NULL THEN {clip[0]}(5.0, {clip[1]}(1.0, "
        "1 + 4.0 * (c.csat - 1) / (c.csat_scale - 1))) END) "
        "FROM reviews r LEFT JOIN conversations c ON r.conversation_pk = c.id "
        "WHERE r.week IS NOT NULL GROUP BY r.week, r.kind"
    )

    def run_sql(sql: str) -> list[tuple[object, ...]]:
        with db.engine.connect() as connection:
            return [tuple(row) for row in connection.exec_driver_sql(sql)]

    out = []
    for name, sql, columns in (
        (f"{engine}: weekly IQS", iqs_sql, ["week", "kind", "iqs", "reviews"]),
        (f"{engine}: weekly IQS/CX/CSAT", full_sql, WEEKLY_COLUMNS),
    ):
        polars_s, _, polars_rows = median_seconds(
            partial(_columns_of_weekly, frames, list(columns)), runs
        )
        sql_s, _, sql_rows = median_seconds(partial(run_sql, sql), runs)
        assert isinstance(polars_rows, list) and isinstance(sql_rows, list)
        sql_rows = [tuple(float(v) if isinstance(v, Decimal) else v for v in r) for r in sql_rows]
        detail = same_rows(_sorted(polars_rows), _sorted(sql_rows))
        out.append(Comparison(name, polars_s, sql_s, len(sql_rows), not detail, detail))
    return out


def duckdb_on_sqlite(db: Database, runs: int) -> tuple[float | None, str]:
    """DuckDB reading the SQLite file directly, when its sqlite extension can be loaded."""
    path = db.engine.url.database
    if db.dialect != "sqlite" or not path:
        return None, "not a SQLite file"
    con = duckdb.connect()
    try:
        try:
            con.execute("LOAD sqlite")
        except duckdb.Error:
            con.execute("INSTALL sqlite")
            con.execute("LOAD sqlite")
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0][:140]
        return (
            None,
            f"skipped: DuckDB's sqlite extension is not installed and cannot be downloaded offline ({first})",
        )
    con.execute(f"ATTACH '{path}' AS s (TYPE sqlite, READ_ONLY)")
    sql = "SELECT week, kind, avg(iqs), count(*) FROM s.reviews GROUP BY week, kind"
    seconds, _, _ = median_seconds(lambda: con.execute(sql).fetchall(), runs)
    con.close()
    return seconds, "weekly IQS, DuckDB scanning the SQLite file"


# --------------------------------------------------------------------------------------------
# The run


def analyses(
    repo: Repository, frames: Frames, workdir: Path
) -> list[tuple[str, Callable[[], object], float | None]]:
    """(name, action, goal) for every analysis on the loaded frames."""
    ai = frames.reviews.filter(pl.col("kind") == "ai")
    agent = str(
        ai.group_by("agent").len().sort("len", "agent", descending=[True, False])["agent"][0]
    )
    humans = frames.reviews.filter(pl.col("kind") == "human")
    conversation = str(humans["conversation_id"].sort()[0])
    html = workdir / "report.html"

    def explain_conversation() -> object:
        found = repo.reviews_of(conversation)
        cards = {(r.scorecard.name, r.scorecard.version) for r in found}
        scorecards = {ref: repo.get_scorecard(*ref) for ref in cards}
        return [explain(r, scorecards[(r.scorecard.name, r.scorecard.version)]) for r in found]

    def coach_card() -> object:
        return with_examples(coach(frames, agent, notes=[], kind="ai"), frames, repo, kind="ai")

    view_holder: dict[str, Any] = {}

    def report_overview() -> object:
        view_holder["view"] = build_overview(frames, [], [], repo)
        return view_holder["view"]

    def write_html() -> object:
        if "view" not in view_holder:
            report_overview()
        return write_report(view_holder["view"], html, title="bench", source="bench")

    items: list[tuple[str, Callable[[], object], float | None]] = [
        ("trends week overall", lambda: trends(frames, period="week"), QUERY_GOAL_S),
        ("trends week by team", lambda: trends(frames, period="week", by=["team"]), QUERY_GOAL_S),
        ("trends week by agent", lambda: trends(frames, period="week", by=["agent"]), QUERY_GOAL_S),
        ("target progress", lambda: target_progress(frames), QUERY_GOAL_S),
        ("stability", lambda: stability(frames), QUERY_GOAL_S),
        ("external metrics", lambda: external_metrics(frames), QUERY_GOAL_S),
    ]
    items += [(f"drivers {o}", partial(drivers, frames, outcome=o), QUERY_GOAL_S) for o in OUTCOMES]
    items += [
        (f"coach card {agent} (+examples)", coach_card, QUERY_GOAL_S),
        ("coaching summary (all agents)", lambda: coaching_summary(frames, notes=[]), QUERY_GOAL_S),
        ("queue (as the report)", lambda: build_queue(frames, previous=[]), QUERY_GOAL_S),
        (f"explain {conversation} (CLI)", explain_conversation, QUERY_GOAL_S),
        ("report overview(...)", report_overview, QUERY_GOAL_S),
        ("report HTML write", write_html, QUERY_GOAL_S),
    ]
    return items


def build_overview(
    frames: Frames, notes: list[Any], assignments: list[Any], repo: Repository
) -> Any:
    """`overview(...)` as `supportqa report` calls it (with the repository when it takes one)."""
    if "repo" in inspect.signature(overview).parameters:
        return overview(frames, notes, assignments, repo=repo)
    return overview(frames, notes, assignments)


def report_steps(url: str, out: Path) -> Path:
    """What `supportqa report` does (cli/report_command.py), step for step."""
    db = Database.open(url, create=True)
    try:
        repo = Repository(db)
        frames = load_frames(repo)
        source = masked(db.url)
        notes = load_notes(notes_path(repo))
        assignments = load_assignments(repo)
        view = build_overview(frames, notes, assignments, repo)
    finally:
        db.dispose()
    return write_report(view, out, title="bench", source=source)


def run(
    db: Database, args: argparse.Namespace, workdir: Path, generation: dict[str, float] | None
) -> dict[str, Any]:
    repo = Repository(db)
    out: dict[str, Any] = {"database": db.url, "n": args.n, "runs": args.runs}
    if generation:
        out["generation"] = generation
        print(
            f"generation     {generation['conversations']:,} conversations, "
            f"{generation['reviews']:,} reviews, {generation['criteria']:,} criteria rows in "
            f"{generation['seconds']:.1f} s ({generation['rows_per_s']:,.0f} rows/s)"
        )
    with db.engine.connect() as connection:
        counts = {
            t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (conversations, reviews, review_criteria)
        }
    out["rows"] = counts
    print(f"database       {db.url}: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    timings: list[Timing] = []

    seconds, times, frames_obj = median_seconds(lambda: load_frames(repo), args.runs)
    assert isinstance(frames_obj, Frames)
    frames = frames_obj
    timings.append(
        Timing("load_frames (shared DB read)", seconds, QUERY_GOAL_S, "shared read", times)
    )
    print(
        f"load_frames    {seconds:.2f} s median ({', '.join(f'{t:.2f}' for t in times)}): "
        f"{frames.reviews.height:,} reviews, {frames.criteria.height:,} criteria; "
        f"frames {frames.reviews.estimated_size('mb') + frames.criteria.estimated_size('mb'):,.0f} MB"
    )
    actions = analyses(repo, frames, workdir)
    for name, action, goal in actions:
        seconds, times, _ = median_seconds(action, args.runs)
        timings.append(Timing(name, seconds, goal, runs=times))
        print(f"  {name:<40} {seconds:8.3f} s")

    url = db.engine.url.render_as_string(hide_password=False)
    report_note = "load+overview+HTML"
    try:
        from supportqa.cli.report_command import report as report_command

        def full_report() -> object:
            report_command(out=workdir / "report-cli.html", db=url, title="bench")
            return None

    except ImportError as exc:  # the CLI package does not import (work in progress elsewhere)
        report_note += f"; CLI import failed ({exc}): its steps replayed"

        def full_report() -> object:
            return report_steps(url, workdir / "report-cli.html")

    os.environ["SUPPORTQA_ANALYTICS_SNAPSHOT"] = "false"
    seconds, times, _ = median_seconds(full_report, args.runs)
    timings.append(
        Timing("supportqa report (end to end)", seconds, REPORT_GOAL_S, report_note, times)
    )
    print(f"  {'supportqa report (end to end)':<40} {seconds:8.3f} s  (reads the database)")
    os.environ["SUPPORTQA_ANALYTICS_SNAPSHOT"] = "true"
    started = time.perf_counter()
    analytics_frames(repo)  # reads the database and writes the Parquet snapshot
    snapshot_write = time.perf_counter() - started
    seconds, times, _ = median_seconds(lambda: analytics_frames(repo), args.runs)
    timings.append(
        Timing("analytics_frames (Parquet snapshot)", seconds, QUERY_GOAL_S, "shared read", times)
    )
    print(
        f"  {'analytics_frames (Parquet snapshot)':<40} {seconds:8.3f} s  "
        f"(first call, reading the database and writing it: {snapshot_write:.1f} s)"
    )
    out["snapshot_first_call_s"] = round(snapshot_write, 2)
    seconds, times, _ = median_seconds(full_report, args.runs)
    timings.append(
        Timing("supportqa report (snapshot)", seconds, REPORT_GOAL_S, "database unchanged", times)
    )
    print(f"  {'supportqa report (snapshot)':<40} {seconds:8.3f} s  (database unchanged)")

    comparisons, parquet = compare_duckdb(frames, workdir, args.runs)
    sqlite_rows = sqlite_baselines(db, frames, args.runs)
    duck_sqlite_s, duck_sqlite_note = duckdb_on_sqlite(db, args.runs)
    out["parquet"] = parquet

    profiles: dict[str, str] = {}
    if not args.no_profile:
        lookup = {name: action for name, action, _ in actions}
        lookup["load_frames (shared DB read)"] = lambda: load_frames(repo)
        lookup["supportqa report (end to end)"] = full_report
        lookup["supportqa report (snapshot)"] = full_report
        lookup["analytics_frames (Parquet snapshot)"] = lambda: analytics_frames(repo)
        for t in timings:
            if t.met is False:
                profiles[t.name] = profile(lookup[t.name])
        for name, text in profiles.items():
            print(f"\n--- cProfile: {name} ---\n{text}")

    print_table(timings, comparisons, sqlite_rows, parquet, duck_sqlite_s, duck_sqlite_note)
    out["timings"] = [
        {"name": t.name, "seconds": t.seconds, "goal": t.goal, "met": t.met, "runs": t.runs}
        for t in timings
    ]
    out["duckdb"] = [{**asdict(c), "ratio_polars_over_duckdb": c.ratio} for c in comparisons]
    out["sqlite"] = [{**asdict(c), "ratio_polars_over_sqlite": c.ratio} for c in sqlite_rows]
    out["duckdb_on_sqlite"] = {"seconds": duck_sqlite_s, "note": duck_sqlite_note}
    out["peak_rss_mb"] = peak_rss_mb()
    out["profiled"] = sorted(profiles)
    return out


def print_table(
    timings: list[Timing],
    comparisons: list[Comparison],
    sqlite_rows: list[Comparison],
    parquet: dict[str, Any],
    duck_sqlite_s: float | None,
    duck_sqlite_note: str,
) -> None:
    print("\n== Figures (median of runs, seconds) ==")
    print(f"{'query':<42} {'seconds':>9} {'goal':>7}  met?")
    for t in timings:
        goal = "-" if t.goal is None else f"< {t.goal:g}"
        met = "-" if t.met is None else ("yes" if t.met else "NO")
        note = f"  ({t.note})" if t.note else ""
        print(f"{t.name:<42} {t.seconds:9.3f} {goal:>7}  {met}{note}")
    print("\n== polars (project functions, frames in memory) vs DuckDB over Parquet ==")
    print(
        f"parquet export {parquet['parquet_export_s']:.2f} s ({parquet['parquet_mb']:.0f} MB); "
        f"polars read_parquet of both files {parquet['polars_read_parquet_s']:.2f} s"
    )
    print(
        f"{'aggregation':<32} {'rows':>7} {'polars s':>9} {'duckdb s':>9} {'polars/duckdb':>14}  match"
    )
    for c in comparisons:
        print(
            f"{c.name:<32} {c.rows:>7,} {c.polars_s:9.3f} {c.duckdb_s:9.3f} {c.ratio:14.2f}  "
            f"{'yes (within 1e-9)' if c.match else 'NO ' + c.detail}"
        )
    print(
        f"{'baseline':<32} {'rows':>7} {'polars s':>9} {'in-db s':>9} {'polars/in-db':>14}  match"
    )
    for c in sqlite_rows:
        print(
            f"{c.name:<32} {c.rows:>7,} {c.polars_s:9.3f} {c.duckdb_s:9.3f} {c.ratio:14.2f}  "
            f"{'yes (within 1e-9)' if c.match else 'NO ' + c.detail}"
        )
    if duck_sqlite_s is None:
        print(f"DuckDB on the SQLite file: {duck_sqlite_note}")
    else:
        print(f"DuckDB on the SQLite file: {duck_sqlite_s:.3f} s ({duck_sqlite_note})")
    print(f"peak RSS {peak_rss_mb():,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1_000_000, help="conversations to generate")
    parser.add_argument("--db", help="SQLAlchemy URL or file of an EMPTY database to fill and keep")
    parser.add_argument("--reuse", help="a database built by an earlier --db run: skip generation")
    parser.add_argument("--runs", type=int, default=3, help="timed runs after one warm-up")
    parser.add_argument("--json", type=Path, help="write the figures as JSON to this file")
    parser.add_argument("--no-profile", action="store_true", help="do not profile slow queries")
    parser.add_argument(
        "--generate-only", action="store_true", help="with --db: build the database and stop"
    )
    args = parser.parse_args()
    if args.db and args.reuse:
        parser.error("--db fills an empty database, --reuse reads a built one: pass one of them")

    def go(location: str | Path, fresh: bool, workdir: Path) -> dict[str, Any]:
        db = Database.open(location, create=True)
        try:
            generation = None
            if fresh:
                if Repository(db).count_reviews():
                    sys.exit(f"{db.url} already holds reviews: use --reuse to benchmark it")
                generation = generate(db, args.n)
                if args.generate_only:
                    print(f"generated {generation} into {db.url}")
                    return {"generation": generation}
            return run(db, args, workdir, generation)
        finally:
            db.dispose()

    with tempfile.TemporaryDirectory(prefix="supportqa-bench-") as tmp:
        workdir = Path(tmp)
        if args.reuse:
            figures = go(args.reuse, False, workdir)
        elif args.db:
            figures = go(args.db, True, workdir)
        else:
            figures = go(workdir / "bench.db", True, workdir)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
