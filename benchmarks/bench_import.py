"""Import throughput into SQLite and PostgreSQL, against a raw bulk insert of the same rows, and peak
memory while importing a large JSONL file.

    python benchmarks/bench_import.py --n 100000 [--postgres URL] [--memory-gb 1.0]

1. Generates N conversations (JSONL).
2. Imports them with `supportqa.importers.service.import_files` (read, validate, hash, upsert in
   chunks: what `supportqa import` runs, parsing in one worker process per core while the main process
   writes) into a fresh database, and reports conversations/s.
3. Baseline in the same run: the same rows (already built, so only the database write is timed)
   written raw — `sqlite3.executemany` for SQLite, `COPY ... FROM STDIN` for PostgreSQL — into an empty
   copy of the same table. Prints the ratio import rate / raw rate (goal ≥ 0.3).
4. With `--memory-gb`, writes a JSONL file of that size and runs `supportqa import` on it in a child
   process, sampling the resident memory of that process and its parsing workers from /proc every
   0.2 s; reports the peak of their sum (goal < 500 MB: the import streams).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from supportqa.domain.conversation import Conversation
from supportqa.domain.scorecard import default_scorecard
from supportqa.importers.service import import_files
from supportqa.storage import Database, Repository
from supportqa.storage.rows import conversation_row
from supportqa.synthetic import generate_conversations

WORKERS = os.cpu_count() or 1
COLUMNS = [
    "source", "external_id", "channel", "subject", "status", "created_at", "closed_at", "agent_id",
    "agent_name", "team", "customer_id", "csat", "csat_scale", "reopened", "handle_time_s",
    "content_hash", "payload", "imported_at", "updated_at",
]  # fmt: skip


def write_jsonl(path: Path, n: int, seed: int) -> None:
    with path.open("wb") as handle:
        for conv in generate_conversations(n, seed):
            handle.write(orjson.dumps(conv) + b"\n")


def raw_rows(path: Path) -> list[tuple[Any, ...]]:
    """The exact column values the importer writes, serialised for the driver (JSON as text)."""
    now = datetime.now(UTC)
    rows = []
    with path.open("rb") as handle:
        for line in handle:
            row = conversation_row(Conversation.model_validate(orjson.loads(line)), now)
            row["payload"] = orjson.dumps(row["payload"]).decode()
            rows.append(tuple(row[c] for c in COLUMNS))
    return rows


def timed_import(url: str, path: Path) -> float:
    database = Database.open(url, create=True)
    try:
        t0 = time.perf_counter()
        report = import_files(
            Repository(database), [path], scorecard=default_scorecard(), workers=WORKERS
        )
        seconds = time.perf_counter() - t0
        assert report.failed == 0 and report.imported > 0, report.errors[:3]
        return report.imported / seconds
    finally:
        database.dispose()


def sqlite_raw(directory: Path, rows: list[tuple[Any, ...]]) -> float:
    url = f"sqlite:///{directory / 'raw.db'}"
    Database.open(url, create=True).dispose()  # same schema, created by the migrations
    connection = sqlite3.connect(directory / "raw.db")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    marks = ", ".join("?" for _ in COLUMNS)
    sql = f"INSERT INTO conversations ({', '.join(COLUMNS)}) VALUES ({marks})"
    t0 = time.perf_counter()
    with connection:
        connection.executemany(sql, rows)
    seconds = time.perf_counter() - t0
    connection.close()
    return len(rows) / seconds


def postgres_schema_url(base: str) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    admin.dispose()
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def drop_schema(base: str, schema: str) -> None:
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


def postgres_raw(base: str, rows: list[tuple[Any, ...]]) -> float:
    import psycopg

    url, schema = postgres_schema_url(base)
    try:
        Database.open(url, create=True).dispose()
        plain = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain, options=f"-csearch_path={schema}") as connection:
            t0 = time.perf_counter()
            with connection.cursor() as cursor:
                columns = ", ".join(COLUMNS)
                with cursor.copy(f"COPY conversations ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            connection.commit()
            seconds = time.perf_counter() - t0
        return len(rows) / seconds
    finally:
        drop_schema(base, schema)


def report(name: str, imported: float, raw: float, how: str) -> None:
    ratio = imported / raw
    verdict = "met" if ratio >= 0.3 else "MISSED"
    print(
        f"{name}: import {imported:,.0f} conversations/s; raw {how} {raw:,.0f} rows/s; "
        f"ratio {ratio:.2f} (goal ≥ 0.3: {verdict})"
    )


def peak_memory(directory: Path, gigabytes: float, seed: int) -> None:
    path = directory / "big.jsonl"
    target = int(gigabytes * 1024**3)
    written = 0
    t0 = time.perf_counter()
    with path.open("wb") as handle:
        batch = 0
        while written < target:
            for conv in generate_conversations(20_000, seed + batch):
                conv["id"] = f"{batch}-{conv['id']}"
                line = orjson.dumps(conv) + b"\n"
                handle.write(line)
                written += len(line)
                if written >= target:
                    break
            batch += 1
    lines = sum(1 for _ in path.open("rb"))
    print(
        f"wrote {written / 1024**3:.2f} GB, {lines:,} conversations in {time.perf_counter() - t0:.0f} s"
    )
    db = directory / "big.db"
    command = [sys.executable, "-m", "supportqa", "import", str(path), "--db", str(db), "--json"]
    t0 = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_total = peak_single = 0
    while process.poll() is None:
        sizes = [rss_mb(pid) for pid in [process.pid, *children_of(process.pid)]]
        peak_total, peak_single = max(peak_total, sum(sizes)), max(peak_single, *sizes)
        time.sleep(0.2)
    seconds = time.perf_counter() - t0
    assert process.returncode == 0, f"import failed with exit code {process.returncode}"
    verdict = "met" if peak_total < 500 else "MISSED"
    print(
        f"`supportqa import` of {written / 1024**3:.2f} GB JSONL into SQLite: {seconds:.0f} s "
        f"({lines / seconds:,.0f} conversations/s); peak RSS of the import process and its parsing "
        f"workers together {peak_total:,.0f} MB, largest single process {peak_single:,.0f} MB "
        f"(goal < 500 MB: {verdict})"
    )


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (0 once it has exited)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--postgres", help="PostgreSQL URL (postgresql+psycopg://...)")
    parser.add_argument("--memory-gb", type=float, default=0.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        source = directory / "conversations.jsonl"
        write_jsonl(source, args.n, args.seed)
        size_mb = source.stat().st_size / 1024**2
        print(f"{args.n:,} generated conversations, {size_mb:,.0f} MB of JSONL")
        rows = raw_rows(source)
        sqlite_rate = timed_import(f"sqlite:///{directory / 'import.db'}", source)
        report("SQLite", sqlite_rate, sqlite_raw(directory, rows), "sqlite3.executemany")
        if args.postgres:
            url, schema = postgres_schema_url(args.postgres)
            try:
                pg_rate = timed_import(url, source)
            finally:
                drop_schema(args.postgres, schema)
            report("PostgreSQL", pg_rate, postgres_raw(args.postgres, rows), "COPY")
        del rows
        if args.memory_gb:
            peak_memory(directory, args.memory_gb, args.seed)


if __name__ == "__main__":
    main()
