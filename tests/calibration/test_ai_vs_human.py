"""AI vs human: hand-built reviews with known bias and agreement give exact figures and verdicts."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from supportqa.calibration.ai_vs_human import (
    CompareOptions,
    bias_word,
    compare_ai_human,
    csat_on_five,
    round_to_point,
    scale_points,
)
from supportqa.calibration.ai_vs_human_report import CalibrationReport, CriterionAgreement
from supportqa.calibration.reference import human_references
from supportqa.domain.review import RatingsLine, Review, ReviewKind
from supportqa.domain.score import Evidence, Score
from supportqa.domain.scorecard import Scorecard, scorecard_from_dict
from supportqa.errors import InputError
from supportqa.scoring.iqs import build_review
from supportqa.scoring.ratings import human_cx, review_from_ratings

CARD = scorecard_from_dict(
    {
        "name": "t",
        "version": "1",
        "criteria": [
            {"key": "greeting", "weight": 10, "scale": "binary", "scorer": "greeting"},
            {"key": "tone", "weight": 30, "scale": "4-point", "scorer": "tone"},
            {
                "key": "disclosure",
                "weight": 5,
                "scale": "binary",
                "allow_na": True,
                "scorer": "required_disclosure",
            },
            {"key": "notes", "weight": 5, "scale": "3-point"},
        ],
    }
)
# Ten conversations. Greeting: AI 1×8, 0×2; humans 1×7, 0×3 (the AI passes c7 that people failed).
AI_GREETING = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0]
HUMAN_GREETING = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]
# Tone: the AI is exactly one point more lenient than the people, everywhere.
HUMAN_TONE = [1, 2, 3, 1, 2, 3, 1, 2, 3, 2]
AI_TONE = [h + 1 for h in HUMAN_TONE]


def ai_review(
    i: int,
    ratings: dict[str, float | None],
    *,
    cx: float | None = None,
    card: Scorecard = CARD,
    quote: str | None = None,
) -> Review:
    scores: dict[str, Score] = {}
    for key, value in ratings.items():
        evidence = [Evidence(message_index=1, quote=quote)] if quote else []
        scores[key] = (
            Score.not_applicable("no disclosure needed")
            if value is None
            else Score.rated(value, f"AI says {value:g}", evidence)
        )
    review = build_review(
        review_id=f"ai-{i}",
        kind=ReviewKind.AI,
        conversation=None,
        conversation_id=f"c{i}",
        source="t",
        scorecard=card,
        scores=scores,
        reviewer="supportqa",
        reviewed_at=None,
    )
    if cx is not None:
        review.cx = human_cx(cx)  # same shape as the AI's CxScore; flagged when ≤ 3
    return review


def human_review(
    i: int,
    ratings: dict[str, float | None],
    *,
    reviewer: str = "ana",
    cx: float | None = None,
    card: Scorecard = CARD,
) -> Review:
    line = RatingsLine(
        conversation_id=f"c{i}", source="t", reviewer=reviewer, ratings=ratings, cx=cx
    )
    return review_from_ratings(line, card)


def compare(
    ai: list[Review],
    humans: list[Review],
    csat: dict[tuple[str, str], float] | None = None,
    **options: Any,
) -> CalibrationReport:
    options.setdefault("min_pairs", 5)
    options.setdefault("bootstrap", 0)
    return compare_ai_human(
        CARD,
        ai,
        human_references(humans),
        human_reviews=len(humans),
        csat=csat,
        options=CompareOptions(**options),
    )


def standard(**options: Any) -> CalibrationReport:
    ai = [
        ai_review(i, {"greeting": AI_GREETING[i], "tone": AI_TONE[i], "disclosure": None})
        for i in range(10)
    ]
    humans = [
        human_review(i, {"greeting": HUMAN_GREETING[i], "tone": HUMAN_TONE[i], "disclosure": None})
        for i in range(10)
    ]
    return compare(ai, humans, **options)


def row(report: CalibrationReport, key: str) -> CriterionAgreement:
    return next(c for c in report.criteria if c.key == key)


def test_binary_criterion_figures_match_hand_computation() -> None:
    greeting = row(standard(), "greeting")
    assert greeting.n_pairs == 10
    assert greeting.exact == pytest.approx(0.9)
    assert greeting.within_one == 1.0
    # p_o = 0.9; p_e = 0.8·0.7 + 0.2·0.3 = 0.62; kappa = 0.28 / 0.38
    assert greeting.kappa_weights == "unweighted"
    assert greeting.kappa == pytest.approx(0.28 / 0.38)
    assert greeting.bias == pytest.approx(0.1)
    assert greeting.bias_word == "lenient"
    assert greeting.mae == pytest.approx(0.1)
    assert greeting.alignment.value == pytest.approx(0.9)
    assert greeting.ai_mean == pytest.approx(0.8)
    assert greeting.human_mean == pytest.approx(0.7)
    assert greeting.confusion == [[2, 0], [1, 7]]  # rows AI 0/1, columns human 0/1


def test_a_constant_one_point_lenient_ai_is_lenient_ranks_perfectly_and_never_matches() -> None:
    tone = row(standard(), "tone")
    assert tone.bias == 1.0
    assert tone.bias_word == "lenient"
    assert tone.exact == 0.0
    assert tone.within_one == 1.0
    assert tone.mae == 1.0
    assert tone.spearman == pytest.approx(1.0)
    assert tone.alignment.value == pytest.approx(1 - 1 / 3)
    assert tone.kappa_weights == "quadratic"
    assert tone.kappa is not None and tone.kappa < 0.6
    assert tone.verdict == "untrusted"
    assert tone.verdict_reason.startswith("kappa ")


def test_harsh_ai_is_called_harsh() -> None:
    ai = [ai_review(i, {"tone": HUMAN_TONE[i]}) for i in range(10)]
    humans = [human_review(i, {"tone": AI_TONE[i]}) for i in range(10)]
    tone = row(compare(ai, humans), "tone")
    assert tone.bias == -1.0
    assert tone.bias_word == "harsh"


def test_human_mean_rounds_half_up_for_discrete_statistics_only() -> None:
    ai = [ai_review(0, {"tone": 3})]
    humans = [
        human_review(0, {"tone": 2}, reviewer="ana"),
        human_review(0, {"tone": 3}, reviewer="bo"),
    ]
    tone = row(compare(ai, humans, min_pairs=1), "tone")
    assert tone.human_mean == 2.5
    assert tone.exact == 1.0  # 2.5 rounds to 3, the AI's rating
    assert tone.mae == 0.5  # continuous figures keep the mean
    assert tone.confusion[2][2] == 1


def test_verdict_at_the_threshold_is_trusted_and_just_above_it_untrusted() -> None:
    at = row(standard(metric="exact", threshold=0.9), "greeting")
    above = row(standard(metric="exact", threshold=0.9000001), "greeting")
    assert at.verdict_metric.value == pytest.approx(0.9)
    assert at.verdict == "trusted"
    assert above.verdict == "untrusted"


def test_too_few_pairs_is_insufficient_and_enough_is_judged() -> None:
    assert row(standard(min_pairs=11), "greeting").verdict == "insufficient"
    assert row(standard(min_pairs=11), "greeting").verdict_reason == "10 pairs < 11 needed"
    assert row(standard(min_pairs=10), "greeting").verdict == "trusted"


def test_default_thresholds_differ_per_metric() -> None:
    assert standard(metric="alignment").rule.threshold == 0.85
    assert standard(metric="alpha").rule.threshold == 0.667
    assert row(standard(metric="alignment"), "greeting").verdict == "trusted"  # 0.9 ≥ 0.85


def test_all_na_criterion_has_no_pairs_and_full_na_agreement() -> None:
    disclosure = row(standard(), "disclosure")
    assert disclosure.n_pairs == 0
    assert disclosure.verdict == "insufficient"
    assert disclosure.na.both_na == 10
    assert disclosure.na.agreement == 1.0
    assert disclosure.kappa is None and disclosure.spearman is None and disclosure.bias is None
    assert disclosure.alignment.value is None
    assert disclosure.bias_word == "–"


def test_na_disagreements_are_counted_both_ways() -> None:
    ai = [ai_review(i, {"disclosure": v}) for i, v in enumerate([None, None, 1, 1, None])]
    humans = [human_review(i, {"disclosure": v}) for i, v in enumerate([1, None, None, 1, None])]
    na = row(compare(ai, humans), "disclosure").na
    assert (na.judged, na.both_rated, na.both_na) == (5, 1, 2)
    assert (na.ai_na_human_rated, na.human_na_ai_rated) == (1, 1)
    assert na.agreement == pytest.approx(3 / 5)
    assert na.ai_na_human_rated_share == pytest.approx(1 / 5)


def test_criterion_without_scorer_is_human_only() -> None:
    notes = row(standard(), "notes")
    assert notes.human_only
    assert notes.verdict == "human-only"


def test_constant_ratings_leave_spearman_undefined_and_the_verdict_insufficient() -> None:
    ai = [ai_review(i, {"tone": 3}) for i in range(10)]
    humans = [human_review(i, {"tone": HUMAN_TONE[i]}) for i in range(10)]
    tone = row(compare(ai, humans, metric="spearman"), "tone")
    assert tone.spearman is None
    assert tone.verdict == "insufficient"
    assert "undefined" in tone.verdict_reason
    assert tone.kappa == 0.0  # a constant rater agrees no better than chance


def test_identical_constant_ratings_agree_perfectly() -> None:
    ai = [ai_review(i, {"greeting": 1}) for i in range(6)]
    humans = [human_review(i, {"greeting": 1}) for i in range(6)]
    greeting = row(compare(ai, humans), "greeting")
    assert (greeting.kappa, greeting.alpha, greeting.exact) == (1.0, 1.0, 1.0)
    assert greeting.verdict == "trusted"


def test_largest_disagreements_come_first_with_the_ai_explanation_and_quote() -> None:
    ai = [ai_review(i, {"tone": 4}, quote=f"quote {i}") for i in range(4)]
    humans = [human_review(i, {"tone": t}) for i, t in enumerate([1, 3, 4, 2])]
    humans.append(human_review(0, {"tone": 2}, reviewer="bo"))
    found = row(compare(ai, humans, min_pairs=1, top=2), "tone").disagreements
    assert [d.conversation_id for d in found] == ["c0", "c3"]
    first = found[0]
    assert (first.ai_rating, first.human_mean, first.difference) == (4.0, 1.5, 2.5)
    assert first.reviewers == ["ana", "bo"]
    assert first.human_ratings == {"ana": 1.0, "bo": 2.0}
    assert first.explanation == "AI says 4"
    assert (first.evidence_quote, first.evidence_message_index) == ("quote 0", 1)


def test_agreeing_pairs_are_not_listed_as_disagreements() -> None:
    ai = [ai_review(i, {"greeting": 1}) for i in range(3)]
    humans = [human_review(i, {"greeting": 1}) for i in range(3)]
    assert row(compare(ai, humans), "greeting").disagreements == []


def test_iqs_is_compared_on_the_0_to_100_range() -> None:
    report = standard()
    ai_iqs = [
        r.iqs
        for r in [ai_review(i, {"greeting": AI_GREETING[i], "tone": AI_TONE[i]}) for i in range(10)]
    ]
    assert report.iqs.n == 10
    assert report.iqs.ai_mean == pytest.approx(sum(v or 0 for v in ai_iqs) / 10)
    assert report.iqs.bias is not None and report.iqs.bias > 0
    assert report.iqs.alignment.value == pytest.approx(1 - (report.iqs.mae or 0) / 100)


def test_cx_uses_human_cx_where_given_else_csat_on_one_to_five() -> None:
    ai = [ai_review(i, {"greeting": 1}, cx=v) for i, v in enumerate([2.0, 3.0, 5.0, 4.0])]
    humans = [human_review(0, {"greeting": 1}, cx=1.0)]
    humans += [human_review(i, {"greeting": 1}) for i in (1, 2, 3)]
    # CSAT on a 1–10 scale for c1 (7 → 1 + 4·6/9) and 1–5 for c2; c3 has none and drops out.
    csat = {("t", "c1"): csat_on_five(7, 10), ("t", "c2"): csat_on_five(5, 5)}
    cx = compare(ai, humans, csat=csat).cx
    assert (cx.n, cx.n_human, cx.n_csat, cx.reference) == (3, 1, 2, "human+csat")
    references = [1.0, 1 + 4 * 6 / 9, 5.0]
    assert cx.reference_mean == pytest.approx(sum(references) / 3)
    assert cx.mae == pytest.approx((1.0 + abs(3.0 - references[1]) + 0.0) / 3)
    assert cx.bias == pytest.approx((1.0 + 3.0 - references[1]) / 3)
    # c0 (CX 2) and c1 (CX 3) are flagged; only c0's reference (human CX 1) is low too.
    assert (cx.flagged, cx.flagged_also_low) == (2, 1)
    assert cx.flagged_also_low_share == 0.5


def test_cx_falls_back_to_csat_alone_when_nobody_gave_cx() -> None:
    ai = [ai_review(i, {"greeting": 1}, cx=4.0) for i in range(2)]
    humans = [human_review(i, {"greeting": 1}) for i in range(2)]
    cx = compare(ai, humans, csat={("t", "c0"): 4.0, ("t", "c1"): 2.0}).cx
    assert (cx.reference, cx.n, cx.mae, cx.bias) == ("csat", 2, 1.0, 1.0)


def test_cx_without_any_reference_is_empty() -> None:
    cx = standard().cx
    assert (cx.n, cx.reference, cx.spearman.value) == (0, "none", None)


def test_scorecard_alignment_weights_criteria_as_the_scorecard_does() -> None:
    report = standard()
    # greeting 0.9 (weight 10), tone 2/3 (weight 30); disclosure has no pair, notes no scorer.
    assert report.scorecard_alignment.value == pytest.approx((10 * 0.9 + 30 * (2 / 3)) / 40)


def test_bootstrap_intervals_are_seeded_and_bracket_the_estimate() -> None:
    rng = random.Random(5)
    human = [rng.randint(1, 4) for _ in range(60)]
    ai = [min(4, max(1, h + rng.choice((-1, 0, 0, 1)))) for h in human]
    ai_reviews = [ai_review(i, {"tone": v}) for i, v in enumerate(ai)]
    humans = [human_review(i, {"tone": v}) for i, v in enumerate(human)]

    def tone(seed: int) -> CriterionAgreement:
        return row(compare(ai_reviews, humans, bootstrap=300, seed=seed), "tone")

    first, again, other = tone(3), tone(3), tone(4)
    assert first.verdict_metric == again.verdict_metric
    assert first.alignment == again.alignment
    assert first.alignment != other.alignment
    for estimate in (first.verdict_metric, first.alignment):
        assert estimate.low is not None and estimate.high is not None
        assert estimate.value is not None
        assert estimate.low <= estimate.value <= estimate.high
        assert estimate.low < estimate.high
    assert standard(bootstrap=0).scorecard_alignment.low is None


def test_summary_names_the_rule_and_each_verdict() -> None:
    summary = standard().summary
    assert summary.startswith("1 of 3 AI-rated criteria trusted (kappa ≥ 0.6, ≥ 5 pairs)")
    assert "untrusted: tone" in summary and "insufficient: disclosure" in summary
    assert "1 human-only" in summary


def test_several_reviewers_form_one_consensus_per_conversation() -> None:
    ai = [ai_review(0, {"greeting": 1})]
    humans = [human_review(0, {"greeting": v}, reviewer=name) for name, v in [("a", 1), ("b", 0)]]
    report = compare(ai, humans, min_pairs=1)
    assert report.counts.human_reviews == 2
    assert report.counts.human_conversations == 1
    assert row(report, "greeting").human_mean == 0.5


@pytest.mark.parametrize(
    ("ai", "humans", "message"),
    [
        ([], [human_review(0, {"greeting": 1})], "no AI reviews of scorecard t v1"),
        ([ai_review(0, {"greeting": 1})], [], "no human reviews stored"),
        (
            [ai_review(0, {"greeting": 1})],
            [human_review(1, {"greeting": 1})],
            "no conversation has both",
        ),
    ],
)
def test_nothing_to_compare_is_an_input_error_saying_what_to_run(
    ai: list[Review], humans: list[Review], message: str
) -> None:
    with pytest.raises(InputError, match=message) as caught:
        compare(ai, humans)
    assert "supportqa " in str(caught.value)


def test_bad_options_are_input_errors() -> None:
    with pytest.raises(InputError, match="unknown metric"):
        standard(metric="accuracy")
    with pytest.raises(InputError, match="--min-pairs"):
        standard(min_pairs=0)


def test_scale_helpers() -> None:
    assert scale_points(0, 1) == [0, 1]
    assert scale_points(1, 4) == [1, 2, 3, 4]
    assert [round_to_point(v, 1, 3) for v in (1.49, 1.5, 2.5, 2.99, 9)] == [1, 2, 3, 3, 3]
    assert round_to_point(0.5, 0, 1) == 1
    assert bias_word(0.04, 1) == "in line" and bias_word(-0.2, 3) == "harsh"
    assert bias_word(None, 1) == "–"
    assert csat_on_five(1, 5) == 1.0 and csat_on_five(10, 10) == 5.0
    assert csat_on_five(3, 5) == 3.0
    assert math.isclose(csat_on_five(0, 10), 1.0)  # clipped into 1–5
