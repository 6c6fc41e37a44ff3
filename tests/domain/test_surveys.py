"""NPS and CES answers are found in a conversation's metadata, plain or as help-desk custom fields."""

from __future__ import annotations

from typing import Any

import pytest

from supportqa.domain.surveys import SurveyAnswers, survey_answers


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"nps": 9, "ces": 6}, SurveyAnswers(9.0, 6.0, 7)),
        ({"nps": "10", "ces": "4", "ces_scale": 5}, SurveyAnswers(10.0, 4.0, 5)),
        ({"custom_fields": {"cf_NPS": "7", "CES score": 3}}, SurveyAnswers(7.0, 3.0, 7)),
        ({"custom_attributes": {"Net Promoter Score": 0}}, SurveyAnswers(0.0, None, None)),
        ({"nps": 3, "custom_fields": {"nps": 10}}, SurveyAnswers(3.0, None, None)),
        ({}, SurveyAnswers()),
        (None, SurveyAnswers()),
    ],
)
def test_survey_answers_are_read_from_plain_keys_then_custom_fields(
    metadata: dict[str, Any] | None, expected: SurveyAnswers
) -> None:
    assert survey_answers(metadata) == expected


@pytest.mark.parametrize(
    "metadata",
    [
        {"nps": 11},
        {"nps": -1},
        {"nps": "great"},
        {"nps": True},
        {"nps": float("nan")},
        {"ces": 8},
        {"ces": 0},
        {"ces": 6, "ces_scale": 5},
        {"ces": 2, "ces_scale": 1},
        {"ces": 2, "ces_scale": 4.5},
    ],
)
def test_answers_out_of_range_or_not_numbers_are_ignored(metadata: dict[str, Any]) -> None:
    assert survey_answers(metadata) == SurveyAnswers()
