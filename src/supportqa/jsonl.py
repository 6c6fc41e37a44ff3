"""The one JSONL reader: every JSONL input — conversations, reviews, ratings lines, a scoring run's OUT,
labelled sets — is read here, so each reports a bad line the same way (file:line and why) and goes on.

It sits beside `errors` at the bottom of the layers, so importers, services and evaluation all use it.
Lines stream with their number and byte offset; a UTF-8 byte order mark on the first line is dropped;
bytes that are not UTF-8 are read as U+FFFD and their offsets kept, so one bad byte never costs a record
and a caller can warn about it (the import does).
"""

from __future__ import annotations

import codecs
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from supportqa.errors import InputError

BOM = codecs.BOM_UTF8
REPLACEMENT = "\ufffd"
NOT_AN_OBJECT = "expected a JSON object, got "
T = TypeVar("T")
_found = threading.local()


def _note(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: remember where the bad bytes start, put in the current marker."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    offsets: list[int] = _found.offsets
    offsets.append(exc.start)
    mark: Callable[[int], str] = _found.mark
    return mark(len(offsets) - 1), exc.end


codecs.register_error("supportqa-note", _note)


def strip_bom(raw: bytes) -> tuple[bytes, int]:
    """`raw` without a leading UTF-8 BOM, and how many bytes were dropped (for byte offsets)."""
    return (raw[3:], 3) if raw.startswith(BOM) else (raw, 0)


def decode(
    raw: bytes, encoding: str = "utf-8", mark: Callable[[int], str] | None = None
) -> tuple[str, list[int]]:
    """The text, and the offsets in `raw` of the bytes that could not be decoded (each replaced by
    U+FFFD, or by `mark(k)` for the k-th of them). Text that decodes cleanly pays one decode."""
    try:
        return raw.decode(encoding), []
    except UnicodeDecodeError:
        pass
    _found.offsets, _found.mark = [], mark or (lambda _: REPLACEMENT)
    try:
        return raw.decode(encoding, "supportqa-note"), _found.offsets
    finally:
        del _found.offsets, _found.mark


@dataclass(frozen=True, slots=True)
class Line:
    """One line as read: its bytes (newline kept, a first-line BOM dropped), its 1-based number and
    the byte offset where those bytes start in the file. Small and picklable, for worker processes."""

    file: str
    number: int
    offset: int
    raw: bytes

    @property
    def end(self) -> int:
        """The file offset just past this line: what a reader keeps when it keeps this line."""
        return self.offset + len(self.raw)

    @property
    def complete(self) -> bool:
        """Ends in a newline (a killed writer leaves a last line without one)."""
        return self.raw.endswith(b"\n")


@dataclass(frozen=True, slots=True)
class JsonObject:
    """One line's JSON object, where it came from, and the file offsets of bytes read as U+FFFD."""

    file: str
    line: int
    data: dict[str, Any]
    undecodable: tuple[int, ...] = ()


def lines(
    path: str | Path, *, on_bytes: Callable[[int], None] | None = None, blank: bool = False
) -> Iterator[Line]:
    """The file's lines, streamed; blank lines are skipped unless `blank`. `on_bytes` hears how many
    bytes each line took, so a caller can draw a progress bar by file size."""
    file = Path(path)
    try:
        handle = file.open("rb")
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", file=str(file)) from None
    name = str(file)
    offset = 0
    with handle:
        for number, raw in enumerate(handle, start=1):
            if on_bytes is not None:
                on_bytes(len(raw))
            start = offset
            offset += len(raw)
            if number == 1:
                raw, skipped = strip_bom(raw)
                start += skipped
            if blank or raw.strip():
                yield Line(name, number, start, raw)


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last one shorter), for batches and worker processes."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def parse(line: Line) -> JsonObject | InputError:
    """The line's JSON object, or the InputError (file, line, reason) that explains why not."""
    bad: list[int] = []
    try:
        data = orjson.loads(line.raw)
    except orjson.JSONDecodeError as exc:
        text, bad = decode(line.raw)
        try:
            if not bad:
                raise exc
            data = orjson.loads(text)
        except orjson.JSONDecodeError as final:
            return InputError(f"not valid JSON ({final})", file=line.file, line=line.number)
    if not isinstance(data, dict):
        kind = type(data).__name__
        return InputError(f"{NOT_AN_OBJECT}{kind}", file=line.file, line=line.number)
    undecodable = tuple(line.offset + position for position in bad)
    return JsonObject(line.file, line.number, data, undecodable)


def read_objects(
    path: str | Path, *, on_bytes: Callable[[int], None] | None = None
) -> Iterator[JsonObject | InputError]:
    """Each line's object, or the InputError naming file and line; reading never stops early."""
    for line in lines(path, on_bytes=on_bytes):
        yield parse(line)


M = TypeVar("M", bound=BaseModel)


def read_models(path: str | Path, model: type[M], what: str) -> Iterator[tuple[int | None, M]]:
    """Each line as `model` with its line number, for files that must be whole (evaluation sets): the
    first bad line stops the read with an InputError naming the file and line ("not a `what` (...)")."""
    for record in read_objects(path):
        if isinstance(record, InputError):
            raise record
        try:
            yield record.line, model.model_validate(record.data)
        except ValidationError as exc:
            raise InputError(
                f"not a {what} ({exc.errors()[0]['msg']})", file=str(path), line=record.line
            ) from None
