"""Simulated human reviews: valid ratings lines, N/A where the truth says so, habits that show."""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

import pytest

from supportqa.domain.review import RatingsLine
from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import InputError
from supportqa.synthetic import REVIEWER_HABITS, generate_conversations, simulate_reviews
from supportqa.synthetic.reviewers import true_ratings

Record = dict[str, Any]
MULTI_POINT = ("resolution", "tone", "clarity", "spelling_grammar", "responsiveness", "empathy")
BORDERLINE_BINARIES = ("greeting", "closing", "solution_offered", "required_disclosure")


@pytest.fixture(scope="module")
def conversations() -> list[Record]:
    return list(generate_conversations(2500, 21))


@pytest.fixture(scope="module")
def by_id(conversations: list[Record]) -> dict[str, Record]:
    return {c["id"]: c for c in conversations}


@pytest.fixture(scope="module")
def reviews(conversations: list[Record]) -> list[Record]:
    return list(simulate_reviews(conversations, 4, share=1.0))


def test_same_seed_yields_identical_reviews(conversations: list[Record]) -> None:
    first = list(simulate_reviews(conversations[:600], 9))
    assert first == list(simulate_reviews(conversations[:600], 9))
    assert first != list(simulate_reviews(conversations[:600], 10))


def test_sampling_is_decided_per_conversation(conversations: list[Record]) -> None:
    everything = list(simulate_reviews(conversations, 9, share=0.1))
    subset = conversations[::2]
    ids = {c["id"] for c in subset}
    assert [r for r in everything if r["conversation_id"] in ids] == list(
        simulate_reviews(subset, 9, share=0.1)
    )


def test_share_sets_the_sample_size(conversations: list[Record]) -> None:
    lines = list(simulate_reviews(conversations, 2))
    sampled = {r["conversation_id"] for r in lines}
    assert len(sampled) == pytest.approx(0.05 * len(conversations), rel=0.3)
    assert list(simulate_reviews(conversations, 2, share=0.0)) == []


def test_every_line_is_a_valid_ratings_line_on_scale(reviews: list[Record]) -> None:
    card = default_scorecard()
    scales = {c.key: c.scale for c in card.criteria}
    for line in reviews:
        parsed = RatingsLine.model_validate(line)
        assert parsed.source == "synthetic" and parsed.reviewer in REVIEWER_HABITS
        # People rate the agent's work; customer sentiment and effort (weight 0) are CX inputs only.
        assert set(parsed.ratings) == {c.key for c in card.criteria if c.weight > 0}
        for key, rating in parsed.ratings.items():
            assert rating is None or (scales[key].contains(rating) and rating == int(rating))


def test_not_applicable_follows_the_truth(reviews: list[Record], by_id: dict[str, Record]) -> None:
    for line in reviews:
        conversation = by_id[line["conversation_id"]]
        truth, ratings = conversation["metadata"]["truth"], line["ratings"]
        assert (ratings["closing"] is None) == truth["customer_left"]
        assert (ratings["empathy"] is None) == (not truth["customer_distress"])
        assert (ratings["required_disclosure"] is None) == (conversation["channel"] != "voice")
        assert (ratings["solution_offered"] is None) == truth["no_problem"]
        assert ratings["responsiveness"] is not None


def test_the_reviewee_is_the_last_agent_who_replied(
    reviews: list[Record], by_id: dict[str, Record]
) -> None:
    for line in reviews[:500]:
        conversation = by_id[line["conversation_id"]]
        assert line["agent"] == conversation["agent"]["id"]
        assert line["team"] == conversation["agent"]["team"]
        assert line["conversation_created_at"] == conversation["created_at"]
        assert line["reviewed_at"] > conversation["created_at"]


def test_calibration_sessions_have_all_three_reviewers(reviews: list[Record]) -> None:
    sessions: dict[tuple[str, str], set[str]] = defaultdict(set)
    for line in reviews:
        if "session_id" in line:
            assert line["session_id"].startswith("cal-2026-W")
            sessions[(line["session_id"], line["conversation_id"])].add(line["reviewer"])
    assert sessions
    assert all(members == set(REVIEWER_HABITS) for members in sessions.values())
    sampled = {line["conversation_id"] for line in reviews}
    assert len(sessions) / len(sampled) == pytest.approx(0.2, abs=0.04)


def test_reviewer_habits_show_in_their_means(reviews: list[Record]) -> None:
    ratings: dict[tuple[str, str], list[float]] = defaultdict(list)
    for line in reviews:
        for key in MULTI_POINT:
            if line["ratings"][key] is not None:
                ratings[(line["reviewer"], key)].append(line["ratings"][key])
    for key in MULTI_POINT:
        harsh, true, lenient = (
            statistics.mean(ratings[(r, key)]) for r in ("rev-harsh", "rev-true", "rev-lenient")
        )
        assert harsh < true < lenient, key
        assert true - harsh > 0.3


def test_harsh_fails_borderline_binaries_and_lenient_forgives_misses(
    reviews: list[Record], by_id: dict[str, Record]
) -> None:
    failed_borderline: dict[str, list[bool]] = defaultdict(list)
    passed_misses: dict[str, list[bool]] = defaultdict(list)
    for line in reviews:
        truth = by_id[line["conversation_id"]]["metadata"]["truth"]
        expected = true_ratings(truth)
        for key in BORDERLINE_BINARIES:
            rating = line["ratings"][key]
            if key in truth["borderline"] and expected[key] == 1:
                failed_borderline[line["reviewer"]].append(rating == 0)
            elif expected[key] == 0:
                passed_misses[line["reviewer"]].append(rating == 1)

    def rate(values: list[bool]) -> float:
        return sum(values) / len(values)

    assert rate(failed_borderline["rev-harsh"]) > 0.6
    assert rate(failed_borderline["rev-lenient"]) == 0
    assert rate(passed_misses["rev-lenient"]) > 0.3 > rate(passed_misses["rev-true"])


def test_everyone_fails_critical_breaches(reviews: list[Record], by_id: dict[str, Record]) -> None:
    verdicts: dict[str, list[float]] = defaultdict(list)
    for line in reviews:
        truth = by_id[line["conversation_id"]]["metadata"]["truth"]
        if truth["pii_exposed"]:
            verdicts[line["reviewer"]].append(line["ratings"]["pii_exposure"])
        if truth["rude"]:
            verdicts[line["reviewer"]].append(line["ratings"]["forbidden_phrases"])
    for reviewer in REVIEWER_HABITS:
        assert statistics.mean(verdicts[reviewer]) < 0.15, reviewer


def test_true_reviewer_mostly_agrees_with_the_truth(
    reviews: list[Record], by_id: dict[str, Record]
) -> None:
    agree = []
    for line in reviews:
        if line["reviewer"] != "rev-true":
            continue
        expected = true_ratings(by_id[line["conversation_id"]]["metadata"]["truth"])
        agree.extend(line["ratings"][k] == expected[k] for k in expected)
    assert sum(agree) / len(agree) > 0.85


def test_habits_are_documented() -> None:
    names = {key: habit.name for key, habit in REVIEWER_HABITS.items()}
    assert names == {
        "rev-harsh": "Hana Harsh",
        "rev-lenient": "Leo Lenient",
        "rev-true": "Tara True",
    }
    assert all(habit.description for habit in REVIEWER_HABITS.values())


def test_missing_truth_or_bad_share_raise_input_error() -> None:
    plain = {"id": "x1", "source": "jsonl", "messages": []}
    with pytest.raises(InputError, match="x1"):
        list(simulate_reviews([plain], 1, share=1.0))
    with pytest.raises(InputError, match="share"):
        simulate_reviews([], 1, share=1.5)
