"""The regression corpus's dev split (tests/data/regression): every criterion's accuracy against the
reference labels stays at or above its floor in `regression_floors.json`, so a change that makes any
criterion worse fails here. Floors only go up. The test half is never run here (only by an explicit
`supportqa eval --dataset regression --split test`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import InputError
from supportqa.evaluation.base import split
from supportqa.evaluation.regression import (
    CriterionAccuracy,
    criterion_accuracy,
    default_corpus_dir,
    gain_interval,
    load_regression,
    selective_accuracy,
    selective_gain,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "regression"
FLOORS = json.loads((Path(__file__).with_name("regression_floors.json")).read_text("utf-8"))


@pytest.fixture(scope="module")
def dev_rows() -> dict[str, CriterionAccuracy]:
    items = load_regression(CORPUS, "dev")
    return {row.criterion: row for row in criterion_accuracy(items, default_scorecard())}


def test_every_criterion_has_a_floor(dev_rows: dict[str, CriterionAccuracy]) -> None:
    assert set(FLOORS["floors"]) == set(dev_rows)


@pytest.mark.parametrize("criterion", sorted(FLOORS["floors"]))
def test_dev_accuracy_holds_its_floor(
    dev_rows: dict[str, CriterionAccuracy], criterion: str
) -> None:
    row = dev_rows[criterion]
    assert row.n > 50 and row.accuracy is not None
    assert row.accuracy >= FLOORS["floors"][criterion], row


def test_loader_keeps_only_the_requested_half() -> None:
    dev = load_regression(CORPUS, "dev")
    test = load_regression(CORPUS, "test")
    assert dev and test
    assert all(split(i.conversation.id) == "dev" for i in dev)
    assert all(split(i.conversation.id) == "test" for i in test)
    assert not {i.conversation.id for i in dev} & {i.conversation.id for i in test}
    assert len(load_regression(CORPUS, "all")) == len(dev) + len(test)


def test_default_corpus_is_the_repositorys() -> None:
    assert default_corpus_dir() == CORPUS


def test_a_label_for_an_unknown_conversation_names_its_line(tmp_path: Path) -> None:
    source = CORPUS / "conversations-a.jsonl"
    (tmp_path / "conversations-z.jsonl").write_text(
        source.read_text("utf-8").splitlines()[0] + "\n", "utf-8"
    )
    (tmp_path / "labels-pass1-z.jsonl").write_text(
        '{"id": "nope", "reviewee": "x", "ratings": {}}\n', "utf-8"
    )
    with pytest.raises(InputError, match="nope") as caught:
        load_regression(tmp_path, "all")
    assert caught.value.line == 1


def _one(tmp_path: Path, label: dict[str, object]) -> dict[str, CriterionAccuracy]:
    line = (CORPUS / "conversations-a.jsonl").read_text("utf-8").splitlines()[0]
    (tmp_path / "conversations-z.jsonl").write_text(line + "\n", "utf-8")
    (tmp_path / "labels-pass1-z.jsonl").write_text(json.dumps(label) + "\n", "utf-8")
    items = load_regression(tmp_path, "all")
    return {r.criterion: r for r in criterion_accuracy(items, default_scorecard())}


def _first_label() -> dict[str, object]:
    label = json.loads((CORPUS / "labels-pass1-a.jsonl").read_text("utf-8").splitlines()[0])
    assert isinstance(label, dict)
    return label


def test_na_label_against_an_ai_rating_is_a_miss(tmp_path: Path) -> None:
    label = _first_label()
    assert _one(tmp_path, label)["forbidden_phrases"].accuracy == 1.0  # both say 1
    ratings = label["ratings"]
    assert isinstance(ratings, dict)
    ratings["forbidden_phrases"] = None
    row = _one(tmp_path, label)["forbidden_phrases"]
    assert row.accuracy == 0.0 and row.coverage == 1.0


def test_a_reviewee_the_ai_did_not_review_is_uncovered_and_wrong(tmp_path: Path) -> None:
    label = _first_label()
    label["reviewee"] = "nobody-wrote-here"
    label["holder"] = False
    row = _one(tmp_path, label)["greeting"]
    assert row.n == 1 and row.coverage == 0.0 and row.accuracy == 0.0


def test_abstaining_criteria_are_more_accurate_when_they_answer(
    dev_rows: dict[str, CriterionAccuracy],
) -> None:
    """The default scorecard's `abstain_below` sets aside at most a quarter of a criterion's answers,
    and the answers kept are more often right than all of them (dev half, where it was chosen)."""
    abstaining = [c for c in default_scorecard().criteria if c.abstain_below is not None]
    assert abstaining
    for criterion in abstaining:
        row = dev_rows[criterion.key]
        assert row.accuracy is not None and row.answered_accuracy is not None
        assert 0 < row.abstained <= 0.25 * row.n, row
        assert row.answered_accuracy >= row.accuracy + 0.01, row
        # the selective curve is the same measurement, by coverage
        assert row.selective["1"] == pytest.approx(row.accuracy, abs=1e-3)
        assert row.selective["0.8"] > row.selective["1"]


def test_calibrated_confidence_matches_how_often_answers_are_right_on_dev(
    dev_rows: dict[str, CriterionAccuracy],
) -> None:
    """The packaged maps were fitted on this half (tone and empathy with the labelled replies' dev
    half): a large ECE here means they are stale or not applied (uncalibrated, 0.14–0.25); the test
    half measures how well they generalise."""
    for key in ("resolution", "tone", "empathy", "effort", "solution_offered", "clarity"):
        row = dev_rows[key]
        assert row.ece is not None and row.ece <= 0.08, row
        assert row.reliability and sum(size for *_, size in row.reliability) == row.n


def test_selective_accuracy_by_hand() -> None:
    answers = [(0.9, True), (0.8, True), (0.8, False), (0.3, False), (None, True)]
    # None ranks first (never set aside): at 100% 3/5 right
    assert selective_accuracy(answers, 1.0) == pytest.approx(0.6)
    # 60%: None and 0.9 (2 right), then one of the 0.8 tie at its mean 0.5 -> 2.5 / 3
    assert selective_accuracy(answers, 0.6) == pytest.approx(2.5 / 3)
    assert selective_accuracy(answers, 0.4) == pytest.approx(1.0)
    assert selective_accuracy([], 0.9) is None


def test_selective_gain_and_its_interval() -> None:
    # the 10 least confident answers are all wrong, the 90 others all right: keeping 90% removes
    # exactly the errors, a gain of 0.1 that every resample shows
    answers = [(0.2, False)] * 10 + [(0.9, True)] * 90
    assert selective_gain(answers) == pytest.approx(0.1)
    low, high = gain_interval(answers, resamples=200)
    assert 0.05 < low <= 0.1 + 1e-9 and 0.1 - 1e-9 <= high < 0.15
    # confidence that says nothing: no gain, an interval around 0
    flat = [(0.5, k % 4 != 0) for k in range(100)]
    assert selective_gain(flat) == pytest.approx(0.0)
    low, high = gain_interval(flat, resamples=200)
    assert low <= 0.0 <= high
