"""queue_assignments: conversations handed to reviewers by `supportqa queue --assign`

One row per conversation (unique source + conversation id), so a second queue run never hands the
same conversation out again; week and reviewer are indexed for per-week quotas and loads.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "queue_assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("conversation_id", sa.String(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("agent", sa.String(), nullable=True),
        sa.Column("reviewer", sa.String(), nullable=False),
        sa.Column("rules", sa.String(), nullable=False),
        sa.Column("second_review", sa.Boolean(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_assignments")),
        sa.UniqueConstraint(
            "source", "conversation_id", name=op.f("uq_queue_assignments_source_conversation_id")
        ),
    )
    op.create_index(op.f("ix_queue_assignments_week"), "queue_assignments", ["week"])
    op.create_index(op.f("ix_queue_assignments_reviewer"), "queue_assignments", ["reviewer"])


def downgrade() -> None:
    op.drop_index(op.f("ix_queue_assignments_reviewer"), table_name="queue_assignments")
    op.drop_index(op.f("ix_queue_assignments_week"), table_name="queue_assignments")
    op.drop_table("queue_assignments")
