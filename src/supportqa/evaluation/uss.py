"""User Satisfaction Simulation (Sun et al., SIGIR 2021): SGD, MultiWOZ, ReDial and CCPE dialogues.

Every user turn is rated 1–5 by 3–7 annotators, and each dialogue ends with a `USER \\t OVERALL` line
holding the dialogue ratings. Lines are `ROLE \\t text \\t action \\t r1,r2,...`; sessions are separated by
blank lines (each file also starts with one). Quirks the loader tolerates: the OVERALL line of CCPE
carries an action (OTHER), a few ReDial turns have no text, and ReDial and CCPE sessions often open
with SYSTEM and hold consecutive lines of one speaker (each line stays one message, as each is rated).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from supportqa.domain.conversation import Conversation, Message, Person, Role
from supportqa.evaluation.base import (
    LabelledConversation,
    LoadReport,
    Malformed,
    mean,
    read_text,
    split,
)

SUBSETS = ("SGD", "MWOZ", "ReDial", "CCPE")
"""The English subsets (JDDC, in Chinese, is not part of the shared data)."""

_ROLES = {"USER": Role.CUSTOMER, "SYSTEM": Role.AGENT}
_SYSTEM = Person(id="system")
_OVERALL = "OVERALL"


@dataclass(frozen=True)
class _Line:
    number: int
    role: str
    text: str
    action: str
    ratings: str
    explanation: str
    fields: int


def dataset_name(subset: str) -> str:
    return f"uss-{subset}"


def load_uss(
    path: Path, *, subset: str | None = None, report: LoadReport | None = None
) -> list[LabelledConversation]:
    """Every usable session of one USS file; the subset defaults to the file name (`SGD.txt` → SGD).

    Ids are `<subset>-<n>`, n counting sessions from 1 in file order (skipped ones too, so ids stay
    put). A malformed session is skipped with its reason in `report`.
    """
    caller_sees = report is not None
    report = report if report is not None else LoadReport()
    subset = subset or Path(path).stem
    loaded: list[LabelledConversation] = []
    for number, lines in enumerate(_sessions(read_text(path)), start=1):
        where = f"line {lines[0].number} (session {number})"
        try:
            loaded.append(_session(lines, f"{subset}-{number}", subset, path, where, report))
        except Malformed as exc:
            report.skip(path, where, str(exc))
        except ValidationError as exc:
            report.skip(path, where, f"not a valid conversation: {exc.errors()[0]['msg']}")
    report.finish(dataset_name(subset), path, len(loaded), caller_sees=caller_sees)
    return loaded


def _sessions(text: str) -> Iterator[list[_Line]]:
    """Groups of lines, closed by a blank line or by the OVERALL line (whichever comes first)."""
    current: list[_Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            if current:
                yield current
                current = []
            continue
        parts = line.split("\t")
        fields = [*parts, "", "", "", ""]
        role, body = fields[0].strip(), fields[1].strip()
        current.append(
            _Line(number, role, body, fields[2].strip(), fields[3], fields[4].strip(), len(parts))
        )
        if role == "USER" and body == _OVERALL:
            yield current
            current = []
    if current:
        yield current


def _session(
    lines: list[_Line],
    conversation_id: str,
    subset: str,
    path: Path,
    where: str,
    report: LoadReport,
) -> LabelledConversation:
    *turns, last = lines
    if not (last.role == "USER" and last.text == _OVERALL):
        raise Malformed("session has no OVERALL line at its end")
    overall = _ratings(last)
    if not overall:
        raise Malformed(f"line {last.number}: OVERALL line has no ratings")
    if last.action:
        report.quirk(path, f"line {last.number}", "OVERALL line carries an action (ignored)")
    if not turns:
        raise Malformed("session has no turns")
    messages: list[Message] = []
    turn_labels: list[dict[str, Any]] = []
    for line in turns:
        if line.role not in _ROLES:
            raise Malformed(f"line {line.number}: role {line.role!r} is not USER or SYSTEM")
        if not 2 <= line.fields <= 5:
            raise Malformed(
                f"line {line.number}: {line.fields} tab-separated fields, expected 2..5"
            )
        if not line.text:
            report.quirk(path, f"line {line.number}", "turn without text (kept, to align labels)")
        role = _ROLES[line.role]
        author = _SYSTEM if role is Role.AGENT else None
        messages.append(Message(role=role, text=line.text, author=author))
        ratings = _ratings(line)
        turn_labels.append(
            {
                "action": line.action or None,
                "satisfaction": ratings,
                "satisfaction_mean": mean(ratings),
            }
        )
    conversation = Conversation(
        id=conversation_id,
        source=dataset_name(subset),
        channel="chat",
        messages=messages,
        metadata={"subset": subset},
    )
    return LabelledConversation(
        conversation=conversation,
        labels={"overall": mean(overall)},
        annotations={"overall": overall},
        turn_labels=turn_labels,
        dataset=dataset_name(subset),
        split=split(conversation_id),
        justifications=[part.strip() for part in last.explanation.split(";") if part.strip()],
    )


def _ratings(line: _Line) -> list[float]:
    """`3,4,3` → [3.0, 4.0, 3.0]; blank → []; anything outside 1..5 makes the session unusable."""
    if not line.ratings.strip():
        return []
    ratings = []
    for part in line.ratings.split(","):
        try:
            value = float(part.strip())
        except ValueError:
            raise Malformed(
                f"line {line.number}: rating {part.strip()!r} is not a number"
            ) from None
        if not (1 <= value <= 5 and value.is_integer()):
            raise Malformed(f"line {line.number}: rating {part.strip()!r} is not 1..5")
        ratings.append(value)
    return ratings
