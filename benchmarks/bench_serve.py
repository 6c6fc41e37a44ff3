"""`supportqa serve` under a realistic load: figures, not a timed test.

A real `supportqa serve` process over 100k conversations (SQLite or PostgreSQL, `--db`); 20 client
threads, each a user of some role with an API token, think 1 s ± 50% between requests: API list
pages (random filters including `q`, cursors 0–20 pages deep), API detail and the conversation page
(ids uniform over all conversations: an agent's out-of-scope ids answer 404, as they should), the
dashboard, and `/healthz` — the constant endpoint of the same app in the same run, the baseline.
Meanwhile a writer posts one human review per second and a probe measures the dashboard lag: the
time from a write until `/api/v1/analytics/overview`'s `as_of` passes it.

    python benchmarks/bench_serve.py --db /tmp/bench-serve.db --duration 120
    python benchmarks/bench_serve.py --db postgresql+psycopg://postgres@127.0.0.1:55432/bench

The first run builds the database (see `serve_data.py`); later runs reuse it.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from serve_data import CARD, Client, build, clients, writer

from supportqa.services.workspace import open_workspace

GOALS_MS = {"API list": 100, "API detail": 100, "conversation page": 150, "dashboard": 300}
MIX = {"API list": 35, "API detail": 20, "conversation page": 20, "dashboard": 10, "constant": 15}
WORDS = ["refund", "parcel", "password", "invoice", "delivery", "cancel", "thanks", "order"]
SORTS = ["newest", "oldest", "-iqs", "iqs", "cx", "-updated"]
TEAMS = ["Billing", "Technical", "Accounts", "Shipping"]
CHANNELS = ["chat", "email"]


@dataclass
class Tally:
    """Latencies per kind (ms) and errors by reason, shared by every thread."""

    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    recording: bool = False

    def add(self, kind: str, ms: float, error: str | None) -> None:
        with self.lock:
            if not self.recording:
                return
            self.samples[kind].append(ms)
            if error:
                self.errors[f"{kind}: {error}"] += 1


def timed(
    tally: Tally, kind: str, http: httpx.Client, method: str, url: str, ok: set[int], **kw: Any
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = http.request(method, url, **kw)
    except httpx.HTTPError as exc:
        tally.add(kind, (time.perf_counter() - started) * 1000, type(exc).__name__)
        return None
    ms = (time.perf_counter() - started) * 1000
    error = None
    if response.status_code not in ok:
        locked = "locked" in response.text.lower()
        error = "database is locked" if locked else f"HTTP {response.status_code}"
    tally.add(kind, ms, error)
    return response


def list_params(rng: random.Random, agents: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {"sort": rng.choice(SORTS)}
    if rng.random() < 0.4:
        params["q"] = " ".join(rng.sample(WORDS, rng.randint(1, 2)))
    if rng.random() < 0.2:
        params["iqs_min"] = rng.choice([40, 60, 80])
    if rng.random() < 0.15:
        params["flagged"] = "true"
    if rng.random() < 0.15:
        params["team"] = rng.choice(TEAMS)
    if rng.random() < 0.1:
        params["channel"] = rng.choice(CHANNELS)
    if rng.random() < 0.15 and agents:
        params["agent"] = rng.choice(agents)
    return params


def dashboard_params(rng: random.Random) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if rng.random() < 0.5:
        params["since"] = rng.choice(["2026-01-01", "2026-04-01", "2026-07-01"])
    if rng.random() < 0.3:
        params["team"] = rng.choice(TEAMS)
    return params


def client_loop(
    base: str,
    me: Client,
    ids: list[tuple[str, str]],
    kinds: list[str],
    agents: list[str],
    tally: Tally,
    stop: threading.Event,
    seed: int,
) -> None:
    rng = random.Random(seed)
    kinds = [k for k in kinds if k in MIX]
    weights = [MIX[k] for k in kinds]
    seen = {200, 404} if me.role == "agent" else {200}  # out of scope is 404, not an error
    headers = {"Authorization": f"Bearer {me.token}"}
    cursor: str | None = None
    params: dict[str, Any] = {}
    pages_left = 0
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        while not stop.wait(rng.uniform(0.5, 1.5)):
            kind = rng.choices(kinds, weights)[0]
            if kind == "API list":
                if pages_left <= 0 or cursor is None:
                    params, cursor, pages_left = list_params(rng, agents), None, rng.randint(0, 20)
                query = {**params, **({"cursor": cursor} if cursor else {})}
                got = timed(tally, kind, http, "GET", "/api/v1/conversations", {200}, params=query)
                cursor = got.json().get("next_cursor") if got and got.status_code == 200 else None
                pages_left -= 1
            elif kind in ("API detail", "conversation page"):
                source, cid = rng.choice(ids)
                path = f"/conversations/{source}/{cid}"
                url = f"/api/v1{path}" if kind == "API detail" else path
                timed(tally, kind, http, "GET", url, seen)
            elif kind == "dashboard":
                timed(tally, kind, http, "GET", "/", {200}, params=dashboard_params(rng))
            else:
                timed(tally, kind, http, "GET", "/healthz", {200})


def review_body(source: str, cid: str, rng: random.Random) -> dict[str, Any]:
    """The ratings shorthand of `POST /api/v1/reviews` (docs/serve.md)."""
    ratings = {
        c.key: float(rng.randint(int(c.scale.min), int(c.scale.max))) for c in CARD.criteria[:5]
    }
    return {"conversation": f"{source}/{cid}", "ratings": ratings, "comment": "bench"}


def write_loop(
    base: str,
    token: str,
    ids: list[tuple[str, str]],
    tally: Tally,
    stop: threading.Event,
    last_write: list[float],
) -> None:
    """One human review a second; `last_write` gets the wall time each one was answered."""
    rng = random.Random(99)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as h:
        while not stop.wait(1.0):
            source, cid = rng.choice(ids)
            body = review_body(source, cid, rng)
            got = timed(tally, "review write", h, "POST", "/api/v1/reviews", {200, 201}, json=body)
            if got is not None and got.status_code in (200, 201):
                last_write.append(time.time())


def lag_loop(
    base: str, token: str, tally: Tally, stop: threading.Event, writes: list[float]
) -> None:
    """Poll the overview each second; every write its `as_of` has passed gets its lag (the time from
    the write's answer until a poll showed figures as of after it; 1 s resolution)."""
    lags = tally.samples["dashboard lag (s)"]
    seen = 0
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as h:
        while not stop.wait(1.0):
            got = timed(tally, "overview (lag probe)", h, "GET", "/api/v1/analytics/overview",
                        {200})  # fmt: skip
            if got is None or got.status_code != 200:
                continue
            as_of = datetime.fromisoformat(got.json()["as_of"]).astimezone(UTC).timestamp()
            now = time.time()
            while seen < len(writes) and writes[seen] <= as_of:
                with tally.lock:
                    if tally.recording:
                        lags.append(now - writes[seen])
                seen += 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(db: str, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "supportqa", "serve", "--db", db, "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", str(workers)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"the server did not come up:\n{log.read_text()}")


def served_kinds(base: str, token: str, some: tuple[str, str]) -> list[str]:
    """The kinds this build serves (a missing route answers 404/405 to a reviewer on a known id)."""
    source, cid = some
    urls = {
        "API list": "/api/v1/conversations",
        "API detail": f"/api/v1/conversations/{source}/{cid}",
        "conversation page": f"/conversations/{source}/{cid}",
        "dashboard": "/",
        "constant": "/healthz",
    }
    headers = {"Authorization": f"Bearer {token}"}
    found = []
    for kind, url in urls.items():  # the first dashboard reads the frames whole: not measured
        started = time.perf_counter()
        if httpx.get(base + url, headers=headers, timeout=300).status_code == 200:
            found.append(kind)
            print(f"  first {kind}: {time.perf_counter() - started:.1f} s (cold)")
    posted = httpx.post(f"{base}/api/v1/reviews", headers=headers, json={})
    if posted.status_code not in (404, 405):  # an empty body is refused by a route that exists
        found.append("review write")
    for kind in sorted({*urls, "review write"} - set(found)):
        print(f"  ({kind}: not served by this build, left out)")
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def report(tally: Tally, seconds: float, server_log: str) -> None:
    constant = tally.samples.get("constant") or [float("nan")]
    base95 = percentile(constant, 0.95)
    print(
        f"\n{'kind':24} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p95/const':>9}  goal"
    )
    for kind, values in sorted(tally.samples.items()):
        if not values or kind == "dashboard lag (s)":
            continue
        p95 = percentile(values, 0.95)
        goal = GOALS_MS.get(kind)
        verdict = "" if goal is None else f"p95 < {goal}: {'met' if p95 < goal else 'MISSED'}"
        print(f"{kind:24} {len(values):6} {percentile(values, 0.5):8.1f} {p95:8.1f} "
              f"{percentile(values, 0.99):8.1f} {p95 / base95:9.1f}  {verdict}")  # fmt: skip
    total = sum(len(v) for k, v in tally.samples.items() if k != "dashboard lag (s)")
    print(f"\n{total} requests in {seconds:.0f} s ({total / seconds:.1f}/s)")
    locked = server_log.lower().count("database is locked")
    print(f"errors: {sum(tally.errors.values())} (server log 'database is locked': {locked})")
    for reason, count in tally.errors.most_common():
        print(f"  {count:5}  {reason}")
    lags = tally.samples.get("dashboard lag (s)", [])
    if lags:
        writes = len(tally.samples.get("review write", []))
        print(f"dashboard lag after a write: {len(lags)} of {writes} writes seen, "
              f"p50={percentile(lags, 0.5):.1f} s max={max(lags):.1f} s")  # fmt: skip
    else:
        print("dashboard lag after a write: not measured (no write or no overview route)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="/tmp/supportqa-bench-serve.db")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=120, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=10, help="seconds not measured")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    t0 = time.perf_counter()
    with open_workspace(args.db, create=True) as workspace:
        ids = build(workspace, args.n)
        users = clients(workspace, args.clients)
        write_token = writer(workspace)
    print(f"{len(ids):,} conversations, {len(users)} clients "
          f"({dict(Counter(u.role for u in users))}) ready in {time.perf_counter() - t0:.0f} s")  # fmt: skip

    log = Path(tempfile.mkdtemp(prefix="bench-serve-")) / "server.log"
    port = free_port()
    server = start_server(args.db, port, args.workers, log)
    base = f"http://127.0.0.1:{port}"
    try:
        kinds = served_kinds(base, write_token, ids[0])
        agents = sorted({u.agent.split(":", 1)[1] for u in users if u.agent})
        tally, stop = Tally(), threading.Event()
        last_write: list[float] = []
        threads = [
            threading.Thread(
                target=client_loop, args=(base, u, ids, kinds, agents, tally, stop, i), daemon=True
            )
            for i, u in enumerate(users)
        ]
        if "review write" in kinds:
            threads.append(threading.Thread(
                target=write_loop, args=(base, write_token, ids, tally, stop, last_write),
                daemon=True,
            ))  # fmt: skip
        threads.append(threading.Thread(
            target=lag_loop, args=(base, write_token, tally, stop, last_write), daemon=True
        ))  # fmt: skip
        for thread in threads:
            thread.start()
        time.sleep(args.warmup)
        tally.recording = True
        started = time.perf_counter()
        time.sleep(args.duration)
        tally.recording = False
        seconds = time.perf_counter() - started
        stop.set()
        for thread in threads:
            thread.join(timeout=35)
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(f"server: supportqa serve --db {args.db} --workers {args.workers} (log {log})")
    report(tally, seconds, log.read_text(errors="replace"))


if __name__ == "__main__":
    main()
