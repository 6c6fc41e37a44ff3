"""`supportqa eval` end to end: the table, the same data as JSON, and clear errors."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tests.cli.conftest import Runner
from tests.evaluation.test_datasets import shared_data_or_skip

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = ROOT / "tests" / "data" / "labelled" / "tone_empathy.jsonl"


def test_eval_missing_dataset_file_is_a_clear_error(cli: Runner, tmp_path: Path) -> None:
    result = cli("eval", "--data", tmp_path, "-d", "stc3", "--bootstrap", "0")
    assert result.code == 1 and "train_data_en.json" in result.err


def test_eval_replies_only(cli: Runner, tmp_path: Path) -> None:
    result = cli(
        "eval",
        "--messages",
        MESSAGES,
        "--dataset",
        "tone-empathy",
        "--limit",
        "40",
        "--split",
        "all",
        "--bootstrap",
        "20",
        "--json",
    )
    assert result.code == 0, result.err
    report = result.json()
    rows = {(r["ours"], r["metric"]): r for r in report["rows"]}
    assert rows[("tone", "spearman")]["n"] == 40
    for row in report["rows"]:
        value = row["value"]
        assert value is None or (-1 <= value <= 1 and not math.isnan(value))
        if row["ci_low"] is not None:
            # Percentile intervals need not contain a biased statistic's estimate (ECE on n = 40).
            assert row["ci_low"] <= row["ci_high"]
    assert report["datasets"] == [
        {
            "dataset": "tone-empathy",
            "conversations": 40,
            "split": "all",
            "flagged_share": report["datasets"][0]["flagged_share"],
        }
    ]
    table = cli(
        "eval",
        "--messages",
        MESSAGES,
        "--dataset",
        "tone-empathy",
        "--limit",
        "20",
        "--split",
        "all",
        "--bootstrap",
        "0",
    )
    assert table.code == 0 and "Agreement with people" in table.out and "Spearman" in table.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--split", "train"), "--split"),
        (("--mode", "cv9"), "--mode"),
        (("--limit", "0"), "--limit"),
        (("--bootstrap", "-1"), "--bootstrap"),
        (("--dataset", "nope"), "unknown dataset"),
    ],
)
def test_eval_rejects_bad_options(cli: Runner, args: tuple[str, ...], message: str) -> None:
    result = cli("eval", "--messages", MESSAGES, *args)
    assert result.code == 1 and message in result.err


def test_eval_on_shared_dataset(cli: Runner) -> None:
    data = shared_data_or_skip()
    result = cli(
        "eval", "--data", data, "-d", "ab-redial", "--limit", "60", "--bootstrap", "20", "--json"
    )
    assert result.code == 0, result.err
    rows = result.json()["rows"]
    assert {r["ours"] for r in rows} >= {"CX value", "resolution probability", "comprehension"}
    assert all(r["keyword"] is not None for r in rows if r["metric"] == "spearman")


def test_eval_on_your_own_conversations_and_reviews(cli: Runner, tmp_path: Path) -> None:
    conversations = tmp_path / "c.jsonl"
    reviews = tmp_path / "r.jsonl"
    made = cli(
        "generate",
        "--n",
        "60",
        "--seed",
        "4",
        "-o",
        conversations,
        "--reviews",
        reviews,
        "--review-share",
        "1.0",
        "--json",
    )
    assert made.code == 0, made.err
    result = cli(
        "eval",
        "--conversations",
        conversations,
        "--reviews",
        reviews,
        "--bootstrap",
        "10",
        "--json",
    )
    assert result.code == 0, result.err
    report = result.json()
    assert report["datasets"][0]["dataset"] == "own"
    keys = {r["ours"] for r in report["rows"]}
    assert {"greeting", "resolution", "tone"} <= keys
    assert any(r["ours"] == "CX value" and r["human"] == "CSAT" for r in report["rows"])
    lonely = cli("eval", "--conversations", conversations)
    assert lonely.code == 1 and "go together" in lonely.err
    broken = tmp_path / "bad.jsonl"
    broken.write_text('{"conversation_id": "x", "ratings": {"tone": 2}}\n{not json\n')
    bad = cli("eval", "--conversations", conversations, "--reviews", broken)
    assert bad.code == 1 and "bad.jsonl:2" in bad.err


def test_eval_regression_corpus_defaults_to_its_dev_half(cli: Runner) -> None:
    result = cli("eval", "--dataset", "regression", "--limit", "12", "--json")
    assert result.code == 0, result.err
    regression = result.json()["regression"]
    assert regression["split"] == "dev"
    greeting = next(r for r in regression["criteria"] if r["criterion"] == "greeting")
    assert greeting["n"] >= 12 and greeting["rule"] == "exact"
    sentiment = next(r for r in regression["criteria"] if r["criterion"] == "customer_sentiment")
    assert sentiment["rule"] == "within one" and sentiment["n"] == 12


def test_eval_regression_corpus_missing_folder_is_a_clear_error(
    cli: Runner, tmp_path: Path
) -> None:
    result = cli("eval", "--dataset", "regression", "--corpus", tmp_path)
    assert result.code == 1 and "conversations-*.jsonl" in result.err
