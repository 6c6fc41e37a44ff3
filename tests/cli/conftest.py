"""Run the real `supportqa` entry point in-process and capture what a user would see."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from supportqa.cli import main
from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review
from supportqa.storage import Database, Repository


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Runner = Callable[..., Result]


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Runner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str | Path) -> Result:
        code = 0
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def point_judge_at(monkeypatch: pytest.MonkeyPatch, base_url: str, **settings: object) -> None:
    """Settings for `score --llm` against a local scripted server: its URL, a model name, fast
    back-off, and any `llm_*` setting given (`max_retries=1` → SUPPORTQA_LLM_MAX_RETRIES=1)."""
    monkeypatch.setenv("SUPPORTQA_LLM_BASE_URL", base_url)
    monkeypatch.setenv("SUPPORTQA_LLM_MODEL", "scripted-model")
    monkeypatch.setenv("SUPPORTQA_LLM_BACKOFF_S", "0.01")
    for name, value in settings.items():
        monkeypatch.setenv(f"SUPPORTQA_LLM_{name.upper()}", str(value))


def judged_workspace(cli: Runner, folder: Path, n: int, card: dict[str, Any]) -> Path:
    """`folder` with n generated conversations imported into ./supportqa.db and the scorecard
    `card` as judged.yaml: what the `score --llm` tests start from."""
    data = folder / "conversations.jsonl"
    assert cli("generate", "--n", str(n), "--seed", "3", "-o", data, "--json").code == 0
    assert cli("import", data, "--json").code == 0
    (folder / "judged.yaml").write_text(yaml.safe_dump(card))
    return folder


def handovers(folder: Path) -> dict[str, int]:
    """The conversations in `folder`/conversations.jsonl that more than one staff member answered,
    with how many did: each has a review, and `score --llm` a judge request, of their own."""
    found: dict[str, int] = {}
    for line in (folder / "conversations.jsonl").read_bytes().splitlines():
        conversation = Conversation.model_validate_json(line)
        if len(conversation.participants()) > 1:
            found[conversation.id] = len(conversation.participants())
    return found


def stored_ai_reviews(db: Path) -> list[Review]:
    """The AI reviews in the SQLite file `db`, oldest first."""
    database = Database.open(f"sqlite:///{db}")
    try:
        return list(Repository(database).iter_reviews(kind="ai"))
    finally:
        database.dispose()


LOW_CONFIDENCE_BELOW = 0.52
"""A `llm.confidence_below` that splits the N = 12 generated conversations (seed 3) of the
`score --llm --llm-when low-confidence` tests: some have a model criterion below it, some none, so
the policy has something to send and something to keep. (At the default 0.6 every one of them has a
borderline criterion since the resolution probability was recalibrated, issue #17.)"""


def low_confidence_card(folder: Path) -> Path:
    """The default scorecard with `llm.confidence_below` at LOW_CONFIDENCE_BELOW, as `folder`/low.yaml."""
    from importlib.resources import files

    card = yaml.safe_load(files("supportqa.scorecards").joinpath("default.yaml").read_text("utf-8"))
    card.setdefault("llm", {})["confidence_below"] = LOW_CONFIDENCE_BELOW
    card["name"] = "default-low-confidence"
    path = folder / "low.yaml"
    path.write_text(yaml.safe_dump(card, sort_keys=False))
    return path


def wait_until_healthy(base: str, process: subprocess.Popen[Any], deadline: float) -> bool:
    """Poll `base`/healthz until it answers 200 (True), or the server process ends or the
    `time.monotonic()` deadline passes (False): how the serve tests wait for a real server."""
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.2)
