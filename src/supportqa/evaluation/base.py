"""What every dataset loader shares: the labelled conversation, the load report, the split rule,
reading a file with a clear error, and finding the shared research data.

The datasets are research-only: they are read from outside the repository at run time and never copied
into it (see ../shared/data/README.md for licences and citations).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from supportqa.domain.conversation import Conversation
from supportqa.errors import InputError

logger = logging.getLogger("supportqa.evaluation")

SHARED_DATA_ENV = "SUPPORTQA_SHARED_DATA"
"""Environment variable naming the shared data directory (the one holding stc3-dq/, uss/, ...)."""

Split = Literal["dev", "test"]


class LabelledConversation(BaseModel):
    """A research conversation with what people said about it.

    `labels` holds one mean per rating (None when nobody gave a usable rating), `annotations` every
    individual rating behind those means, and `turn_labels` one dict per message (aligned with
    `conversation.messages`; empty when the dataset has no turn-level labels).
    """

    model_config = ConfigDict(frozen=True)

    conversation: Conversation
    labels: dict[str, float | None]
    annotations: dict[str, list[float]]
    turn_labels: list[dict[str, Any]] = Field(default_factory=list)
    dataset: str
    split: str | None = None
    justifications: list[str] = Field(default_factory=list)
    """Annotators' written reasons, kept apart from the conversation so scorers never see them."""


@dataclass(frozen=True)
class Issue:
    """One record a loader skipped, or read despite a quirk: which file, where in it, and why."""

    file: str
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.reason}"


@dataclass
class LoadReport:
    """What a load did besides returning conversations: counts, skipped records, tolerated quirks.

    `skipped` lists records (or single annotations) left out; `quirks` lists oddities read anyway, such
    as a role separated from its text by spaces instead of a tab. Pass one to any loader (or to
    `load_all`) to collect it; loaders never stop at a bad record.
    """

    loaded: Counter[str] = field(default_factory=Counter)
    skipped: list[Issue] = field(default_factory=list)
    quirks: list[Issue] = field(default_factory=list)

    def skip(self, file: Path | str, where: str, reason: str) -> None:
        issue = Issue(str(file), where, reason)
        self.skipped.append(issue)
        logger.debug("skipped %s", issue)

    def quirk(self, file: Path | str, where: str, reason: str) -> None:
        self.quirks.append(Issue(str(file), where, reason))

    def count(self, dataset: str, n: int) -> None:
        self.loaded[dataset] += n

    def finish(self, dataset: str, file: Path | str, loaded: int, *, caller_sees: bool) -> None:
        """Count what a loader returns; warn about skips once, when no caller will read this report."""
        self.count(dataset, loaded)
        skipped = sum(1 for issue in self.skipped if issue.file == str(file))
        if skipped and not caller_sees:
            logger.warning("%s: skipped %d records (pass a LoadReport to see why)", file, skipped)

    def skipped_reasons(self) -> Counter[str]:
        return Counter(issue.reason for issue in self.skipped)

    def quirk_reasons(self) -> Counter[str]:
        return Counter(issue.reason for issue in self.quirks)

    def summary(self) -> str:
        """A few lines for a terminal: loaded per dataset, then skipped records and quirks by reason."""
        lines = [f"loaded {n} from {name}" for name, n in sorted(self.loaded.items())]
        lines += [f"skipped {n}: {why}" for why, n in self.skipped_reasons().most_common()]
        lines += [f"tolerated {n}: {why}" for why, n in self.quirk_reasons().most_common()]
        return "\n".join(lines)


def split(conversation_id: str | int) -> Split:
    """Deterministic dev/test half of an id: SHA-256 of its text, as an integer, modulo 2 (0 → dev).

    Stable across runs, machines and Python versions (unlike `hash`), so a figure tuned on "dev" can be
    reported on "test" by anyone.
    """
    digest = hashlib.sha256(str(conversation_id).encode()).hexdigest()
    return "dev" if int(digest, 16) % 2 == 0 else "test"


def mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def read_text(path: Path) -> str:
    """The file's text (UTF-8, a BOM tolerated), or an InputError naming the file and what to do."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(
            "file not found; point to the shared research data (see ../shared/data/README.md)",
            file=str(path),
        ) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a data file", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(path)
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None


def repository_root() -> Path | None:
    """The source checkout this package runs from (src layout), or None when installed elsewhere."""
    root = Path(__file__).resolve().parents[3]
    return root if (root / "pyproject.toml").is_file() else None


def shared_data_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """Where the shared research datasets live, or None when they are not on this machine.

    `SUPPORTQA_SHARED_DATA` wins (an InputError if it names no directory); otherwise `../shared/data`
    next to the repository root (the checkout this package runs from, then the working directory's).
    """
    env = os.environ if environ is None else environ
    configured = env.get(SHARED_DATA_ENV, "").strip()
    if configured:
        path = Path(configured).expanduser()
        if not path.is_dir():
            raise InputError(f"{SHARED_DATA_ENV} names no directory", file=str(path))
        return path
    roots = [repository_root(), *_pyproject_ancestors(Path.cwd())]
    for root in roots:
        if root is not None and (candidate := root.parent / "shared" / "data").is_dir():
            return candidate
    return None


def _pyproject_ancestors(start: Path) -> list[Path]:
    return [p for p in (start, *start.parents) if (p / "pyproject.toml").is_file()][:1]


class Malformed(ValueError):
    """A record a loader cannot use; the message is the reason the load report counts."""


def number_in(value: Any, low: float, high: float) -> float:
    """A rating as a float within low..high, or Malformed (booleans and text are not ratings)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Malformed(f"rating {value!r} is not a number")
    if not low <= value <= high:
        raise Malformed(f"rating {value!r} is outside {low:g}..{high:g}")
    return float(value)
