"""reviews: judge_pending, so `score --llm` asks the judge again where it failed

When the LLM judge fails on a conversation its criteria fall back to local scorers, but the review is
still tagged as an --llm review; without a flag a later `score --llm` never asks again. The selection
needs it as a column, not inside a million payloads. Existing rows are filled from their payload
(`supportqa.domain.review.awaits_judge`): `judge_pending` where present; a review written before the
field by the `always` policy with no rating from the judge at all is pending too (the judge failed on
the whole conversation; partial failures before this revision left no trace and cannot be told).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from supportqa.domain.review import awaits_judge

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
LEGACY_LLM_REVIEWER = "supportqa+llm"
"""The reviewer tag of `score --llm --llm-when always`, which sent every conversation to the judge."""


def upgrade() -> None:
    # A plain-string default ('0' reads as false on both): an SQL-expression default would make
    # SQLite's batch mode rebuild `reviews`, which with foreign keys on empties `review_criteria`.
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(
            sa.Column("judge_pending", sa.Boolean(), nullable=False, server_default="0")
        )
    _backfill()


def _pending(payload: Any) -> bool:
    data = json.loads(payload) if isinstance(payload, str) else payload
    return isinstance(data, dict) and awaits_judge(data, LEGACY_LLM_REVIEWER)


def _backfill() -> None:
    bind = op.get_bind()
    reviews = sa.table(
        "reviews",
        sa.column("id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("reviewer", sa.String()),
        sa.column("payload", sa.JSON()),
        sa.column("judge_pending", sa.Boolean()),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(reviews.c.id, reviews.c.payload)
            .where(reviews.c.id > last, reviews.c.kind == "ai", reviews.c.reviewer.like("%+llm%"))
            .order_by(reviews.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        pending = [{"pk": row.id} for row in rows if _pending(row.payload)]
        if pending:
            bind.execute(
                reviews.update()
                .where(reviews.c.id == sa.bindparam("pk"))
                .values(judge_pending=sa.true()),
                pending,
            )
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("judge_pending")
