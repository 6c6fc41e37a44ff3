"""`score --llm` after an outage: exactly the conversations the judge failed on are sent again.

The real CLI and client against the scripted HTTP server: during the outage some conversations get 500s
or time out (every attempt), their criteria fall back to local scorers and are recorded as pending;
once the server is healthy a second run sends exactly those, and a third sends nothing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest

from supportqa.domain.review import ScorecardRef
from supportqa.storage import Database, Repository
from supportqa.testing import OpenAIServer, Reply, SimulatedJudge
from supportqa.testing.openai_server import ChatRequest
from tests.cli.conftest import (
    Runner,
    handovers,
    judged_workspace,
    low_confidence_card,
    point_judge_at,
    stored_ai_reviews,
)
from tests.scorers.judge.conftest import JUDGE_CARD

N = 12
FAILING = 3
HANDOVER = "gen-000010"
"""The one generated conversation (seed 3) handed from agent A to agent B: A and B each have a review
of their own replies, judged in their own view (the other's replies labelled `other agent`)."""
REVIEWS = N + 1
"""A review per participant: N - 1 one-agent conversations, and A and B. With JUDGE_CARD, whose
criteria are all about the participant's replies, also one request each."""
_ONE_OF_SEVERAL = re.compile(r"^\[\d+\] other ", re.M)


@dataclass
class Outage:
    """A responder: while `down`, the first `len(replies)` distinct requests (told apart by their
    transcript) get their reply on every attempt; everything else is judged normally. A view of one
    participant among several is spared (never fails), so the failed requests are of distinct
    conversations whichever arrives first: the counts below are conversations and requests alike."""

    replies: list[Reply]
    down: bool = True
    failed: dict[str, Reply] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: ChatRequest) -> Reply:
        with self.lock:
            if self.down and not _ONE_OF_SEVERAL.search(request.user_text):
                key = request.user_text
                if key not in self.failed and len(self.failed) < len(self.replies):
                    self.failed[key] = self.replies[len(self.failed)]
                if key in self.failed:
                    return self.failed[key]
        return SimulatedJudge()(request)


@pytest.fixture
def outage() -> Outage:
    return Outage([Reply.error(500), Reply.hang(2.0), Reply.error(503)])


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, outage: Outage) -> Iterator[OpenAIServer]:
    with OpenAIServer(responder=outage) as running:
        point_judge_at(monkeypatch, running.base_url, max_retries="1", timeout_s="0.3")
        yield running


@pytest.fixture
def workspace(cli: Runner, tmp_path: Path) -> Path:
    folder = judged_workspace(cli, tmp_path, N, JUDGE_CARD)
    assert handovers(folder) == {HANDOVER: 2}  # what REVIEWS counts on
    return folder


def _pending_count(db: Path, card: ScorecardRef, reviewer: str) -> int:
    database = Database.open(f"sqlite:///{db}")
    try:
        return Repository(database).count_unscored(card, reviewer=reviewer)
    finally:
        database.dispose()


def _outage_then_recovery(
    cli: Runner, server: OpenAIServer, outage: Outage, *args: str | Path
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    first = cli("score", "--llm", *args, "--json")
    assert first.code == 0, first.err
    assert len(outage.failed) == FAILING
    outage.down = False
    server.reset()
    second = cli("score", "--llm", *args, "--json")
    assert second.code == 0, second.err
    sent_again = server.request_count
    assert sorted(r.user_text for r in server.requests) == sorted(outage.failed)
    server.reset()
    third = cli("score", "--llm", *args, "--json")
    assert third.code == 0, third.err
    assert sent_again == FAILING and server.request_count == 0
    return first.json(), second.json(), third.json()


def test_default_scorecard_criteria_that_fell_back_are_judged_by_the_next_run(
    cli: Runner, workspace: Path, server: OpenAIServer, outage: Outage
) -> None:
    """The issue's case: model criteria fall back to local scorers and look judged, but are not."""
    first, second, third = _outage_then_recovery(cli, server, outage)
    assert first["llm"]["left_pending"] == FAILING
    assert first["llm"]["judged_fully"] == N - FAILING
    assert (second["scored"], second["llm"]["judged_fully"], second["llm"]["left_pending"]) == (
        FAILING,
        FAILING,
        0,
    )
    assert third["scored"] == 0 and third["llm"]["conversations"] == 0
    reviews = stored_ai_reviews(workspace / "supportqa.db")
    assert len(reviews) == REVIEWS
    assert all(r.judged and not r.judge_pending for r in reviews)
    for review in reviews:
        assert {c.key for c in review.criteria if c.scorer and c.scorer.name == "llm"} == set(
            review.judged
        )


def test_pending_reviews_hold_the_fallback_and_name_the_criteria(
    cli: Runner, workspace: Path, server: OpenAIServer
) -> None:
    assert cli("score", "--llm", "--json").code == 0
    pending = [r for r in stored_ai_reviews(workspace / "supportqa.db") if r.judge_pending]
    assert len(pending) == FAILING
    for review in pending:
        assert review.judged == [] and review.reviewer == "supportqa+llm"
        for key in review.judge_pending:
            result = review.criterion(key)
            assert result is not None and result.scorer is not None
            assert result.scorer.name != "llm"  # the local fallback's rating stands meanwhile
    ref = ScorecardRef(name=pending[0].scorecard.name, version=pending[0].scorecard.version)
    assert _pending_count(workspace / "supportqa.db", ref, "supportqa+llm") == FAILING


def test_llm_only_criteria_that_failed_are_judged_by_the_next_run(
    cli: Runner, workspace: Path, server: OpenAIServer, outage: Outage
) -> None:
    card = workspace / "judged.yaml"
    first, _, _ = _outage_then_recovery(cli, server, outage, "--scorecard", card)
    assert first["criteria_failed"] == FAILING * 3  # no local fallback: recorded failures
    reviews = stored_ai_reviews(workspace / "supportqa.db")
    assert all(r.judged == ["refund_policy", "tone", "ownership"] for r in reviews)
    assert not any(r.judge_pending or r.counts.failed for r in reviews)


def test_low_confidence_kept_local_is_not_pending_only_the_failed_are(
    cli: Runner, workspace: Path, server: OpenAIServer, outage: Outage
) -> None:
    card = low_confidence_card(workspace)
    first, second, _ = _outage_then_recovery(
        cli, server, outage, "--llm-when", "low-confidence", "--scorecard", card
    )
    llm = first["llm"]
    assert llm["sent_conversations"] == llm["judged_fully"] + llm["left_pending"]
    assert llm["left_pending"] == FAILING and llm["kept_local"] > 0
    assert second["scored"] == FAILING and second["llm"]["kept_local"] == 0
    reviews = stored_ai_reviews(workspace / "supportqa.db")
    assert not any(r.judge_pending for r in reviews)
    # kept_local counts conversations, each kept whole (the handover's two reviews, if kept, are one)
    assert len({r.conversation_id for r in reviews if not r.judged}) == llm["kept_local"]


def _latest(out: Path) -> dict[str, dict[str, Any]]:
    """The reviews in OUT as `import` reads them: a later line for the same review_id wins."""
    return {row["review_id"]: row for row in map(orjson.loads, out.read_bytes().splitlines())}


def test_file_mode_appends_the_rejudged_reviews_and_the_later_line_wins(
    cli: Runner, workspace: Path, server: OpenAIServer, outage: Outage, tmp_path: Path
) -> None:
    out = tmp_path / "reviews.jsonl"
    args = (workspace / "conversations.jsonl", "-o", out, "--scorecard", workspace / "judged.yaml")
    first, second, third = _outage_then_recovery(cli, server, outage, *args)
    assert first["scored"] == N and first["llm"]["left_pending"] == FAILING
    assert (second["scored"], second["skipped"], third["skipped"]) == (FAILING, N - FAILING, N)
    lines = out.read_bytes().splitlines()
    assert len(lines) == REVIEWS + FAILING  # each failed conversation had one review to rewrite
    latest = _latest(out)
    assert len(latest) == REVIEWS and not any(r["judge_pending"] for r in latest.values())
    other = tmp_path / "imported.db"
    assert cli("import", out, "--db", other, "--json").code == 0
    assert (
        not any(r.judge_pending for r in stored_ai_reviews(other))
        and len(stored_ai_reviews(other)) == REVIEWS
    )


def test_file_mode_llm_rejudges_reviews_a_local_run_wrote(
    cli: Runner, workspace: Path, server: OpenAIServer, outage: Outage, tmp_path: Path
) -> None:
    """As in the database: a review by another reviewer (local scoring) is not an --llm review."""
    outage.down = False
    out = tmp_path / "reviews.jsonl"
    args = (workspace / "conversations.jsonl", "-o", out, "--scorecard", workspace / "judged.yaml")
    assert cli("score", *args, "--json").json()["scored"] == N
    assert server.request_count == 0
    judged = cli("score", "--llm", *args, "--json").json()
    assert judged["scored"] == N and server.request_count == REVIEWS  # one per participant
    assert all(r["reviewer"] == "supportqa+llm" for r in _latest(out).values())
