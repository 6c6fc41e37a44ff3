"""conversation search: full-text index, reviewees and the list's summary of each conversation

The conversation list filters on full-text `q`, on a reviewee (an agent sees only conversations they
are a reviewee of) and on the IQS and CX of the latest AI review of the current version, and it
sorts on them, at 100k conversations per request. So each conversation row gains its searchable
text (`search_text`, indexed by an FTS5 table on SQLite, a GIN index on PostgreSQL), its message
count and that summary (`storage.conversation_summary`), and `conversation_reviewees` lists who
replied in it. Existing rows are backfilled from their payloads and reviews.

(Lead: relink `down_revision` to 0011 at merge; this branch was cut before 0011 existed.)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from supportqa.domain.conversation import Conversation
from supportqa.storage import conversation_summary, search

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000
SORTED = ("updated_at", "ai_iqs", "ai_cx", "human_iqs")


def upgrade() -> None:
    for name, type_ in (
        ("search_text", sa.Text()),
        ("search_text_masked", sa.Text()),
        ("message_count", sa.Integer()),
        ("ai_iqs", sa.Float()),
        ("ai_cx", sa.Integer()),
        ("ai_flagged", sa.Boolean()),
        ("human_iqs", sa.Float()),
        ("changed_at", sa.DateTime(timezone=True)),
    ):
        op.add_column("conversations", sa.Column(name, type_, nullable=True))
    op.add_column(
        "conversations",
        sa.Column("human_reviews", sa.Integer(), nullable=False, server_default="0"),
    )
    for column in SORTED:
        op.create_index(op.f(f"ix_conversations_{column}_id"), "conversations", [column, "id"])
    op.create_table(
        "conversation_reviewees",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_pk", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("reviewee_id", sa.String(), nullable=False),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_pk"],
            ["conversations.id"],
            name=op.f("fk_conversation_reviewees_conversation_pk_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_reviewees")),
        sa.UniqueConstraint(
            "conversation_pk",
            "source",
            "reviewee_id",
            "is_bot",
            name=op.f("uq_conversation_reviewees_conversation_pk_source_reviewee_id_is_bot"),
        ),
    )
    op.create_index(
        op.f("ix_conversation_reviewees_source_reviewee_id"),
        "conversation_reviewees",
        ["source", "reviewee_id"],
    )
    _fill()
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        for statement in search.SQLITE_DDL:
            op.execute(statement)
        for statement in search.SQLITE_REBUILD:
            op.execute(statement)
    else:
        for statement in search.POSTGRES_DDL:
            op.execute(statement)


def _fill() -> None:
    """Search text, message count, reviewees and summary of every stored conversation."""
    connection = op.get_bind()
    conversations = sa.table(
        "conversations",
        sa.column("id", sa.Integer()),
        sa.column("source", sa.String()),
        sa.column("payload", sa.JSON()),
        sa.column("search_text", sa.Text()),
        sa.column("search_text_masked", sa.Text()),
        sa.column("message_count", sa.Integer()),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("changed_at", sa.DateTime(timezone=True)),
    )
    reviewees = sa.table(
        "conversation_reviewees",
        sa.column("conversation_pk", sa.Integer()),
        sa.column("source", sa.String()),
        sa.column("reviewee_id", sa.String()),
        sa.column("is_bot", sa.Boolean()),
    )
    connection.execute(conversations.update().values(changed_at=conversations.c.updated_at))
    now = datetime.now(UTC)
    last = 0
    while True:
        rows = connection.execute(
            sa.select(conversations.c.id, conversations.c.source, conversations.c.payload)
            .where(conversations.c.id > last)
            .order_by(conversations.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        parsed = [(row, Conversation.model_validate(row.payload)) for row in rows]
        connection.execute(
            conversations.update()
            .where(conversations.c.id == sa.bindparam("pk"))
            .values(
                search_text=sa.bindparam("text"),
                search_text_masked=sa.bindparam("masked"),
                message_count=sa.bindparam("count"),
            ),
            [
                {"pk": row.id, "text": text, "masked": masked, "count": len(c.messages)}
                for row, c in parsed
                for text, masked in [search.documents(c)]
            ],
        )
        found = [
            {"conversation_pk": row.id, "source": row.source, "reviewee_id": who, "is_bot": bot}
            for row, c in parsed
            for who, bot in dict.fromkeys(conversation_summary.reviewees(c))
        ]
        if found:
            connection.execute(reviewees.insert(), found)
        conversation_summary.refresh(connection, [row.id for row in rows], now)


def downgrade() -> None:
    connection = op.get_bind()
    drops = search.SQLITE_DROP if connection.dialect.name == "sqlite" else search.POSTGRES_DROP
    for statement in drops:
        op.execute(statement)
    op.drop_table("conversation_reviewees")
    for column in SORTED:
        op.drop_index(op.f(f"ix_conversations_{column}_id"), table_name="conversations")
    for name in (
        "search_text",
        "search_text_masked",
        "message_count",
        "ai_iqs",
        "ai_cx",
        "ai_flagged",
        "human_iqs",
        "human_reviews",
        "changed_at",
    ):
        op.drop_column("conversations", name)
