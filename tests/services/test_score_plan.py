"""Before a run: what there is to score, how many processes, and what a dry run would send."""

from __future__ import annotations

import os
from pathlib import Path

import orjson

from supportqa.domain.conversation import Conversation
from supportqa.domain.scorecard import default_scorecard, scorecard_from_dict
from supportqa.scoring.profiles import rules_only
from supportqa.services.llm import open_judge, start_llm_run
from supportqa.services.score_plan import (
    choose_workers,
    count_lines,
    count_to_score,
    dry_run_conversations,
)
from supportqa.services.scoring import score_database
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings
from supportqa.synthetic import generate_conversations
from tests.scorers.judge.conftest import JUDGE_CARD


def test_count_to_score_falls_as_the_workspace_is_scored(repo: Workspace) -> None:
    card = rules_only(default_scorecard())
    repo.upsert_conversations(
        Conversation.model_validate(c) for c in generate_conversations(12, seed=4)
    )
    assert count_to_score(repo, card) == 12
    score_database(repo, card)
    assert count_to_score(repo, card) == 0


def test_only_big_rules_only_runs_use_every_core() -> None:
    rules, full = rules_only(default_scorecard()), default_scorecard()
    assert choose_workers(3, 10, full) == 3
    assert choose_workers(0, 10_000, full) == 1
    assert choose_workers(0, 100, rules) == 1
    assert choose_workers(0, 10_000, rules) == (os.cpu_count() or 1)


def test_a_dry_run_reads_the_file_as_the_run_would_and_reports_bad_lines(tmp_path: Path) -> None:
    source = tmp_path / "c.jsonl"
    records = [orjson.dumps(c) for c in generate_conversations(3, seed=4)]
    source.write_bytes(b"\n".join([records[0], b'{"id": ', records[1], records[2]]) + b"\n")
    assert count_lines(source) == 4
    card = scorecard_from_dict(JUDGE_CARD)
    config = Settings(llm_model="never-asked", llm_cache=str(tmp_path / "answers.sqlite"))
    judge = open_judge(card, settings=config)
    try:
        run = start_llm_run(card, judge, "always")
        found, errors = dry_run_conversations(source, None, card, run, limit=2)
    finally:
        judge.close()
    assert len(found) == 2
    assert errors == [{"file": str(source), "line": 2, "reason": errors[0]["reason"]}]
    assert str(errors[0]["reason"]).startswith("not valid JSON")
