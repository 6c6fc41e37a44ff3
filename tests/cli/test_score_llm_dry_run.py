"""`score FILE --llm --dry-run` on an input with bad lines: each is reported (file, line, reason) as a
real run reports it, and the good conversations are still shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from supportqa.testing import OpenAIServer, SimulatedJudge
from tests.cli.conftest import Runner
from tests.scorers.judge.conftest import JUDGE_CARD


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIServer]:
    with OpenAIServer(responder=SimulatedJudge()) as running:
        monkeypatch.setenv("SUPPORTQA_LLM_BASE_URL", running.base_url)
        monkeypatch.setenv("SUPPORTQA_LLM_MODEL", "scripted-model")
        yield running


@pytest.fixture
def workspace(cli: Runner, tmp_path: Path) -> Path:
    data = tmp_path / "conversations.jsonl"
    assert cli("generate", "--n", "3", "--seed", "3", "-o", data, "--json").code == 0
    (tmp_path / "judged.yaml").write_text(yaml.safe_dump(JUDGE_CARD))
    return tmp_path


def _input_with_bad_lines(workspace: Path) -> Path:
    good = (workspace / "conversations.jsonl").read_text().splitlines()
    path = workspace / "mixed.jsonl"
    path.write_text("\n".join([good[0], "not json", "42", "", good[1]]) + "\n")
    return path


def test_dry_run_reports_bad_lines_and_shows_the_good_ones(
    cli: Runner, workspace: Path, server: OpenAIServer
) -> None:
    path = _input_with_bad_lines(workspace)
    card = workspace / "judged.yaml"
    result = cli("score", path, "--llm", "--dry-run", "--scorecard", card, "--json")
    assert result.code == 1, result.err
    data = result.json()
    # the good lines: gen-000001 (one agent) and gen-000002, handed from one agent to another:
    # a request per participant's replies
    assert [r["conversation"] for r in data["requests"]] == [
        "synthetic/gen-000001",
        "synthetic/gen-000002",
        "synthetic/gen-000002",
    ]
    assert server.request_count == 0
    assert data["failed_records"] == 2
    assert [(e["file"], e["line"]) for e in data["errors"]] == [(str(path), 2), (str(path), 3)]
    assert "not valid JSON" in data["errors"][0]["reason"]
    assert "expected a JSON object" in data["errors"][1]["reason"]


def test_dry_run_in_the_terminal_names_each_bad_line(
    cli: Runner, workspace: Path, server: OpenAIServer
) -> None:
    path = _input_with_bad_lines(workspace)
    result = cli("score", path, "--llm", "--dry-run", "--scorecard", workspace / "judged.yaml")
    assert result.code == 1
    assert "3 request(s) shown" in result.out  # one agent, then two (as above)
    assert f"{path}:2" in result.err and f"{path}:3" in result.err
    assert "Traceback" not in result.err


def test_non_dry_run_reports_the_same_lines(
    cli: Runner, workspace: Path, server: OpenAIServer
) -> None:
    path = _input_with_bad_lines(workspace)
    out = workspace / "reviews.jsonl"
    card = workspace / "judged.yaml"
    result = cli("score", path, "-o", out, "--llm", "--scorecard", card, "--json")
    assert result.code == 1 and result.json()["failed_records"] == 2
    assert [e["line"] for e in result.json()["errors"]] == [2, 3]
