"""Input formats by name, and content sniffing for `--format auto`.

Each format turns a file into records in the JSONL contract's shape (`RawRecord.data`), InputErrors
for the records it could not read, and ImportWarnings for records it read with doubt (an undecodable
byte); the import service validates and stores them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from supportqa.errors import InputError
from supportqa.importers.decoding import load_document
from supportqa.importers.documents import SAMPLE_LINES, is_jsonl, leading_lines
from supportqa.importers.jsonl import RawRecord, load_line, read_jsonl
from supportqa.importers.notices import ImportWarning as ImportWarning

OnBytes = Callable[[int], None] | None
Item = RawRecord | InputError | ImportWarning
Reader = Callable[[Path, OnBytes], Iterator[Item]]
Sniffer = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class Format:
    name: str
    reader: Reader
    sniff: Sniffer
    """True when a sample item (one of the first few valid ones in the file) looks like this format's
    items."""
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


def _samples(path: Path) -> list[dict[str, Any]]:
    """The first few valid items of the file: JSONL lines that are objects (a broken or foreign first
    line is skipped), or a document's first list items, or the document itself.

    A JSON document is parsed whole (its reader loads it whole anyway), so a large export is
    recognised by its items, not guessed from its size.
    """
    if is_jsonl(path):
        loaded = (load_line(line, str(path), 0, 0)[0] for line in leading_lines(path))
        return [item.data for item in loaded if isinstance(item, RawRecord)]
    try:
        value, _ = load_document(path.read_bytes())
    except orjson.JSONDecodeError:
        return []
    if isinstance(value, list):
        return [item for item in value[:SAMPLE_LINES] if isinstance(item, dict)]
    if not isinstance(value, dict):
        return []
    if value.get("type") == "conversation":  # an Intercom item may carry a linked `ticket`
        return [value]
    for key in ("tickets", "conversations", "ticket", "conversation"):
        inner = value.get(key)
        if isinstance(inner, list):
            items = [item for item in inner[:SAMPLE_LINES] if isinstance(item, dict)]
            if items:
                return [{"__container__": key, **item} for item in items]
        if isinstance(inner, dict):
            return [{"__container__": key, **inner}]
    return [value]


def detect_format(path: Path) -> str:
    """By extension (and header) for CSV, else by what the first few valid records look like: the
    first record that some format recognises decides."""
    _load_builtin_formats()
    suffix = path.suffix.lower()
    by_extension = [f for f in FORMATS.values() if suffix in f.extensions and f.name != "jsonl"]
    for fmt in sorted(by_extension, key=lambda f: f.claims is None):
        if fmt.claims is None or fmt.claims(path):
            return fmt.name
    try:
        samples = _samples(path)
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", file=str(path)) from None
    for sample in samples:
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
