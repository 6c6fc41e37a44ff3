"""conversations: nps, ces and ces_scale as columns for the external-metrics analytics

NPS and CES arrive as custom fields in a conversation's metadata; the analytics frame groups them per
team and week, and reading them out of every payload would parse a million JSON documents per report.
Existing rows are filled from their payload's metadata by the same rules the importer uses
(`supportqa.domain.surveys`).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from supportqa.domain.surveys import survey_answers

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("nps", sa.Float(), nullable=True))
        batch.add_column(sa.Column("ces", sa.Float(), nullable=True))
        batch.add_column(sa.Column("ces_scale", sa.Integer(), nullable=True))
    _backfill()


def _values(payload: Any) -> dict[str, Any]:
    data = json.loads(payload) if isinstance(payload, str) else payload
    metadata = data.get("metadata") if isinstance(data, dict) else None
    answers = survey_answers(metadata if isinstance(metadata, dict) else None)
    return {"nps": answers.nps, "ces": answers.ces, "ces_scale": answers.ces_scale}


def _backfill() -> None:
    bind = op.get_bind()
    conversations = sa.table(
        "conversations",
        sa.column("id", sa.Integer()),
        sa.column("payload", sa.JSON()),
        sa.column("nps", sa.Float()),
        sa.column("ces", sa.Float()),
        sa.column("ces_scale", sa.Integer()),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(conversations.c.id, conversations.c.payload)
            .where(conversations.c.id > last)
            .order_by(conversations.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        updates = [{"pk": row.id, **_values(row.payload)} for row in rows]
        answered = [u for u in updates if any(u[k] is not None for k in ("nps", "ces"))]
        if answered:
            bind.execute(
                conversations.update()
                .where(conversations.c.id == sa.bindparam("pk"))
                .values(
                    nps=sa.bindparam("nps"),
                    ces=sa.bindparam("ces"),
                    ces_scale=sa.bindparam("ces_scale"),
                ),
                answered,
            )
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        for name in ("ces_scale", "ces", "nps"):
            batch.drop_column(name)
