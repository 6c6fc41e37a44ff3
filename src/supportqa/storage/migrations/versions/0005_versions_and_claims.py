"""conversation versions, what each review judged, work claims and run heartbeats

- `conversations.version_hash`: the hash of what scorers read (`domain.versions`), filled from every
  payload; `conversation_versions` keeps earlier versions while a review points at them.
- `reviews.conversation_version` (the version a review judged) and `reviews.scorer_versions` (the
  scorers behind it). Existing reviews are taken to have judged the conversation as it is now: the
  database never recorded otherwise.
- `scoring_runs.heartbeat_at`/`owner` and `work_claims`: concurrent runs split the work, and a killed
  run shows as interrupted once its heartbeat is older than the lease.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from supportqa.domain.conversation import Conversation
from supportqa.domain.versions import conversation_version

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("version_hash", sa.String(length=64), nullable=True))
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("conversation_version", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("scorer_versions", sa.String(), nullable=True))
    with op.batch_alter_table("scoring_runs") as batch:
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("owner", sa.String(), nullable=True))
    op.create_table(
        "conversation_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("version_hash", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_versions")),
        sa.UniqueConstraint(
            "source",
            "external_id",
            "version_hash",
            name=op.f("uq_conversation_versions_source_external_id_version_hash"),
        ),
    )
    op.create_table(
        "work_claims",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_pk", sa.Integer(), nullable=False),
        sa.Column("scorecard_name", sa.String(), nullable=False),
        sa.Column("scorecard_version", sa.String(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_pk"],
            ["conversations.id"],
            name=op.f("fk_work_claims_conversation_pk_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["scoring_runs.id"],
            name=op.f("fk_work_claims_run_id_scoring_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_claims")),
        sa.UniqueConstraint(
            "conversation_pk",
            "scorecard_name",
            "scorecard_version",
            name=op.f("uq_work_claims_conversation_pk_scorecard_name_scorecard_version"),
        ),
    )
    op.create_index(op.f("ix_work_claims_run_id"), "work_claims", ["run_id"])
    _backfill_versions()
    _backfill_reviews()


def _payload(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _pages(bind: sa.Connection, table: sa.TableClause) -> Any:
    last = 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, table.c.payload)
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _backfill_versions() -> None:
    bind = op.get_bind()
    conversations = sa.table(
        "conversations",
        sa.column("id", sa.Integer()),
        sa.column("payload", sa.JSON()),
        sa.column("version_hash", sa.String()),
    )
    statement = (
        conversations.update()
        .where(conversations.c.id == sa.bindparam("pk"))
        .values(version_hash=sa.bindparam("v"))
    )
    for rows in _pages(bind, conversations):
        updates = [
            {
                "pk": r.id,
                "v": conversation_version(Conversation.model_validate(_payload(r.payload))),
            }
            for r in rows
        ]
        bind.execute(statement, updates)


def scorer_versions(payload: Any) -> str | None:
    """The `reviews.scorer_versions` value of a stored review payload (same rule as `rows.py`)."""
    names = {
        f"{c['scorer']['name']}@{c['scorer'].get('version', '1')}"
        for c in _payload(payload).get("criteria", [])
        if isinstance(c.get("scorer"), dict) and c["scorer"].get("name")
    }
    return ",".join(sorted(names)) or None


def _backfill_reviews() -> None:
    bind = op.get_bind()
    reviews = sa.table(
        "reviews",
        sa.column("id", sa.Integer()),
        sa.column("payload", sa.JSON()),
        sa.column("conversation_pk", sa.Integer()),
        sa.column("conversation_version", sa.String()),
        sa.column("scorer_versions", sa.String()),
    )
    conversations = sa.table(
        "conversations", sa.column("id", sa.Integer()), sa.column("version_hash", sa.String())
    )
    statement = (
        reviews.update()
        .where(reviews.c.id == sa.bindparam("pk"))
        .values(scorer_versions=sa.bindparam("s"))
    )
    for rows in _pages(bind, reviews):
        bind.execute(statement, [{"pk": r.id, "s": scorer_versions(r.payload)} for r in rows])
    current = (
        sa.select(conversations.c.version_hash)
        .where(conversations.c.id == reviews.c.conversation_pk)
        .scalar_subquery()
    )
    bind.execute(
        reviews.update()
        .where(reviews.c.conversation_pk.is_not(None))
        .values(conversation_version=current)
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_work_claims_run_id"), table_name="work_claims")
    op.drop_table("work_claims")
    op.drop_table("conversation_versions")
    with op.batch_alter_table("scoring_runs") as batch:
        batch.drop_column("owner")
        batch.drop_column("heartbeat_at")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("scorer_versions")
        batch.drop_column("conversation_version")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("version_hash")
