"""Reading JSONL: every bad line is reported with its number; good lines go on."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine
from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import InputError
from supportqa.importers.formats import reader_for
from supportqa.importers.jsonl import RawRecord, read_jsonl
from supportqa.importers.records import parse_record
from supportqa.scoring.ratings import review_from_ratings

DATA = Path(__file__).resolve().parents[1] / "data"


def test_bad_lines_are_reported_with_line_numbers_and_the_rest_read() -> None:
    seen = list(read_jsonl(DATA / "conversations_mixed.jsonl"))
    errors = [r for r in seen if isinstance(r, InputError)]
    records = [r for r in seen if isinstance(r, RawRecord)]
    assert [(e.line, "not valid JSON" in e.reason) for e in errors][:1] == [(2, True)]
    assert any(e.line == 5 and "expected a JSON object" in e.reason for e in errors)
    assert [r.line for r in records] == [1, 4, 6, 7, 8, 9, 10]


def test_records_are_told_apart_and_validated() -> None:
    parsed: list[object] = []
    failures: dict[int, str] = {}
    card = default_scorecard()
    for record in read_jsonl(DATA / "conversations_mixed.jsonl"):
        if isinstance(record, InputError):
            continue
        try:
            item = parse_record(record.data)
            if isinstance(item, RatingsLine):
                item = review_from_ratings(item, card)
            parsed.append(item)
        except InputError as exc:
            failures[record.line] = exc.reason
    assert [type(p).__name__ for p in parsed] == ["Conversation", "Conversation", "Review"]
    assert "csat 11.0 is outside 0..5" in failures[6]
    assert "outside its scale 0..1" in failures[8]
    assert "unknown criterion politeness" in failures[9]
    assert "not a conversation" in failures[10]
    conv = parsed[1]
    assert isinstance(conv, Conversation) and conv.agent is not None and conv.agent.id == "a2"


def test_ratings_line_becomes_human_review_with_na_and_unrated() -> None:
    line = RatingsLine.model_validate(
        {
            "conversation_id": "c1",
            "agent": "a1",
            "team": "Billing",
            "reviewer": "tara",
            "ratings": {"greeting": 1, "resolution": 2, "empathy": None},
        }
    )
    review = review_from_ratings(line, default_scorecard())
    assert review.kind.value == "human" and review.reviewee.id == "a1"
    unrated = len(default_scorecard().criteria) - 3
    assert (review.counts.rated, review.counts.na, review.counts.unrated) == (2, 1, unrated)
    # greeting 100% × 10, resolution 50% × 25 → 2250 / 35
    assert review.iqs == pytest.approx(2250 / 35)
    again = review_from_ratings(line, default_scorecard())
    assert again.review_id == review.review_id


def test_unknown_format_and_extension_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown format 'xml'"):
        reader_for(tmp_path / "a.jsonl", "xml")
    unknown = tmp_path / "a.txt"
    unknown.write_text("just some words\n")
    with pytest.raises(InputError, match="cannot tell the format"):
        reader_for(unknown)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot open"):
        list(read_jsonl(tmp_path / "missing.jsonl"))
