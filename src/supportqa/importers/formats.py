"""Input formats by name, and detection for `--format auto`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from supportqa.errors import InputError
from supportqa.importers.jsonl import RawRecord, read_jsonl

Reader = Callable[[Path, Callable[[int], None] | None], Iterator[RawRecord | InputError]]

READERS: dict[str, Reader] = {"jsonl": read_jsonl}
EXTENSIONS: dict[str, str] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


def detect_format(path: Path) -> str:
    """By file extension for now; the help-desk importers add content sniffing."""
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(READERS))
        raise InputError(f"cannot tell the format (use --format, one of {known})", file=str(path))
    return fmt


def reader_for(path: Path, fmt: str = "auto") -> Reader:
    if fmt == "auto":
        fmt = detect_format(path)
    try:
        return READERS[fmt]
    except KeyError:
        known = ", ".join(["auto", *sorted(READERS)])
        raise InputError(f"unknown format {fmt!r} (use one of {known})") from None
