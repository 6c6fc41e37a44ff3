"""AB-ReDial (Siro et al.): ReDial movie-recommendation dialogues rated as a whole by 3–7 people.

`annotated_dialogues.csv` has one row per annotation: `ConvId`, `utterance0..21` ("USER\\ttext" or
"SYSTEM\\ttext"), understanding 1–3, task-completion 1–3, interest-arousal 0–3, efficiency 0/1,
dialogue-overall 1–5 and a written justification. Quirks the loader tolerates: a few utterances separate
the role from the text with spaces (some with an em space) instead of a tab; four rows carry no ratings;
and five ConvIds each name two different dialogues — the second keeps the id with a `-2` suffix, so the
640 rows give 200 dialogues (the README's figure) under 195 ConvIds.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from supportqa.domain.conversation import Conversation, Message, Person, Role
from supportqa.errors import InputError
from supportqa.evaluation.base import (
    LabelledConversation,
    LoadReport,
    Malformed,
    mean,
    read_text,
    split,
)

DATASET = "ab-redial"
RELATIVE_PATH = Path("ab-redial") / "annotated_dialogues.csv"
RATINGS: dict[str, tuple[str, float, float]] = {
    "understanding": ("understanding", 1, 3),
    "task-completion": ("task_completion", 1, 3),
    "interest-arousal": ("interest", 0, 3),
    "efficiency": ("efficiency", 0, 1),
    "dialogue-overall": ("overall", 1, 5),
}
"""CSV column → (label name, lowest, highest)."""

_ROLES = {"USER": Role.CUSTOMER, "SYSTEM": Role.AGENT}
_SYSTEM = Person(id="system")
_UTTERANCE = re.compile(r"\s*(USER|SYSTEM)(?:(\s+)(.*))?", re.DOTALL)

Transcript = tuple[tuple[str, str], ...]


@dataclass
class _Dialogue:
    id: str
    conv_id: str
    transcript: Transcript
    ratings: dict[str, list[float]]
    justifications: list[str]


def load_ab_redial(path: Path, *, report: LoadReport | None = None) -> list[LabelledConversation]:
    """One labelled conversation per dialogue (rows grouped by ConvId and transcript), in file order.

    A row whose ConvId or utterances cannot be read is skipped, and a rating outside its range is
    dropped, each with its reason in `report`.
    """
    caller_sees = report is not None
    report = report if report is not None else LoadReport()
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    utterance_columns = _check_columns(reader.fieldnames, path)
    dialogues: dict[str, list[_Dialogue]] = {}
    try:
        for number, row in enumerate(reader, start=1):
            where = f"row {number}"
            try:
                _add_row(row, utterance_columns, dialogues, path, where, report)
            except Malformed as exc:
                report.skip(path, where, str(exc))
    except csv.Error as exc:
        raise InputError(
            f"not readable as CSV: {exc}", file=str(path), line=reader.line_num
        ) from None
    loaded = []
    for variants in dialogues.values():
        for dialogue in variants:
            try:
                loaded.append(_labelled(dialogue))
            except ValidationError as exc:
                reason = f"not a valid conversation: {exc.errors()[0]['msg']}"
                report.skip(path, f"ConvId {dialogue.conv_id}", reason)
    report.finish(DATASET, path, len(loaded), caller_sees=caller_sees)
    return loaded


def _check_columns(fieldnames: object, path: Path) -> list[str]:
    columns = list(fieldnames) if isinstance(fieldnames, list | tuple) else []
    missing = [name for name in ("ConvId", "utterance0", *RATINGS) if name not in columns]
    if missing:
        raise InputError(f"missing columns: {', '.join(missing)}", file=str(path), line=1)
    return sorted(
        (c for c in columns if re.fullmatch(r"utterance\d+", c)), key=lambda c: int(c[9:])
    )


def _add_row(
    row: dict[str | None, str | list[str] | None],
    utterance_columns: list[str],
    dialogues: dict[str, list[_Dialogue]],
    path: Path,
    where: str,
    report: LoadReport,
) -> None:
    if row.get(None):
        raise Malformed("more fields than the header names")
    conv_id = _cell(row, "ConvId").strip()
    if not conv_id:
        raise Malformed("no ConvId")
    transcript = _transcript(row, utterance_columns, path, where, report)
    ratings = _ratings(row, path, where, report)
    variants = dialogues.setdefault(conv_id, [])
    dialogue = next((d for d in variants if d.transcript == transcript), None)
    if dialogue is None:
        suffix = f"-{len(variants) + 1}" if variants else ""
        dialogue = _Dialogue(conv_id + suffix, conv_id, transcript, {}, [])
        variants.append(dialogue)
        if suffix:
            reason = "ConvId names more than one dialogue; the later one gets a numbered suffix"
            report.quirk(path, f"{where}, id {dialogue.id}", reason)
    for name, value in ratings.items():
        dialogue.ratings.setdefault(name, []).append(value)
    justification = _cell(row, "justification-text").strip()
    if justification and ratings:
        dialogue.justifications.append(justification)


def _cell(row: dict[str | None, str | list[str] | None], column: str) -> str:
    value = row.get(column)
    return value if isinstance(value, str) else ""


def _transcript(
    row: dict[str | None, str | list[str] | None],
    columns: list[str],
    path: Path,
    where: str,
    report: LoadReport,
) -> Transcript:
    turns = []
    for column in columns:
        cell = _cell(row, column)
        if not cell.strip():
            continue
        match = _UTTERANCE.fullmatch(cell)
        if match is None:
            raise Malformed(f"{column} does not start with USER or SYSTEM")
        role, separator, text = match.group(1), match.group(2) or "", match.group(3) or ""
        if "\t" not in separator and text:
            report.quirk(path, f"{where}, {column}", "role and text separated by spaces, not a tab")
        turns.append((role, text.strip()))
    if not turns:
        raise Malformed("no utterances")
    return tuple(turns)


def _ratings(
    row: dict[str | None, str | list[str] | None], path: Path, where: str, report: LoadReport
) -> dict[str, float]:
    ratings: dict[str, float] = {}
    for column, (name, low, high) in RATINGS.items():
        cell = _cell(row, column).strip()
        if not cell:
            continue
        try:
            value = float(cell)
        except ValueError:
            report.skip(path, f"{where}, {column}", f"rating {cell!r} is not a number")
            continue
        if not low <= value <= high:
            report.skip(path, f"{where}, {column}", f"rating {cell} is outside {low:g}..{high:g}")
            continue
        ratings[name] = value
    if not ratings:
        report.skip(path, where, "annotation row has no ratings")
    return ratings


def _labelled(dialogue: _Dialogue) -> LabelledConversation:
    messages = [
        Message(role=_ROLES[role], text=text, author=_SYSTEM if role == "SYSTEM" else None)
        for role, text in dialogue.transcript
    ]
    conversation = Conversation(
        id=dialogue.id,
        source=DATASET,
        channel="chat",
        messages=messages,
        metadata={"conv_id": dialogue.conv_id},
    )
    names = [name for name, _, _ in RATINGS.values()]
    return LabelledConversation(
        conversation=conversation,
        labels={name: mean(dialogue.ratings.get(name, [])) for name in names},
        annotations={name: dialogue.ratings.get(name, []) for name in names},
        turn_labels=[],
        dataset=DATASET,
        split=split(dialogue.id),
        justifications=dialogue.justifications,
    )
