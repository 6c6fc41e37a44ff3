"""Getting conversations and reviews in: import files of any supported format into a workspace, and
write synthetic ones to try things on.

`import_files` sets up the readers a person's options ask for (a CSV column mapping, the CSV limits
from settings) and stores the scorecard ratings lines are scored with; `importers.service` does the
reading, validating and upserting."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

from supportqa.domain.scorecard import Scorecard
from supportqa.importers import service
from supportqa.importers.csv_format import csv_reader
from supportqa.importers.csv_mapping import CsvMapping, load_mapping
from supportqa.importers.csv_records import CsvLimits
from supportqa.importers.review_csv import FORMAT_NAME as REVIEW_CSV
from supportqa.importers.review_csv import review_csv_reader
from supportqa.importers.service import ImportReport
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings
from supportqa.synthetic import generate_conversations, simulate_reviews

__all__ = [
    "CsvMapping",
    "GeneratedFiles",
    "ImportReport",
    "bytes_to_import",
    "generate_files",
    "import_files",
    "load_csv_mapping",
]


def import_files(
    workspace: Workspace,
    paths: Iterable[str | Path],
    *,
    scorecard: Scorecard,
    fmt: str = "auto",
    csv_mapping: CsvMapping | Path | None = None,
    workers: int = 1,
    on_bytes: Callable[[int], None] | None = None,
    show_personal_data: bool | None = None,
    settings: Settings | None = None,
) -> ImportReport:
    """Import every record of every file (format detected per file unless `fmt`); re-importing
    updates, never duplicates. Ratings lines become human reviews on `scorecard`, which is stored.

    `csv_mapping` maps CSV columns (a YAML file or a loaded mapping). Bad records are in the report
    with file and line (or index) and the rest are imported. `workers` > 1 parses big JSONL files
    in that many processes (0: one per core); error reasons are redacted of customers' personal
    data unless `show_personal_data` (default: the setting).
    """
    config = settings or Settings()
    limits = CsvLimits.from_settings(config)
    mapping = load_csv_mapping(csv_mapping) if isinstance(csv_mapping, Path) else csv_mapping
    readers = {
        "csv": csv_reader(mapping or CsvMapping(), limits),
        REVIEW_CSV: review_csv_reader(limits),
    }
    workspace.save_scorecard(scorecard)
    return service.import_files(
        workspace,
        paths,
        scorecard=scorecard,
        fmt=fmt,
        workers=workers or (os.cpu_count() or 1),
        readers=readers,
        on_bytes=on_bytes,
        show_personal_data=(
            config.show_personal_data if show_personal_data is None else show_personal_data
        ),
    )


def load_csv_mapping(path: Path) -> CsvMapping:
    """A YAML column mapping for CSV files (docs/importers.md), checked before anything is opened."""
    return load_mapping(path)


def bytes_to_import(paths: Iterable[Path]) -> int:
    """The size of the files that exist: what an import's progress bar counts to."""
    return sum(path.stat().st_size for path in paths if path.is_file())


@dataclass
class GeneratedFiles:
    """What `generate_files` wrote: conversations, and simulated review lines when asked."""

    conversations: int
    out: str
    reviews: int
    reviews_out: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def write_jsonl(path: Path, records: Iterable[Any]) -> int:
    """One JSON object a line (the folder is created); how many were written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("wb") as handle:
        for record in records:
            handle.write(orjson.dumps(record) + b"\n")
            count += 1
    return count


def generate_files(
    out: Path,
    n: int = 1000,
    *,
    seed: int = 7,
    weeks: int = 12,
    reviews: Path | None = None,
    review_share: float = 0.05,
    progress: Callable[[int], None] | None = None,
) -> GeneratedFiles:
    """Write `n` realistic synthetic conversations with planted defects (ground truth in
    metadata.truth) to `out`, and simulated human ratings of a `review_share` of them to `reviews`.
    The same seed gives the same files; `progress` hears how many conversations are written."""

    def counted(records: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        for index, record in enumerate(records):
            if progress is not None and index % 500 == 0:
                progress(index)
            yield record

    written = write_jsonl(out, counted(generate_conversations(n, seed, weeks=weeks)))
    n_reviews = 0
    if reviews is not None:
        again = generate_conversations(n, seed, weeks=weeks)  # deterministic: not held in memory
        n_reviews = write_jsonl(reviews, simulate_reviews(again, seed, share=review_share))
    return GeneratedFiles(written, str(out), n_reviews, str(reviews) if reviews else None)
