"""The one JSONL reader: every bad line named by file and line, reading goes on, bytes are located."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportqa.errors import InputError
from supportqa.jsonl import BOM, JsonObject, chunks, lines, parse, read_objects


def test_bad_lines_are_reported_with_file_and_line_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": 1}\n\n{"id": \n[1, 2]\n{"id": 4}\n')
    found = list(read_objects(path))
    assert [type(f) for f in found] == [JsonObject, InputError, InputError, JsonObject]
    assert [f.line for f in found] == [1, 3, 4, 5]
    assert str(found[1]).startswith(f"{path}:3: not valid JSON")
    assert str(found[2]) == f"{path}:4: expected a JSON object, got list"


def test_a_byte_order_mark_is_dropped_and_offsets_still_point_into_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(BOM + b'{"id": 1}\n{"id": "a\xffb"}\n')
    first, second = (parse(line) for line in lines(path))
    assert isinstance(first, JsonObject) and first.data == {"id": 1}
    assert isinstance(second, JsonObject) and second.data == {"id": "a\ufffdb"}
    assert second.undecodable == (path.read_bytes().index(b"\xff"),)


def test_lines_say_where_they_end_and_whether_a_killed_writer_cut_them(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"a": 1}\n\n{"a": 2')
    found = list(lines(path, blank=True))
    assert [(line.number, line.complete) for line in found] == [(1, True), (2, True), (3, False)]
    assert found[-1].end == path.stat().st_size
    assert [line.number for line in lines(path)] == [1, 3]


def test_a_missing_file_is_one_input_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot open"):
        list(lines(tmp_path / "missing.jsonl"))


def test_chunks_keep_order_and_the_short_last_one() -> None:
    assert list(chunks(range(5), 2)) == [[0, 1], [2, 3], [4]]
