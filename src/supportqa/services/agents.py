"""Agent identities and people: list them, link identities that are one person, unlink them.

An identity is a help-desk account keyed by (source, external id); a person holds one or more
identities, and everything "by agent" aggregates by person (see `supportqa.storage.identities`).
"""

from __future__ import annotations

from collections.abc import Sequence

from supportqa.services.workspace import Workspace
from supportqa.storage import people
from supportqa.storage.bulk import utc_now
from supportqa.storage.people import Identity, Person

__all__ = ["Identity", "Person", "link_agents", "list_agents", "unlink_agents"]


def list_agents(workspace: Workspace) -> list[Identity]:
    """Every identity with its person and review count, grouped by person."""
    with workspace.db.engine.connect() as connection:
        return people.list_identities(connection)


def link_agents(workspace: Workspace, refs: Sequence[str], *, name: str | None = None) -> Person:
    """Join identities (`source/external_id`, or a bare id one source has) into the first one's
    person, optionally naming it; IQS, reports, coaching and the queue then count them as one."""
    with workspace.db.write_transaction() as connection:
        return people.link(connection, refs, name)


def unlink_agents(workspace: Workspace, refs: Sequence[str]) -> list[Person]:
    """Give each identity a person of its own again; the people they now belong to."""
    with workspace.db.write_transaction() as connection:
        return people.unlink(connection, refs, utc_now())
