"""Run a long set-up command and say what it is doing at least every 10 seconds.

    python scripts/progress.py [--every SECONDS] LABEL -- COMMAND [ARGS...]

`pip install` of the dependencies takes minutes on a fresh machine and is silent with `--quiet`, or
hundreds of lines without it. This prints one line per interval: the time so far and the latest thing
the command said (e.g. "Collecting torch"). On failure it prints everything the command said.
Standard library only: it runs before anything else is installed.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

INTERVAL_S = 10.0
NOISE = (
    "WARNING",
    "Attempting uninstall",
    "Found existing installation",
    "Uninstalling",
    "Successfully",
)
"""pip lines that say nothing about what it is doing now (the install step follows them silently)."""


def main(argv: list[str]) -> int:
    every = INTERVAL_S
    if argv[:1] == ["--every"] and len(argv) > 1:
        every, argv = float(argv[1]), argv[2:]
    if "--" not in argv or argv.index("--") != 1:
        print("usage: progress.py [--every SECONDS] LABEL -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    label, command = argv[0], argv[2:]
    output: list[str] = []
    lines: list[str] = []
    start = time.monotonic()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    done = threading.Event()

    def report() -> None:
        while not done.wait(every):
            latest = lines[-1].strip()[:90] if lines else "starting"
            print(f"  {label}: {time.monotonic() - start:4.0f} s  {latest}", flush=True)

    reporter = threading.Thread(target=report, daemon=True)
    reporter.start()
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip():
            output.append(line)
            if not line.strip().startswith(NOISE):
                lines.append(line)
    code = process.wait()
    done.set()
    reporter.join()
    elapsed = time.monotonic() - start
    if code != 0:
        sys.stdout.write("".join(output))
        print(f"  {label}: failed after {elapsed:.0f} s (exit {code})", flush=True)
        return code
    print(f"  {label}: done in {elapsed:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
