"""conversation language: the language each conversation was detected in

Scorers that read English only answer `unsure` on conversations in other languages, and the
conversation page shows the language, so each conversation row gains `language` (`signals.language`:
`en`, `de`, ..., `und`). Scoring writes it with the AI reviews of the current version; an import that
changes a conversation's text clears it until that version is scored. Existing rows are filled here
from their payloads (about 0.5 ms per conversation), so conversations scored before this revision
show theirs without being scored again.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from supportqa.domain.conversation import Conversation
from supportqa.signals.language import conversation_language

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000


def upgrade() -> None:
    op.add_column("conversations", sa.Column("language", sa.String(length=16), nullable=True))
    _fill()


def _fill() -> None:
    """The detected language of every stored conversation, a batch at a time."""
    connection = op.get_bind()
    conversations = sa.table(
        "conversations",
        sa.column("id", sa.Integer()),
        sa.column("payload", sa.JSON()),
        sa.column("language", sa.String()),
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(conversations.c.id, conversations.c.payload)
            .where(conversations.c.id > last)
            .order_by(conversations.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        connection.execute(
            conversations.update()
            .where(conversations.c.id == sa.bindparam("pk"))
            .values(language=sa.bindparam("code")),
            [
                {
                    "pk": row.id,
                    "code": conversation_language(Conversation.model_validate(row.payload)).code,
                }
                for row in rows
            ],
        )


def downgrade() -> None:
    op.drop_column("conversations", "language")
