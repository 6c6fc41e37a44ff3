"""`score FILE -o OUT` never destroys a file: OUT is refused when it is an input or not a reviews file,
and resume only ever cuts a torn last line."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import InputError
from supportqa.services.scoring import score_file
from tests.scoring.test_runner_file import review_ids, write_conversations


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "c.jsonl"
    write_conversations(path, 6)
    return path


@pytest.fixture
def reviews(tmp_path: Path, source: Path) -> list[bytes]:
    """The six review lines a complete run writes."""
    full = tmp_path / "full.jsonl"
    score_file(source, full, default_scorecard())
    return full.read_bytes().splitlines(keepends=True)


def _refused(source: Path, out: Path, *, restart: bool = False) -> InputError:
    with pytest.raises(InputError) as caught:
        score_file(source, out, default_scorecard(), resume=not restart)
    return caught.value


@pytest.mark.parametrize("restart", [False, True])
def test_out_equal_to_the_input_path_is_refused_and_the_input_is_unchanged(
    source: Path, restart: bool
) -> None:
    before = source.read_bytes()
    error = _refused(source, source, restart=restart)
    assert "input" in str(error) and str(source) in str(error)
    assert source.read_bytes() == before


@pytest.mark.parametrize("restart", [False, True])
def test_out_symlinked_or_hard_linked_to_the_input_is_refused(
    source: Path, tmp_path: Path, restart: bool
) -> None:
    before = source.read_bytes()
    symlink, hardlink = tmp_path / "via-symlink.jsonl", tmp_path / "via-hardlink.jsonl"
    symlink.symlink_to(source)
    os.link(source, hardlink)
    for out in (symlink, hardlink, tmp_path / "." / "c.jsonl"):
        assert "input" in str(_refused(source, out, restart=restart))
    assert source.read_bytes() == before


@pytest.mark.parametrize("restart", [False, True])
def test_a_conversations_file_as_out_is_refused_not_cut(
    source: Path, tmp_path: Path, restart: bool
) -> None:
    other = tmp_path / "other-conversations.jsonl"
    write_conversations(other, 3)
    before = other.read_bytes()
    error = _refused(source, other, restart=restart)
    assert error.file == str(other) and error.line == 1
    assert "not a reviews file" in str(error)
    assert other.read_bytes() == before


@pytest.mark.parametrize(
    "bad",
    [b"not json at all\n", b'{"id": "c1", "messages": []}\n', b"[1, 2]\n", b'{"review_id": \n'],
)
def test_a_bad_middle_line_is_refused_with_its_line_number(
    source: Path, tmp_path: Path, reviews: list[bytes], bad: bytes
) -> None:
    out = tmp_path / "r.jsonl"
    out.write_bytes(b"".join(reviews[:2]) + bad + b"".join(reviews[2:4]))
    before = out.read_bytes()
    error = _refused(source, out)
    assert (error.file, error.line) == (str(out), 3)
    assert str(error).startswith(f"{out}:3: not a reviews file")
    assert out.read_bytes() == before


def test_a_last_line_without_newline_that_is_not_a_review_is_refused(
    source: Path, tmp_path: Path, reviews: list[bytes]
) -> None:
    """Only the start of a review line counts as torn: other text is not ours to cut."""
    out = tmp_path / "r.jsonl"
    out.write_bytes(reviews[0] + b"my notes, no newline")
    before = out.read_bytes()
    assert _refused(source, out).line == 2
    assert out.read_bytes() == before


@pytest.mark.parametrize("cut", [3, 40])
def test_a_torn_last_line_is_cut_and_its_review_written_again(
    source: Path, tmp_path: Path, reviews: list[bytes], cut: int
) -> None:
    out = tmp_path / "r.jsonl"
    out.write_bytes(b"".join(reviews[:2]) + reviews[2][:cut])
    report = score_file(source, out, default_scorecard())
    assert report.skipped == 2 and report.scored == 4
    assert out.read_bytes().startswith(b"".join(reviews[:2]))
    assert sorted(review_ids(out)) == sorted(orjson.loads(r)["review_id"] for r in reviews)


def test_a_whole_last_review_without_its_newline_is_kept(
    source: Path, tmp_path: Path, reviews: list[bytes]
) -> None:
    out = tmp_path / "r.jsonl"
    kept = b"".join(reviews[:2]) + reviews[2].rstrip(b"\n")
    out.write_bytes(kept)
    report = score_file(source, out, default_scorecard())
    assert report.skipped == 3 and report.scored == 3
    assert out.read_bytes().startswith(kept + b"\n")
    assert len(review_ids(out)) == 6


def test_an_empty_out_is_accepted(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    out.write_bytes(b"")
    assert score_file(source, out, default_scorecard()).scored == 6
    assert len(review_ids(out)) == 6


def test_restart_overwrites_a_reviews_file(
    source: Path, tmp_path: Path, reviews: list[bytes]
) -> None:
    out = tmp_path / "r.jsonl"
    out.write_bytes(b"".join(reviews[:4]))
    report = score_file(source, out, default_scorecard(), resume=False)
    assert report.scored == 6 and report.skipped == 0 and len(review_ids(out)) == 6


def test_a_directory_as_out_is_refused(source: Path, tmp_path: Path) -> None:
    assert "not a regular file" in str(_refused(source, tmp_path))
