"""Start-up time of the command line, beside a bare interpreter (`python -c pass`) in the same run.

    python benchmarks/bench_startup.py [--runs 7]

Each figure is the median wall time of fresh processes. `supportqa --help` lists every command without
importing any command module; `supportqa score --help` imports the score command's module (SQLAlchemy,
polars, the analytics), which is what running a command costs before it does any work.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "supportqa --version": [sys.executable, "-m", "supportqa", "--version"],
    "supportqa --help": [sys.executable, "-m", "supportqa", "--help"],
    "supportqa score --help": [sys.executable, "-m", "supportqa", "score", "--help"],
}


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.runs):  # round-robin, so a burst of load hits every case alike
        for name, command in CASES.items():
            times[name].append(seconds(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    baseline = medians["python -c pass"]
    for name, value in medians.items():
        goal = ""
        if name == "supportqa --help":
            goal = "  goal < 0.5 s: " + ("met" if value < 0.5 else "MISSED")
        print(f"{name:<24} {value:6.3f} s  {value / baseline:6.1f}x python -c pass{goal}")


if __name__ == "__main__":
    main()
