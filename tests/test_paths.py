"""`confined`: a path built from data stays inside its folder, whatever the data holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportqa.errors import InputError
from supportqa.paths import confined


def test_confined_path_inside_the_folder_is_returned_resolved(tmp_path: Path) -> None:
    assert confined(tmp_path, "models", "card-cx-v1.json") == (
        tmp_path.resolve() / "models" / "card-cx-v1.json"
    )


@pytest.mark.parametrize(
    "parts",
    [
        ("scorecard-x/../../../ESCAPED-v1.yaml",),
        ("..", "ESCAPED"),
        ("/etc/passwd",),
        ("a", "../../b"),
        (".",),
    ],
)
def test_confined_refuses_a_path_that_leaves_the_folder(
    tmp_path: Path, parts: tuple[str, ...]
) -> None:
    with pytest.raises(InputError, match="would write outside"):
        confined(tmp_path / "db", *parts)


def test_confined_refuses_a_symlink_that_points_out(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    (folder / "out").symlink_to(tmp_path)
    with pytest.raises(InputError):
        confined(folder, "out", "x.yaml")
