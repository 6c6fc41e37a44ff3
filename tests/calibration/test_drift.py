"""Drift between two scorings: a hand-built pair with a known shift, status counts, IQS and CX."""

from __future__ import annotations

import numpy as np
import pytest

from supportqa.calibration.agreement import cohen_kappa
from supportqa.calibration.drift import compare_scorings, sample_reviews
from supportqa.calibration.resampling import bootstrap_column_means, percentile_interval
from supportqa.domain.review import RatingsLine, Review, ReviewKind
from supportqa.domain.score import Status
from supportqa.domain.scorecard import Scorecard, scorecard_from_dict
from supportqa.errors import InputError
from supportqa.scoring.ratings import human_cx, review_from_ratings


def card(version: str, greeting_weight: float = 10) -> Scorecard:
    return scorecard_from_dict(
        {
            "name": "t",
            "version": version,
            "criteria": [
                {"key": "tone", "weight": 30, "scale": "4-point", "scorer": {"tone": {}}},
                {
                    "key": "greeting",
                    "weight": greeting_weight,
                    "scale": "binary",
                    "scorer": {"greeting": {}},
                },
            ],
        }
    )


BEFORE, AFTER = card("1"), card("2")


def ai(conversation: str, scorecard: Scorecard, tone: float, greeting: float, cx: float) -> Review:
    line = RatingsLine(conversation_id=conversation, ratings={"tone": tone, "greeting": greeting})
    review = review_from_ratings(line, scorecard)
    return review.model_copy(update={"kind": ReviewKind.AI, "cx": human_cx(cx)})


def failed(review: Review, key: str) -> Review:
    criteria = [
        c.model_copy(update={"status": Status.FAILED, "rating": None, "score_pct": None})
        if c.key == key
        else c
        for c in review.criteria
    ]
    return review.model_copy(update={"criteria": criteria})


TONE_BEFORE, TONE_AFTER = [3, 3, 2, 4], [4, 3, 3, 4]
GREETING = [1, 0, 1, 1]
CX_BEFORE, CX_AFTER = [4.0, 3.0, 2.2, 5.0], [4.2, 4.0, 2.4, 5.0]


def pair() -> tuple[list[Review], list[Review]]:
    before = [ai(f"c{i}", BEFORE, TONE_BEFORE[i], GREETING[i], CX_BEFORE[i]) for i in range(4)] + [
        ai("only-before", BEFORE, 1, 0, 1.0)
    ]
    after = [ai(f"c{i}", AFTER, TONE_AFTER[i], GREETING[i], CX_AFTER[i]) for i in range(4)]
    after[3] = failed(after[3], "greeting")
    return before, after


def test_shift_is_after_minus_before_on_conversations_rated_by_both() -> None:
    before, after = pair()
    report = compare_scorings(before, after, before_card=BEFORE, after_card=AFTER, seed=1)
    assert (report.before, report.after) == ("t v1", "t v2")
    assert (report.conversations, report.only_before, report.only_after) == (4, 1, 0)
    tone = report.criteria[0]
    assert (tone.n, tone.mean_before, tone.mean_after) == (4, 3.0, 3.5)
    assert tone.shift == pytest.approx(0.5) and tone.normalised_shift == pytest.approx(0.5 / 3)
    assert (tone.changed, tone.changed_count, tone.exact_agreement) == (0.5, 2, 0.5)
    assert tone.kappa == pytest.approx(cohen_kappa(TONE_BEFORE, TONE_AFTER))
    assert tone.shift_low is not None and tone.shift_high is not None
    assert 0 <= tone.shift_low <= 0.5 <= tone.shift_high <= 1
    assert not tone.scorer_changed


def test_a_failure_counts_as_a_change_but_not_in_the_shift() -> None:
    before, after = pair()
    greeting = compare_scorings(before, after, before_card=BEFORE, after_card=AFTER).criteria[1]
    assert (greeting.n, greeting.shift, greeting.exact_agreement) == (3, 0.0, 1.0)
    assert (greeting.changed_count, greeting.changed) == (1, 0.25)
    assert (greeting.before.failed, greeting.after.failed, greeting.after.rated) == (0, 1, 3)
    assert (greeting.shift_low, greeting.shift_high) == (0.0, 0.0)


def test_iqs_and_cx_shift_with_moved_and_flag_changes() -> None:
    before, after = pair()
    report = compare_scorings(before, after, before_card=BEFORE, after_card=AFTER)
    iqs_shifts = [a.iqs - b.iqs for b, a in zip(before, after, strict=False)]  # type: ignore[operator]
    assert report.iqs.n == 4 and report.iqs.shift == pytest.approx(sum(iqs_shifts) / 4)
    cx = report.cx
    assert cx.n == 4 and cx.shift == pytest.approx((0.2 + 1.0 + 0.2 + 0.0) / 4)
    # Scores 4→4, 3→4, 2→2, 5→5: one moved; 3 is flagged (≤ 3) and 4 is not: one flag flipped.
    assert (cx.moved_count, cx.flag_changed_count) == (1, 1)
    assert (cx.flagged_before, cx.flagged_after) == (2, 1)


def test_changed_scorers_and_weights_are_named() -> None:
    before, after = pair()
    other = card("2", greeting_weight=20)
    report = compare_scorings(before, after, before_card=BEFORE, after_card=other)
    assert any("greeting changed weight 10 → 20" in note for note in report.notes)


def test_no_shared_conversation_is_a_clear_error() -> None:
    before, _ = pair()
    elsewhere = [ai("zz", AFTER, 3, 1, 3.0)]
    with pytest.raises(InputError, match="share no conversation"):
        compare_scorings(before, elsewhere, before_card=BEFORE, after_card=AFTER)


def test_without_resamples_there_is_no_interval() -> None:
    before, after = pair()
    report = compare_scorings(before, after, before_card=BEFORE, after_card=AFTER, n_resamples=0)
    assert report.criteria[0].shift_low is None and report.iqs.shift_high is None


def test_sample_is_seeded_uniform_and_keeps_input_order() -> None:
    reviews = [ai(f"c{i:03d}", BEFORE, 3, 1, 3.0) for i in range(200)]
    first = sample_reviews(reviews, 20, seed=4)
    assert len({r.conversation_id for r in first}) == 20
    assert [r.conversation_id for r in first] == sorted(r.conversation_id for r in first)
    assert first == sample_reviews(reviews, 20, seed=4)
    assert first != sample_reviews(reviews, 20, seed=5)
    assert sample_reviews(reviews[:5], 20, seed=4) == reviews[:5]
    with pytest.raises(InputError, match="at least 1"):
        sample_reviews(reviews, 0, seed=1)


def test_column_means_resample_rows_together_and_skip_missing() -> None:
    values = np.array([[1.0, np.nan], [1.0, 2.0], [1.0, np.nan]])
    reps = bootstrap_column_means(values, n_resamples=500, seed=2)
    assert reps.shape == (500, 2) and np.all(reps[:, 0] == 1.0)
    assert np.all((reps[:, 1] == 2.0) | np.isnan(reps[:, 1])) and np.isnan(reps[:, 1]).any()
    assert percentile_interval(reps[:, 1], 0.95) == (2.0, 2.0)
    assert percentile_interval(np.full(3, np.nan), 0.95) == (None, None)
    again = bootstrap_column_means(values, n_resamples=500, seed=2)
    assert np.array_equal(reps, again, equal_nan=True)
