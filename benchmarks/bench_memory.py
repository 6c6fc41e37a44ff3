"""Peak memory of scoring the database: the default scorecard (model criteria + CX), streaming.

Prints figures, not a pass/fail:

1. Generates N conversations (default 100,000) into a JSONL file in a temporary directory.
2. `supportqa import FILE --db DB` into SQLite (the real CLI, in a child process).
3. `supportqa score --db DB` (the real CLI, in a child process; `--workers` as given, default
   0 = the CLI's own choice: one process for a scorecard that uses the sentence model), sampling every 0.2 s
   from /proc the resident memory of the child and all its descendants (the scoring workers).
   Reports the peak of their sum (goal < 1.5 GB: batches stream from the database and the embedding
   cache is bounded), the peak of their summed PSS (library pages shared by the workers counted
   once: closer to what the machine really spends), the largest single process, wall time and
   conversations/s. The kernel's `getrusage(RUSAGE_CHILDREN)` max RSS (the largest single
   descendant) cross-checks the sampling.

    python benchmarks/bench_memory.py --n 100000 [--workers 0] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

from supportqa.synthetic import generate_conversations

GOAL_MB = 1536.0
SAMPLE_S = 0.2
PSS_EVERY = 5
"""PSS (smaps_rollup walks every mapping: costly) is read every 5th sample, i.e. once a second."""


@dataclass
class Run:
    command: str
    wall_s: float
    peak_tree_mb: float
    peak_tree_pss_mb: float
    peak_single_mb: float
    peak_processes: int
    rusage_children_max_mb: float
    output: dict[str, Any]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def write_jsonl(path: Path, n: int, seed: int) -> None:
    with path.open("wb") as handle:
        for conv in generate_conversations(n, seed):
            handle.write(orjson.dumps(conv) + b"\n")


def parents() -> dict[int, int]:
    """pid -> parent pid for every process visible in /proc."""
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(entry.name)] = int(fields[1])
    return found


def tree(root: int) -> list[int]:
    """`root` and all its descendants."""
    table = parents()
    members, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in table.items() if parent in frontier]
        members.extend(frontier)
    return members


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (0 once it has exited)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size in MB: pages shared between processes (the torch libraries mapped by
    every worker) count once across the tree instead of once per process as in RSS."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children_max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux


@dataclass
class Peaks:
    tree_rss_mb: float = 0.0
    tree_pss_mb: float = 0.0
    single_mb: float = 0.0
    processes: int = 0


def sample_until_exit(process: subprocess.Popen[bytes]) -> Peaks:
    """Sample the RSS (and every PSS_EVERY-th time the PSS) of `process` and its descendants."""
    peaks = Peaks()
    samples = 0
    while process.poll() is None:
        members = tree(process.pid)
        live = [size for size in (rss_mb(pid) for pid in members) if size > 0]
        if live:
            peaks.tree_rss_mb = max(peaks.tree_rss_mb, sum(live))
            peaks.single_mb = max(peaks.single_mb, *live)
            peaks.processes = max(peaks.processes, len(live))
            if samples % PSS_EVERY == 0:
                peaks.tree_pss_mb = max(peaks.tree_pss_mb, sum(pss_mb(pid) for pid in members))
        samples += 1
        time.sleep(SAMPLE_S)
    return peaks


def run_sampled(args: list[str]) -> Run:
    """Run `python -m supportqa ARGS --json`, sampling its process tree's memory until it exits."""
    command = [sys.executable, "-m", "supportqa", *args, "--json"]
    # files, not pipes: nobody reads a pipe while sampling, and a full one would block the child
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        peaks = sample_until_exit(process)
        seconds = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        raise SystemExit(
            f"{' '.join(args)} failed with exit code {process.returncode}:\n"
            f"{stderr.decode(errors='replace')[-2000:]}"
        )
    return Run(
        command=" ".join(["supportqa", *args]),
        wall_s=seconds,
        peak_tree_mb=peaks.tree_rss_mb,
        peak_tree_pss_mb=peaks.tree_pss_mb,
        peak_single_mb=peaks.single_mb,
        peak_processes=peaks.processes,
        rusage_children_max_mb=children_max_rss_mb(),
        output=orjson.loads(stdout),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument(
        "--workers", type=int, default=0, help="`score --workers` (0 = the CLI's choice)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        source, db = directory / "conversations.jsonl", directory / "memory.db"
        t0 = time.perf_counter()
        write_jsonl(source, args.n, args.seed)
        size_mb = source.stat().st_size / 1024**2
        seconds = time.perf_counter() - t0
        log(f"generated {args.n:,} conversations ({size_mb:,.0f} MB JSONL) in {seconds:.0f} s")

        log("supportqa import ...")
        imported = run_sampled(["import", str(source), "--db", str(db)])
        assert imported.output["imported"] == args.n, imported.output
        log(f"supportqa score --db (workers {args.workers or 'auto'}) ...")
        scored = run_sampled(["score", "--db", str(db), "--workers", str(args.workers)])
        assert scored.output["scored"] == args.n, scored.output
        db_mb = db.stat().st_size / 1024**2

    rate = args.n / scored.wall_s
    if args.json:
        result = {
            "n": args.n,
            "jsonl_mb": size_mb,
            "db_mb": db_mb,
            "import": asdict(imported) | {"conversations_per_s": args.n / imported.wall_s},
            "score": asdict(scored) | {"conversations_per_s": rate},
            "goal_mb": GOAL_MB,
            "met": scored.peak_tree_mb < GOAL_MB,
        }
        print(json.dumps(result, indent=2))
        return
    print(f"{args.n:,} generated conversations: {size_mb:,.0f} MB JSONL, {db_mb:,.0f} MB SQLite")
    print()
    print(
        f"{'command':<18} {'wall s':>8} {'conv/s':>8} {'tree RSS MB':>12} {'tree PSS MB':>12} "
        f"{'largest MB':>11} {'procs':>6}"
    )
    for run in (imported, scored):
        name = run.command.split()[1]
        print(
            f"supportqa {name:<8} {run.wall_s:>8.1f} {args.n / run.wall_s:>8,.0f} "
            f"{run.peak_tree_mb:>12,.0f} {run.peak_tree_pss_mb:>12,.0f} "
            f"{run.peak_single_mb:>11,.0f} {run.peak_processes:>6}"
        )
    print()
    verdict = "met" if scored.peak_tree_mb < GOAL_MB else "MISSED"
    print(
        f"`supportqa score --db` of {args.n:,} conversations: {scored.wall_s:.0f} s, "
        f"{rate:,.1f} conversations/s, {scored.peak_processes} processes"
    )
    print(
        f"peak RSS of the process tree {scored.peak_tree_mb:,.0f} MB (goal < {GOAL_MB:,.0f} MB: "
        f"{verdict}); peak PSS (shared pages counted once) {scored.peak_tree_pss_mb:,.0f} MB"
    )
    print(
        f"kernel cross-check: largest single child process max RSS "
        f"{scored.rusage_children_max_mb:,.0f} MB (cumulative over both commands)"
    )
    counts = {k: scored.output[k] for k in ("scored", "incomplete", "criteria_failed")}
    print(f"score report: {json.dumps(counts)}")


if __name__ == "__main__":
    main()
