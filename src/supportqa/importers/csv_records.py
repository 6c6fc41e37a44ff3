"""CSV records from physical lines, with the record boundary in our hands.

The csv module, given a stray opening quote, keeps reading until a closing quote or the end of the
file: 50 rows become one message. Here each record's physical lines are counted: a quoted field still
open after `max_field_lines` lines or `max_field_bytes` bytes (or at the end of the file) is reported as
an unterminated quoted field on the line where its row started, and parsing starts again on the line
after that one. Any other csv error (a field over the size limit) rejects its row, not the file.

Lines are decoded one by one: a UTF-8 BOM is dropped and undecodable bytes become U+FFFD, with their
byte offsets in the file kept on the row so the importer can report them.
"""

from __future__ import annotations

import codecs
import csv
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from supportqa.importers.decoding import decode, strip_bom
from supportqa.importers.formats import OnBytes
from supportqa.settings import Settings

_DEFAULTS = Settings.model_fields


@dataclass(frozen=True)
class CsvLimits:
    """How far a quoted field may run before it is taken for a stray quote (`Settings.csv_max_*`)."""

    max_field_lines: int = _DEFAULTS["csv_max_field_lines"].default
    max_field_bytes: int = _DEFAULTS["csv_max_field_bytes"].default

    @classmethod
    def from_settings(cls, settings: Settings) -> CsvLimits:
        return cls(settings.csv_max_field_lines, settings.csv_max_field_bytes)


@dataclass(frozen=True)
class _Line:
    number: int
    offset: int
    size: int
    text: str
    bad: list[int]


@dataclass
class Row:
    """A record: the line it starts on, its cells, and the file offsets of undecodable bytes in it."""

    line: int
    cells: list[str]
    bad: list[int] = field(default_factory=list)


@dataclass
class BrokenRow:
    """A record that could not be read; `cells` are those read whole from its first line (so its
    conversation id is known when that column comes before the broken field)."""

    line: int
    reason: str
    cells: list[str]


class _Runaway(Exception):
    """A quoted field ran past the limits."""


class _Lines:
    """The physical lines fed to `csv.reader`, remembering those of the record being read so they can
    be fed again after that record is abandoned."""

    def __init__(self, source: Iterator[_Line], limits: CsvLimits) -> None:
        self.source = source
        self.limits = limits
        self.replay: deque[_Line] = deque()
        self.pending: list[_Line] = []
        self.size = 0
        self.eof = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.replay:
            line = self.replay.popleft()
        else:
            found = next(self.source, None)
            if found is None:
                self.eof = True
                raise StopIteration
            line = found
        self.pending.append(line)
        self.size += line.size
        if len(self.pending) > 1 and (
            len(self.pending) > self.limits.max_field_lines
            or self.size > self.limits.max_field_bytes
        ):
            raise _Runaway
        return line.text

    def take(self) -> list[_Line]:
        taken, self.pending, self.size = self.pending, [], 0
        return taken

    def again_after_first(self, taken: list[_Line]) -> None:
        """Feed the lines after the abandoned record's first line again (before any not yet read)."""
        self.replay.extendleft(reversed(taken[1:]))
        self.eof = False


def _physical(file: Path, encoding: str, on_bytes: OnBytes) -> Iterator[_Line]:
    codec = "utf-8" if codecs.lookup(encoding).name == "utf-8-sig" else encoding
    offset = 0
    with file.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if on_bytes is not None:
                on_bytes(len(raw))
            start, size = offset, len(raw)
            offset += size
            if number == 1:
                raw, skipped = strip_bom(raw)
                start += skipped
            text, bad = decode(raw, codec)
            yield _Line(number, start, size, text, [start + b for b in bad] if bad else bad)


def _broken(taken: list[_Line], reason: str, delimiter: str) -> BrokenRow:
    first = taken[0]
    try:
        cells = next(csv.reader([first.text], delimiter=delimiter), [])[:-1]
    except csv.Error:
        cells = []
    return BrokenRow(first.number, reason, cells)


def read_rows(
    file: Path,
    delimiter: str,
    *,
    encoding: str = "utf-8-sig",
    limits: CsvLimits | None = None,
    on_bytes: OnBytes = None,
) -> Iterator[Row | BrokenRow]:
    """Every non-blank record of the file in order, or a BrokenRow where one could not be read."""
    limits = limits or CsvLimits()
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_field_bytes))
    lines = _Lines(_physical(file, encoding, on_bytes), limits)
    runaway = (
        f"unterminated quoted field starting here (no closing quote within "
        f"{limits.max_field_lines} lines or {limits.max_field_bytes} bytes; the row is skipped "
        "and reading goes on from the next line)"
    )
    at_end = (
        "unterminated quoted field starting here (no closing quote before the end of the file; "
        "the row is skipped and reading goes on from the next line)"
    )
    done = False
    while not done:
        try:
            done = True
            for cells in csv.reader(lines, delimiter=delimiter):
                taken = lines.take()
                if lines.eof and taken:
                    yield _broken(taken, at_end, delimiter)
                    lines.again_after_first(taken)
                    done = False
                    break
                if any(cell.strip() for cell in cells):
                    bad = taken[0].bad if len(taken) == 1 else [b for x in taken for b in x.bad]
                    yield Row(taken[0].number, cells, bad)
        except _Runaway:
            taken = lines.take()
            yield _broken(taken, runaway, delimiter)
            lines.again_after_first(taken)
            done = False
        except csv.Error as exc:
            taken = lines.take()
            done = False
            if not taken:
                continue
            yield _broken(taken, f"cannot read this row ({exc})", delimiter)
            lines.again_after_first(taken)
