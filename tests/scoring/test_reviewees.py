"""One AI review per reviewee: a conversation handed from a bot to agent A to agent B is judged three
times, each participant on their own replies; conversation-level criteria and the CX once, on B's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine, ReviewKind, ScorecardRef
from supportqa.domain.score import Status
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.engine import ScoringEngine, ai_review_id
from supportqa.scoring.iqs import build_review
from supportqa.scoring.ratings import review_from_ratings
from supportqa.services.scoring import score_database, score_file
from supportqa.signals.analysis import Analysis
from supportqa.storage import Repository

CARD = default_scorecard()
REF = ScorecardRef(name=CARD.name, version=CARD.version)
CONVERSATION_LEVEL = ("resolution", "closing", "customer_sentiment", "effort")


def _message(role: str, author: str | None, text: str, minute: int) -> dict[str, Any]:
    message: dict[str, Any] = {"role": role, "text": text, "at": f"2024-01-01T10:{minute:02d}:00Z"}
    if author is not None:
        message["author"] = {"id": author, "name": author.title()}
    return message


def handed_on(id: str = "h1", *, last: str = "b") -> Conversation:
    """Bot → agent A → agent B (or another last agent), on chat, ending resolved and thanked."""
    return Conversation.model_validate(
        {
            "id": id,
            "source": "zendesk",
            "channel": "chat",
            "agent": {"id": last, "team": "Tech"},
            "messages": [
                _message("customer", None, "My router keeps dropping the connection.", 0),
                _message("bot", "helpbot", "Hello! Let me pass this on to an agent.", 1),
                _message("agent", "a", "Hi, I'm A. Which device are you using?", 3),
                _message("customer", None, "A Fritzbox 7590.", 4),
                _message("agent", "a", "I will transfer you to our technical team.", 5),
                _message(
                    "agent", last, "Hello, please restart your router and update its firmware.", 8
                ),
                _message("customer", None, "That fixed it, thank you!", 12),
                _message("agent", last, "Is there anything else I can help you with? Bye!", 13),
            ],
        }
    )


def one_agent() -> Conversation:
    return Conversation.model_validate(
        {
            "id": "solo",
            "agent": {"id": "a", "name": "Ann", "team": "Billing"},
            "messages": [
                _message("customer", None, "I was charged twice for my order.", 0),
                _message("agent", "a", "Hello, I'm sorry about that. I have refunded you.", 2),
                _message("customer", None, "Thanks!", 5),
                _message("agent", "a", "Have a nice day!", 6),
            ],
        }
    )


def test_bot_then_agent_a_then_agent_b_gives_three_reviews_and_one_cx() -> None:
    conversation = handed_on()
    reviews = ScoringEngine(CARD).score([conversation])
    assert [(r.reviewee.id, r.reviewee.is_bot, r.holder) for r in reviews] == [
        ("helpbot", True, False),
        ("a", False, False),
        ("b", False, True),
    ]
    assert len({r.review_id for r in reviews}) == 3
    assert [r.cx is not None for r in reviews] == [False, False, True]
    bot, a, b = reviews
    for review in (bot, a):
        for key in CONVERSATION_LEVEL:
            result = review.criterion(key)
            assert result is not None and result.status is Status.NA
            assert "held the conversation at the end" in result.explanation
    for key in ("resolution", "closing"):
        result = b.criterion(key)
        assert result is not None and result.status is Status.RATED
    own = {"helpbot": {1}, "a": {2, 4}, "b": {5, 7}}
    for review in reviews:
        greeting = review.criterion("greeting")
        assert greeting is not None and greeting.status is Status.RATED
        # each participant's greeting is read in their own first reply
        assert {e.message_index for e in greeting.evidence} <= own[review.reviewee.id or ""]
    assert b.review_id == ai_review_id(conversation, CARD)  # the conversation's id, as before


def test_participant_evidence_points_into_the_full_transcript() -> None:
    conversation = handed_on()
    for review in ScoringEngine(CARD).score([conversation]):
        for result in review.criteria:
            for evidence in result.evidence:
                if evidence.quote:
                    text = conversation.messages[evidence.message_index or 0].text
                    assert evidence.quote in text


def _whole_review(conversation: Conversation) -> dict[str, Any]:
    """The review as it was before one review per reviewee: every criterion on the whole
    conversation, judging `conversation.reviewee()`."""
    engine = ScoringEngine(CARD)
    scores = engine.score_analyses([Analysis(conversation, engine.detectors)])[0]
    review = build_review(
        review_id=ai_review_id(conversation, CARD),
        kind=ReviewKind.AI,
        conversation=conversation,
        scorecard=CARD,
        scores=scores,
        reviewer="supportqa",
        reviewed_at=None,
    )
    return review.model_dump(include={"review_id", "reviewee", "iqs", "criteria", "counts"})


def test_a_one_agent_conversation_gets_the_review_it_always_got() -> None:
    conversation = one_agent()
    reviews = ScoringEngine(CARD).score([conversation])
    assert len(reviews) == 1 and reviews[0].holder and reviews[0].cx is not None
    got = reviews[0].model_dump(include={"review_id", "reviewee", "iqs", "criteria", "counts"})
    assert got == _whole_review(conversation)


def test_the_agent_after_a_bot_gets_the_review_it_always_got() -> None:
    conversation = handed_on().model_copy(deep=True)
    for message in conversation.messages:  # one agent: A's replies are B's
        if message.author is not None and message.author.id == "a":
            message.author.id = "b"
    reviews = ScoringEngine(CARD).score([conversation])
    assert [r.reviewee.id for r in reviews] == ["helpbot", "b"]
    got = reviews[1].model_dump(include={"review_id", "reviewee", "iqs", "criteria", "counts"})
    assert got == _whole_review(conversation)


def test_rescoring_a_changed_conversation_replaces_all_its_reviews(repo: Repository) -> None:
    repo.upsert_conversations([handed_on(last="b")])
    score_database(repo, CARD)
    assert sorted(r.reviewee.id or "" for r in repo.reviews_of("h1")) == ["a", "b", "helpbot"]
    repo.upsert_conversations([handed_on(last="c")])  # agent C, not B, took it over
    report = score_database(repo, CARD)
    assert (report.scored, report.reviews) == (1, 3)
    stored = repo.reviews_of("h1", kind="ai")
    assert sorted(r.reviewee.id or "" for r in stored) == ["a", "c", "helpbot"]
    assert repo.count_unscored(REF) == 0
    version = repo.current_version("zendesk", "h1")
    assert {r.conversation_version for r in stored} == {version}
    assert sum(r.cx is not None for r in stored) == 1


def test_a_human_review_naming_no_one_judges_the_last_agent(repo: Repository) -> None:
    repo.upsert_conversations([handed_on()])
    line = RatingsLine(conversation_id="h1", source="zendesk", reviewer="tara", ratings={"tone": 3})
    named = line.model_copy(update={"agent": "a"})
    repo.upsert_reviews([review_from_ratings(line, CARD), review_from_ratings(named, CARD)])
    humans = repo.reviews_of("h1", kind="human")
    assert sorted(r.reviewee.id or "" for r in humans) == ["a", "b"]  # two reviews, none lost
    by_agent = {
        row.group["agent"]: row
        for row in repo.iqs_by(["agent"], kind="human", scorecard_name=CARD.name)
    }
    assert set(by_agent) == {"a", "b"}


def test_a_resumed_file_run_writes_each_conversation_s_reviews_once(tmp_path: Path) -> None:
    source, out, full = tmp_path / "c.jsonl", tmp_path / "r.jsonl", tmp_path / "full.jsonl"
    source.write_bytes(
        b"".join(orjson.dumps(handed_on(f"h{i}").model_dump(mode="json")) + b"\n" for i in range(4))
    )
    score_file(source, full, CARD)
    lines = full.read_bytes().splitlines(keepends=True)
    assert len(lines) == 12
    # killed after the first conversation's three lines and the second's bot review, mid-A's
    out.write_bytes(b"".join(lines[:4]) + lines[4][:30])
    report = score_file(source, out, CARD)
    assert (report.skipped, report.scored, report.reviews) == (1, 3, 9)
    written = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    latest = {r["review_id"]: r for r in written}
    assert set(latest) == {orjson.loads(line)["review_id"] for line in lines}
    assert sum(r["cx"] is not None for r in latest.values()) == 4
