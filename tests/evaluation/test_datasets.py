"""Loaders for the shared human-labelled datasets (STC-3, USS, AB-ReDial), read from ../shared/data.

The datasets are research-only, so nothing here copies them: the real files are read at run time, and
the malformed-record tests write tiny hand-made files of their own. Without the shared data the real-file
tests are skipped with the reason, except under CI=true, where they fail (a skip there would hide a gap).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from supportqa.domain.conversation import Conversation, Role
from supportqa.errors import InputError
from supportqa.evaluation import (
    SHARED_DATA_ENV,
    LabelledConversation,
    LoadReport,
    load_ab_redial,
    load_all,
    load_stc3,
    load_uss,
    shared_data_dir,
    split,
)

SUBSET_SIZES = {"SGD": 1000, "MWOZ": 1000, "ReDial": 1000, "CCPE": 500}
AB_REDIAL_RANGES = {
    "understanding": (1, 3),
    "task_completion": (1, 3),
    "interest": (0, 3),
    "efficiency": (0, 1),
    "overall": (1, 5),
}


def shared_data_or_skip() -> Path:
    configured = os.environ.get(SHARED_DATA_ENV, "").strip()
    path = (
        Path(configured)
        if configured
        else Path(__file__).resolve().parents[2].parent / "shared" / "data"
    )
    if not path.is_dir():
        reason = f"shared research data not found at {path} (set {SHARED_DATA_ENV})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: not skipping)")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def data_dir() -> Path:
    return shared_data_or_skip()


@pytest.fixture(scope="module")
def stc3(data_dir: Path) -> list[LabelledConversation]:
    return load_stc3(data_dir / "stc3-dq" / "train_data_en.json")


@pytest.fixture(scope="module")
def uss(data_dir: Path) -> dict[str, list[LabelledConversation]]:
    return {subset: load_uss(data_dir / "uss" / f"{subset}.txt") for subset in SUBSET_SIZES}


@pytest.fixture(scope="module")
def ab_redial(data_dir: Path) -> tuple[list[LabelledConversation], LoadReport]:
    report = LoadReport()
    return load_ab_redial(data_dir / "ab-redial" / "annotated_dialogues.csv", report=report), report


# --- STC-3 -----------------------------------------------------------------------------------------


def test_stc3_loads_every_dialogue_as_a_valid_conversation(
    stc3: list[LabelledConversation],
) -> None:
    assert len(stc3) == 1672
    assert len({item.conversation.id for item in stc3}) == 1672
    for item in stc3:
        conversation = Conversation.model_validate(item.conversation.model_dump())
        assert conversation.source == "stc3"
        assert conversation.channel == "social"
        assert all(message.at is None for message in conversation.messages)
        for message in conversation.messages:
            assert message.role in (Role.CUSTOMER, Role.AGENT)
            if message.role is Role.AGENT:
                assert message.author is not None and message.author.id == "helpdesk"


def test_stc3_has_19_annotations_in_range_and_means_match(
    stc3: list[LabelledConversation],
) -> None:
    for item in stc3:
        assert item.dataset == "stc3"
        assert set(item.labels) == {"A", "S", "E"}
        for name in ("A", "S", "E"):
            ratings = item.annotations[name]
            assert len(ratings) == 19
            assert all(-2 <= r <= 2 for r in ratings)
            assert item.labels[name] == pytest.approx(sum(ratings) / 19)


def test_stc3_split_is_about_half_and_deterministic(stc3: list[LabelledConversation]) -> None:
    counts = Counter(item.split for item in stc3)
    assert set(counts) == {"dev", "test"}
    assert 0.45 < counts["dev"] / len(stc3) < 0.55
    for item in stc3:
        digest = int(hashlib.sha256(item.conversation.id.encode()).hexdigest(), 16)
        assert item.split == ("dev" if digest % 2 == 0 else "test")
        assert split(item.conversation.id) == item.split


def test_stc3_nugget_labels_align_with_turns(stc3: list[LabelledConversation]) -> None:
    for item in stc3:
        messages = item.conversation.messages
        assert len(item.turn_labels) == len(messages)
        for message, turn in zip(messages, item.turn_labels, strict=True):
            side = "C" if message.role is Role.CUSTOMER else "H"
            assert turn["nugget"].startswith(side)
            assert sum(turn["nugget_votes"].values()) == 19
            assert turn["nugget_share"] == turn["nugget_votes"][turn["nugget"]] / 19
            assert turn["nugget_share"] == max(turn["nugget_votes"].values()) / 19
    assert all(item.conversation.messages[0].role is Role.CUSTOMER for item in stc3)


# --- USS -------------------------------------------------------------------------------------------


def test_uss_loads_all_four_subsets_with_overall_ratings(
    uss: dict[str, list[LabelledConversation]],
) -> None:
    for subset, size in SUBSET_SIZES.items():
        items = uss[subset]
        assert len(items) == size, subset
        assert [item.conversation.id for item in items] == [
            f"{subset}-{n}" for n in range(1, size + 1)
        ]
        for item in items:
            assert item.dataset == item.conversation.source == f"uss-{subset}"
            overall = item.annotations["overall"]
            assert 3 <= len(overall) <= 7
            assert all(1 <= r <= 5 for r in overall)
            assert item.labels["overall"] is not None and 1 <= item.labels["overall"] <= 5


def test_uss_turn_satisfaction_is_on_user_turns_only(
    uss: dict[str, list[LabelledConversation]],
) -> None:
    for items in uss.values():
        for item in items:
            messages = item.conversation.messages
            assert len(item.turn_labels) == len(messages)
            annotators = len(item.annotations["overall"])
            for message, turn in zip(messages, item.turn_labels, strict=True):
                if message.role is Role.CUSTOMER:
                    assert len(turn["satisfaction"]) == annotators
                    assert all(1 <= r <= 5 for r in turn["satisfaction"])
                else:
                    assert message.role is Role.AGENT
                    assert turn["satisfaction"] == [] and turn["satisfaction_mean"] is None
            assert all(m.text != "OVERALL" for m in messages)


# --- AB-ReDial -------------------------------------------------------------------------------------


def test_ab_redial_groups_640_rows_into_dialogues(
    ab_redial: tuple[list[LabelledConversation], LoadReport],
) -> None:
    items, report = ab_redial
    # 195 ConvIds, but five of them each name two different transcripts: 200 dialogues (the README's).
    assert len({item.conversation.metadata["conv_id"] for item in items}) == 195
    assert len(items) == 200
    rated_rows = sum(len(item.annotations["overall"]) for item in items)
    assert rated_rows + report.skipped_reasons()["annotation row has no ratings"] == 640
    assert len({item.conversation.id for item in items}) == 200


def test_ab_redial_ratings_are_in_their_ranges(
    ab_redial: tuple[list[LabelledConversation], LoadReport],
) -> None:
    items, _ = ab_redial
    for item in items:
        assert set(item.labels) == set(AB_REDIAL_RANGES)
        for name, (low, high) in AB_REDIAL_RANGES.items():
            assert item.annotations[name], (item.conversation.id, name)
            assert all(low <= r <= high for r in item.annotations[name])
        for message in item.conversation.messages:
            assert message.role in (Role.CUSTOMER, Role.AGENT)
            assert not message.text.startswith(("USER", "SYSTEM"))


def test_load_all_names_every_dataset(data_dir: Path) -> None:
    report = LoadReport()
    loaded = load_all(data_dir, report=report)
    assert {name: len(items) for name, items in loaded.items()} == {
        "stc3": 1672,
        **{f"uss-{subset}": size for subset, size in SUBSET_SIZES.items()},
        "ab-redial": 200,
    }
    assert report.loaded == {name: len(items) for name, items in loaded.items()}


# --- malformed records (hand-written files, nothing from the datasets) -----------------------------


def _stc3_record(record_id: str, quality: object = None) -> dict[str, object]:
    annotation = {"quality": quality or {"A": 1, "S": 0, "E": -1}, "nugget": ["CNUG0", "HNUG*"]}
    return {
        "id": record_id,
        "turns": [
            {"sender": "customer", "utterances": ["my parcel", "is late"]},
            {"sender": "helpdesk", "utterances": ["it ships today"]},
        ],
        "annotations": [annotation, annotation],
    }


def test_stc3_skips_malformed_records_and_reports_why(tmp_path: Path) -> None:
    bad_sender = _stc3_record("2")
    bad_sender["turns"] = [{"sender": "robot", "utterances": ["hi"]}]
    one_bad_annotation = _stc3_record("3")
    one_bad_annotation["annotations"] = [
        {"quality": {"A": 5, "S": 0, "E": 0}, "nugget": ["CNUG0", "HNUG"]},
        {"quality": {"A": 1, "S": 1, "E": 1}, "nugget": ["CNUG0"]},
    ]
    records = [_stc3_record("1"), bad_sender, "not a dialogue", one_bad_annotation]
    path = tmp_path / "stc3.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    report = LoadReport()
    items = load_stc3(path, report=report)
    assert [item.conversation.id for item in items] == ["1", "3"]
    assert items[0].conversation.messages[0].text == "my parcel is late"
    assert items[0].labels == {"A": 1.0, "S": 0.0, "E": -1.0}
    assert items[0].turn_labels[1]["nugget"] == "HNUG*"
    assert items[1].annotations["A"] == [1.0] and items[1].turn_labels == []
    reasons = report.skipped_reasons()
    assert reasons["turn 0: sender is not customer or helpdesk"] == 1
    assert reasons["not a JSON object"] == 1
    assert reasons["rating 5 is outside -2..2"] == 1
    assert reasons["nugget labels do not match the turns one to one"] == 1
    assert report.loaded["stc3"] == 2


def test_uss_skips_malformed_sessions_and_keeps_ids_stable(tmp_path: Path) -> None:
    lines = [
        "",
        "USER\tmy order is late\tINFORM\t2,3,2",
        "SYSTEM\tsorry, it ships today\tINFORM\t",
        "USER\tOVERALL\t\t3,3,4",
        "",
        "USER\thello\tGREET\t3,3,3",
        "",
        "USER\thello\tGREET\t3,9,3",
        "USER\tOVERALL\t\t3,3,3",
        "",
        "ROBOT\thello\tGREET\t3,3,3",
        "USER\tOVERALL\t\t3,3,3",
        "",
        "SYSTEM\thi\r",
        "USER\t\tOTHER\t4,4,4\r",
        "USER\tOVERALL\tOTHER\t5,4,4\r",
    ]
    path = tmp_path / "Tiny.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = LoadReport()
    items = load_uss(path, report=report)
    assert [item.conversation.id for item in items] == ["Tiny-1", "Tiny-5"]
    first, last = items
    assert first.conversation.source == "uss-Tiny"
    assert first.labels == {"overall": pytest.approx(10 / 3)}
    assert first.turn_labels[0]["satisfaction"] == [2.0, 3.0, 2.0]
    assert [m.role for m in last.conversation.messages] == [Role.AGENT, Role.CUSTOMER]
    assert last.conversation.messages[1].text == ""
    reasons = report.skipped_reasons()
    assert reasons["session has no OVERALL line at its end"] == 1
    assert reasons["line 8: rating '9' is not 1..5"] == 1
    assert reasons["line 11: role 'ROBOT' is not USER or SYSTEM"] == 1
    assert report.quirk_reasons()["OVERALL line carries an action (ignored)"] == 1


def test_ab_redial_skips_bad_rows_and_tolerates_spaced_roles(tmp_path: Path) -> None:
    header = ["ConvId", "utterance0", "utterance1", "utterance2", "understanding"]
    header += ["task-completion", "interest-arousal", "efficiency", "dialogue-overall"]
    header += ["justification-text"]
    rows = [
        header,
        ["X1", "USER\tany comedies?", "SYSTEM\ttry a classic", "", "3", "2", "1", "1", "4", "fine"],
        ["X1", "USER\u2003any comedies?", "SYSTEM  try a classic", "", "2", "3", "9", "0", "5", ""],
        ["X1", "USER\tsomething else", "SYSTEM\tok", "", "1", "1", "0", "0", "1", "other chat"],
        ["", "USER\thi", "SYSTEM\thello", "", "3", "3", "3", "1", "5", ""],
        ["X2", "CUSTOMER\thi", "SYSTEM\thello", "", "3", "3", "3", "1", "5", ""],
        ["X3", "USER\thi", "SYSTEM\thello", "", "", "", "", "", "", "no scores"],
    ]
    path = tmp_path / "tiny.csv"
    path.write_text("\n".join(",".join(f'"{cell}"' for cell in row) for row in rows), "utf-8")
    report = LoadReport()
    items = load_ab_redial(path, report=report)
    assert [item.conversation.id for item in items] == ["X1", "X1-2", "X3"]
    first = items[0]
    assert first.annotations["overall"] == [4.0, 5.0]
    assert first.annotations["interest"] == [1.0]
    assert first.labels["understanding"] == 2.5
    assert [m.text for m in first.conversation.messages] == ["any comedies?", "try a classic"]
    assert first.justifications == ["fine"]
    assert items[2].labels["overall"] is None
    reasons = report.skipped_reasons()
    assert reasons["rating 9 is outside 0..3"] == 1
    assert reasons["no ConvId"] == 1
    assert reasons["utterance0 does not start with USER or SYSTEM"] == 1
    assert reasons["annotation row has no ratings"] == 1
    assert report.quirk_reasons()["role and text separated by spaces, not a tab"] == 2


def test_missing_or_unreadable_files_raise_input_error_naming_them(tmp_path: Path) -> None:
    missing = tmp_path / "absent.json"
    with pytest.raises(InputError, match=r"absent\.json"):
        load_stc3(missing)
    not_json = tmp_path / "broken.json"
    not_json.write_text("[{", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.json.*not valid JSON"):
        load_stc3(not_json)
    not_list = tmp_path / "object.json"
    not_list.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="expected a JSON list"):
        load_stc3(not_list)
    binary = tmp_path / "SGD.txt"
    binary.write_bytes(b"USER\t\xff\xfe\n")
    with pytest.raises(InputError, match=r"SGD\.txt.*not UTF-8"):
        load_uss(binary)
    columns = tmp_path / "columns.csv"
    columns.write_text("ConvId,utterance0\nX1,USER\thi\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"columns\.csv:1: missing columns: understanding"):
        load_ab_redial(columns)
    with pytest.raises(InputError, match=r"train_data_en\.json"):
        load_all(tmp_path)


def test_shared_data_dir_honours_the_environment_variable(tmp_path: Path) -> None:
    assert shared_data_dir({SHARED_DATA_ENV: str(tmp_path)}) == tmp_path
    with pytest.raises(InputError, match="names no directory"):
        shared_data_dir({SHARED_DATA_ENV: str(tmp_path / "nowhere")})
    found = shared_data_dir({})
    assert found is None or found.parts[-2:] == ("shared", "data")
