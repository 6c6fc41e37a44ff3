"""`score --llm` end to end: the real CLI, a real SQLite database and the real client talking HTTP to
a scripted OpenAI-compatible server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from supportqa.storage import Database, Repository
from supportqa.testing import OpenAIServer, Reply, SimulatedJudge
from tests.cli.conftest import (
    Runner,
    handovers,
    judged_workspace,
    low_confidence_card,
    point_judge_at,
)
from tests.scorers.judge.conftest import JUDGE_CARD

N = 12
HANDOVER = "gen-000010"
"""The one generated conversation (seed 3) that agent A handed to agent B: A and B each get a review
of their own replies, so the judge is asked about each of them in their own view."""
REQUESTS = N + 1
"""With JUDGE_CARD, one request per participant: the N - 1 one-agent conversations and A and B. Its
judged criteria are all about the participant's replies, so the handover's whole conversation is not
asked about at all."""
DEFAULT_REQUESTS = N + 2
"""With the default scorecard, the handover's whole conversation is asked once more, about the
conversation-level criteria B's review carries (resolution, the customer's sentiment and effort):
B's replies are not the whole staff side, so B's view cannot answer for the conversation."""


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIServer]:
    with OpenAIServer(responder=SimulatedJudge()) as running:
        point_judge_at(monkeypatch, running.base_url)
        yield running


@pytest.fixture
def workspace(cli: Runner, tmp_path: Path) -> Path:
    folder = judged_workspace(cli, tmp_path, N, JUDGE_CARD)
    assert handovers(folder) == {HANDOVER: 2}  # what REQUESTS and DEFAULT_REQUESTS count on
    return folder


def _reviews(tmp_path: Path) -> list[dict[str, object]]:
    database = Database.open(f"sqlite:///{tmp_path / 'supportqa.db'}", create=True)
    try:
        return [r.model_dump(mode="json") for r in Repository(database).iter_reviews()]
    finally:
        database.dispose()


def test_score_llm_sends_exactly_one_request_per_participant(
    cli: Runner, workspace: Path, server: OpenAIServer
) -> None:
    result = cli("score", "--llm", "--scorecard", workspace / "judged.yaml", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["scored"] == N and server.request_count == REQUESTS
    # the judge's `conversations` counts what it judged: a participant's view each
    assert data["llm"]["requests"] == REQUESTS and data["llm"]["conversations"] == REQUESTS
    assert data["llm"]["sent_conversations"] == N
    assert data["llm"]["prompt_tokens"] > 0
    for review in _reviews(workspace):
        by_key = {c["key"]: c for c in review["criteria"]}
        assert by_key["greeting"]["scorer"]["name"] == "greeting"  # rules stay with the rules
        for key in ("refund_policy", "tone", "ownership"):
            assert by_key[key]["scorer"]["name"] == "llm"
        assert review["reviewer"] == "supportqa+llm"


def test_a_second_run_makes_no_request_and_a_fresh_database_hits_the_cache(
    cli: Runner, workspace: Path, server: OpenAIServer, tmp_path: Path
) -> None:
    card = workspace / "judged.yaml"
    assert cli("score", "--llm", "--scorecard", card, "--json").code == 0
    again = cli("score", "--llm", "--scorecard", card, "--json").json()
    assert again["scored"] == 0 and server.request_count == REQUESTS
    other = tmp_path / "other.db"
    assert cli("init", "--db", other).code == 0  # `score` creates no database
    fresh = cli(
        "score", "--llm", "--scorecard", card, "--db", other, "--json"
    )  # empty database: nothing to score
    assert fresh.json()["scored"] == 0
    (workspace / "supportqa.db").rename(other)
    from_cache = cli("score", "--scorecard", card, "--db", other, "--json")
    assert from_cache.code == 0


def test_a_stopped_run_resumes_without_paying_twice(
    cli: Runner, workspace: Path, server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = workspace / "judged.yaml"
    # The first run dies after its first batch of 5 is judged but before it is written.
    import supportqa.storage.repository as repository

    real = repository.Repository.upsert_reviews
    calls = {"n": 0}

    def crash_once(self: repository.Repository, items: object, **kw: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(self, items, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(repository.Repository, "upsert_reviews", crash_once)
    crashed = cli("score", "--llm", "--scorecard", card, "--batch-size", "5", "--json")
    assert crashed.code == 130
    # two batches judged, one written: 5 one-agent conversations, then 4 and the handover's A and B
    assert server.request_count == 5 + 6
    monkeypatch.setattr(repository.Repository, "upsert_reviews", real)
    resumed = cli("score", "--llm", "--scorecard", card, "--batch-size", "5", "--json").json()
    assert resumed["scored"] == N - 5
    assert resumed["llm"]["cache_hits"] == 6  # the judged-but-unwritten batch came from the cache
    assert server.request_count == REQUESTS  # every participant paid for exactly once


def test_without_llm_nothing_is_sent_and_llm_criteria_stay_unrated(
    cli: Runner, workspace: Path, server: OpenAIServer
) -> None:
    result = cli("score", "--scorecard", workspace / "judged.yaml", "--json")
    assert result.code == 0 and server.request_count == 0
    review = _reviews(workspace)[0]
    statuses = {c["key"]: c["status"] for c in review["criteria"]}
    assert statuses["tone"] == "unrated" and statuses["greeting"] in ("rated", "na")


def test_dry_run_prints_the_request_and_sends_nothing(
    cli: Runner, workspace: Path, server: OpenAIServer
) -> None:
    result = cli(
        "score",
        "--llm",
        "--dry-run",
        "--limit",
        "2",
        "--scorecard",
        workspace / "judged.yaml",
        "--json",
    )
    assert result.code == 0, result.err
    requests = result.json()["requests"]
    assert len(requests) == 2 and server.request_count == 0
    body = requests[0]["body"]
    assert body["model"] == "scripted-model"
    assert body["response_format"]["json_schema"]["name"] == "qa_ratings"
    assert "[0] customer:" in body["messages"][1]["content"]
    assert _reviews(workspace) == []


@pytest.mark.parametrize("default", [False, True], ids=["judged-card", "default-card"])
def test_the_dry_run_shows_each_request_the_run_then_sends(
    cli: Runner, workspace: Path, server: OpenAIServer, default: bool
) -> None:
    card = () if default else ("--scorecard", workspace / "judged.yaml")
    dry = cli("score", "--llm", "--dry-run", "--limit", "100", *card, "--json")
    assert dry.code == 0, dry.err
    shown = dry.json()["requests"]
    assert len(shown) == (DEFAULT_REQUESTS if default else REQUESTS)
    handover = [r for r in shown if r["conversation"] == f"synthetic/{HANDOVER}"]
    own = [r for r in handover if r["reviewee"] is not None]
    assert len(own) == 2 and own[0]["reviewee"] != own[1]["reviewee"]  # A's view, then B's
    for request in own:  # each view labels the other agent's replies as theirs
        assert "other agent:" in request["body"]["messages"][1]["content"]
    whole = [r["criteria"] for r in handover if r["reviewee"] is None]
    assert whole == ([["resolution", "customer_sentiment", "effort"]] if default else [])
    assert server.request_count == 0
    result = cli("score", "--llm", *card, "--json")
    assert result.code == 0, result.err
    assert server.request_count == len(shown)  # what was shown is what was sent


def test_a_rejected_key_stops_the_run_with_one_clear_line(
    cli: Runner, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with OpenAIServer(responder=SimulatedJudge(), api_key="secret") as locked:
        monkeypatch.setenv("SUPPORTQA_LLM_BASE_URL", locked.base_url)
        monkeypatch.setenv("SUPPORTQA_LLM_MODEL", "m")
        monkeypatch.setenv("SUPPORTQA_LLM_API_KEY", "wrong")
        result = cli("score", "--llm", "--scorecard", workspace / "judged.yaml")
        assert locked.request_count <= 8  # at most the requests already in flight
    assert result.code == 1 and "SUPPORTQA_LLM_API_KEY" in result.err


def test_no_model_configured_is_a_clear_error(cli: Runner, workspace: Path) -> None:
    result = cli("score", "--llm", "--scorecard", workspace / "judged.yaml")
    assert result.code == 1 and "SUPPORTQA_LLM_MODEL" in result.err


def test_low_confidence_policy_sends_only_uncertain_conversations(
    cli: Runner, workspace: Path, server: OpenAIServer
) -> None:
    """On the default scorecard the model criteria carry a confidence; only low ones are sent."""
    card = low_confidence_card(workspace)
    result = cli("score", "--llm", "--llm-when", "low-confidence", "--scorecard", card, "--json")
    assert result.code == 0, result.err
    data = result.json()["llm"]
    assert data["sent_conversations"] + data["kept_local"] == N
    assert 0 < data["sent_conversations"] < N
    judged = [
        r
        for r in _reviews(workspace)
        if any(c["scorer"] and c["scorer"]["name"] == "llm" for c in r["criteria"])
    ]
    sent = {r["conversation_id"] for r in judged}
    assert len(sent) == data["sent_conversations"]
    # a conversation is sent whole: a request per participant's review, and for the handover one
    # more about the whole conversation (resolution, sentiment, effort on B's review)
    assert server.request_count == len(judged) + (HANDOVER in sent)


def test_default_scorecard_hybrid_policy_judges_model_criteria_only(
    cli: Runner, workspace: Path, server: OpenAIServer
) -> None:
    assert cli("score", "--llm", "--json").code == 0
    schema = server.requests[0].response_format_schema
    assert schema is not None
    judged = set(schema["properties"]["criteria"]["properties"])
    assert {"resolution", "empathy", "tone"} <= judged
    assert not judged & {"greeting", "pii_exposure", "responsiveness", "forbidden_phrases"}
    assert server.request_count == DEFAULT_REQUESTS


def test_tokens_and_cost_are_accounted_from_the_servers_usage(
    cli: Runner, workspace: Path, server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORTQA_LLM_PRICE_INPUT_PER_MTOK", "2.5")
    monkeypatch.setenv("SUPPORTQA_LLM_PRICE_OUTPUT_PER_MTOK", "10")
    data = cli("score", "--llm", "--scorecard", workspace / "judged.yaml", "--json").json()["llm"]
    from supportqa.testing import approx_tokens

    completions = sum(
        approx_tokens(json.dumps(SimulatedJudge().answer(r))) for r in server.requests
    )
    assert data["completion_tokens"] == completions
    expected = (data["prompt_tokens"] * 2.5 + data["completion_tokens"] * 10) / 1e6
    assert data["cost"] == pytest.approx(expected, abs=1e-6) and data["priced"]


def test_judge_probe_command_reports_flip_rates(
    cli: Runner, workspace: Path, server: OpenAIServer
) -> None:
    result = cli(
        "judge", "probe", "--sample", "6", "--scorecard", workspace / "judged.yaml", "--json"
    )
    assert result.code == 0, result.err
    data = result.json()
    assert data["conversations"] == 6 and data["with_any_flip"] == 0
    assert {row["criterion"] for row in data["criteria"]} == {"refund_policy", "tone", "ownership"}
    assert server.request_count <= 12  # each sampled conversation and its twin, at most


def test_judge_check_command(cli: Runner, workspace: Path, server: OpenAIServer) -> None:
    result = cli("judge", "check", "--scorecard", workspace / "judged.yaml", "--json")
    assert result.code == 0, result.err
    assert result.json()["ok"] and server.request_count == 1
    server.script(Reply.text("no"), Reply.text("still no"))
    failed = cli("judge", "check", "--scorecard", workspace / "judged.yaml", "--json")
    assert failed.code == 1 and not failed.json()["ok"]


def test_a_dropped_connection_is_retried(
    cli: Runner, workspace: Path, server: OpenAIServer
) -> None:
    server.script(Reply.drop())
    data = cli("score", "--llm", "--scorecard", workspace / "judged.yaml", "--json").json()
    assert data["llm"]["retries"] == 1 and data["llm"]["failed_conversations"] == 0
    assert server.request_count == REQUESTS + 1  # the dropped one was sent again


def test_json_object_mode_for_servers_without_structured_outputs(
    cli: Runner, workspace: Path, server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORTQA_LLM_RESPONSE_FORMAT", "json_object")
    data = cli("score", "--llm", "--scorecard", workspace / "judged.yaml", "--json").json()
    assert server.requests[0].body["response_format"] == {"type": "json_object"}
    assert data["llm"]["failed_conversations"] == 0
