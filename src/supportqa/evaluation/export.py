"""The shared research datasets as supportqa data: a conversations JSONL and a human-reviews JSONL
(ratings lines, one per annotator), so a team can `import`, `score`, `calibrate` and `train` on real
people's judgements the way it would on its own reviewers'.

Mapping onto the packaged default scorecard (`cx` is the reviewer's own 1–5 CX judgement):

- STC-3: `cx` = S + 3 (S in −2..2 → 1..5); `resolution` (1–3) from A (task accomplishment): −2, −1 → 1,
  0 → 2, 1, 2 → 3. E (effectiveness) has no criterion and is left out.
- USS (SGD, MWOZ, ReDial, CCPE): `cx` = the annotator's OVERALL rating (1–5); no criterion ratings.
- AB-ReDial: `cx` = dialogue-overall (1–5); `resolution` = task-completion (1–3, same scale);
  `comprehension` (binary) from understanding (1–3): 3 → 1, 1 → 0, and 2 ("partly understood") left
  unrated, since neither binary level says that. Efficiency (0/1) is not exported as `effort` (1–3): a
  yes/no cannot tell "some back-and-forth" (2) from "had to chase" (1), and it judges how quickly the
  system recommended, not how hard the customer worked; interest has no criterion.

The datasets name no annotators, so the reviewer is the annotator's position in the record
(`stc3-annotator-07` is the 7th usable annotation of each dialogue): a stable name, but not proof that
position 7 is the same person in every dialogue. The loaders keep one list per label, so pairing by
position assumes every annotation row carries each label used: true of the shared data (every AB-ReDial
row with ratings has all five); a dialogue whose lists differ in length is written without reviews
(`unpaired`). Conversations keep their dataset ids and `source` = the dataset name; labels never go
into them (scorers must not see them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

from supportqa.domain.review import RatingsLine
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InputError
from supportqa.evaluation import ab_redial, stc3, uss
from supportqa.evaluation.base import LabelledConversation, LoadReport
from supportqa.evaluation.datasets import dataset_paths, load_ab_redial, load_stc3, load_uss
from supportqa.scoring.ratings import review_from_ratings

DATASETS = (stc3.DATASET, *(uss.dataset_name(s) for s in uss.SUBSETS), ab_redial.DATASET)
SplitChoice = Literal["dev", "test", "all"]
Ratings = dict[str, float | None]
Mapper = Callable[[dict[str, float]], tuple[Ratings, float | None]]
"""One annotator's labels → (criterion ratings, cx)."""


def _whole(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def map_stc3(labels: dict[str, float]) -> tuple[Ratings, float | None]:
    a, s = labels["A"], labels["S"]
    resolution = 1 if a < 0 else 2 if a == 0 else 3
    return {"resolution": resolution}, _whole(s + 3)


def map_uss(labels: dict[str, float]) -> tuple[Ratings, float | None]:
    return {}, _whole(labels["overall"])


def map_ab_redial(labels: dict[str, float]) -> tuple[Ratings, float | None]:
    ratings: Ratings = {"resolution": _whole(labels["task_completion"])}
    comprehension = {3.0: 1, 1.0: 0}.get(labels["understanding"])
    if comprehension is not None:
        ratings["comprehension"] = comprehension
    return ratings, _whole(labels["overall"])


@dataclass(frozen=True)
class LabelMapping:
    """The labels each annotator must have, the criteria they become, and the mapper."""

    labels: tuple[str, ...]
    criteria: tuple[str, ...]
    mapper: Mapper


MAPPINGS: dict[str, LabelMapping] = {
    stc3.DATASET: LabelMapping(("A", "S"), ("resolution",), map_stc3),
    **{uss.dataset_name(s): LabelMapping(("overall",), (), map_uss) for s in uss.SUBSETS},
    ab_redial.DATASET: LabelMapping(
        ("understanding", "task_completion", "overall"),
        ("resolution", "comprehension"),
        map_ab_redial,
    ),
}


class ExportReport(BaseModel):
    """What an export wrote, and what it could not."""

    model_config = ConfigDict(frozen=True)

    dataset: str
    split: str
    conversations: int
    reviews: int
    reviewers: int
    ratings: dict[str, int] = Field(default_factory=dict)
    """How many reviews rate each criterion (and `cx`)."""
    skipped_records: int = 0
    """Records the loader skipped (malformed), from its load report."""
    unpaired: list[str] = Field(default_factory=list)
    """Conversations whose label lists differ in length, so ratings cannot be paired per annotator:
    written without reviews."""
    conversations_out: str
    reviews_out: str


def reviewer_name(dataset: str, position: int) -> str:
    """`stc3-annotator-07`: the dataset and the annotator's 1-based position."""
    return f"{dataset}-annotator-{position:02d}"


def ratings_lines(item: LabelledConversation) -> list[dict[str, Any]] | None:
    """One ratings line per annotator, or None when the labels cannot be paired per annotator."""
    needed, mapper = MAPPINGS[item.dataset].labels, MAPPINGS[item.dataset].mapper
    columns = [item.annotations.get(name, []) for name in needed]
    if len({len(c) for c in columns}) != 1:
        return None
    conversation = item.conversation
    agent = conversation.reviewee().id
    lines = []
    for position, values in enumerate(zip(*columns, strict=True), start=1):
        ratings, cx = mapper(dict(zip(needed, values, strict=True)))
        line: dict[str, Any] = {
            "conversation_id": conversation.id,
            "source": conversation.source,
            "reviewer": reviewer_name(item.dataset, position),
            "agent": agent,
            "ratings": ratings,
        }
        if cx is not None:
            line["cx"] = cx
        lines.append(line)
    return lines


def load_dataset(data_dir: Path, name: str, report: LoadReport) -> list[LabelledConversation]:
    """One shared dataset by name; an unknown name or a missing file is an InputError."""
    if name not in DATASETS:
        raise InputError(f"unknown dataset {name!r} (use one of {', '.join(DATASETS)})")
    path = dataset_paths(data_dir)[name]
    if name == stc3.DATASET:
        return load_stc3(path, report=report)
    if name == ab_redial.DATASET:
        return load_ab_redial(path, report=report)
    return load_uss(path, report=report)


def select(
    items: list[LabelledConversation], split: SplitChoice, limit: int | None
) -> list[LabelledConversation]:
    """The requested half (by the evaluation's id hash) and at most `limit`, in file order."""
    chosen = items if split == "all" else [i for i in items if i.split == split]
    return chosen[:limit] if limit is not None else chosen


def _checked(lines: list[dict[str, Any]], scorecard: Scorecard) -> Iterator[dict[str, Any]]:
    """Each line as `import` will read it, so an export never writes what the import refuses."""
    for line in lines:
        try:
            review_from_ratings(RatingsLine.model_validate(line), scorecard)
        except InputError as exc:
            raise InputError(
                f"{line['source']} {line['conversation_id']}: {exc.reason} (the export maps onto "
                "the default scorecard's cx, resolution and comprehension; see docs/formats.md)"
            ) from None
        yield line


def export_dataset(
    items: list[LabelledConversation],
    out_dir: Path,
    scorecard: Scorecard,
    *,
    dataset: str,
    split: str = "all",
    skipped_records: int = 0,
) -> ExportReport:
    """Write `conversations.jsonl` and `reviews.jsonl` under `out_dir` (created; files replaced)."""
    missing = [k for k in MAPPINGS[dataset].criteria if k not in scorecard.keys]
    if missing:
        raise InputError(
            f"scorecard {scorecard.name} v{scorecard.version} has no {', '.join(missing)} "
            f"criterion, which {dataset} maps onto (use the default scorecard; see docs/formats.md)"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    conversations_out, reviews_out = out_dir / "conversations.jsonl", out_dir / "reviews.jsonl"
    counts: Counter[str] = Counter()
    reviewers: set[str] = set()
    unpaired: list[str] = []
    n_reviews = 0
    with conversations_out.open("wb") as conversations, reviews_out.open("wb") as reviews:
        for item in items:
            conversations.write(item.conversation.model_dump_json(exclude_none=True).encode())
            conversations.write(b"\n")
            lines = ratings_lines(item)
            if lines is None:
                unpaired.append(item.conversation.id)
                continue
            for line in _checked(lines, scorecard):
                reviews.write(orjson.dumps(line) + b"\n")
                n_reviews += 1
                reviewers.add(line["reviewer"])
                counts.update(line["ratings"].keys())
                counts.update(["cx"] if "cx" in line else [])
    return ExportReport(
        dataset=dataset,
        split=split,
        conversations=len(items),
        reviews=n_reviews,
        reviewers=len(reviewers),
        ratings=dict(sorted(counts.items())),
        skipped_records=skipped_records,
        unpaired=unpaired,
        conversations_out=str(conversations_out),
        reviews_out=str(reviews_out),
    )
