"""Input formats by name, and content sniffing for `--format auto`.

Each format turns a file into records in the JSONL contract's shape (`RawRecord.data`), or InputErrors
for the records it could not read; the import service validates and stores them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from supportqa.errors import InputError
from supportqa.importers.documents import is_jsonl
from supportqa.importers.jsonl import RawRecord, read_jsonl

OnBytes = Callable[[int], None] | None
Reader = Callable[[Path, OnBytes], Iterator[RawRecord | InputError]]
Sniffer = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class Format:
    name: str
    reader: Reader
    sniff: Sniffer
    """True when a sample item (the first one in the file) looks like this format's items."""
    extensions: tuple[str, ...] = ()
    claims: Callable[[Path], bool] | None = None
    """True when a file with one of `extensions` is this format's (e.g. by its header); formats with
    a `claims` are asked before those that go by extension alone."""


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    FORMATS[fmt.name] = fmt
    return fmt


def _is_contract(item: dict[str, Any]) -> bool:
    return "messages" in item or "ratings" in item or ("review_id" in item and "criteria" in item)


register(Format("jsonl", read_jsonl, _is_contract, (".jsonl", ".ndjson")))


def _load_builtin_formats() -> None:
    """Help-desk formats register themselves when imported; they import this module, so they are
    loaded on first use rather than at the top of it."""
    from supportqa.importers import (  # noqa: F401
        csv_format,
        freshdesk,
        intercom,
        review_csv,
        zendesk,
    )


def _sample(path: Path) -> dict[str, Any] | None:
    """The first item of the file: a JSONL line, a document's first list item, or the document.

    A JSON document is parsed whole (its reader loads it whole anyway), so a large export is
    recognised by its first item, not guessed from its size.
    """
    if is_jsonl(path):
        with path.open("rb") as handle:
            first = next(line for line in handle if line.strip())
        value: Any = orjson.loads(first)
        return value if isinstance(value, dict) else None  # a line is an item, never a container
    try:
        value = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError:
        return None
    if isinstance(value, list):
        value = value[0] if value and isinstance(value[0], dict) else None
    if not isinstance(value, dict):
        return None
    if value.get("type") == "conversation":  # an Intercom item may carry a linked `ticket`
        return value
    for key in ("tickets", "conversations", "ticket", "conversation"):
        inner = value.get(key)
        if isinstance(inner, list) and inner and isinstance(inner[0], dict):
            return {"__container__": key, **inner[0]}
        if isinstance(inner, dict):
            return {"__container__": key, **inner}
    return value


def detect_format(path: Path) -> str:
    """By extension (and header) for CSV, else by what the first record looks like."""
    _load_builtin_formats()
    suffix = path.suffix.lower()
    by_extension = [f for f in FORMATS.values() if suffix in f.extensions and f.name != "jsonl"]
    for fmt in sorted(by_extension, key=lambda f: f.claims is None):
        if fmt.claims is None or fmt.claims(path):
            return fmt.name
    try:
        sample = _sample(path)
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", file=str(path)) from None
    if sample is not None:
        for fmt in FORMATS.values():
            if fmt.sniff(sample):
                return fmt.name
    known = ", ".join(sorted(FORMATS))
    raise InputError(f"cannot tell the format (use --format, one of {known})", file=str(path))


def reader_for(path: Path, fmt: str = "auto") -> Reader:
    _load_builtin_formats()
    if fmt == "auto":
        fmt = detect_format(path)
    try:
        return FORMATS[fmt].reader
    except KeyError:
        known = ", ".join(["auto", *sorted(FORMATS)])
        raise InputError(f"unknown format {fmt!r} (use one of {known})") from None
