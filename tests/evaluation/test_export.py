"""Research datasets exported as conversations + human reviews (ratings lines, one per annotator).

Fixture files are written here in the loaders' formats with made-up text; one test reads the real shared
data (skipped without it, failing under CI=true).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import InputError
from supportqa.evaluation.base import LoadReport, split
from supportqa.evaluation.export import (
    export_dataset,
    load_dataset,
    map_ab_redial,
    map_stc3,
    map_uss,
    ratings_lines,
    select,
)
from supportqa.importers.service import import_files
from supportqa.scoring.profiles import rules_only
from supportqa.storage import Repository
from tests.evaluation.test_datasets import shared_data_or_skip


def _stc3_record(id: int, quality: list[tuple[int, int, int]]) -> dict[str, Any]:
    return {
        "id": id,
        "turns": [
            {"sender": "customer", "utterances": ["My parcel has not arrived."]},
            {"sender": "helpdesk", "utterances": ["Sorry about that, we will look into it."]},
        ],
        "annotations": [
            {"quality": {"A": a, "S": s, "E": e}, "nugget": ["CNUG0", "HNUG*"]}
            for a, s, e in quality
        ],
    }


def write_fixture_data(root: Path) -> Path:
    """A small shared-data folder: STC-3 (3 dialogues), USS SGD (2 sessions), AB-ReDial (3 dialogues)."""
    (root / "stc3-dq").mkdir(parents=True)
    records = [
        _stc3_record(1001, [(-2, -1, 0), (0, 2, 1), (1, 0, 0)]),
        *(_stc3_record(1002 + n, [(2, 1, 1), (-1, -2, -2)]) for n in range(2)),
    ]
    (root / "stc3-dq" / "train_data_en.json").write_text(json.dumps(records), encoding="utf-8")
    (root / "uss").mkdir()
    session = (
        "USER\tCan you book a table for two?\tINFORM\t3,4,3\n"
        "SYSTEM\tDone, 7 pm tonight.\tCONFIRM\t\n"
        "USER\tOVERALL\t\t{ratings}\n"
    )
    text = "\n" + session.format(ratings="4,3,5") + "\n" + session.format(ratings="1,2")
    (root / "uss" / "SGD.txt").write_text(text, encoding="utf-8")
    (root / "ab-redial").mkdir()
    header = [
        "ConvId", "utterance0", "utterance1", "understanding", "task-completion",
        "interest-arousal", "efficiency", "dialogue-overall", "justification-text",
    ]  # fmt: skip
    talk = ["SYSTEM\tWhat films do you like?", "USER\tSomething scary, please."]
    rows = [
        ["X1", *talk, "3", "3", "2", "1", "5", "good"],
        ["X1", *talk, "2", "2", "1", "0", "3", "fine"],
        ["X1", *talk, "1", "1", "0", "0", "1", "bad"],
        ["X2", *talk, "3", "2", "1", "", "4", "no efficiency given"],
        ["X3", *talk, "3", "", "1", "1", "4", "no task completion: cannot pair"],
        ["X3", *talk, "2", "3", "1", "1", "4", ""],
    ]
    with (root / "ab-redial" / "annotated_dialogues.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return root


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_fixture_data(tmp_path / "shared")


def lines_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_stc3_maps_s_to_cx_and_a_to_resolution() -> None:
    assert map_stc3({"A": -2, "S": -2, "E": 0}) == ({"resolution": 1}, 1)
    assert map_stc3({"A": -1, "S": 0, "E": 0}) == ({"resolution": 1}, 3)
    assert map_stc3({"A": 0, "S": 1, "E": 0}) == ({"resolution": 2}, 4)
    assert map_stc3({"A": 1, "S": 2, "E": 0}) == ({"resolution": 3}, 5)
    assert map_stc3({"A": 2, "S": 2, "E": 0}) == ({"resolution": 3}, 5)


def test_uss_and_ab_redial_mappings() -> None:
    assert map_uss({"overall": 2}) == ({}, 2)
    assert map_ab_redial({"understanding": 3, "task_completion": 2, "overall": 4}) == (
        {"resolution": 2, "comprehension": 1},
        4,
    )
    assert map_ab_redial({"understanding": 1, "task_completion": 1, "overall": 1}) == (
        {"resolution": 1, "comprehension": 0},
        1,
    )
    partly = map_ab_redial({"understanding": 2, "task_completion": 3, "overall": 5})
    assert partly == ({"resolution": 3}, 5)  # partly understood: no binary level says that


def test_one_ratings_line_per_annotator_with_stable_names(data: Path) -> None:
    [first, *_] = load_dataset(data, "stc3", LoadReport())
    lines = ratings_lines(first)
    assert lines == [
        {"conversation_id": "1001", "source": "stc3", "reviewer": f"stc3-annotator-0{n}",
         "agent": "helpdesk", "ratings": {"resolution": r}, "cx": cx}
        for n, r, cx in ((1, 1, 2), (2, 2, 5), (3, 3, 3))
    ]  # fmt: skip


def test_export_writes_conversations_and_reviews_and_counts_them(
    data: Path, tmp_path: Path
) -> None:
    items = load_dataset(data, "ab-redial", LoadReport())
    report = export_dataset(items, tmp_path / "out", default_scorecard(), dataset="ab-redial")
    conversations = lines_of(tmp_path / "out" / "conversations.jsonl")
    reviews = lines_of(tmp_path / "out" / "reviews.jsonl")
    assert [c["id"] for c in conversations] == ["X1", "X2", "X3"]
    assert {c["source"] for c in conversations} == {"ab-redial"}
    assert not any("understanding" in json.dumps(c) for c in conversations)  # no labels leak
    assert report.unpaired == ["X3"]  # its label lists differ in length: no per-annotator pairing
    assert (report.conversations, report.reviews, report.reviewers) == (3, 4, 3)
    assert report.ratings == {"comprehension": 3, "cx": 4, "resolution": 4}
    assert [r["reviewer"] for r in reviews] == [
        "ab-redial-annotator-01",
        "ab-redial-annotator-02",
        "ab-redial-annotator-03",
        "ab-redial-annotator-01",
    ]
    assert reviews[1] == {
        "conversation_id": "X1", "source": "ab-redial", "reviewer": "ab-redial-annotator-02",
        "agent": "system", "ratings": {"resolution": 2}, "cx": 3,
    }  # fmt: skip


def test_exported_files_import_cleanly_and_again_change_nothing(
    data: Path, tmp_path: Path, repo: Repository
) -> None:
    items = load_dataset(data, "uss-SGD", LoadReport())
    report = export_dataset(items, tmp_path / "uss", default_scorecard(), dataset="uss-SGD")
    files = [Path(report.conversations_out), Path(report.reviews_out)]
    first = import_files(repo, files, scorecard=default_scorecard())
    assert (first.failed, first.conversations, first.reviews) == (0, 2, 5)
    again = import_files(repo, files, scorecard=default_scorecard())
    assert (again.unchanged, again.failed) == (7, 0)
    reviews = list(repo.iter_reviews(kind="human"))
    assert sorted(r.cx.value for r in reviews if r.cx) == [1, 2, 3, 4, 5]
    assert {r.reviewer for r in reviews} == {f"uss-SGD-annotator-0{n}" for n in (1, 2, 3)}
    assert all(r.conversation_id in ("SGD-1", "SGD-2") and r.source == "uss-SGD" for r in reviews)


def test_select_takes_the_split_then_the_limit(data: Path) -> None:
    items = load_dataset(data, "stc3", LoadReport())
    for half in ("dev", "test"):
        chosen = select(items, half, None)
        assert [i.conversation.id for i in chosen] == [
            i.conversation.id for i in items if split(i.conversation.id) == half
        ]
    assert len(select(items, "all", 2)) == 2


def test_a_scorecard_without_the_mapped_criteria_is_refused_before_writing(
    data: Path, tmp_path: Path
) -> None:
    items = load_dataset(data, "stc3", LoadReport())
    with pytest.raises(InputError, match="has no resolution criterion"):
        export_dataset(items, tmp_path / "o", rules_only(default_scorecard()), dataset="stc3")
    assert not (tmp_path / "o" / "reviews.jsonl").exists()


def test_unknown_dataset_and_missing_file_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown dataset 'stc4'"):
        load_dataset(tmp_path, "stc4", LoadReport())
    with pytest.raises(InputError, match="file not found"):
        load_dataset(tmp_path, "uss-CCPE", LoadReport())


def test_real_stc3_exports_19_annotators_per_dialogue_and_imports(
    tmp_path: Path, repo: Repository
) -> None:
    data = shared_data_or_skip()
    items = select(load_dataset(data, "stc3", LoadReport()), "test", 20)
    report = export_dataset(items, tmp_path, default_scorecard(), dataset="stc3", split="test")
    assert (report.conversations, report.reviews, report.reviewers) == (20, 380, 19)
    assert report.unpaired == []
    reviews = lines_of(tmp_path / "reviews.jsonl")
    assert all(1 <= r["cx"] <= 5 and r["ratings"]["resolution"] in (1, 2, 3) for r in reviews)
    imported = import_files(
        repo,
        [Path(report.conversations_out), Path(report.reviews_out)],
        scorecard=default_scorecard(),
    )
    assert (imported.failed, imported.imported) == (0, 400)
