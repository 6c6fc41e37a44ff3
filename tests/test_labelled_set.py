"""Checks on the hand-labelled tone/empathy evaluation set (tests/data/labelled/tone_empathy.jsonl).

The set is a held-out evaluation set for model-based `tone` and `empathy` scorers; see
tests/data/labelled/README.md. These tests only check its shape and balance, never its labels'
agreement with any scorer.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data" / "labelled" / "tone_empathy.jsonl"

FIELDS: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "channel": str,
    "customer": str,
    "agent": str,
    "tone": int,
    "empathy": (int, type(None)),
    "distress": bool,
    "notes": str,
}
CHANNELS = {"chat", "email", "voice", "social"}
MIN_ITEMS = 200
MIN_PER_TONE = 40
MIN_PER_EMPATHY = 25


@pytest.fixture(scope="module")
def items() -> list[dict[str, Any]]:
    rows = []
    with DATA.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            assert line.strip(), f"blank line {lineno}"
            row = json.loads(line)
            assert isinstance(row, dict), f"line {lineno} is not an object"
            rows.append(row)
    return rows


def test_enough_items(items: list[dict[str, Any]]) -> None:
    assert len(items) >= MIN_ITEMS


def test_ids_unique(items: list[dict[str, Any]]) -> None:
    ids = [r["id"] for r in items]
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    assert not dupes, dupes


def test_fields_present_and_typed(items: list[dict[str, Any]]) -> None:
    for r in items:
        assert set(r) == set(FIELDS), (r.get("id"), sorted(set(r) ^ set(FIELDS)))
        for key, typ in FIELDS.items():
            value = r[key]
            # bool is a subclass of int: never accept it for the numeric labels
            assert not (key in ("tone", "empathy") and isinstance(value, bool)), (r["id"], key)
            assert isinstance(value, typ), (r["id"], key, value)
        for key in ("id", "customer", "agent", "notes"):
            assert r[key].strip(), (r["id"], key)
        assert r["channel"] in CHANNELS, (r["id"], r["channel"])


def test_label_ranges(items: list[dict[str, Any]]) -> None:
    for r in items:
        assert r["tone"] in (1, 2, 3, 4), r["id"]
        assert r["empathy"] is None or r["empathy"] in (1, 2, 3, 4), r["id"]


def test_empathy_null_exactly_when_no_distress(items: list[dict[str, Any]]) -> None:
    for r in items:
        assert (r["empathy"] is None) == (not r["distress"]), r["id"]


def test_tone_levels_balanced(items: list[dict[str, Any]]) -> None:
    counts = Counter(r["tone"] for r in items)
    for level in (1, 2, 3, 4):
        assert counts[level] >= MIN_PER_TONE, (level, counts[level])


def test_empathy_levels_balanced(items: list[dict[str, Any]]) -> None:
    counts = Counter(r["empathy"] for r in items if r["empathy"] is not None)
    for level in (1, 2, 3, 4):
        assert counts[level] >= MIN_PER_EMPATHY, (level, counts[level])


def test_no_duplicate_agent_texts(items: list[dict[str, Any]]) -> None:
    texts = Counter(" ".join(r["agent"].split()).casefold() for r in items)
    dupes = [t for t, n in texts.items() if n > 1]
    assert not dupes, dupes
