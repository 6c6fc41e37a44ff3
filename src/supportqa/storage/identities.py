"""Agent identities and the people behind them.

An identity is a help-desk account, keyed by (source, external id) exactly like a conversation, so
agent `501` of a Zendesk export and agent `501` of a CSV never merge. A person is one human (or bot)
who may hold several identities; `agents link` joins them, and everything "by agent" (IQS, the
analytics frames, reports, coaching, the queue) groups on the person.

Identities are recorded in the caller's write transaction from the rows it is writing (conversations
on import, reviews when stored): one SELECT of the chunk's identities, then bulk inserts/updates,
never a round trip per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, tuple_, update

from supportqa.storage.tables import agents, people


@dataclass(frozen=True)
class Sighting:
    """An identity as one conversation or review shows it."""

    source: str
    external_id: str
    name: str | None
    team: str | None
    is_bot: bool
    seen_at: datetime | None


def conversation_sightings(rows: Iterable[dict[str, Any]]) -> list[Sighting]:
    """The assigned agent of each `conversations` row (message authors arrive with their reviews)."""
    return [
        Sighting(r["source"], r["agent_id"], r["agent_name"], r["team"], False, r["created_at"])
        for r in rows
        if r.get("agent_id")
    ]


def review_sightings(rows: Iterable[dict[str, Any]]) -> list[Sighting]:
    """The reviewee of each `reviews` row: it is resolved to its identity by (source, reviewee id)."""
    return [
        Sighting(
            r["source"],
            r["reviewee_id"],
            r["reviewee_name"],
            r["team"],
            r["is_bot"],
            r["period_at"],
        )
        for r in rows
        if r.get("reviewee_id")
    ]


def identity_ref(source: str, external_id: str) -> str:
    """How an identity is written on the command line and in tables: `source/external_id`."""
    return f"{source}/{external_id}"


def free_key(source: str, external_id: str, taken: set[str]) -> str:
    """A person key for a new identity's person: its external id when no other person has it (so a
    single help desk's agents keep the ids people know), else `source/id`, numbered if need be."""
    for candidate in (external_id, identity_ref(source, external_id)):
        if candidate not in taken:
            return candidate
    n = 2
    while f"{identity_ref(source, external_id)}#{n}" in taken:
        n += 1
    return f"{identity_ref(source, external_id)}#{n}"


def _merge(sightings: Iterable[Sighting]) -> dict[tuple[str, str], dict[str, Any]]:
    """One entry per identity: the latest non-empty name and team, the earliest and latest time."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for s in sightings:
        entry = merged.setdefault(
            (s.source, s.external_id),
            {"name": None, "team": None, "is_bot": False, "first": None, "last": None},
        )
        entry["name"] = s.name or entry["name"]
        entry["team"] = s.team or entry["team"]
        entry["is_bot"] = entry["is_bot"] or bool(s.is_bot)
        if s.seen_at is not None:
            entry["first"] = s.seen_at if entry["first"] is None else min(entry["first"], s.seen_at)
            entry["last"] = s.seen_at if entry["last"] is None else max(entry["last"], s.seen_at)
    return merged


def record(connection: Connection, sightings: Sequence[Sighting], now: datetime) -> int:
    """Insert identities not seen before (each with a person of its own) and keep the others
    current: name and team as last seen, the seen-at span widened. Idempotent; the number of new
    identities."""
    merged = _merge(sightings)
    if not merged:
        return 0
    keys = list(merged)
    stored = {
        (r.source, r.external_id): r
        for r in connection.execute(
            select(
                agents.c.id,
                agents.c.person_id,
                agents.c.source,
                agents.c.external_id,
                agents.c.name,
                agents.c.team,
                agents.c.is_bot,
                agents.c.first_seen_at,
                agents.c.last_seen_at,
            ).where(tuple_(agents.c.source, agents.c.external_id).in_(keys))
        )
    }
    new = [key for key in keys if key not in stored]
    if new:
        _insert(connection, new, merged, now)
    changes = []
    named = []
    for key, row in stored.items():
        entry = merged[key]
        after = {
            "name": entry["name"] or row.name,
            "team": entry["team"] or row.team,
            "is_bot": bool(row.is_bot) or entry["is_bot"],
            "first_seen_at": _earliest(row.first_seen_at, entry["first"]),
            "last_seen_at": _latest(row.last_seen_at, entry["last"]),
        }
        before = {k: getattr(row, k) for k in after}
        before["is_bot"] = bool(before["is_bot"])
        if after != before:
            changes.append({"_pk": row.id, **after})
        if after["name"] and not before["name"]:
            named.append({"_person": row.person_id, "_name": after["name"]})
    if changes:
        connection.execute(update(agents).where(agents.c.id == bindparam("_pk")), changes)
    if named:  # a person first seen without a name (a bare reviewee id) takes the first one seen
        statement = (
            update(people)
            .where(people.c.id == bindparam("_person"), people.c.name.is_(None))
            .values(name=bindparam("_name"))
        )
        connection.execute(statement, named)
    return len(new)


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def _insert(
    connection: Connection,
    new: list[tuple[str, str]],
    merged: dict[tuple[str, str], dict[str, Any]],
    now: datetime,
) -> None:
    """A person per new identity, then the identities."""
    # Every key in use: people are few, and new identities are rare after the first import.
    taken = set(connection.execute(select(people.c.key)).scalars())
    person_keys: list[str] = []
    for source, external_id in new:
        key = free_key(source, external_id, taken)
        taken.add(key)
        person_keys.append(key)
    connection.execute(
        insert(people),
        [
            {"key": key, "name": merged[ident]["name"], "created_at": now}
            for key, ident in zip(person_keys, new, strict=True)
        ],
    )
    ids: dict[str, int] = dict(
        connection.execute(
            select(people.c.key, people.c.id).where(people.c.key.in_(person_keys))
        ).all()
    )
    connection.execute(
        insert(agents),
        [
            {
                "source": source,
                "external_id": external_id,
                "name": merged[(source, external_id)]["name"],
                "team": merged[(source, external_id)]["team"],
                "is_bot": merged[(source, external_id)]["is_bot"],
                "person_id": ids[key],
                "first_seen_at": merged[(source, external_id)]["first"],
                "last_seen_at": merged[(source, external_id)]["last"],
            }
            for (source, external_id), key in zip(new, person_keys, strict=True)
        ],
    )


def persons(connection: Connection) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(source, external id) → (person key, person name) for every identity: what aggregates by
    agent map their (source, reviewee id) groups through. Agents are few (hundreds, thousands)."""
    query = select(agents.c.source, agents.c.external_id, people.c.key, people.c.name).join_from(
        agents, people, agents.c.person_id == people.c.id
    )
    return {(r.source, r.external_id): (r.key, r.name) for r in connection.execute(query)}
