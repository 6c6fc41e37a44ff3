"""Checking a judge's answer: JSON shape, scale, and quotes grounded in the transcript."""

from __future__ import annotations

import json

import pytest

from supportqa.domain.score import Status
from supportqa.domain.scorecard import Scorecard
from supportqa.scorers.judge.answer import (
    MalformedAnswer,
    Messages,
    find_span,
    ground,
    load_json,
    parse_answer,
)
from supportqa.scorers.judge.policy import judged_criteria
from supportqa.scorers.judge.rubric import Rubric

SENT = ["Where is my   parcel?", "Hi [NAME_1], it\u2019s on its way and arrives Friday."]
ORIGINAL = ["Where is my   parcel?", "Hi Maria, it\u2019s on its way and arrives Friday."]
MESSAGES = Messages(SENT, ORIGINAL, lambda text, within=None: text.replace("[NAME_1]", "Maria"))


def entry(rating: object, quote: str = "arrives Friday", message: int = 1) -> dict[str, object]:
    return {
        "rating": rating,
        "confidence": 0.9,
        "reason": "ok",
        "evidence": [{"message": message, "quote": quote}],
    }


def answer(**entries: object) -> str:
    return json.dumps({"criteria": entries})


def test_find_span_forgives_whitespace_case_and_curly_quotes() -> None:
    assert find_span("my parcel", SENT[0]) == (9, 20)
    assert find_span("IT'S ON ITS WAY", SENT[1]) is not None
    assert find_span("not there", SENT[1]) is None


def test_ground_maps_placeholders_back_and_relocates_a_wrong_message_number() -> None:
    evidence, moved = ground("Hi [NAME_1], it's on its way", 0, MESSAGES)
    assert evidence is not None and moved
    assert evidence.message_index == 1 and evidence.quote == "Hi Maria, it\u2019s on its way"


def test_code_fences_are_tolerated_and_non_objects_are_malformed() -> None:
    assert load_json('```json\n{"criteria": {}}\n```') == {"criteria": {}}
    with pytest.raises(MalformedAnswer):
        load_json("[1, 2]")


def test_string_ratings_parse_and_words_are_rejected(card: Scorecard) -> None:
    rubric = Rubric.of(judged_criteria(card))
    verdict = parse_answer(
        answer(refund_policy=entry("1"), tone=entry("great"), ownership=entry(2.0)),
        rubric,
        MESSAGES,
        strict=True,
    )
    assert verdict.scores["refund_policy"].rating == 1
    assert verdict.scores["tone"].status is Status.FAILED
    assert verdict.scores["ownership"].rating == 2 and verdict.tally.out_of_scale == 1


def test_half_points_are_off_the_scale(card: Scorecard) -> None:
    rubric = Rubric.of(judged_criteria(card))
    verdict = parse_answer(
        answer(refund_policy=entry(None), tone=entry(3.5), ownership=entry(0)),
        rubric,
        MESSAGES,
        strict=True,
    )
    assert verdict.scores["refund_policy"].status is Status.NA
    assert verdict.scores["tone"].status is Status.FAILED
    assert verdict.scores["ownership"].status is Status.FAILED  # 0 is below a 1..3 scale
    assert verdict.tally.out_of_scale == 2


def test_confidence_is_clamped(card: Scorecard) -> None:
    rubric = Rubric.of(judged_criteria(card))
    body = {k: entry(1) for k in rubric.keys}
    body["refund_policy"]["confidence"] = 7
    verdict = parse_answer(answer(**body), rubric, MESSAGES, strict=True)
    assert verdict.scores["refund_policy"].confidence == 1.0
