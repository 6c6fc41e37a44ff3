"""scorecard names: stored names that are not slugs become slugs (the old name is kept)

A scorecard's name is part of the file names calibration and training write beside the database, so
names are now `^[a-z0-9][a-z0-9_-]{0,63}$` (`supportqa.domain.scorecard.NAME_PATTERN`). Names stored
before the rule are rewritten, consistently in every table that holds one (scorecards, reviews and
their payloads, scoring runs, work claims), to `scorecard_slug(name)` — numbered when two names
would meet. Each stored scorecard keeps its old name as `former_name` in its payload, and each
rename is logged as a warning. Plain UPDATEs only: no table is rebuilt (SQLite's batch mode would
empty `review_criteria` through its foreign key), and the whole revision runs in one transaction.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from supportqa.domain.scorecard import NAME_PATTERN, scorecard_from_dict, scorecard_slug

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
TABLES = ("scorecards", "reviews", "scoring_runs", "work_claims")
log = logging.getLogger("supportqa.migrations")


def _name_column(name: str) -> str:
    return "name" if name == "scorecards" else "scorecard_name"


def renames(names: Sequence[str]) -> dict[str, str]:
    """Each name that breaks the rule → its slug, distinct from every other name kept or given."""
    taken = {n for n in names if NAME_PATTERN.fullmatch(n)}
    mapping: dict[str, str] = {}
    for name in sorted(n for n in set(names) if not NAME_PATTERN.fullmatch(n)):
        mapping[name] = scorecard_slug(name, taken)
        taken.add(mapping[name])
    return mapping


def _json(payload: Any) -> dict[str, Any]:
    data = json.loads(payload) if isinstance(payload, str) else payload
    return dict(data)


def upgrade() -> None:
    bind = op.get_bind()
    names: list[str] = []
    for name in TABLES:
        column = sa.column(_name_column(name), sa.String())
        names += bind.execute(sa.select(column).select_from(sa.table(name)).distinct()).scalars()
    mapping = renames(names)
    for old, new in mapping.items():
        counts = {name: _rename(bind, name, old, new) for name in TABLES}
        log.warning(
            "scorecard name %r does not match %s: renamed to %r (%d scorecard versions, "
            "%d reviews, %d runs, %d claims); the old name is kept as `former_name`",
            old,
            NAME_PATTERN.pattern,
            new,
            *counts.values(),
        )


def _rename(bind: sa.Connection, name: str, old: str, new: str) -> int:
    column = _name_column(name)
    if name == "scorecards":
        return _rename_scorecards(bind, old, new)
    if name == "reviews":
        _rename_review_payloads(bind, old, new)
    table = sa.table(name, sa.column(column, sa.String()))
    result = bind.execute(table.update().where(table.c[column] == old).values({column: new}))
    return int(result.rowcount)


def _rename_scorecards(bind: sa.Connection, old: str, new: str) -> int:
    """Name, payload (with `former_name`) and content hash (which covers the name) of each version."""
    scorecards = sa.table(
        "scorecards",
        sa.column("id", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("payload", sa.JSON()),
        sa.column("content_hash", sa.String()),
    )
    rows = bind.execute(
        sa.select(scorecards.c.id, scorecards.c.payload).where(scorecards.c.name == old)
    ).all()
    for row in rows:
        payload = _json(row.payload) | {"name": new, "former_name": old}
        card = scorecard_from_dict(payload, f"stored scorecard {old!r} (migration 0007)")
        bind.execute(
            scorecards.update()
            .where(scorecards.c.id == row.id)
            .values(name=new, payload=card.to_dict(), content_hash=card.content_hash())
        )
    return len(rows)


def _rename_review_payloads(bind: sa.Connection, old: str, new: str) -> None:
    """The scorecard reference inside each review's payload, in batches by primary key."""
    reviews = sa.table(
        "reviews",
        sa.column("id", sa.Integer()),
        sa.column("scorecard_name", sa.String()),
        sa.column("payload", sa.JSON()),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(reviews.c.id, reviews.c.payload)
            .where(reviews.c.id > last, reviews.c.scorecard_name == old)
            .order_by(reviews.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        updates = []
        for row in rows:
            payload = _json(row.payload)
            payload["scorecard"] = {**payload.get("scorecard", {}), "name": new}
            updates.append({"pk": row.id, "new_payload": payload})
        bind.execute(
            reviews.update()
            .where(reviews.c.id == sa.bindparam("pk"))
            .values(payload=sa.bindparam("new_payload", type_=sa.JSON())),
            updates,
        )
        last = rows[-1].id


def downgrade() -> None:
    """Names stay slugs: the old ones are what made paths escape. `former_name` says what they were."""
