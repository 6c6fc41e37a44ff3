"""`supportqa dataset export` on small files in the shared datasets' formats, then `import` of its output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Runner
from tests.evaluation.test_export import write_fixture_data


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_fixture_data(tmp_path / "shared")


def test_export_prints_counts_and_the_files_import_cleanly(
    cli: Runner, data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "stc3"
    result = cli("dataset", "export", "--data", data, "--dataset", "stc3", "--out", out)
    assert result.code == 0, result.err
    assert "stc3 (all) exported" in result.out
    assert "cx 7, resolution 7" in result.out
    assert f"supportqa import {out / 'conversations.jsonl'}" in result.out
    imported = cli(
        "import", out / "conversations.jsonl", out / "reviews.jsonl", "--db", tmp_path / "qa.db",
        "--json",
    )  # fmt: skip
    assert imported.code == 0, imported.err
    report = imported.json()
    assert (report["failed"], report["conversations"], report["reviews"]) == (0, 3, 7)
    iqs = cli("iqs", "--db", tmp_path / "qa.db", "--by", "reviewer", "--kind", "human", "--json")
    reviewers = {row["group"]["reviewer"] for row in iqs.json()["rows"]}
    assert reviewers == {"stc3-annotator-01", "stc3-annotator-02", "stc3-annotator-03"}


def test_export_json_has_the_same_counts(cli: Runner, data: Path, tmp_path: Path) -> None:
    result = cli(
        "dataset", "export", "--data", data, "--dataset", "ab-redial", "--out", tmp_path / "ab",
        "--limit", "2", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    report = result.json()
    assert report["dataset"] == "ab-redial" and report["split"] == "all"
    assert (report["conversations"], report["reviews"], report["reviewers"]) == (2, 4, 3)
    assert report["ratings"] == {"comprehension": 3, "cx": 4, "resolution": 4}
    assert report["unpaired"] == [] and report["skipped_records"] == 0
    assert report["reviews_out"] == str(tmp_path / "ab" / "reviews.jsonl")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--dataset", "stc4"), "unknown dataset 'stc4'"),
        (("--dataset", "stc3", "--split", "train"), "--split 'train'"),
        (("--dataset", "stc3", "--limit", "0"), "--limit 0"),
        (("--dataset", "uss-CCPE"), "file not found"),
    ],
)
def test_bad_arguments_print_one_red_line(
    cli: Runner, data: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = cli("dataset", "export", "--data", data, "--out", tmp_path / "o", *args)
    assert result.code == 1
    assert message in result.err and "Traceback" not in result.err
