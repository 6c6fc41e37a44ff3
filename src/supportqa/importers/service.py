"""Import files into the database: conversations, reviews and ratings lines, detected per record.

A bad record is reported with its file and line (or index) and the rest goes on; upserts make re-imports
idempotent. Records imported with doubts (an undecodable byte, an implausible date, an id already seen
earlier in the same file) are listed as warnings beside the errors. Large JSONL files are parsed and
validated in worker processes while this process writes, so an import uses the machine's cores; the
result is the same as a one-process import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine, Review
from supportqa.domain.scorecard import Scorecard, scorecard_from_dict
from supportqa.errors import InputError
from supportqa.gc_tuning import bulk_work, tune_worker_process
from supportqa.importers.formats import Item, Reader, detect_format, reader_for
from supportqa.importers.jsonl import RawRecord, record_of
from supportqa.importers.notices import ImportWarning, record_id
from supportqa.importers.plausible import conversation_doubts, review_doubts
from supportqa.importers.records import parse_record
from supportqa.jsonl import Line, chunks, lines, parse
from supportqa.parallel import ordered_map
from supportqa.scorers.judge.personal_data import redact_personal_data
from supportqa.scoring.ratings import review_from_ratings
from supportqa.storage import Repository, UpsertCounts
from supportqa.storage.rows import conversation_row

BATCH_SIZE = 1000
PARALLEL_MIN_BYTES = 8 << 20  # below this, starting processes costs more than it saves
OnBytes = Callable[[int], None] | None

# What parsing one record yields: (kind, value, line, index) — kind "conversation" (its row), "review",
# "error" (an InputError) or "warning" (an ImportWarning); line or index says where it was.
Parsed = tuple[str, Any, int | None, int | None]


@dataclass
class ImportReport:
    """What an import did; `errors` lists every bad record with file, line or index, and reason;
    `warnings` every record imported with doubts (same keys, plus its id and a byte offset)."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    conversations: int = 0
    reviews: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    redact: bool = True
    """Redact customers' personal data that a reason echoes from a bad cell (`--show-personal-data`
    turns it off)."""

    def add(self, counts: UpsertCounts) -> None:
        self.imported += counts.imported
        self.updated += counts.updated
        self.unchanged += counts.unchanged

    def fail(self, error: InputError) -> None:
        """Count and keep a bad record; every import error line passes here, so this is where a
        raw cell value in its reason (a card number in a date column) is redacted."""
        self.failed += 1
        location = error.location()
        if self.redact and location["reason"]:
            location["reason"] = redact_personal_data(str(location["reason"]))
        self.errors.append(location)

    def warn(self, warning: ImportWarning) -> None:
        self.warnings.append(warning.location())

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["redact"]
        return data


def parse_one(
    data: dict[str, Any], scorecard: Scorecard, stamp: datetime
) -> tuple[str, Any, list[str]]:
    """Validate one record: a conversation becomes its database row, ratings become a review; with
    what is implausible about its dates (imported all the same, and warned about)."""
    parsed = parse_record(data)
    if isinstance(parsed, Conversation):
        return "conversation", conversation_row(parsed, stamp), conversation_doubts(parsed, stamp)
    review = review_from_ratings(parsed, scorecard) if isinstance(parsed, RatingsLine) else parsed
    return "review", review, review_doubts(review, stamp)


def _parsed(record: RawRecord, scorecard: Scorecard, stamp: datetime) -> Iterator[Parsed]:
    """A record parsed (or its error), then a warning per implausible date in it."""
    where = record.file, record.line, record.index
    try:
        kind, value, doubts = parse_one(record.data, scorecard, stamp)
    except InputError as exc:
        error = InputError(exc.reason, file=record.file, line=record.line, index=record.index)
        yield "error", error, record.line, record.index
        return
    yield kind, value, record.line, record.index
    for doubt in doubts:
        found = record_id(record.data)
        reason = f"record {found!r}: {doubt}" if found else doubt
        warning = ImportWarning(reason, where[0], record.line, record.index, found)
        yield "warning", warning, record.line, record.index


class _Batches:
    """Buffers rows and reviews and flushes them; a repeated key flushes first so the last one wins."""

    def __init__(self, repo: Repository, report: ImportReport) -> None:
        self.repo = repo
        self.report = report
        self.conversations: dict[tuple[str, str], dict[str, Any]] = {}
        self.reviews: dict[str, Review] = {}

    def add(self, kind: str, value: Any) -> None:
        if kind == "conversation":
            key = (value["source"], value["external_id"])
            if key in self.conversations:
                self.flush()
            self.conversations[key] = value
            self.report.conversations += 1
        else:
            if value.review_id in self.reviews:
                self.flush()
            self.reviews[value.review_id] = value
            self.report.reviews += 1
        if len(self.conversations) >= BATCH_SIZE or len(self.reviews) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if self.conversations:
            self.report.add(self.repo.upsert_conversation_rows(list(self.conversations.values())))
            self.conversations.clear()
        if self.reviews:
            self.report.add(self.repo.upsert_reviews(list(self.reviews.values())))
            self.reviews.clear()


def _records_in_process(records: Iterable[Item], scorecard: Scorecard) -> Iterator[Parsed]:
    stamp = datetime.now(UTC)
    for record in records:
        if isinstance(record, RawRecord):
            yield from _parsed(record, scorecard, stamp)
        elif isinstance(record, InputError):
            yield "error", record, record.line, record.index
        else:
            yield "warning", record, record.line, record.index


# ---- JSONL in worker processes -----------------------------------------------------------------

_WORKER_SCORECARD: Scorecard | None = None


def _init_import_worker(scorecard_data: dict[str, Any]) -> None:
    global _WORKER_SCORECARD
    tune_worker_process()
    _WORKER_SCORECARD = scorecard_from_dict(scorecard_data)


def _parse_chunk(lines: list[Line]) -> list[Parsed]:
    assert _WORKER_SCORECARD is not None
    stamp = datetime.now(UTC)
    out: list[Parsed] = []
    for line in lines:
        record, warning = record_of(parse(line))
        if isinstance(record, InputError):
            out.append(("error", record, line.number, None))
            continue
        out.extend(_parsed(record, _WORKER_SCORECARD, stamp))
        if warning is not None:
            out.append(("warning", warning, line.number, None))
    return out


def _records_in_workers(
    path: Path, scorecard: Scorecard, workers: int, on_bytes: OnBytes
) -> Iterator[Parsed]:
    results = ordered_map(
        _parse_chunk,
        chunks(lines(path, on_bytes=on_bytes), 500),
        workers=workers,
        initializer=_init_import_worker,
        initargs=(scorecard.to_dict(),),
    )
    for parsed in results:
        yield from parsed


# ---- the service -------------------------------------------------------------------------------


def _parsed_records(
    file: Path,
    fmt: str,
    scorecard: Scorecard,
    workers: int,
    on_bytes: OnBytes,
    readers: Mapping[str, Reader],
) -> Iterator[Parsed]:
    resolved = detect_format(file) if fmt == "auto" else fmt
    big = file.is_file() and file.stat().st_size >= PARALLEL_MIN_BYTES
    if resolved == "jsonl" and workers > 1 and big:
        return _records_in_workers(file, scorecard, workers, on_bytes)
    reader = readers.get(resolved) or reader_for(file, resolved)
    return _records_in_process(reader(file, on_bytes), scorecard)


def import_files(
    repo: Repository,
    paths: Iterable[str | Path],
    *,
    scorecard: Scorecard,
    fmt: str = "auto",
    workers: int = 1,
    on_bytes: OnBytes = None,
    readers: Mapping[str, Reader] | None = None,
    show_personal_data: bool = False,
) -> ImportReport:
    """Import every record of every file; ratings lines are turned into reviews with `scorecard`.

    `workers` > 1 parses big JSONL files in that many processes (results are identical). `readers`
    replaces a format's reader, e.g. `{"csv": csv_reader(mapping)}` for a CSV column mapping.
    Error reasons are redacted of customers' personal data unless `show_personal_data`.
    """
    report = ImportReport(redact=not show_personal_data)
    batches = _Batches(repo, report)
    with bulk_work():
        for path in paths:
            file = Path(path)
            try:
                records = _parsed_records(file, fmt, scorecard, workers, on_bytes, readers or {})
                _store(records, batches, str(file))
            except InputError as exc:
                report.fail(
                    InputError(
                        exc.reason, file=exc.file or str(file), line=exc.line, index=exc.index
                    )
                )
        batches.flush()
    return report


def _store(records: Iterable[Parsed], batches: _Batches, file: str) -> None:
    """Errors and warnings into the report, records into the batches; an id seen earlier in the same
    file is warned about with both places (the last one is kept, as an upsert would)."""
    report = batches.report
    seen: dict[int, int | None] = {}  # hash of the key -> line or index; a hash is 8 bytes a record
    for kind, value, line, index in records:
        if kind == "error":
            report.fail(value)
            continue
        if kind == "warning":
            report.warn(value)
            continue
        key = (value["source"], value["external_id"]) if kind == "conversation" else value.review_id
        digest = hash((kind, key))
        where = line if line is not None else index
        if digest in seen:
            report.warn(_duplicate(kind, key, file, line, index, seen[digest]))
        seen[digest] = where
        batches.add(kind, value)


def _duplicate(
    kind: str, key: Any, file: str, line: int | None, index: int | None, earlier: int | None
) -> ImportWarning:
    shown = key[1] if isinstance(key, tuple) else key
    place = "line" if line is not None else "record #"
    reason = (
        f"{kind} id {shown!r} appears again (first at {place}{'' if place == 'record #' else ' '}"
        f"{earlier}): the last one is kept"
    )
    return ImportWarning(reason, file, line, index, str(shown))
