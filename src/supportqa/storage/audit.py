"""The audit log's rows: appended in the writer's own transaction, read newest first. The table
refuses UPDATE and DELETE by trigger (migration 0011), so nothing here could change history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from supportqa.storage.auth_tables import audit_log


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str | None
    action: str
    target: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    address: str | None


def append(connection: Connection, values: dict[str, Any]) -> int:
    key = connection.execute(insert(audit_log).values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def entries(
    connection: Connection,
    *,
    action: str | None = None,
    actor: str | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """Newest first; `before_id` pages on (ids only grow)."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if action is not None:
        query = query.where(audit_log.c.action == action)
    if actor is not None:
        query = query.where(audit_log.c.actor == actor)
    if before_id is not None:
        query = query.where(audit_log.c.id < before_id)
    return [
        AuditEntry(
            id=r.id,
            at=r.at,
            actor=r.actor,
            action=r.action,
            target=r.target,
            before=r.before,
            after=r.after,
            address=r.address,
        )
        for r in connection.execute(query)
    ]
