"""The audit log: every write says who, when, what and the state before and after.

`record` takes the writer's own connection, so the audit row commits or rolls back with the write it
describes — call it inside the same `workspace.db.write_transaction()` as the change:

    with workspace.db.write_transaction() as connection:
        ...  # the write
        audit.record(connection, actor=principal.email, action="review.add", target=..., after=...)

The table refuses UPDATE and DELETE (triggers), so history cannot be rewritten through the app.
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from supportqa.services.workspace import Workspace
from supportqa.storage import audit as rows
from supportqa.storage.audit import AuditEntry

__all__ = ["AuditEntry", "cli_actor", "entries", "record"]


def cli_actor() -> str:
    """How a command-line write is attributed: the operating-system user who ran it."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "cli"


def record(
    connection: Connection,
    *,
    actor: str | None,
    action: str,
    target: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    address: str | None = None,
    now: datetime | None = None,
) -> int:
    """Append one audit row in the caller's transaction; its id. `action` is `thing.verb`
    (`user.add`, `login.failed`); `before`/`after` are JSON-ready dicts (never secrets)."""
    return rows.append(
        connection,
        {
            "at": now or datetime.now(UTC),
            "actor": actor,
            "action": action,
            "target": target,
            "before": before,
            "after": after,
            "address": address,
        },
    )


def entries(
    workspace: Workspace,
    *,
    action: str | None = None,
    actor: str | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """The log newest first, optionally of one action or actor; page on with `before_id`."""
    with workspace.db.engine.connect() as connection:
        return rows.entries(
            connection,
            action=action,
            actor=actor,
            before_id=before_id,
            limit=max(1, min(limit, 1000)),
        )
