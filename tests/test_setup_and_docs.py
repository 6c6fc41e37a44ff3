"""What a newcomer meets first: set-up says what it is doing, and the docs stand on their own."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROGRESS = ROOT / "scripts" / "progress.py"


def run_progress(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(PROGRESS), "--every", "0.2", "pip", "--", *command],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_long_set_up_step_says_what_it_is_doing_while_it_runs() -> None:
    slow = "import time; print('Collecting torch', flush=True); time.sleep(1.0)"
    done = run_progress(sys.executable, "-c", slow)
    assert done.returncode == 0
    status = [line for line in done.stdout.splitlines() if "Collecting torch" in line]
    assert len(status) >= 3, done.stdout  # one line per interval, naming the latest step
    assert done.stdout.rstrip().endswith("s") and "done in" in done.stdout


def test_a_failed_set_up_step_shows_everything_it_said_and_its_exit_code() -> None:
    failing = "import sys; print('ERROR: no matching distribution'); sys.exit(3)"
    done = run_progress(sys.executable, "-c", failing)
    assert done.returncode == 3
    assert "ERROR: no matching distribution" in done.stdout and "exit 3" in done.stdout


LINK = re.compile(r"\]\(([^)#\s]+)")


def test_the_readme_and_docs_link_nothing_outside_the_repository() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    outside = []
    for page in pages:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            resolved = (page.parent / target).resolve()
            if ROOT not in resolved.parents or not resolved.exists():
                outside.append(f"{page.relative_to(ROOT)} → {target}")
    assert outside == []
