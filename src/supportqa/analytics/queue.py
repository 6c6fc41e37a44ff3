"""The review queue: which conversations a person should read this week, and why.

Rules pick candidates from the week's AI reviews (each with a reason in words); fair quotas cap
each agent's share; reviewers get the rest round-robin or balanced, never their own conversations.
An item is one AI review, so one reviewee: a conversation handed from a bot to agent A to agent B
can yield an item per reviewee, each judged on its own (a human review of A does not count as a
review of B), and "never their own" keys on the reviewee's person.
Conversations already reviewed by a person are skipped, except by the second-review rules
(disagreement and the calibration sample, whose point is a second look), and conversations handed
out by an earlier run (`previous`, records that `storage.assignments` keeps) are never handed out again.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from supportqa.analytics.assignments import Assignment
from supportqa.analytics.frame import Frames
from supportqa.errors import InputError

RULES = (
    "critical",
    "cx",
    "disagreement",
    "low_confidence",
    "unsure",
    "human_only",
    "outlier",
    "calibration",
)
"""In priority order: a conversation's best rule ranks it in the queue."""
SECOND_REVIEW_RULES = frozenset({"disagreement", "calibration"})
MODES = ("balanced", "round-robin")
CRITICAL_BELOW_PCT = 50.0

Key = tuple[str, str, str | None]
"""(source, conversation id, reviewee): the reviewee is the person key (`agent` in the frames)."""
REVIEWEE = ["source", "conversation_id", "agent"]


@dataclass(frozen=True)
class QueueRules:
    """Which rules run and their thresholds."""

    rules: tuple[str, ...] = RULES
    confidence_below: float = 0.5
    disagreement_over: float = 20.0
    """IQS points between the AI and a person."""
    outliers_per_agent: int = 1
    outlier_min_reviews: int = 3
    calibration_sample: int = 5

    def __post_init__(self) -> None:
        unknown = [r for r in self.rules if r not in RULES]
        if unknown:
            raise InputError(f"unknown queue rule {', '.join(unknown)}: use {', '.join(RULES)}")


@dataclass(frozen=True)
class Quotas:
    per_agent: int = 3
    """At most this many conversations per agent per week (earlier assignments count)."""
    total: int | None = None

    def __post_init__(self) -> None:
        if self.per_agent < 1:
            raise InputError(f"--per-agent must be at least 1, not {self.per_agent}")
        if self.total is not None and self.total < 1:
            raise InputError(f"--limit must be at least 1, not {self.total}")


@dataclass(frozen=True)
class Reason:
    rule: str
    detail: str


@dataclass
class QueueItem:
    source: str
    conversation_id: str
    agent: str | None
    agent_name: str | None
    team: str | None
    channel: str | None
    week: str
    ai_review_id: str
    iqs: float | None
    cx_score: int | None
    min_confidence: float | None
    reasons: list[Reason]
    second_review: bool = False
    reviewed_by: list[str] = field(default_factory=list)
    reviewer: str | None = None

    @property
    def key(self) -> Key:
        return (self.source, self.conversation_id, self.agent)

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(r.rule for r in self.reasons)

    def assignment(self) -> Assignment:
        if self.reviewer is None:
            raise InputError(f"conversation {self.conversation_id} has no reviewer to assign")
        return Assignment(
            self.source,
            self.conversation_id,
            self.week,
            self.agent,
            self.reviewer,
            self.rules,
            self.second_review,
        )


@dataclass
class QueueReport:
    week: str
    items: list[QueueItem]
    candidates: dict[str, int]
    """Conversations each rule picked before skips and quotas."""
    skipped_reviewed: int
    skipped_assigned: int
    over_quota: int
    unassigned: int
    notes: list[str]

    def flat(self) -> list[dict[str, Any]]:
        return [
            {
                "week": i.week,
                "source": i.source,
                "conversation_id": i.conversation_id,
                "agent": i.agent,
                "agent_name": i.agent_name,
                "team": i.team,
                "reviewer": i.reviewer,
                "rules": ",".join(i.rules),
                "reasons": "; ".join(r.detail for r in i.reasons),
                "second_review": i.second_review,
                "iqs": i.iqs,
                "cx_score": i.cx_score,
                "min_confidence": i.min_confidence,
                "ai_review_id": i.ai_review_id,
            }
            for i in self.items
        ]


def _week_reviews(frames: Frames, week: str | None) -> tuple[str, pl.DataFrame]:
    """The latest AI review of each conversation's reviewee in the week (default: the latest week)."""
    ai = frames.reviews.filter(pl.col("kind") == "ai")
    weeks = ai["week"].drop_nulls()
    if weeks.is_empty():
        raise InputError("no AI reviews with a week: run `supportqa score` first")
    if week is not None and not re.fullmatch(r"\d{4}-W\d{2}", week):
        raise InputError(f"week {week!r} is not an ISO week: use YYYY-Www, e.g. 2026-W47")
    chosen = week or str(weeks.max())
    rows = ai.filter(pl.col("week") == chosen)
    if rows.is_empty():
        raise InputError(
            f"no AI reviews in week {chosen}: weeks run {weeks.min()!s} to {weeks.max()!s}"
        )
    latest = rows.sort("review_pk").unique(REVIEWEE, keep="last")
    return chosen, latest.sort("review_pk")


def _human_reviews(
    frames: Frames, week_rows: pl.DataFrame
) -> dict[Key, list[tuple[str | None, float | None]]]:
    """(reviewer, IQS) of every human review of the week's reviewees (a person's review of A is
    not one of B)."""
    rows = frames.reviews.filter(pl.col("kind") == "human").join(
        week_rows.select(REVIEWEE), on=REVIEWEE, how="semi", nulls_equal=True
    )
    humans: dict[Key, list[tuple[str | None, float | None]]] = defaultdict(list)
    for r in rows.select(*REVIEWEE, "reviewer", "iqs").iter_rows():
        humans[(r[0], r[1], r[2])].append((r[3], r[4]))
    return humans


def _criteria_of(frames: Frames, pks: pl.Series, condition: pl.Expr) -> dict[int, list[str]]:
    picked = frames.criteria.filter(condition).join(
        pl.DataFrame({"review_pk": pks}), on="review_pk", how="semi"
    )
    keys: dict[int, list[str]] = defaultdict(list)
    for pk, key in picked.select("review_pk", "key").iter_rows():
        keys[pk].append(key)
    return keys


def _outliers(week_rows: pl.DataFrame, rules: QueueRules) -> dict[int, str]:
    """Per agent, the lowest-IQS conversations of the week that sit below the agent's own mean."""
    scored = week_rows.filter(pl.col("iqs").is_not_null())
    low = (
        scored.sort("iqs", "review_pk")
        .with_columns(
            pl.len().over("agent").alias("n"),
            pl.col("iqs").mean().over("agent").alias("mean"),
            pl.int_range(pl.len()).over("agent").alias("rank"),
        )
        .filter(
            (pl.col("n") >= rules.outlier_min_reviews)
            & (pl.col("rank") < rules.outliers_per_agent)
            & (pl.col("iqs") < pl.col("mean"))
        )
    )
    return {
        pk: f"IQS {iqs:.1f}: the agent's lowest of {n} this week (their mean {mean:.1f})"
        for pk, iqs, n, mean in low.select("review_pk", "iqs", "n", "mean").iter_rows()
    }


def _rule_reasons(
    frames: Frames,
    week_rows: pl.DataFrame,
    humans: dict[Key, list[tuple[str | None, float | None]]],
    rules: QueueRules,
) -> tuple[dict[Key, list[Reason]], dict[Key, dict[str, Any]]]:
    """Every rule except the calibration sample: conversation → reasons (in rule order) and its row.
    Rows no rule can pick are dropped in polars first, so only candidates reach Python."""
    pks = week_rows["review_pk"]
    failed = _criteria_of(
        frames, pks, pl.col("critical") & (pl.col("score_pct") < CRITICAL_BELOW_PCT)
    )
    human_only = _criteria_of(frames, pks, pl.col("status") == "unrated")
    unsure = _criteria_of(frames, pks, pl.col("status") == "unsure")
    outliers = _outliers(week_rows, rules) if "outlier" in rules.rules else {}
    reviewed = pl.DataFrame(
        list(humans),
        schema={"source": pl.String, "conversation_id": pl.String, "agent": pl.String},
        orient="row",
    )
    maybe = week_rows.join(
        reviewed.with_columns(pl.lit(True).alias("_reviewed")),
        on=REVIEWEE,
        how="left",
        nulls_equal=True,
    ).filter(
        pl.col("critical_failed")
        | pl.col("cx_flagged").fill_null(False)
        | (pl.col("min_confidence") < rules.confidence_below).fill_null(False)
        | pl.col("_reviewed").fill_null(False)
        | pl.col("review_pk").is_in(
            pl.Series([*human_only, *unsure, *outliers], dtype=pl.Int64).implode()
        )
    )
    found: dict[Key, list[Reason]] = {}
    rows: dict[Key, dict[str, Any]] = {}
    for row in maybe.drop("_reviewed").iter_rows(named=True):
        key: Key = (row["source"], row["conversation_id"], row["agent"])
        reasons: dict[str, str] = {}
        if row["critical_failed"]:
            keys = ", ".join(failed.get(row["review_pk"], [])) or "a critical criterion"
            reasons["critical"] = f"critical failure ({keys} below 50%): IQS set to 0"
        if row["cx_flagged"]:
            reasons["cx"] = f"CX {row['cx_score']} of 5 (1–3: the customer had a poor experience)"
        confidence = row["min_confidence"]
        if confidence is not None and confidence < rules.confidence_below:
            reasons["low_confidence"] = (
                f"AI unsure: lowest confidence {confidence:.3f} < {rules.confidence_below:g}"
            )
        gaps = [
            (abs(row["iqs"] - h_iqs), who or "a reviewer")
            for who, h_iqs in humans.get(key, [])
            if row["iqs"] is not None and h_iqs is not None
        ]
        gap, who = max(gaps, default=(0.0, ""))
        if gap > rules.disagreement_over:
            reasons["disagreement"] = (
                f"AI and {who} differ by {gap:.0f} IQS points "
                f"(> {rules.disagreement_over:g}): second look for calibration"
            )
        if row["review_pk"] in unsure:
            keys = ", ".join(unsure[row["review_pk"]])
            reasons["unsure"] = f"AI abstained (unsure) on: {keys}"
        if row["review_pk"] in human_only:
            keys = ", ".join(human_only[row["review_pk"]])
            reasons["human_only"] = f"criteria only people rate: {keys}"
        if row["review_pk"] in outliers:
            reasons["outlier"] = outliers[row["review_pk"]]
        picked = [Reason(r, reasons[r]) for r in RULES if r in reasons and r in rules.rules]
        if picked:
            found[key] = picked
            rows[key] = row
    return found, rows


def _item(row: dict[str, Any], reasons: list[Reason], reviewed_by: list[str]) -> QueueItem:
    return QueueItem(
        source=row["source"],
        conversation_id=row["conversation_id"],
        agent=row["agent"],
        agent_name=row["agent_name"],
        team=row["team"],
        channel=row["channel"],
        week=row["week"],
        ai_review_id=row["review_id"],
        iqs=row["iqs"],
        cx_score=row["cx_score"],
        min_confidence=row["min_confidence"],
        reasons=reasons,
        second_review=bool(reviewed_by),
        reviewed_by=reviewed_by,
    )


def build_queue(
    frames: Frames,
    rules: QueueRules | None = None,
    quotas: Quotas | None = None,
    reviewers: Sequence[str] = (),
    seed: int = 0,
    week: str | None = None,
    *,
    previous: Sequence[Assignment] = (),
    mode: str = "balanced",
    people: Mapping[str, frozenset[str]] | None = None,
) -> QueueReport:
    """This week's queue: rule picks ranked by priority, capped per agent, assigned to reviewers.
    `people` maps a name a reviewer may go by (casefolded: an identity's id or name, a person's key
    or name) to the person keys it names, so nobody reviews any identity of their own."""
    rules = rules or QueueRules()
    quotas = quotas or Quotas()
    if mode not in MODES:
        raise InputError(f"assignment mode must be {' or '.join(MODES)}, not {mode!r}")
    chosen, week_rows = _week_reviews(frames, week)
    humans = _human_reviews(frames, week_rows)
    assigned = {a.key for a in previous}
    rng = random.Random(seed)
    found, by_key = _rule_reasons(frames, week_rows, humans, rules)
    candidates = Counter(reason.rule for reasons in found.values() for reason in reasons)
    skipped_reviewed = skipped_assigned = 0
    eligible: list[QueueItem] = []
    for key, reasons in found.items():
        reviewed_by = sorted({who or "?" for who, _ in humans.get(key, [])})
        if reviewed_by:
            reasons = [r for r in reasons if r.rule in SECOND_REVIEW_RULES]
            if not reasons:
                skipped_reviewed += 1
                continue
        if key in assigned:
            skipped_assigned += 1
            continue
        eligible.append(_item(by_key[key], reasons, reviewed_by))
    ties = {item.key: rng.random() for item in eligible}
    eligible.sort(
        key=lambda i: (
            min(RULES.index(r) for r in i.rules),
            -len(i.reasons),
            100.0 if i.iqs is None else i.iqs,
            ties[i.key],
        )
    )
    used = Counter(a.agent for a in previous if a.week == chosen)
    items, over_quota = _take(eligible, used, quotas)
    if "calibration" in rules.rules and rules.calibration_sample > 0:
        sample = _calibration(week_rows, items, assigned, humans, used, quotas, rules, rng, seed)
        candidates["calibration"] = len(sample)
        items += sample
    loads = Counter(a.reviewer for a in previous if a.week == chosen)
    unassigned = _assign(items, reviewers, loads, mode, people or {}) if reviewers else 0
    notes = []
    if not reviewers:
        notes.append("no reviewers given: pass --reviewers a,b to assign the queue")
    if unassigned:
        notes.append(f"{unassigned} conversations had no eligible reviewer (own or reviewed)")
    return QueueReport(
        chosen,
        items,
        {r: candidates.get(r, 0) for r in rules.rules},
        skipped_reviewed,
        skipped_assigned,
        over_quota,
        unassigned,
        notes,
    )


def _take(
    ranked: list[QueueItem], used: Counter[str | None], quotas: Quotas
) -> tuple[list[QueueItem], int]:
    """Greedy in priority order under the per-agent and total quotas; `used` is updated."""
    taken: list[QueueItem] = []
    over = 0
    for item in ranked:
        if used[item.agent] >= quotas.per_agent or (
            quotas.total is not None and len(taken) >= quotas.total
        ):
            over += 1
            continue
        used[item.agent] += 1
        taken.append(item)
    return taken, over


def _calibration(
    week_rows: pl.DataFrame,
    taken: list[QueueItem],
    assigned: set[Key],
    humans: dict[Key, list[tuple[str | None, float | None]]],
    used: Counter[str | None],
    quotas: Quotas,
    rules: QueueRules,
    rng: random.Random,
    seed: int,
) -> list[QueueItem]:
    """A seeded random sample of the week's other conversations, within the agent quotas."""
    room = None if quotas.total is None else max(0, quotas.total - len(taken))
    size = rules.calibration_sample if room is None else min(room, rules.calibration_sample)
    excluded = assigned | {i.key for i in taken}
    pool = sorted(
        (
            (s, c, agent, i)
            for i, (s, c, agent) in enumerate(week_rows.select(REVIEWEE).iter_rows())
            if (s, c, agent) not in excluded
        ),
        key=lambda row: (row[0], row[1], row[2] or "", row[3]),
    )
    rng.shuffle(pool)
    sample: list[QueueItem] = []
    for source, conversation_id, agent, index in pool:
        if len(sample) >= size:
            break
        if used[agent] >= quotas.per_agent:
            continue
        used[agent] += 1
        reviewed_by = sorted(
            {who or "?" for who, _ in humans.get((source, conversation_id, agent), [])}
        )
        detail = f"random calibration sample (seed {seed})"
        if reviewed_by:
            detail += f": second review, first by {', '.join(reviewed_by)}"
        row = week_rows.row(index, named=True)
        sample.append(_item(row, [Reason("calibration", detail)], reviewed_by))
    return sample


def _own(reviewer: str, item: QueueItem, people: Mapping[str, frozenset[str]]) -> bool:
    """Not their own review (the reviewee's person, matched on its key or name or any of its
    identities), nor one they reviewed already."""
    name = reviewer.casefold()
    names = {n.casefold() for n in (item.agent, item.agent_name) if n}
    mine = item.agent is not None and item.agent in people.get(name, frozenset())
    return name in names or mine or reviewer in item.reviewed_by


def _assign(
    items: list[QueueItem],
    reviewers: Sequence[str],
    loads: Counter[str],
    mode: str,
    people: Mapping[str, frozenset[str]],
) -> int:
    """Balanced: the eligible reviewer with the fewest this week; round-robin: the next in turn."""
    unassigned = 0
    turn = 0
    for item in items:
        allowed = [r for r in reviewers if not _own(r, item, people)]
        if not allowed:
            unassigned += 1
            continue
        if mode == "balanced":
            choice = min(allowed, key=lambda r: (loads[r], reviewers.index(r)))
        else:
            order = [reviewers[(turn + i) % len(reviewers)] for i in range(len(reviewers))]
            choice = next(r for r in order if r in allowed)
            turn = (reviewers.index(choice) + 1) % len(reviewers)
        item.reviewer = choice
        loads[choice] += 1
    return unassigned
