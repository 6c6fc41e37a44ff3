"""JSONL reading that streams, reports each bad line with its number, and never stops early."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from supportqa.errors import InputError


@dataclass(frozen=True)
class RawRecord:
    """One record in the JSONL contract's shape and where it came from: a line (JSONL, CSV) or an
    index into a JSON document's list."""

    file: str
    line: int | None
    data: dict[str, Any]
    index: int | None = None


def read_jsonl(
    path: str | Path, on_bytes: Callable[[int], None] | None = None
) -> Iterator[RawRecord | InputError]:
    """Yield each object, or an InputError naming file and line; blank lines are skipped.

    `on_bytes` hears how many bytes each line took, so a caller can draw a progress bar by file size.
    """
    file = Path(path)
    try:
        handle = file.open("rb")
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", file=str(file)) from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if on_bytes is not None:
                on_bytes(len(raw))
            if not raw.strip():
                continue
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                yield InputError(f"not valid JSON ({exc})", file=str(file), line=number)
                continue
            if not isinstance(data, dict):
                kind = type(data).__name__
                yield InputError(f"expected a JSON object, got {kind}", file=str(file), line=number)
                continue
            yield RawRecord(str(file), number, data)
