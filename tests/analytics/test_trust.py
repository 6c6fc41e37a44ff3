"""Trust gating on hand-built frames: untrusted criteria leave AI reviews, whose IQS is recomputed
with the rules of `scoring.iqs`; human reviews and opted-in criteria stay."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from supportqa.analytics.coaching import coach, summary
from supportqa.analytics.frame import Frames
from supportqa.analytics.trust import TrustGate, gate

CARD = "default"


def _frames(
    rows: list[tuple[int, str, str, list[tuple[str, str, float | None, float, bool]]]],
) -> Frames:
    """(pk, kind, agent, [(key, status, score_pct, weight, critical)]) per review; stored IQS 99
    everywhere, so a recomputed one shows."""
    reviews: list[dict[str, Any]] = []
    criteria: list[dict[str, Any]] = []
    for pk, kind, agent, items in rows:
        reviews.append(
            {
                "review_pk": pk,
                "kind": kind,
                "scorecard_name": CARD,
                "agent": agent,
                "agent_name": agent.upper(),
                "team": "T",
                "iqs": 99.0,
                "critical_failed": False,
                "incomplete": False,
            }
        )
        for key, status, pct, weight, critical in items:
            criteria.append(
                {
                    "review_pk": pk,
                    "key": key,
                    "status": status,
                    "score_pct": pct,
                    "weight": weight,
                    "critical": critical,
                }
            )
    return Frames(pl.DataFrame(reviews), pl.DataFrame(criteria))


def _iqs(frames: Frames) -> dict[int, float | None]:
    return dict(frames.reviews.select("review_pk", "iqs").iter_rows())


UNTRUSTED_TONE = TrustGate({CARD: frozenset({"tone"})})


def test_gate_drops_untrusted_criteria_of_ai_reviews_and_recomputes_their_iqs() -> None:
    frames = _frames(
        [
            (
                1,
                "ai",
                "a",
                [("tone", "rated", 0.0, 10, False), ("greeting", "rated", 80.0, 30, False)],
            ),
            (
                2,
                "human",
                "a",
                [("tone", "rated", 0.0, 10, False), ("greeting", "rated", 80.0, 30, False)],
            ),
            (
                3,
                "ai",
                "b",
                [("greeting", "rated", 40.0, 10, False), ("closing", "rated", 100.0, 30, False)],
            ),
        ]
    )
    gated = gate(frames, UNTRUSTED_TONE)
    keys = gated.criteria.group_by("review_pk").agg(pl.col("key").sort())
    assert dict(keys.iter_rows()) == {
        1: ["greeting"],
        2: ["greeting", "tone"],
        3: ["closing", "greeting"],
    }
    # review 1: only greeting left → 80; the human review and untouched review 3 keep the stored 99
    assert _iqs(gated) == {1: pytest.approx(80.0), 2: 99.0, 3: 99.0}


def test_gate_applies_the_critical_rules_to_what_is_left() -> None:
    frames = _frames(
        [
            # a critical criterion rated below 50% still fails the review after gating
            (1, "ai", "a", [("tone", "rated", 100.0, 10, False), ("pii", "rated", 0.0, 10, True)]),
            # a critical scorer failure leaves it incomplete
            (
                2,
                "ai",
                "a",
                [("tone", "rated", 100.0, 10, False), ("pii", "failed", None, 10, True)],
            ),
            # nothing rated but the untrusted criterion: no IQS
            (
                3,
                "ai",
                "a",
                [("tone", "rated", 100.0, 10, False), ("greeting", "na", None, 10, False)],
            ),
        ]
    )
    gated = gate(frames, UNTRUSTED_TONE)
    assert _iqs(gated) == {1: 0.0, 2: None, 3: None}
    flags = {
        r["review_pk"]: (r["critical_failed"], r["incomplete"]) for r in gated.reviews.to_dicts()
    }
    assert flags == {1: (True, False), 2: (False, True), 3: (False, False)}


def test_opted_in_and_other_scorecards_criteria_are_not_gated() -> None:
    frames = _frames(
        [
            (
                1,
                "ai",
                "a",
                [("tone", "rated", 0.0, 10, False), ("greeting", "rated", 80.0, 10, False)],
            )
        ]
    )
    opted = TrustGate({CARD: frozenset({"tone"})}, {CARD: frozenset({"tone"})})
    assert gate(frames, opted) is frames
    assert gate(frames, TrustGate({"other": frozenset({"tone"})})) is frames
    assert opted.untrusted_keys == ["tone"] and opted.gated_keys == []
    assert opted.label_of(CARD, "tone") == "untrusted" and opted.label_of(CARD, "greeting") is None


def test_coaching_on_gated_frames_never_names_an_untrusted_criterion() -> None:
    """Agent a trails only on `tone`: ungated it is their focus; gated, no focus names it."""
    rows = []
    pk = 0
    for agent in ("a", "b", "c"):
        for i in range(8):
            pk += 1
            tone = 10.0 + i if agent == "a" else 90.0 - i
            rows.append(
                (
                    pk,
                    "ai",
                    agent,
                    [
                        ("tone", "rated", tone, 10, False),
                        ("greeting", "rated", 70.0 + i % 3, 10, False),
                    ],
                )
            )
    frames = _frames(rows)
    assert coach(frames, "a").focus[0].key == "tone"
    assert {s.top_focus for s in summary(frames)} >= {"tone"}
    gated = gate(frames, UNTRUSTED_TONE)
    assert all(f.key != "tone" for f in coach(gated, "a").focus)
    assert "tone" not in {s.top_focus for s in summary(gated)}
