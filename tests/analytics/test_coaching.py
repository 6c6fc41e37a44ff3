"""Coaching on hand-built frames (an agent built to trail on one criterion) and the notes file."""

from __future__ import annotations

import math
import statistics
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from supportqa.analytics.coaching import Z95, coach, summary, trend_since
from supportqa.analytics.coaching_notes import CoachingNote
from supportqa.analytics.frame import Frames
from supportqa.errors import InputError
from supportqa.storage.coaching_notes import append_note, load_notes

START = date(2026, 3, 2)


def build() -> tuple[Frames, dict[tuple[str, str], list[float]]]:
    """Team T: a1, a2, a3, ten reviews each, one a day. a1 trails on `closing` (and on the weight-0
    `sentiment`, which coaching must ignore); `tone` varies a little for everyone."""
    reviews: list[dict[str, Any]] = []
    criteria: list[dict[str, Any]] = []
    scores: dict[tuple[str, str], list[float]] = {}
    pk = 0
    for agent in ("a1", "a2", "a3"):
        for i in range(10):
            pk += 1
            values = {
                "closing": (20.0 + 5 * (i % 3)) if agent == "a1" else (80.0 + 4 * (i % 4)),
                "tone": 70.0 + 3 * ((i + pk) % 5),
                "sentiment": 10.0 if agent == "a1" else 90.0,
            }
            reviews.append(
                {
                    "review_pk": pk,
                    "kind": "ai",
                    "agent": agent,
                    "agent_name": agent.upper(),
                    "team": "T",
                    "day": START + timedelta(days=i),
                    "iqs": 50.0 + 3 * i + (5 if agent == "a1" else 0),
                }
            )
            for key, value in values.items():
                weight = 0.0 if key == "sentiment" else 10.0
                criteria.append(
                    {
                        "review_pk": pk,
                        "key": key,
                        "status": "rated",
                        "score_pct": value,
                        "weight": weight,
                    }
                )
                scores.setdefault((agent, key), []).append(value)
    return Frames(pl.DataFrame(reviews), pl.DataFrame(criteria)), scores


def test_coaching_picks_the_criterion_the_agent_trails_with_a_hand_computed_gap() -> None:
    frames, scores = build()
    card = coach(frames, "a1")
    first = card.focus[0]
    assert first.key == "closing" and first.clear
    mine = scores[("a1", "closing")]
    rest = scores[("a2", "closing")] + scores[("a3", "closing")]
    team = mine + rest
    assert first.agent_n == 10 and first.team_n == 30
    assert first.gap == pytest.approx(statistics.mean(mine) - statistics.mean(team))
    half = (
        Z95
        * (len(rest) / len(team))
        * math.sqrt(statistics.variance(mine) / len(mine) + statistics.variance(rest) / len(rest))
    )
    assert first.ci_low == pytest.approx(first.gap - half)
    assert first.ci_high == pytest.approx(first.gap + half)
    assert "sentiment" not in {f.key for f in card.focus}  # weight 0: a CX input, never coached
    assert card.team == "T" and card.reviews == 10 and card.trend is None


def test_agent_found_by_name_and_unknown_agent_is_an_input_error() -> None:
    frames, _ = build()
    assert coach(frames, "a2").agent == coach(frames, "A2").agent == "a2"
    with pytest.raises(InputError, match="no reviews of agent 'zed'"):
        coach(frames, "zed")


def test_trend_since_the_last_note_is_before_vs_after_its_date() -> None:
    frames, _ = build()
    notes = [
        CoachingNote(agent="a1", date=START + timedelta(days=2), author="M", text="first"),
        CoachingNote(agent="a1", date=START + timedelta(days=6), author="M", text="second"),
        CoachingNote(agent="a2", date=START + timedelta(days=9), author="M", text="other"),
    ]
    card = coach(frames, "a1", notes=notes)
    assert [n.text for n in card.notes] == ["first", "second"]
    iqs = [55.0 + 3 * i for i in range(10)]
    before, after = iqs[:6], iqs[6:]
    trend = card.trend
    assert trend is not None and trend.since == START + timedelta(days=6)
    assert (trend.before_n, trend.after_n) == (6, 4)
    assert trend.before_mean == pytest.approx(statistics.mean(before))
    delta = statistics.mean(after) - statistics.mean(before)
    assert trend.delta == pytest.approx(delta)
    se = math.sqrt(statistics.variance(before) / 6 + statistics.variance(after) / 4)
    assert trend.ci_low == pytest.approx(delta - Z95 * se)
    empty = trend_since(frames.reviews.filter(pl.col("agent") == "a1"), START + timedelta(days=30))
    assert empty.after_n == 0 and empty.delta is None


def test_summary_gives_each_agent_their_top_focus() -> None:
    frames, _ = build()
    note = CoachingNote(agent="a1", date=START + timedelta(days=5), author="M", text="x")
    rows = {r.agent: r for r in summary(frames, notes=[note])}
    assert set(rows) == {"a1", "a2", "a3"}
    assert rows["a1"].top_focus == "closing" and rows["a1"].clear
    assert rows["a1"].last_note == note.date
    assert rows["a1"].trend_delta == pytest.approx(
        statistics.mean([55.0 + 3 * i for i in range(5, 10)])
        - statistics.mean([55.0 + 3 * i for i in range(5)])
    )
    assert rows["a2"].last_note is None and rows["a2"].trend_delta is None


def test_notes_persist_append_only_and_reload(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "supportqa-coaching.jsonl"
    assert load_notes(path) == []
    first = CoachingNote(agent="a1", date=START, author="M", text="Close warmly", focus=["closing"])
    second = CoachingNote(agent="a2", date=START, author="K", text="Tone")
    append_note(path, first)
    append_note(path, second)
    assert load_notes(path) == [first, second]
    assert len(path.read_text().splitlines()) == 2


def test_a_bad_note_line_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    append_note(path, CoachingNote(agent="a1", date=START, author="M", text="ok"))
    with path.open("a") as handle:
        handle.write('{"agent": "a1"}\n')
    with pytest.raises(InputError, match=r"notes.jsonl:2: not a coaching note"):
        load_notes(path)
