"""Scorecard fields for the LLM judge: rating levels in words and the `llm:` section."""

from __future__ import annotations

import copy

import pytest

from supportqa.domain.scorecard import scorecard_from_dict
from supportqa.errors import ConfigError
from supportqa.scorers.judge.policy import judged_criteria, with_llm
from supportqa.scorers.judge.rubric import Rubric, default_levels, scale_points
from tests.scorers.judge.conftest import JUDGE_CARD


def test_levels_and_llm_section_round_trip_through_to_dict() -> None:
    raw = copy.deepcopy(JUDGE_CARD)
    raw["llm"] = {"model": "qwen2.5:7b", "criteria": ["tone"], "confidence_below": 0.5}
    card = scorecard_from_dict(raw)
    again = scorecard_from_dict(card.to_dict())
    assert again == card and again.criterion("refund_policy").levels == {
        0: "broke the policy",
        1: "followed it",
    }
    # the named criterion plus every LLM-only one: still one request per conversation
    assert [c.key for c in judged_criteria(card)] == ["refund_policy", "tone", "ownership"]


def test_levels_off_the_scale_are_refused() -> None:
    raw = copy.deepcopy(JUDGE_CARD)
    raw["criteria"][1]["levels"] = {0: "no", 1: "yes", 2: "more"}
    with pytest.raises(ConfigError, match="outside the scale"):
        scorecard_from_dict(raw)


def test_llm_criteria_must_exist() -> None:
    raw = copy.deepcopy(JUDGE_CARD)
    raw["llm"] = {"criteria": ["nope"]}
    with pytest.raises(ConfigError, match="nope"):
        scorecard_from_dict(raw)


def test_llm_section_rejects_unknown_fields() -> None:
    raw = copy.deepcopy(JUDGE_CARD)
    raw["llm"] = {"temperature": 1}
    with pytest.raises(ConfigError, match="llm"):
        scorecard_from_dict(raw)


def test_with_llm_puts_the_judge_first_and_keeps_local_fallbacks() -> None:
    from supportqa.domain.scorecard import default_scorecard

    card = default_scorecard()
    judged = with_llm(card, "m")
    resolution = judged.criterion("resolution")
    assert [s.name for s in resolution.scorers][:2] == ["llm", "resolution"]
    assert [s.name for s in judged.criterion("greeting").scorers] == ["greeting"]
    assert judged.without_scorer("llm") == card


def test_scale_points_and_default_levels() -> None:
    card = scorecard_from_dict(JUDGE_CARD)
    assert scale_points(card.criterion("tone").scale) == [1, 2, 3, 4, 5]
    assert default_levels(card.criterion("ownership").scale) == {
        1: "poor",
        2: "acceptable",
        3: "good",
    }
    rubric = Rubric.of(judged_criteria(card))
    assert "0 = broke the policy; 1 = followed it" in rubric.as_text()
    assert "N/A (rating null)" in rubric.item("refund_policy").as_text()
    assert rubric.digest() != Rubric.of(judged_criteria(card)[:1]).digest()
