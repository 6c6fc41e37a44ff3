"""`supportqa score FILE -o OUT` refuses an OUT it would destroy: one red line, exit 1, no byte changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Runner
from tests.scoring.test_runner_file import write_conversations


@pytest.mark.parametrize("restart", [(), ("--restart",)])
def test_score_into_its_own_input_is_refused_and_the_input_kept(
    cli: Runner, tmp_path: Path, restart: tuple[str, ...]
) -> None:
    conversations = tmp_path / "c.jsonl"
    write_conversations(conversations, 5)
    before = conversations.read_bytes()
    result = cli("score", conversations, "-o", conversations, *restart)
    assert result.code == 1 and "Traceback" not in result.err
    assert "input" in result.err and len(result.err.strip().splitlines()) == 1
    assert conversations.read_bytes() == before


def test_score_into_another_conversations_file_is_refused_and_it_is_kept(
    cli: Runner, tmp_path: Path
) -> None:
    conversations, other = tmp_path / "c.jsonl", tmp_path / "other.jsonl"
    write_conversations(conversations, 5)
    write_conversations(other, 2)
    before = other.read_bytes()
    result = cli("score", conversations, "-o", other, "--restart")
    assert result.code == 1 and f"{other}:1: not a reviews file" in result.err
    assert other.read_bytes() == before
