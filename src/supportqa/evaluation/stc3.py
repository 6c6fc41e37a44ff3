"""NTCIR-14 STC-3 dialogue quality: 1,672 Weibo customer ↔ helpdesk dialogues, 19 annotators each.

Each annotator gives A (task accomplishment), S (customer satisfaction) and E (effectiveness), −2..2,
and a nugget type per turn. The mean S of all annotators is the reference the README describes.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from supportqa.domain.conversation import Conversation, Message, Person, Role
from supportqa.errors import InputError
from supportqa.evaluation.base import (
    LabelledConversation,
    LoadReport,
    Malformed,
    mean,
    number_in,
    read_text,
    split,
)

DATASET = "stc3"
RELATIVE_PATH = Path("stc3-dq") / "train_data_en.json"
QUALITIES = ("A", "S", "E")
NUGGET_TYPES = ("CNUG0", "CNUG*", "CNUG", "CNaN", "HNUG*", "HNUG", "HNaN")
"""Customer: trigger, confirms solution, other nugget, not a nugget; helpdesk: states solution, other
nugget, not a nugget. Also the tie-break order for the majority label (earlier wins)."""

_ROLES = {"customer": Role.CUSTOMER, "helpdesk": Role.AGENT}
_HELPDESK = Person(id="helpdesk")


def load_stc3(path: Path, *, report: LoadReport | None = None) -> list[LabelledConversation]:
    """Every usable dialogue of `train_data_en.json`, one message per turn, with A/S/E and nuggets.

    A malformed dialogue is skipped and an unusable annotation dropped, each with its reason in `report`;
    only a missing, unreadable or non-JSON-list file raises InputError.
    """
    caller_sees = report is not None
    report = report if report is not None else LoadReport()
    data = _json_list(path)
    loaded: list[LabelledConversation] = []
    for index, record in enumerate(data):
        where = f"record #{index}"
        try:
            loaded.append(_dialogue(record, path, where, report))
        except Malformed as exc:
            report.skip(path, where, str(exc))
        except ValidationError as exc:
            report.skip(path, where, f"not a valid conversation: {exc.errors()[0]['msg']}")
    report.finish(DATASET, path, len(loaded), caller_sees=caller_sees)
    return loaded


def _json_list(path: Path) -> list[Any]:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", file=str(path), line=exc.lineno) from None
    if not isinstance(data, list):
        raise InputError("expected a JSON list of dialogues", file=str(path))
    return data


def _dialogue(record: Any, path: Path, where: str, report: LoadReport) -> LabelledConversation:
    if not isinstance(record, dict):
        raise Malformed("not a JSON object")
    conversation_id = record.get("id")
    if isinstance(conversation_id, bool) or not isinstance(conversation_id, str | int):
        raise Malformed("no id")
    where = f"{where} (id {conversation_id})"
    messages = _messages(record.get("turns"))
    for number, message in enumerate(messages):
        if not message.text:
            report.quirk(
                path, f"{where}, turn {number}", "turn without text (kept, to align labels)"
            )
    quality, nuggets = _annotations(record.get("annotations"), messages, path, where, report)
    conversation = Conversation(
        id=str(conversation_id), source=DATASET, channel="social", messages=messages
    )
    return LabelledConversation(
        conversation=conversation,
        labels={name: mean(values) for name, values in quality.items()},
        annotations=quality,
        turn_labels=_turn_labels(nuggets, len(messages)),
        dataset=DATASET,
        split=split(conversation.id),
    )


def _messages(turns: Any) -> list[Message]:
    if not isinstance(turns, list) or not turns:
        raise Malformed("no turns")
    messages = []
    for number, turn in enumerate(turns):
        if not isinstance(turn, dict) or turn.get("sender") not in _ROLES:
            raise Malformed(f"turn {number}: sender is not customer or helpdesk")
        utterances = turn.get("utterances")
        if not isinstance(utterances, list) or not all(isinstance(u, str) for u in utterances):
            raise Malformed(f"turn {number}: utterances is not a list of text")
        role = _ROLES[turn["sender"]]
        author = _HELPDESK if role is Role.AGENT else None
        messages.append(Message(role=role, text=" ".join(utterances).strip(), author=author))
    return messages


def _annotations(
    annotations: Any, messages: list[Message], path: Path, where: str, report: LoadReport
) -> tuple[dict[str, list[float]], list[list[str]]]:
    """Per-quality ratings and per-annotator nugget lists; a bad annotation is dropped, not fatal."""
    if not isinstance(annotations, list) or not annotations:
        raise Malformed("no annotations")
    quality: dict[str, list[float]] = {name: [] for name in QUALITIES}
    nuggets: list[list[str]] = []
    for number, annotation in enumerate(annotations):
        try:
            scores = _quality(annotation)
        except Malformed as exc:
            report.skip(path, f"{where}, annotation #{number}", str(exc))
            continue
        for name, value in scores.items():
            quality[name].append(value)
        try:
            nuggets.append(_nugget(annotation, messages))
        except Malformed as exc:
            report.skip(path, f"{where}, annotation #{number} nuggets", str(exc))
    if not quality[QUALITIES[0]]:
        raise Malformed("no usable annotation")
    return quality, nuggets


def _quality(annotation: Any) -> dict[str, float]:
    quality = annotation.get("quality") if isinstance(annotation, dict) else None
    if not isinstance(quality, dict):
        raise Malformed("annotation has no quality ratings")
    missing = [name for name in QUALITIES if name not in quality]
    if missing:
        raise Malformed(f"annotation lacks {', '.join(missing)}")
    return {name: number_in(quality[name], -2, 2) for name in QUALITIES}


def _nugget(annotation: dict[str, Any], messages: list[Message]) -> list[str]:
    labels = annotation.get("nugget")
    if not isinstance(labels, list) or len(labels) != len(messages):
        raise Malformed("nugget labels do not match the turns one to one")
    for label, message in zip(labels, messages, strict=True):
        if label not in NUGGET_TYPES:
            raise Malformed(f"unknown nugget type {label!r}")
        if (label[0] == "C") != (message.role is Role.CUSTOMER):
            raise Malformed(f"nugget type {label} on a {message.role.value} turn")
    return labels


def _turn_labels(nuggets: list[list[str]], turns: int) -> list[dict[str, Any]]:
    """Per turn: the majority nugget type, the share of annotators who chose it, and all votes.

    Ties go to the type listed first in NUGGET_TYPES (a solution or trigger over "not a nugget") and
    are flagged, so a reader can leave them out.
    """
    if not nuggets:
        return []
    labels = []
    for turn in range(turns):
        votes = Counter(annotator[turn] for annotator in nuggets)
        top = max(votes.values())
        winners = [label for label in NUGGET_TYPES if votes[label] == top]
        labels.append(
            {
                "nugget": winners[0],
                "nugget_share": top / len(nuggets),
                "nugget_tied": len(winners) > 1,
                "nugget_votes": {label: votes[label] for label in NUGGET_TYPES if votes[label]},
            }
        )
    return labels
