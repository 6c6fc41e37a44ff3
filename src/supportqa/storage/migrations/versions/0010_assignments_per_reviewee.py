"""queue_assignments: unique per (conversation, reviewee), not per conversation

A conversation handed from a bot to agent A to agent B has a review of each of them, and the queue
hands out each reviewee's review on its own (a reviewer judges one reviewee). Existing rows keep
their conversation's one reviewee (`agent`) and stay as they are.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("queue_assignments") as batch:
        batch.drop_constraint(op.f("uq_queue_assignments_source_conversation_id"), type_="unique")
        batch.create_unique_constraint(
            op.f("uq_queue_assignments_source_conversation_id_agent"),
            ["source", "conversation_id", "agent"],
        )


def downgrade() -> None:
    with op.batch_alter_table("queue_assignments") as batch:
        batch.drop_constraint(
            op.f("uq_queue_assignments_source_conversation_id_agent"), type_="unique"
        )
        batch.create_unique_constraint(
            op.f("uq_queue_assignments_source_conversation_id"), ["source", "conversation_id"]
        )
