"""The demo as a library call: the whole loop on synthetic data in a folder, safe to run again."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportqa.errors import InputError
from supportqa.services.demo import run_demo


def test_the_demo_scores_everything_once_and_a_second_run_resumes(tmp_path: Path) -> None:
    first = run_demo(tmp_path / "demo", 30, seed=3)
    assert first.db.is_file() and first.conversations == 30
    assert first.imported.conversations == 30 and first.imported.reviews == first.review_lines
    assert first.scored.scored == 30 and first.cx.reviews == 30
    assert {row.group["kind"] for row in first.iqs_overall.rows} == {"ai", "human"}
    again = run_demo(tmp_path / "demo", 30, seed=3)
    assert again.scored.scored == 0 and again.imported.imported == 0


def test_a_file_where_the_folder_should_be_is_one_input_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("not a folder")
    with pytest.raises(InputError, match="pass --dir with a folder"):
        run_demo(tmp_path / "taken", 10)
