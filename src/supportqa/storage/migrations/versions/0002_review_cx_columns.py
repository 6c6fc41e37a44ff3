"""reviews: cx_value, cx_score, cx_flagged and min_confidence as columns for analytics

Trends, the review queue and the report group and filter on the CX score and the AI's lowest
confidence; reading them out of every payload would parse a million JSON documents per query.
Existing rows are filled from their payload.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("cx_value", sa.Float(), nullable=True))
        batch.add_column(sa.Column("cx_score", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cx_flagged", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("min_confidence", sa.Float(), nullable=True))
    _backfill()


def _values(payload: Any) -> dict[str, Any]:
    data = json.loads(payload) if isinstance(payload, str) else payload
    cx = data.get("cx") or {}
    confidences = [
        c["confidence"]
        for c in data.get("criteria", [])
        if c.get("confidence") is not None and c.get("status") == "rated"
    ]
    return {
        "cx_value": cx.get("value"),
        "cx_score": cx.get("score"),
        "cx_flagged": cx.get("review_recommended"),
        "min_confidence": min(confidences) if confidences else None,
    }


def _backfill() -> None:
    bind = op.get_bind()
    reviews = sa.table(
        "reviews",
        sa.column("id", sa.Integer()),
        sa.column("payload", sa.JSON()),
        sa.column("cx_value", sa.Float()),
        sa.column("cx_score", sa.Integer()),
        sa.column("cx_flagged", sa.Boolean()),
        sa.column("min_confidence", sa.Float()),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(reviews.c.id, reviews.c.payload)
            .where(reviews.c.id > last)
            .order_by(reviews.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        updates = [{"pk": row.id, **_values(row.payload)} for row in rows]
        bind.execute(
            reviews.update()
            .where(reviews.c.id == sa.bindparam("pk"))
            .values(
                cx_value=sa.bindparam("cx_value"),
                cx_score=sa.bindparam("cx_score"),
                cx_flagged=sa.bindparam("cx_flagged"),
                min_confidence=sa.bindparam("min_confidence"),
            ),
            updates,
        )
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        for name in ("min_confidence", "cx_flagged", "cx_score", "cx_value"):
            batch.drop_column(name)
