"""IQS by agent and week over a million stored reviews: SQL aggregation vs. the same sums in Python.

Run:  .venv/bin/python benchmarks/bench_iqs_query.py [--n 1000000] [--db URL]

Inserts N synthetic reviews straight into the `reviews` table with Core bulk inserts (executemany in
chunks) into a fresh SQLite database in a temporary directory (or an empty database given with
--db): ~120 agents in 4 teams, 26 ISO weeks, 95% AI / 5% human, scorecard `default` v1 then v2,
3% null IQS (incomplete reviews), 2% critical failures, and a realistic JSON payload per row so the
table is as wide as a real one, and the agents' identities (as `upsert_reviews` records them: IQS by
agent groups by person). `review_criteria` rows are NOT inserted: `iqs_by` never reads them.

Then times `Repository.iqs_by(["agent", "week"], kind="ai", scorecard_name="default")` (one
warm-up, median of 5) against a baseline measured in the same run: fetching the (agent, week, iqs)
rows with the same filter and averaging them in Python. Goal: the SQL query in < 1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from supportqa.domain.periods import iso_month, iso_week
from supportqa.storage import Database, Repository, identities
from supportqa.storage.tables import reviews

GOAL_SECONDS = 1.0
FIRST_MONDAY = datetime(2026, 1, 5, tzinfo=UTC)
WEEKS = 26
TEAMS = ("Billing", "Technical", "Onboarding", "Retention")
AGENTS = [(f"ag-{i:03d}", f"Agent {i:03d}", TEAMS[i % len(TEAMS)]) for i in range(120)]
CHANNELS = ("email", "chat", "phone")
CHUNK = 10_000


def _payload_template() -> dict[str, Any]:
    """A review payload shaped like the ones `score` writes, with 8 criteria and evidence."""
    criteria = [
        {
            "key": key,
            "group": group,
            "status": "rated",
            "rating": 4.0,
            "score_pct": 75.0,
            "weight": weight,
            "critical": key == "compliance",
            "explanation": f"The agent handled {key} as the scorecard asks, mostly.",
            "evidence": [
                {"message_index": 1, "quote": "Thanks for waiting, I have checked", "kind": "quote"}
            ],
            "confidence": 0.82,
            "scorer": {"name": f"{key}_rules", "version": "1", "args": {"threshold": 0.5}},
        }
        for key, group, weight in [
            ("greeting", "Opening", 5),
            ("identification", "Opening", 5),
            ("resolution", "Resolution", 25),
            ("accuracy", "Resolution", 15),
            ("clarity", "Communication", 20),
            ("empathy", "Empathy", 20),
            ("closing", "Communication", 5),
            ("compliance", "Compliance", 5),
        ]
    ]
    return {
        "kind": "ai",
        "source": "zendesk",
        "reviewer": "supportqa",
        "channel": "email",
        "session_id": None,
        "critical_failed": False,
        "incomplete": False,
        "counts": {"rated": 8, "na": 0, "failed": 0, "unrated": 0},
        "criteria": criteria,
    }


def synthetic_rows(n: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """Rows of the `reviews` table, as `Repository.upsert_reviews` would write them."""
    rng = random.Random(seed)
    template = _payload_template()
    now = datetime.now(UTC)
    span = timedelta(weeks=WEEKS).total_seconds()
    for i in range(n):
        agent_id, agent_name, team = AGENTS[rng.randrange(len(AGENTS))]
        period_at = FIRST_MONDAY + timedelta(seconds=rng.random() * span)
        kind = "human" if rng.random() < 0.05 else "ai"
        version = "1" if period_at < FIRST_MONDAY + timedelta(weeks=13) else "2"
        roll = rng.random()
        incomplete = roll < 0.03
        critical = not incomplete and roll < 0.05
        iqs = None if incomplete else (0.0 if critical else round(rng.uniform(40, 100), 1))
        channel = CHANNELS[i % len(CHANNELS)]
        review_id = f"rv-{i:08d}"
        payload = {
            **template,
            "review_id": review_id,
            "kind": kind,
            "conversation_id": f"c-{i:08d}",
            "reviewee": {"id": agent_id, "name": agent_name, "team": team, "is_bot": False},
            "conversation_created_at": period_at.isoformat(),
            "reviewed_at": (period_at + timedelta(days=1)).isoformat(),
            "scorecard": {"name": "default", "version": version},
            "iqs": iqs,
            "incomplete": incomplete,
            "critical_failed": critical,
            "channel": channel,
        }
        yield {
            "review_id": review_id,
            "kind": kind,
            "source": "zendesk",
            "conversation_id": f"c-{i:08d}",
            "conversation_pk": None,
            "reviewer": "supportqa" if kind == "ai" else f"lead-{i % 6}",
            "reviewee_id": agent_id,
            "reviewee_name": agent_name,
            "team": team,
            "is_bot": False,
            "channel": channel,
            "reviewed_at": period_at + timedelta(days=1),
            "period_at": period_at,
            "week": iso_week(period_at),
            "month": iso_month(period_at),
            "scorecard_name": "default",
            "scorecard_version": version,
            "session_id": None,
            "iqs": iqs,
            "critical_failed": critical,
            "incomplete": incomplete,
            "n_rated": 8,
            "n_na": 0,
            "n_failed": 0,
            "n_unrated": 0,
            "content_hash": f"{i:064x}",
            "payload": payload,
            "imported_at": now,
            "updated_at": now,
        }


def insert_reviews(db: Database, n: int) -> float:
    """Bulk-insert n rows; returns rows per second."""
    rows = synthetic_rows(n)
    started = time.perf_counter()
    done = 0
    while done < n:
        chunk = [next(rows) for _ in range(min(CHUNK, n - done))]
        with db.engine.begin() as connection:
            connection.execute(insert(reviews), chunk)
        done += len(chunk)
        print(f"\r  inserted {done:,} / {n:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    sightings = [
        identities.Sighting("zendesk", a, name, team, False, None) for a, name, team in AGENTS
    ]
    with db.write_transaction() as connection:
        identities.record(connection, sightings, datetime.now(UTC))
    return n / (time.perf_counter() - started)


def python_baseline(db: Database) -> dict[tuple[str, str], float]:
    """Fetch (agent, week, iqs) with the same filter and average in Python."""
    query = select(reviews.c.reviewee_id, reviews.c.week, reviews.c.iqs).where(
        reviews.c.kind == "ai", reviews.c.scorecard_name == "default"
    )
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    with db.engine.connect() as connection:
        for agent, week, iqs in connection.execute(query):
            if iqs is not None:
                acc = sums[(agent, week)]
                acc[0] += iqs
                acc[1] += 1
    return {key: total / count for key, (total, count) in sums.items() if count}


def median_seconds(action: Callable[[], object], runs: int) -> tuple[float, object]:
    action()  # warm-up: page cache, statement cache
    times: list[float] = []
    result: object = None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def query_plan(db: Database) -> str:
    if db.dialect != "sqlite":
        return "(plan shown for SQLite only)"
    sql = (
        "EXPLAIN QUERY PLAN SELECT reviewee_id, source, week, sum(iqs), count(*) FROM reviews "
        "WHERE kind = 'ai' AND scorecard_name = 'default' GROUP BY reviewee_id, source, week"
    )
    with db.engine.connect() as connection:
        return "; ".join(row[-1] for row in connection.exec_driver_sql(sql))


def run(n: int, url: str | Path) -> None:
    db = Database.open(url, create=True)
    try:
        repo = Repository(db)
        if repo.count_reviews():
            sys.exit(f"{db.url} already holds reviews: pass an empty database (or omit --db)")
        print(f"database       {db.url}")
        rate = insert_reviews(db, n)
        print(f"rows           {n:,} reviews (no criteria rows)")
        print(f"insert         {rate:,.0f} rows/s")
        print(f"query plan     {query_plan(db)}")

        def sql_query() -> object:
            return repo.iqs_by(["agent", "week"], kind="ai", scorecard_name="default")

        sql_s, sql_rows = median_seconds(sql_query, runs=5)
        py_s, py_means = median_seconds(lambda: python_baseline(db), runs=3)
        assert isinstance(sql_rows, list) and isinstance(py_means, dict)
        sql_means = {(r.group["agent"], r.group["week"]): r.iqs for r in sql_rows}
        agree = sql_means.keys() == py_means.keys() and all(
            abs((sql_means[k] or 0) - v) < 1e-9 for k, v in py_means.items()
        )
        verdict = "met" if sql_s < GOAL_SECONDS else "MISSED"
        print(f"groups         {len(sql_rows):,} (agent, week)")
        print(f"query (SQL)    {sql_s:.3f} s median of 5   goal < {GOAL_SECONDS:g} s: {verdict}")
        print(f"python         {py_s:.3f} s median of 3   (fetch rows + average in Python)")
        print(f"ratio          SQL is {py_s / sql_s:.1f}x faster; results agree: {agree}")
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1_000_000, help="reviews to insert")
    parser.add_argument("--db", help="SQLAlchemy URL of an empty database (default: temp SQLite)")
    args = parser.parse_args()
    if args.db:
        run(args.n, args.db)
        return
    with tempfile.TemporaryDirectory(prefix="supportqa-bench-") as tmp:
        run(args.n, Path(tmp) / "bench.db")


if __name__ == "__main__":
    main()
