"""Review-queue assignments: which conversation went to which reviewer, persisted once per conversation.

The queue is a pure function of the analytics frames; this module is the only state it keeps, so a
second `queue --assign` run (or one the next day) skips everything already handed out.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from supportqa.analytics.assignments import Assignment
from supportqa.errors import StorageError
from supportqa.storage.bulk import first_line, utc_now
from supportqa.storage.repository import Repository
from supportqa.storage.tables import queue_assignments

__all__ = ["Assignment", "load_assignments", "save_assignments"]


def load_assignments(repo: Repository, *, week: str | None = None) -> list[Assignment]:
    """Every stored assignment (of one week, if given), oldest first."""
    query = select(queue_assignments).order_by(queue_assignments.c.id)
    if week is not None:
        query = query.where(queue_assignments.c.week == week)
    with repo.db.engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [
        Assignment(
            source=row["source"],
            conversation_id=row["conversation_id"],
            week=row["week"],
            agent=row["agent"],
            reviewer=row["reviewer"],
            rules=tuple(r for r in row["rules"].split(",") if r),
            second_review=bool(row["second_review"]),
            assigned_at=row["assigned_at"],
        )
        for row in rows
    ]


def save_assignments(repo: Repository, items: Sequence[Assignment]) -> int:
    """Store new assignments in one transaction; a conversation assigned before is a StorageError
    (the unique key is the guard against two queue runs racing), and nothing is written then."""
    if not items:
        return 0
    now = utc_now()
    rows = [
        {
            "source": a.source,
            "conversation_id": a.conversation_id,
            "week": a.week,
            "agent": a.agent,
            "reviewer": a.reviewer,
            "rules": ",".join(a.rules),
            "second_review": a.second_review,
            "assigned_at": a.assigned_at or now,
        }
        for a in items
    ]
    try:
        with repo.db.engine.begin() as connection:
            connection.execute(insert(queue_assignments), rows)
    except IntegrityError as exc:
        raise StorageError(
            f"{repo.db.url}: a conversation in this queue was already assigned "
            f"({first_line(exc.orig)}); run `supportqa queue` again to get a fresh queue"
        ) from None
    except SQLAlchemyError as exc:
        raise StorageError(
            f"cannot write assignments to {repo.db.url}: {first_line(getattr(exc, 'orig', exc))}"
        ) from None
    return len(rows)
