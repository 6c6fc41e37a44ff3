"""People: listing identities with the person each belongs to, and joining or separating them.

A person may hold several help-desk identities (the same agent in Zendesk and in a CSV export);
`link` moves identities (with everyone already linked to them) into one person, `unlink` gives an
identity a person of its own again. Identities are named `source/external_id`, or by the bare
external id when only one source has it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from supportqa.errors import InputError
from supportqa.storage.identities import free_key, identity_ref
from supportqa.storage.tables import agents, people, reviews


@dataclass(frozen=True)
class Identity:
    """A help-desk identity, the person it belongs to, and how many reviews judge it."""

    ref: str
    source: str
    external_id: str
    name: str | None
    team: str | None
    is_bot: bool
    person: str
    person_name: str | None
    reviews: int
    first_seen_at: datetime | None
    last_seen_at: datetime | None


@dataclass(frozen=True)
class Person:
    """A person and the identities they hold."""

    key: str
    name: str | None
    identities: list[str] = field(default_factory=list)


def list_identities(connection: Connection) -> list[Identity]:
    """Every identity, grouped by person (people by key), with its review count."""
    counts = {
        (r.source, r.reviewee_id): int(r.n)
        for r in connection.execute(
            select(reviews.c.source, reviews.c.reviewee_id, func.count().label("n"))
            .where(reviews.c.reviewee_id.is_not(None))
            .group_by(reviews.c.source, reviews.c.reviewee_id)
        )
    }
    query = (
        select(agents, people.c.key.label("person"), people.c.name.label("person_name"))
        .join_from(agents, people, agents.c.person_id == people.c.id)
        .order_by(people.c.key, agents.c.source, agents.c.external_id)
    )
    return [
        Identity(
            ref=identity_ref(r.source, r.external_id),
            source=r.source,
            external_id=r.external_id,
            name=r.name,
            team=r.team,
            is_bot=bool(r.is_bot),
            person=r.person,
            person_name=r.person_name,
            reviews=counts.get((r.source, r.external_id), 0),
            first_seen_at=r.first_seen_at,
            last_seen_at=r.last_seen_at,
        )
        for r in connection.execute(query)
    ]


def _resolve(connection: Connection, refs: Sequence[str]) -> list[Any]:
    """The identity rows named by `refs`, in order; unknown or ambiguous names are one error."""
    rows = connection.execute(select(agents)).all()
    by_ref = {identity_ref(r.source, r.external_id): r for r in rows}
    by_id: dict[str, list[Any]] = {}
    for row in rows:
        by_id.setdefault(row.external_id, []).append(row)
    found: list[Any] = []
    problems: list[str] = []
    for ref in refs:
        if ref in by_ref:
            found.append(by_ref[ref])
        elif len(by_id.get(ref, [])) == 1:
            found.append(by_id[ref][0])
        elif ref in by_id:
            options = ", ".join(sorted(identity_ref(r.source, r.external_id) for r in by_id[ref]))
            problems.append(f"{ref!r} is ambiguous: it is {options} (name one as source/id)")
        else:
            problems.append(f"no agent identity {ref!r} (see `supportqa agents list`)")
    if problems:
        raise InputError("; ".join(problems))
    return list({row.id: row for row in found}.values())


def _person(connection: Connection, person_id: int) -> Person:
    row = connection.execute(select(people).where(people.c.id == person_id)).one()
    refs = connection.execute(
        select(agents.c.source, agents.c.external_id)
        .where(agents.c.person_id == person_id)
        .order_by(agents.c.source, agents.c.external_id)
    )
    return Person(row.key, row.name, [identity_ref(r.source, r.external_id) for r in refs])


def _drop_empty(connection: Connection, person_ids: set[int]) -> None:
    held = select(agents.c.person_id).where(agents.c.person_id.in_(person_ids))
    connection.execute(delete(people).where(people.c.id.in_(person_ids), people.c.id.not_in(held)))


def link(connection: Connection, refs: Sequence[str], name: str | None = None) -> Person:
    """Join the identities (and whoever is already linked to them) into the first one's person,
    which keeps its key; `name` renames that person. Aggregates by agent count them as one."""
    rows = _resolve(connection, refs)
    if len(rows) < 2 and name is None:
        raise InputError("name at least two identities to link (or one with --as NAME)")
    target = rows[0].person_id
    others = {row.person_id for row in rows[1:]} - {target}
    if others:
        connection.execute(
            update(agents).where(agents.c.person_id.in_(others)).values(person_id=target)
        )
        _drop_empty(connection, others)
    if name is not None:
        connection.execute(update(people).where(people.c.id == target).values(name=name))
    return _person(connection, target)


def _named_by_key(key: str, members: Sequence[Any]) -> int | None:
    """The identity a person's key was made from (`free_key`): the one whose `source/id` it is,
    else the oldest one whose external id it is."""
    for member in members:
        if key == identity_ref(member.source, member.external_id):
            return int(member.id)
    return next((int(m.id) for m in members if m.external_id == key), None)


def unlink(connection: Connection, refs: Sequence[str], now: datetime) -> list[Person]:
    """Give each identity a person of its own again (the person it leaves keeps its key, unless
    that key names this identity: then the identity keeps the person and the others move)."""
    result: list[Person] = []
    for row in _resolve(connection, refs):
        members = connection.execute(
            select(agents).where(agents.c.person_id == row.person_id).order_by(agents.c.id)
        ).all()
        if len(members) == 1:
            result.append(_person(connection, row.person_id))
            continue
        person = connection.execute(select(people).where(people.c.id == row.person_id)).one()
        names_it = _named_by_key(person.key, members) == row.id
        leaving = [m for m in members if m.id != row.id] if names_it else [row]
        first = leaving[0]
        taken = set(connection.execute(select(people.c.key)).scalars())
        key = free_key(first.source, first.external_id, taken)
        new_name = (first.name or person.name) if names_it else (row.name or person.name)
        new_id = connection.execute(
            insert(people).values(key=key, name=new_name, created_at=now)
        ).inserted_primary_key
        assert new_id is not None
        connection.execute(
            update(agents)
            .where(agents.c.id.in_([m.id for m in leaving]))
            .values(person_id=int(new_id[0]))
        )
        result.append(_person(connection, row.person_id if names_it else int(new_id[0])))
    return result
