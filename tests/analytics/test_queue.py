"""The review queue: each rule picks exactly what it should, quotas hold, nothing is handed out twice."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from supportqa.analytics.assignments import Assignment
from supportqa.analytics.frame import Frames
from supportqa.analytics.queue import QueueRules, Quotas, build_queue
from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine
from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import InputError, StorageError
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.profiles import rules_only
from supportqa.scoring.ratings import review_from_ratings
from supportqa.storage import Database, Repository
from supportqa.storage.assignments import load_assignments, save_assignments
from supportqa.storage.frames import load_frames
from supportqa.synthetic import generate_conversations, simulate_reviews

W = "2026-W47"


def _ai(pk: int, conv: str, agent: str, iqs: float | None, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "review_pk": pk,
        "review_id": f"ai-{pk}",
        "kind": "ai",
        "source": "t",
        "conversation_id": conv,
        "reviewer": "supportqa",
        "agent": agent,
        "agent_name": agent.upper(),
        "team": "T",
        "channel": "chat",
        "week": W,
        "iqs": iqs,
        "critical_failed": False,
        "cx_score": 4,
        "cx_flagged": False,
        "min_confidence": 0.9,
    }
    return row | extra


def _human(pk: int, conv: str, agent: str, iqs: float, reviewer: str) -> dict[str, Any]:
    return _ai(pk, conv, agent, iqs, kind="human", reviewer=reviewer, review_id=f"h-{pk}")


def hand_built() -> Frames:
    """Agents a1..a3 in week W47 (and one W46 row) with one trigger per conversation."""
    rows = [
        _ai(1, "c1", "a1", 0.0, critical_failed=True),
        _ai(2, "c2", "a1", 80.0, cx_flagged=True, cx_score=2),
        _ai(3, "c3", "a1", 85.0, min_confidence=0.3),
        _ai(4, "c4", "a2", 90.0),
        _ai(5, "c5", "a2", 70.0, cx_flagged=True, cx_score=3),
        _ai(6, "c6", "a2", 88.0),
        _ai(7, "c7", "a3", 95.0),
        _ai(8, "c8", "a3", 90.0),
        _ai(9, "c9", "a3", 40.0),
        _ai(10, "c10", "a3", 10.0, cx_flagged=True, critical_failed=True, week="2026-W46"),
        _human(11, "c4", "a2", 50.0, "h1"),
        _human(12, "c5", "a2", 65.0, "h2"),
    ]
    criteria = [
        {"review_pk": 1, "key": "pii", "status": "rated", "score_pct": 0.0, "critical": True},
        {"review_pk": 1, "key": "tone", "status": "rated", "score_pct": 100.0, "critical": False},
        {
            "review_pk": 6,
            "key": "empathy",
            "status": "unrated",
            "score_pct": None,
            "critical": False,
        },
        {"review_pk": 7, "key": "tone", "status": "rated", "score_pct": 100.0, "critical": False},
        {
            "review_pk": 8,
            "key": "empathy",
            "status": "unsure",
            "score_pct": None,
            "critical": False,
        },
    ]
    return Frames(pl.DataFrame(rows), pl.DataFrame(criteria))


EXPECTED = {
    "critical": {"c1"},
    "cx": {"c2"},  # c5 is flagged too but a person reviewed it already; c10 is another week
    "low_confidence": {"c3"},
    "disagreement": {"c4"},  # |90 − 50| = 40 > 20; c5's |70 − 65| = 5 is not
    "unsure": {"c8"},  # the AI abstained on empathy
    "human_only": {"c6"},
    "outlier": {"c1", "c9"},  # a1: 0 < mean 55; a3: 40 < mean 75; a2's lowest (c5) was reviewed
}


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_each_rule_picks_exactly_its_conversations(rule: str) -> None:
    report = build_queue(
        hand_built(), QueueRules(rules=(rule,), calibration_sample=0), Quotas(per_agent=10)
    )
    assert report.week == W
    assert {i.conversation_id for i in report.items} == EXPECTED[rule]
    assert all(i.rules == (rule,) for i in report.items)


def test_reviewed_conversations_are_skipped_except_for_second_review_rules() -> None:
    report = build_queue(hand_built(), QueueRules(calibration_sample=0), Quotas(per_agent=10))
    by_id = {i.conversation_id: i for i in report.items}
    assert "c5" not in by_id and report.skipped_reviewed == 1
    assert by_id["c4"].second_review and by_id["c4"].reviewed_by == ["h1"]
    assert by_id["c1"].rules == ("critical", "outlier")


def test_priority_then_per_agent_quota() -> None:
    report = build_queue(hand_built(), QueueRules(calibration_sample=0), Quotas(per_agent=1))
    # a3's best is c8 (unsure ranks above outlier)
    assert [i.conversation_id for i in report.items] == ["c1", "c4", "c8"]
    assert report.over_quota == 4  # c2 and c3 of a1, c6 of a2, c9 of a3


def test_calibration_sample_is_seeded_and_may_be_a_second_review() -> None:
    rules = QueueRules(rules=("calibration",), calibration_sample=4)
    first = build_queue(hand_built(), rules, Quotas(per_agent=10), seed=3)
    again = build_queue(hand_built(), rules, Quotas(per_agent=10), seed=3)
    ids = [i.conversation_id for i in first.items]
    assert ids == [i.conversation_id for i in again.items] and len(set(ids)) == 4
    assert set(ids) <= {f"c{n}" for n in range(1, 10)}
    for item in first.items:
        assert item.second_review == (item.conversation_id in ("c4", "c5"))


def test_reviewers_never_get_their_own_or_already_reviewed_conversations() -> None:
    rules = QueueRules(calibration_sample=0)
    report = build_queue(hand_built(), rules, Quotas(per_agent=10), reviewers=["A1", "h1"])
    by_id = {i.conversation_id: i.reviewer for i in report.items}
    assert by_id["c1"] == by_id["c2"] == by_id["c3"] == "h1"  # agent a1 (matched on id, any case)
    assert by_id["c4"] == "A1"  # h1 reviewed c4 before


def test_balanced_and_round_robin_spread_the_load() -> None:
    rules = QueueRules(calibration_sample=0)
    for mode in ("balanced", "round-robin"):
        report = build_queue(
            hand_built(), rules, Quotas(per_agent=10), reviewers=["x", "y"], mode=mode
        )
        loads = Counter(i.reviewer for i in report.items)
        assert abs(loads["x"] - loads["y"]) <= 1 and None not in loads


def test_unknown_rule_week_and_mode_are_input_errors() -> None:
    with pytest.raises(InputError, match="unknown queue rule"):
        QueueRules(rules=("vibes",))
    with pytest.raises(InputError, match="no AI reviews in week 2020-W01"):
        build_queue(hand_built(), week="2020-W01")
    with pytest.raises(InputError, match="assignment mode"):
        build_queue(hand_built(), mode="random")


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    database = Database.open(tmp_path / "qa.db", create=True)
    repository = Repository(database)
    raw = list(generate_conversations(240, 5, weeks=2))
    conversations = [Conversation.model_validate(r) for r in raw]
    repository.upsert_conversations(conversations)
    card = rules_only(default_scorecard())
    repository.save_scorecard(card)
    repository.upsert_reviews(ScoringEngine(card).score(conversations))
    lines = [RatingsLine.model_validate(line) for line in simulate_reviews(raw, 2, share=0.2)]
    people = default_scorecard()
    repository.upsert_reviews(review_from_ratings(line, people) for line in lines)
    return repository


def test_quotas_hold_and_no_conversation_twice_on_real_reviews(repo: Repository) -> None:
    frames = load_frames(repo)
    report = build_queue(frames, quotas=Quotas(2))
    keys = [i.key for i in report.items]
    assert len(keys) == len(set(keys)) > 0
    assert max(Counter(i.agent for i in report.items).values()) <= 2
    humans = frames.reviews.filter(pl.col("kind") == "human")
    reviewed = set(zip(humans["source"], humans["conversation_id"], strict=True))
    for item in report.items:
        if item.key in reviewed:
            assert set(item.rules) <= {"disagreement", "calibration"}


def test_a_second_assigned_run_hands_out_nothing_already_assigned(repo: Repository) -> None:
    frames = load_frames(repo)
    first = build_queue(frames, quotas=Quotas(2), reviewers=["r1", "r2"], seed=1)
    assert save_assignments(repo, [i.assignment() for i in first.items]) == len(first.items)
    stored = load_assignments(repo)
    assert {a.key for a in stored} == {i.key for i in first.items}
    second = build_queue(frames, quotas=Quotas(4), reviewers=["r1", "r2"], seed=2, previous=stored)
    assert not {i.key for i in second.items} & {a.key for a in stored}
    assert second.skipped_assigned > 0
    per_agent = Counter(a.agent for a in stored) + Counter(i.agent for i in second.items)
    assert max(per_agent.values()) <= 4  # earlier assignments count towards the weekly quota


def test_saving_a_conversation_twice_is_refused(repo: Repository) -> None:
    one = Assignment("synthetic", "gen-000001", W, "a", "r1", ("cx",))
    save_assignments(repo, [one])
    with pytest.raises(StorageError, match="already assigned"):
        save_assignments(repo, [one])
    assert len(load_assignments(repo)) == 1
