"""The reviews JSONL a file run writes (OUT): what it may append to, and what it would destroy.

`score FILE -o OUT` appends to OUT and resumes from it, and `--restart` overwrites it. So before a byte
is written, OUT must be a file this tool can own — absent, empty, or a reviews file (every complete line
a review record) — and must not be one of the inputs under another name (a symlink, a hard link). The
only bytes ever cut are a torn last line left by a killed run: no final newline, not valid JSON, and
the start of a review line as `score` writes them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from supportqa.errors import InputError
from supportqa.jsonl import NOT_AN_OBJECT, Line, lines, parse

REVIEW_LINE_START = b'{"review_id":'
"""How every line `score` writes begins (`Review.model_dump_json()`): what a torn line must look like."""

Done = Callable[[dict[str, Any]], bool]
"""Whether a review read back from OUT needs no new review (e.g. it awaits no judge)."""


def _anything(_: dict[str, Any]) -> bool:
    return True


@dataclass
class ReviewsFile:
    """What a resume needs from an existing OUT, read without changing it."""

    path: Path
    done: set[str] = field(default_factory=set)
    """Review ids whose latest line in OUT counts as done (a later line for the same id wins)."""
    versions: dict[str, str | None] = field(default_factory=dict)
    """The conversation version each done review judged: a conversation changed since is redone."""
    keep: int = 0
    """Bytes to keep: everything but a torn last line."""
    size: int = 0
    needs_newline: bool = False
    """The last line is a whole review without its newline: add one before appending."""

    def repair(self) -> None:
        """Cut a torn last line, or end a whole last line, so appended reviews start on a line."""
        if self.keep != self.size:
            with self.path.open("rb+") as handle:
                handle.truncate(self.keep)
        elif self.needs_newline:
            with self.path.open("ab") as handle:
                handle.write(b"\n")


def refuse_input_as_output(out: Path, inputs: Iterable[Path]) -> None:
    """OUT must not be an input: the same path, or the same file through a symlink or a hard link."""
    for source in inputs:
        if _same_file(out, source):
            raise InputError(
                f"the same file as the input {source}: writing reviews there would destroy it; "
                "give -o/--out another file",
                file=str(out),
            )


def _same_file(a: Path, b: Path) -> bool:
    """Same inode after following symlinks; a path that does not exist is no file at all."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _refuse(out: Path, number: int, why: str) -> InputError:
    return InputError(
        f"not a reviews file: this line is {why}; nothing was written — give -o/--out a new "
        "file or an earlier reviews JSONL",
        file=str(out),
        line=number,
    )


def _review(line: Line) -> dict[str, Any] | str:
    """The review record on one line, or why the line is not one."""
    parsed = parse(line)
    if isinstance(parsed, InputError):
        if parsed.reason.startswith(NOT_AN_OBJECT):
            return f"a JSON {parsed.reason.removeprefix(NOT_AN_OBJECT)}, not a review record"
        return "not valid JSON"
    if "review_id" not in parsed.data or "criteria" not in parsed.data:
        return "not a review record (it has no 'review_id' and 'criteria')"
    return parsed.data


def _torn(raw: bytes) -> bool:
    """The start of a review line cut off by a killed run (or nothing but whitespace)."""
    return not raw.strip() or raw.startswith(REVIEW_LINE_START) or REVIEW_LINE_START.startswith(raw)


def read_reviews_file(out: Path, done: Done = _anything) -> ReviewsFile:
    """Check OUT can take reviews and read what is in it; refuse with the file and line otherwise.

    A complete line (ending in a newline) must be a review record; blank lines are skipped. A last
    line without a newline is kept when it is a review, cut when it is torn, and refused otherwise.
    """
    found = ReviewsFile(out)
    if not out.exists():
        return found
    if not out.is_file():
        raise InputError("not a regular file: give -o/--out a file for the reviews", file=str(out))
    for line in lines(out, blank=True):
        if line.complete and not line.raw.strip():
            found.keep = line.end
            continue
        data = _review(line)
        if isinstance(data, str):
            if line.complete or not _torn(line.raw):
                raise _refuse(out, line.number, data)
            break  # the torn last line: cut by `repair`
        review_id = str(data["review_id"])
        if done(data):
            found.done.add(review_id)
            found.versions[review_id] = data.get("conversation_version")
        else:
            found.done.discard(review_id)
        found.keep = line.end
        found.needs_newline = not line.complete
    found.size = out.stat().st_size
    return found
