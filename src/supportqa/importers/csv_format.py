"""CSV/TSV with one row per message, grouped into conversations by a conversation-id column.

Columns are found by common header names (case-insensitive) or named in a `CsvMapping` (YAML via
`load_mapping`). Rows of one conversation need not be next to each other: a first pass counts the rows
of each conversation id, and the second pass emits a conversation as soon as its last row is read. So
memory holds the id counts plus only the conversations still "open" at the current row: a file sorted
by conversation streams, and an interleaved one costs what is interleaved. See docs/importers.md.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from supportqa.domain.conversation import Role
from supportqa.errors import InputError
from supportqa.importers import formats
from supportqa.importers.csv_mapping import CsvColumns as CsvColumns
from supportqa.importers.csv_mapping import CsvMapping as CsvMapping
from supportqa.importers.csv_mapping import load_mapping as load_mapping
from supportqa.importers.csv_mapping import mapping_from_options as mapping_from_options
from supportqa.importers.csv_records import BrokenRow, CsvLimits, Row, read_rows
from supportqa.importers.decoding import undecodable
from supportqa.importers.jsonl import RawRecord
from supportqa.importers.timeparse import iso, parse_time

DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "conversation_id": ("conversation_id", "conversation", "ticket_id", "ticket", "thread_id",
                        "thread", "case_id", "chat_id", "id"),
    "role": ("role", "sender", "sender_type", "author_type", "from", "speaker", "direction"),
    "text": ("text", "message", "body", "content", "comment", "message_text"),
    "at": ("at", "timestamp", "created_at", "time", "date", "datetime", "sent_at"),
    "author_id": ("author_id", "sender_id", "from_id", "user_id"),
    "author_name": ("author_name", "sender_name", "from_name", "author"),
    "channel": ("channel", "medium", "via"),
    "subject": ("subject", "title"),
    "agent_id": ("agent_id", "assignee_id"),
    "agent_name": ("agent_name", "agent", "assignee", "assignee_name"),
    "team": ("team", "agent_team", "group"),
    "customer_id": ("customer_id", "requester_id", "contact_id", "client_id"),
    "customer_name": ("customer_name", "customer", "requester", "requester_name", "contact_name"),
    "csat": ("csat", "rating", "satisfaction", "csat_score"),
    "status": ("status", "state"),
    "source": ("source",),
    "closed_at": ("closed_at", "solved_at", "resolved_at"),
    "tags": ("tags", "labels"),
    "internal": ("internal", "is_internal", "private", "is_private"),
    "public": ("public", "is_public"),
}  # fmt: skip
ROLE_WORDS: dict[str, Role] = {
    **dict.fromkeys(("customer", "user", "client", "end_user", "enduser", "visitor", "contact",
                     "requester", "lead", "inbound", "guest"), Role.CUSTOMER),
    **dict.fromkeys(("agent", "admin", "staff", "support", "rep", "representative", "teammate",
                     "human_agent", "employee", "outbound"), Role.AGENT),
    **dict.fromkeys(("bot", "chatbot", "ai", "assistant", "virtual_agent", "automation"), Role.BOT),
    **dict.fromkeys(("system", "event", "log"), Role.SYSTEM),
    **dict.fromkeys(("note", "internal", "internal_note", "private", "private_note", "whisper"),
                    Role.NOTE),
}  # fmt: skip
_CONVERSATION_FIELDS = ("source", "channel", "subject", "status", "agent_id", "agent_name", "team",
                        "customer_id", "customer_name", "csat", "closed_at")  # fmt: skip
_TRUE = {"true", "yes", "y", "1", "t", "x"}
_FALSE = {"false", "no", "n", "0", "f"}
_PRIVATE = {"internal", "private", "note", "hidden"}
_SEPARATOR = re.compile(r"[\s\-.]+")


def _norm(name: str) -> str:
    return _SEPARATOR.sub("_", name.strip().lower()).strip("_")


@dataclass
class _Layout:
    """Where each field is in the header, and how to read its values."""

    file: Path
    mapping: CsvMapping
    delimiter: str
    index: dict[str, int]
    extra: dict[str, int]
    zone: tzinfo | None
    header: list[str]

    def column(self, name: str) -> str:
        return repr(self.header[self.index[name]])

    def cell(self, row: list[str], name: str) -> str:
        position = self.index.get(name)
        if position is None or position >= len(row):
            return ""
        return row[position].strip()


@dataclass
class _Pending:
    remaining: int
    messages: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    """Lines of this conversation's rows that could not be read: it is incomplete."""


def _delimiter(file: Path, mapping: CsvMapping) -> str:
    if mapping.delimiter:
        return mapping.delimiter
    if file.suffix.lower() == ".tsv":
        return "\t"
    with file.open("rb") as handle:
        header = next((line for line in handle if line.strip()), b"").decode("latin-1")
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _header(file: Path, mapping: CsvMapping, delimiter: str) -> tuple[int, list[str]]:
    first = next(read_rows(file, delimiter, encoding=mapping.encoding), None)
    if first is None:
        raise InputError("the file is empty (expected a header row)", file=str(file))
    if isinstance(first, BrokenRow):
        raise InputError(f"cannot read the header: {first.reason}", file=str(file), line=first.line)
    return first.line, first.cells


def _columns(
    header: list[str], mapping: CsvMapping, missing: Callable[[str], InputError]
) -> tuple[dict[str, int], dict[str, int]]:
    """Field -> column index: the mapping's names first, then default names among the columns left;
    and the `metadata_columns`. `missing` builds the error for a named column not in the header."""
    position = {_norm(name): i for i, name in reversed(list(enumerate(header)))}

    def find(name: str, key: str) -> int:
        if _norm(name) not in position:
            raise missing(f"column {name!r} ({key} in the mapping) is not in the header")
        return position[_norm(name)]

    chosen = mapping.columns.model_dump(exclude_none=True)
    index = {name: find(column, f"columns.{name}") for name, column in chosen.items()}
    for name, candidates in DEFAULT_COLUMNS.items():
        taken = set(index.values())
        found = [position[c] for c in candidates if c in position and position[c] not in taken]
        if name not in index and found:
            index[name] = found[0]
    extra = {name: find(name, "metadata_columns") for name in mapping.metadata_columns}
    return index, extra


def _layout(file: Path, mapping: CsvMapping) -> tuple[_Layout, int]:
    delimiter = _delimiter(file, mapping)
    header_line, header = _header(file, mapping, delimiter)

    def error(reason: str) -> InputError:
        return InputError(reason, file=str(file), line=header_line)

    index, extra = _columns(
        header, mapping, lambda reason: error(f"{reason} ({', '.join(header)})")
    )
    for required in ("conversation_id", "text"):
        if required not in index:
            names = ", ".join(DEFAULT_COLUMNS[required])
            raise error(f"no {required} column (looked for {names}; name it in a mapping)")
    if "role" not in index and not {"author_id", "customer_id"} <= set(index):
        raise error(
            "no role column (looked for role, sender, author_type, from, ...; name it in a mapping)"
        )
    layout = _Layout(file, mapping, delimiter, index, extra, mapping.zone(), header)
    return layout, header_line


def _role(layout: _Layout, row: list[str]) -> Role:
    internal = layout.cell(row, "internal").lower()
    public = layout.cell(row, "public").lower()
    private = _PRIVATE | {v.strip().lower() for v in layout.mapping.internal_values}
    if internal in _TRUE | private or public in _FALSE | private:
        return Role.NOTE
    if "role" not in layout.index:
        same = layout.cell(row, "author_id") == layout.cell(row, "customer_id")
        return Role.CUSTOMER if same else Role.AGENT
    value = layout.cell(row, "role")
    overrides = {_norm(k): v for k, v in layout.mapping.role_map.items()}
    role = overrides.get(_norm(value)) or ROLE_WORDS.get(_norm(value))
    if role is None:
        where = f"column {layout.column('role')}"
        raise ValueError(
            f"unknown role {value!r} in {where} (map it with role_map)"
            if value
            else f"no role ({where})"
        )
    return role


def _message(layout: _Layout, row: list[str]) -> dict[str, Any]:
    """The row as a contract message; ValueError says what is missing or unreadable."""
    text = layout.cell(row, "text")
    if not text:
        raise ValueError(f"no text (column {layout.column('text')})")
    role = _role(layout, row)
    raw_at = layout.cell(row, "at")
    try:
        at = parse_time(raw_at, layout.mapping.time_format, layout.zone)
    except ValueError:
        raise ValueError(f"cannot read time {raw_at!r} (set time_format in the mapping)") from None
    message: dict[str, Any] = {"role": role.value, "text": text, "at": iso(at)}
    author_id, author_name = layout.cell(row, "author_id"), layout.cell(row, "author_name")
    if role is Role.CUSTOMER:
        author_id = author_id or layout.cell(row, "customer_id")
        author_name = author_name or layout.cell(row, "customer_name")
    if author_id or author_name:
        message["author"] = {"id": author_id or None, "name": author_name or None}
    return message


def _author_ids(messages: list[dict[str, Any]], people: dict[str, Any]) -> None:
    """Authors named but without an id: the conversation's customer or assigned agent when the role
    (customer) or the name (agent) matches, else the name itself, so one person keeps one id."""
    customer, agent = people["customer"] or {}, people["agent"] or {}
    for message in messages:
        author = message.get("author")
        if author is None or author["id"]:
            continue
        if message["role"] == "customer" and customer.get("id"):
            author["id"] = customer["id"]
        elif agent.get("name") and author["name"] == agent["name"]:
            author["id"] = agent["id"]
        else:
            author["id"] = author["name"]


def _first_values(
    layout: _Layout, rows: list[tuple[int, list[str]]], notes: list[str]
) -> dict[str, str]:
    """Conversation-level fields: the first non-empty value wins; a different later one is noted."""
    values: dict[str, str] = {}
    seen_at: dict[str, int] = {}
    for line, row in rows:
        for name in _CONVERSATION_FIELDS:
            value = layout.cell(row, name)
            if not value:
                continue
            if name not in values:
                values[name], seen_at[name] = value, line
            elif value != values[name]:
                notes.append(
                    f"line {line}: {name} {value!r} ignored "
                    f"(kept {values[name]!r} from line {seen_at[name]})"
                )
    return values


def _ordered(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """By time when every message has one (stable, so equal times keep file order), else file order."""
    if messages and all(m["at"] for m in messages):
        return sorted(messages, key=lambda m: datetime.fromisoformat(m["at"]))
    return messages


def _outcome(layout: _Layout, values: dict[str, str], notes: list[str]) -> dict[str, Any]:
    """csat and closed_at, each noted and left out when unreadable."""
    out: dict[str, Any] = {"csat": None, "closed_at": None}
    if values.get("csat"):
        try:
            out["csat"] = float(values["csat"])
        except ValueError:
            notes.append(f"csat {values['csat']!r} is not a number: ignored")
    if values.get("closed_at"):
        mapping = layout.mapping
        try:
            out["closed_at"] = iso(
                parse_time(values["closed_at"], mapping.time_format, layout.zone)
            )
        except ValueError:
            notes.append(f"closed_at {values['closed_at']!r} cannot be read: ignored")
    return out


def _people(values: dict[str, str], messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The assigned agent (id, else name as id) and the customer (columns, else first customer author)."""
    agent_id = values.get("agent_id") or values.get("agent_name")
    customer_id = values.get("customer_id") or values.get("customer_name")
    customer = {"id": customer_id, "name": values.get("customer_name")} if customer_id else None
    if customer is None:
        authors = (m["author"] for m in messages if m["role"] == "customer" and "author" in m)
        found = next(authors, None)
        if found is not None:
            customer = {"id": found["id"] or found["name"], "name": found["name"]}
    agent = None
    if agent_id:
        agent = {"id": agent_id, "name": values.get("agent_name"), "team": values.get("team")}
    people = {"agent": agent, "customer": customer}
    _author_ids(messages, people)
    return people


def _extras(
    layout: _Layout, rows: list[tuple[int, list[str]]], values: dict[str, str]
) -> dict[str, Any]:
    """Tags (split on , ; |, in order of first use) and metadata (`metadata_columns`, a team without
    an agent)."""
    tags: list[str] = []
    metadata: dict[str, Any] = {}
    for _, row in rows:
        for tag in re.split(r"[,;|]", layout.cell(row, "tags")):
            if tag.strip() and tag.strip() not in tags:
                tags.append(tag.strip())
        for name, position in layout.extra.items():
            value = row[position].strip() if position < len(row) else ""
            if value and name not in metadata:
                metadata[name] = value
    if values.get("team") and not (values.get("agent_id") or values.get("agent_name")):
        metadata["team"] = values["team"]
    return {"tags": tags, "metadata": metadata}


def _channel(mapping: CsvMapping, value: str | None) -> str | None:
    if not value:
        return mapping.channel
    lowered = {k.strip().lower(): v for k, v in mapping.channel_map.items()}
    return lowered.get(value.lower(), value)


def _conversation(layout: _Layout, conversation_id: str, pending: _Pending) -> dict[str, Any]:
    notes: list[str] = []
    values = _first_values(layout, pending.rows, notes)
    messages = _ordered([m for _, m in pending.messages])
    times = [m["at"] for m in messages if m["at"]]
    record: dict[str, Any] = {
        "id": conversation_id,
        "source": values.get("source") or layout.mapping.source,
        "channel": _channel(layout.mapping, values.get("channel")),
        "subject": values.get("subject"),
        "status": values.get("status"),
        "created_at": min(times, key=datetime.fromisoformat) if times else None,
        "csat_scale": layout.mapping.csat_scale,
        **_outcome(layout, values, notes),
        **_people(values, messages),
        **_extras(layout, pending.rows, values),
        "messages": messages,
    }
    if notes:
        record["metadata"]["csv_notes"] = notes
    return record


def read_csv(
    path: str | Path,
    on_bytes: formats.OnBytes = None,
    mapping: CsvMapping | None = None,
    limits: CsvLimits | None = None,
) -> Iterator[formats.Item]:
    """Yield one record per conversation (in the order their last rows appear), an InputError for
    each row that cannot be read, with its line (the header is line 1), and a warning for each row
    read with undecodable bytes. A conversation with a rejected row is not yielded: an InputError
    lists it as incomplete, so it is neither stored nor scored as if it were whole."""
    file = Path(path)
    mapping = mapping or CsvMapping()
    try:
        layout, header_line = _layout(file, mapping)
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", file=str(file)) from None
    counts: Counter[str] = Counter()
    for item in read_rows(file, layout.delimiter, encoding=mapping.encoding, limits=limits):
        if item.line > header_line:
            counts[_conversation_id(layout, item)] += 1
    pending: dict[str, _Pending] = {}
    rows = read_rows(
        file, layout.delimiter, encoding=mapping.encoding, limits=limits, on_bytes=on_bytes
    )
    for item in rows:
        if item.line <= header_line:
            continue
        conversation_id = _conversation_id(layout, item)
        if isinstance(item, BrokenRow) or not conversation_id:
            yield _row_error(layout, item)
            if not conversation_id:
                continue
        group = pending.setdefault(conversation_id, _Pending(counts[conversation_id]))
        group.remaining -= 1
        if isinstance(item, Row):
            yield from _add_row(layout, group, conversation_id, item)
        else:
            group.rejected.append(item.line)
        if group.remaining <= 0:
            yield from _emit(layout, conversation_id, pending.pop(conversation_id))
    for conversation_id, group in pending.items():
        yield from _emit(layout, conversation_id, group)


def _conversation_id(layout: _Layout, item: Row | BrokenRow) -> str:
    """The row's conversation id; of a broken row, when its column was read before the break."""
    return layout.cell(item.cells, "conversation_id")


def _row_error(layout: _Layout, item: Row | BrokenRow) -> InputError:
    if isinstance(item, BrokenRow):
        return InputError(item.reason, file=str(layout.file), line=item.line)
    reason = f"no conversation id (column {layout.column('conversation_id')})"
    return InputError(reason, file=str(layout.file), line=item.line)


def _add_row(
    layout: _Layout, group: _Pending, conversation_id: str, row: Row
) -> Iterator[InputError | formats.ImportWarning]:
    file = str(layout.file)
    try:
        group.messages.append((row.line, _message(layout, row.cells)))
        group.rows.append((row.line, row.cells))
    except ValueError as exc:
        group.rejected.append(row.line)
        yield InputError(str(exc), file=file, line=row.line)
    if row.bad:
        yield undecodable(row.bad, file=file, line=row.line, id=conversation_id)


def _emit(
    layout: _Layout, conversation_id: str, group: _Pending
) -> Iterator[RawRecord | InputError]:
    if group.rejected and group.messages:
        lines = ", ".join(str(line) for line in group.rejected)
        reason = (
            f"conversation {conversation_id!r} not imported: incomplete, its row(s) at line "
            f"{lines} could not be read (fix them and import the file again)"
        )
        first = min(group.messages[0][0], *group.rejected)
        yield InputError(reason, file=str(layout.file), line=first, id=conversation_id)
    elif group.messages:
        data = _conversation(layout, conversation_id, group)
        yield RawRecord(str(layout.file), group.messages[0][0], data)


def csv_reader(mapping: CsvMapping, limits: CsvLimits | None = None) -> formats.Reader:
    """A reader for `formats` that uses `mapping` (what `--csv-mapping FILE` plugs in) and `limits`
    (the `csv_max_field_*` settings)."""

    def read(path: Path, on_bytes: formats.OnBytes = None) -> Iterator[formats.Item]:
        return read_csv(path, on_bytes, mapping, limits)

    return read


def _never(sample: dict[str, Any]) -> bool:
    """CSV is recognised by its extension (.csv, .tsv), never by a JSON sample."""
    return False


_default_reader: Callable[[Path, formats.OnBytes], Iterator[formats.Item]] = csv_reader(
    CsvMapping()
)
FORMAT = formats.register(formats.Format("csv", _default_reader, _never, (".csv", ".tsv")))
