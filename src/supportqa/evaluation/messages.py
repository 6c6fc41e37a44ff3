"""A labelled set of single agent replies (customer message + agent reply + tone/empathy labels), the
format of `tests/data/labelled/tone_empathy.jsonl`, for criteria no public dataset labels."""

from __future__ import annotations

from pathlib import Path

from supportqa.domain.conversation import Conversation, Message, Person, Role
from supportqa.errors import InputError
from supportqa.evaluation.base import LabelledConversation
from supportqa.jsonl import read_objects

DATASET = "tone-empathy"


def load_labelled_messages(path: Path) -> list[LabelledConversation]:
    """One two-message conversation per line; labels `tone` (1–4), `empathy` (1–4 or null = N/A) and
    `distress` (1/0). A malformed line raises InputError with file and line."""
    items: list[LabelledConversation] = []
    for record in read_objects(path):
        if isinstance(record, InputError):
            raise record
        number, row = record.line, record.data
        try:
            conversation = Conversation(
                id=str(row["id"]),
                source=DATASET,
                channel=row.get("channel") or "chat",
                messages=[
                    Message(role=Role.CUSTOMER, text=row["customer"]),
                    Message(role=Role.AGENT, text=row["agent"], author=Person(id="agent")),
                ],
            )
            empathy = row.get("empathy")
            labels: dict[str, float | None] = {
                "tone": float(row["tone"]),
                "empathy": None if empathy is None else float(empathy),
                "distress": 1.0 if row.get("distress") else 0.0,
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"not a labelled reply ({exc})", file=str(path), line=number) from None
        items.append(
            LabelledConversation(
                conversation=conversation, labels=labels, annotations={}, dataset=DATASET
            )
        )
    return items
