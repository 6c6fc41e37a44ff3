"""Calibration sessions: hand-computed bias and consensus, edge cases, and the planted reviewers found."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from supportqa.calibration.agreement import krippendorff_alpha
from supportqa.calibration.heatmap import heatmap_figure, write_heatmap
from supportqa.calibration.resampling import ordinal_alpha_replicates, percentile_interval
from supportqa.calibration.sessions import (
    AI_REVIEWER,
    HARSH,
    IN_LINE,
    LENIENT,
    TOO_FEW,
    SessionOptions,
    SessionsReport,
    analyse_sessions,
)
from supportqa.domain.review import RatingsLine, Review, ReviewKind
from supportqa.domain.scorecard import Scorecard, default_scorecard, scorecard_from_dict
from supportqa.errors import InputError
from supportqa.scoring.ratings import review_from_ratings
from supportqa.synthetic import generate_conversations, simulate_reviews

CARD = scorecard_from_dict(
    {
        "name": "t",
        "version": "1",
        "criteria": [
            {"key": "tone", "weight": 30, "scale": "4-point"},
            {"key": "greeting", "weight": 10, "scale": "binary"},
        ],
    }
)
# conversation -> reviewer -> (tone, greeting); None = the reviewer did not rate it.
HAND: dict[str, dict[str, tuple[float | None, float | None]]] = {
    "c1": {"A": (4, 1), "B": (3, 1), "C": (2, 0)},
    "c2": {"A": (3, 1), "B": (3, 0), "C": (3, 0)},
    "c3": {"A": (4, 1), "B": (2, 1), "C": (None, 1)},
    "c4": {"A": (2, 0), "B": (1, 0), "C": (1, 0)},
}
EXACT = SessionOptions(n_resamples=0, min_conversations=1)


def review(
    conversation: str,
    reviewer: str,
    ratings: dict[str, float | None],
    *,
    session: str | None = "s1",
    card: Scorecard = CARD,
    at: datetime | None = None,
) -> Review:
    line = RatingsLine(
        conversation_id=conversation,
        reviewer=reviewer,
        session_id=session,
        ratings=ratings,
        reviewed_at=at or datetime(2026, 3, 6, 14, tzinfo=UTC),
    )
    return review_from_ratings(line, card)


def hand_reviews(session: str = "s1") -> list[Review]:
    out = []
    for conversation, by_reviewer in HAND.items():
        for reviewer, (tone, greeting) in by_reviewer.items():
            ratings = {"greeting": greeting} | ({} if tone is None else {"tone": tone})
            out.append(review(conversation, reviewer, ratings, session=session))
    return out


def cell(report: SessionsReport, reviewer: str, criterion: str) -> tuple[int, float | None]:
    found = next(d for d in report.deviations if (d.reviewer, d.criterion) == (reviewer, criterion))
    return found.n, found.bias


def summary(report: SessionsReport, reviewer: str) -> tuple[float | None, str]:
    found = next(r for r in report.reviewers if r.reviewer == reviewer)
    return found.normalised_bias, found.label


def test_bias_is_measured_against_the_mean_of_the_other_reviewers() -> None:
    report = analyse_sessions(hand_reviews(), CARD, options=EXACT)
    # A on tone: c1 4 − (3+2)/2, c2 3 − 3, c3 4 − 2 (C did not rate), c4 2 − (1+1)/2.
    assert cell(report, "A", "tone") == (4, pytest.approx((1.5 + 0 + 2 + 1) / 4))
    assert cell(report, "B", "tone") == (4, pytest.approx((0 + 0 - 2 - 0.5) / 4))
    assert cell(report, "C", "tone") == (3, pytest.approx((-1.5 + 0 - 0.5) / 3))
    assert cell(report, "A", "greeting") == (4, pytest.approx(0.375))
    assert cell(report, "B", "greeting") == (4, pytest.approx(0.0))
    assert cell(report, "C", "greeting") == (4, pytest.approx(-0.375))
    tone_a = next(d for d in report.deviations if (d.reviewer, d.criterion) == ("A", "tone"))
    assert tone_a.normalised_bias == pytest.approx(1.125 / 3) and tone_a.mae == pytest.approx(1.125)


def test_overall_bias_weights_the_normalised_criteria_and_labels_by_threshold() -> None:
    report = analyse_sessions(hand_reviews(), CARD, options=EXACT)
    assert summary(report, "A") == (pytest.approx(0.375), LENIENT)
    assert summary(report, "B") == (pytest.approx((30 * -0.625 / 3) / 40), HARSH)
    assert summary(report, "C") == (pytest.approx((30 * (-2 / 3) / 3 + 10 * -0.375) / 40), HARSH)
    a = next(r for r in report.reviewers if r.reviewer == "A")
    assert a.alignment == pytest.approx(0.625) and a.conversations == 4 and a.ratings == 8
    loose = analyse_sessions(
        hand_reviews(),
        CARD,
        options=SessionOptions(n_resamples=0, min_conversations=1, threshold=0.2),
    )
    assert summary(loose, "B")[1] == IN_LINE  # −0.156 is inside ±0.2


def test_benchmark_reviewer_is_the_reference_and_gets_no_row() -> None:
    options = SessionOptions(benchmark="B", n_resamples=0, min_conversations=1)
    report = analyse_sessions(hand_reviews(), CARD, options=options)
    assert [r.reviewer for r in report.reviewers] == ["A", "C"]
    assert report.heatmap.reviewers == ["A", "C"] and report.reference == "benchmark"
    assert cell(report, "A", "tone") == (4, pytest.approx(1.0))  # 1, 0, 2, 1
    assert cell(report, "C", "tone") == (3, pytest.approx(-1 / 3))  # −1, 0, 0
    assert cell(report, "C", "greeting") == (4, pytest.approx(-0.25))  # −1, 0, 0, 0


def test_agreement_per_criterion_is_ordinal_alpha_and_pairwise_exact() -> None:
    report = analyse_sessions(hand_reviews(), CARD, options=SessionOptions(n_resamples=200))
    tone = next(c for c in report.criteria if c.key == "tone")
    data = [[HAND[c][r][0] for c in HAND] for r in "ABC"]
    assert tone.alpha == pytest.approx(krippendorff_alpha(data, level="ordinal"))
    assert (tone.exact_agreement, tone.pairs, tone.conversations) == (pytest.approx(0.4), 10, 4)
    assert tone.alpha_low is not None and tone.alpha_high is not None
    assert tone.alpha_low <= tone.alpha_high


def test_the_ai_joins_as_a_reviewer_but_not_into_the_human_consensus() -> None:
    humans = hand_reviews()
    ai = [
        review(c, "supportqa", {"tone": 4, "greeting": 1}, session=None).model_copy(
            update={"kind": ReviewKind.AI}
        )
        for c in HAND
    ]
    without = analyse_sessions(humans, CARD, options=EXACT)
    with_ai = analyse_sessions(humans, CARD, ai_reviews=ai, options=EXACT)
    assert with_ai.heatmap.reviewers == ["A", "B", "C", AI_REVIEWER] and with_ai.include_ai
    for reviewer in "ABC":
        assert cell(with_ai, reviewer, "tone") == cell(without, reviewer, "tone")
    # AI tone 4 everywhere against the mean of all humans: 4 − 3, 4 − 3, 4 − 3, 4 − 4/3.
    assert cell(with_ai, AI_REVIEWER, "tone") == (4, pytest.approx((1 + 1 + 1 + 8 / 3) / 4))
    assert next(c for c in with_ai.criteria if c.key == "tone").raters == 4


def test_one_reviewer_per_conversation_has_no_consensus() -> None:
    lonely = [review(f"c{i}", "A", {"tone": 3, "greeting": 1}) for i in range(4)]
    report = analyse_sessions(lonely, CARD, options=SessionOptions(min_conversations=1))
    assert all(c.alpha is None and c.exact_agreement is None for c in report.criteria)
    assert all(d.n == 0 and d.bias is None for d in report.deviations)
    assert [(r.reviewer, r.normalised_bias, r.label) for r in report.reviewers] == [
        ("A", None, TOO_FEW)
    ]
    assert any("no consensus" in note for note in report.notes)


def test_constant_ratings_agree_perfectly_and_are_in_line() -> None:
    same = [review(f"c{i}", name, {"tone": 3, "greeting": 1}) for i in range(4) for name in "ABC"]
    report = analyse_sessions(same, CARD, options=SessionOptions(min_conversations=1))
    assert all(c.alpha == 1.0 and c.exact_agreement == 1.0 for c in report.criteria)
    assert all(d.bias == 0 and (d.bias_low, d.bias_high) == (0, 0) for d in report.deviations)
    assert {r.label for r in report.reviewers} == {IN_LINE}


def test_few_conversations_are_not_enough_for_a_verdict() -> None:
    report = analyse_sessions(hand_reviews(), CARD, options=SessionOptions(n_resamples=0))
    assert {r.label for r in report.reviewers} == {TOO_FEW}  # 4 < the default 5


def test_session_and_since_select_what_is_analysed() -> None:
    late = [
        r.model_copy(update={"reviewed_at": datetime(2026, 4, 1, tzinfo=UTC)})
        for r in hand_reviews("s2")
    ]
    everything = hand_reviews("s1") + late
    pooled = analyse_sessions(everything, CARD, options=EXACT)
    assert pooled.conversations == 8 and [s.session_id for s in pooled.sessions] == ["s1", "s2"]
    one = analyse_sessions(everything, CARD, options=SessionOptions(session="s2", n_resamples=0))
    assert one.conversations == 4 and [s.session_id for s in one.sessions] == ["s2"]
    since = SessionOptions(since=datetime(2026, 3, 20, tzinfo=UTC), n_resamples=0)
    assert analyse_sessions(everything, CARD, options=since).sessions[0].session_id == "s2"


def test_the_last_review_of_a_reviewer_wins() -> None:
    first = review("c1", "A", {"tone": 1}, at=datetime(2026, 3, 6, 9, tzinfo=UTC))
    second = review("c1", "A", {"tone": 4}, at=datetime(2026, 3, 6, 10, tzinfo=UTC))
    other = review("c1", "B", {"tone": 2})
    report = analyse_sessions([second, first, other], CARD, options=EXACT)
    assert cell(report, "A", "tone") == (1, pytest.approx(2.0))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (SessionOptions(session="nope"), "no session 'nope'"),
        (SessionOptions(benchmark="Z"), "benchmark reviewer 'Z'"),
        (SessionOptions(since=datetime(2030, 1, 1, tzinfo=UTC)), "no calibration-session reviews"),
    ],
)
def test_unknown_selection_is_a_clear_input_error(options: SessionOptions, message: str) -> None:
    with pytest.raises(InputError, match=message):
        analyse_sessions(hand_reviews(), CARD, options=options)


def test_a_rating_outside_the_scorecard_scale_is_named() -> None:
    wide = scorecard_from_dict(
        {
            "name": "t",
            "version": "0",
            "criteria": [{"key": "tone", "weight": 1, "scale": "5-point"}],
        }
    )
    odd = [*hand_reviews(), review("c9", "A", {"tone": 5}, card=wide)]
    with pytest.raises(
        InputError, match=re.escape("A rated tone 5 on conversation c9, outside its scale 1..4")
    ):
        analyse_sessions(odd, CARD, options=EXACT)


def test_a_human_named_ai_clashes_with_include_ai() -> None:
    clash = [*hand_reviews(), review("c1", AI_REVIEWER, {"tone": 3})]
    with pytest.raises(InputError, match="--include-ai"):
        analyse_sessions(clash, CARD, ai_reviews=[], options=EXACT)


def test_vectorised_alpha_matches_krippendorff_and_is_deterministic() -> None:
    rng = random.Random(3)
    units = [[float(rng.randint(1, 4)) for _ in range(rng.randint(2, 4))] for _ in range(40)]
    width = max(len(u) for u in units)
    data = [[u[r] if r < len(u) else None for u in units] for r in range(width)]
    estimate, replicates = ordinal_alpha_replicates(units, n_resamples=300, seed=1)
    assert estimate == pytest.approx(krippendorff_alpha(data, level="ordinal"), abs=1e-12)
    again = ordinal_alpha_replicates(units, n_resamples=300, seed=1)[1]
    assert np.array_equal(replicates, again) and replicates.shape == (300,)
    low, high = percentile_interval(replicates, 0.95)
    assert low is not None and high is not None and low < estimate < high


def test_heat_map_rows_are_reviewers_coloured_by_normalised_bias() -> None:
    report = analyse_sessions(hand_reviews(), CARD, options=EXACT)
    figure = heatmap_figure(report)
    trace = figure.data[0]
    assert list(trace.y) == ["A (lenient)", "B (harsh)", "C (harsh)"]
    assert list(trace.x) == ["tone", "greeting"] and trace.zmid == 0
    low, high = trace.colorscale[0][1], trace.colorscale[-1][1]  # harsh (negative) is red
    assert low == "rgb(103,0,31)" and high == "rgb(5,48,97)"
    assert trace.z[0][0] == pytest.approx(0.375)
    assert "n 3" in trace.hovertext[2][0]  # C rated tone in three conversations


@pytest.fixture(scope="module")
def demo_reviews() -> list[Review]:
    """1,500 generated conversations, a fifth reviewed; about 60 are in calibration sessions."""
    card = default_scorecard()
    lines = simulate_reviews(generate_conversations(1500, 7), 7, share=0.2)
    return [review_from_ratings(RatingsLine.model_validate(line), card) for line in lines]


@pytest.mark.parametrize("benchmark", [None, "rev-true"])
def test_demo_sessions_find_the_planted_harsh_and_lenient_reviewers(
    demo_reviews: list[Review], benchmark: str | None
) -> None:
    report = analyse_sessions(
        demo_reviews, default_scorecard(), options=SessionOptions(benchmark=benchmark)
    )
    assert report.conversations >= 50 and len(report.sessions) >= 10
    labels = {r.reviewer: r.label for r in report.reviewers}
    expected = {"rev-harsh": HARSH, "rev-lenient": LENIENT}
    if benchmark is None:
        expected["rev-true"] = IN_LINE
    assert labels == expected
    bias = dict(zip(report.heatmap.reviewers, report.heatmap.normalised_bias, strict=True))
    tone = report.heatmap.criteria.index("tone")
    harsh, lenient = bias["rev-harsh"][tone], bias["rev-lenient"][tone]
    assert harsh is not None and lenient is not None and harsh < -0.1 and lenient > 0.1


def test_write_heatmap_reports_an_unwritable_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    report = analyse_sessions(hand_reviews(), CARD, options=EXACT)
    with pytest.raises(InputError, match="cannot write the heat map"):
        write_heatmap(report, blocker / "heat.html")
