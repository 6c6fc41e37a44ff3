"""analytics_changes: which reviews a write touched, so the analytics frames refresh incrementally

- `analytics_changes`: one row per review a write inserted, updated or deleted, written by triggers
  on `reviews`, on the survey columns of `conversations`, on the identity columns of `agents` and on
  `people` (a linked identity or a renamed person changes the reviews' agent). `txid` is the writing
  transaction (PostgreSQL), so a reader never skips a transaction that committed out of id order.
- `analytics_state`: one row; `token` is made once per database, so a cache of another database
  that happens to sit at the same path (a demo rebuilt) is never taken for this one's;
  `pruned_through` is the last change id deleted by pruning (caches from before it rebuild).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SURVEY_COLUMNS = "csat, csat_scale, reopened, handle_time_s, customer_id, nps, ces, ces_scale"
"""The conversation columns the frames read: a change of any other one leaves them as they are."""

_OF_IDENTITY = (
    "SELECT id, NULL, {now} FROM reviews"
    " WHERE source = {row}.source AND reviewee_id = {row}.external_id"
)
_OF_PERSON = (
    "SELECT r.id, NULL, {now} FROM reviews r JOIN agents a"
    " ON a.source = r.source AND a.external_id = r.reviewee_id WHERE a.person_id = {row}.id"
)


def _sqlite_statements() -> list[str]:
    now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    insert = "INSERT INTO analytics_changes (review_pk, conversation_pk, changed_at)"
    identity = _OF_IDENTITY.replace("{now}", now)
    person = _OF_PERSON.replace("{now}", now)
    bodies = {
        "reviews_ins": ("AFTER INSERT ON reviews", f"VALUES (NEW.id, NULL, {now})"),
        "reviews_upd": ("AFTER UPDATE ON reviews", f"VALUES (NEW.id, NULL, {now})"),
        "reviews_del": ("AFTER DELETE ON reviews", f"VALUES (OLD.id, NULL, {now})"),
        "conversations_upd": (
            f"AFTER UPDATE OF {SURVEY_COLUMNS} ON conversations",
            f"VALUES (NULL, NEW.id, {now})",
        ),
        "agents_ins": ("AFTER INSERT ON agents", identity.format(row="NEW")),
        "agents_upd": (
            "AFTER UPDATE OF source, external_id, person_id ON agents",
            identity.format(row="OLD") + " UNION " + identity.format(row="NEW"),
        ),
        "agents_del": ("AFTER DELETE ON agents", identity.format(row="OLD")),
        "people_upd": ("AFTER UPDATE OF key, name ON people", person.format(row="NEW")),
    }
    return [
        f"CREATE TRIGGER analytics_{name} {when} FOR EACH ROW BEGIN {insert} {body}; END"
        for name, (when, body) in bodies.items()
    ]


_PG_FUNCTION = """CREATE FUNCTION analytics_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'reviews' THEN
        INSERT INTO analytics_changes (review_pk, txid, changed_at)
        VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END, txid_current(), now());
    ELSIF TG_TABLE_NAME = 'conversations' THEN
        INSERT INTO analytics_changes (conversation_pk, txid, changed_at)
        VALUES (NEW.id, txid_current(), now());
    ELSIF TG_TABLE_NAME = 'agents' THEN
        INSERT INTO analytics_changes (review_pk, txid, changed_at)
        SELECT id, txid_current(), now() FROM reviews
         WHERE (TG_OP <> 'INSERT' AND source = OLD.source AND reviewee_id = OLD.external_id)
            OR (TG_OP <> 'DELETE' AND source = NEW.source AND reviewee_id = NEW.external_id);
    ELSE
        INSERT INTO analytics_changes (review_pk, txid, changed_at)
        SELECT r.id, txid_current(), now() FROM reviews r JOIN agents a
            ON a.source = r.source AND a.external_id = r.reviewee_id
         WHERE a.person_id = NEW.id;
    END IF;
    RETURN NULL;
END $$"""
_PG_TRIGGERS = {
    "reviews": "AFTER INSERT OR UPDATE OR DELETE ON reviews",
    "conversations": f"AFTER UPDATE OF {SURVEY_COLUMNS} ON conversations",
    "agents": "AFTER INSERT OR DELETE OR UPDATE OF source, external_id, person_id ON agents",
    "people": "AFTER UPDATE OF key, name ON people",
}


def _postgres_statements() -> list[str]:
    return [_PG_FUNCTION] + [
        f"CREATE TRIGGER analytics_{table} {when} FOR EACH ROW EXECUTE FUNCTION analytics_changed()"
        for table, when in _PG_TRIGGERS.items()
    ]


def upgrade() -> None:
    op.create_table(
        "analytics_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("review_pk", sa.Integer(), nullable=True),
        sa.Column("conversation_pk", sa.Integer(), nullable=True),
        sa.Column("txid", sa.BigInteger(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_changes")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_analytics_changes_txid"), "analytics_changes", ["txid"])
    state = op.create_table(
        "analytics_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("pruned_through", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_state")),
    )
    op.bulk_insert(state, [{"id": 1, "token": uuid.uuid4().hex, "pruned_through": 0}])
    bind = op.get_bind()
    statements = (
        _postgres_statements() if bind.dialect.name == "postgresql" else _sqlite_statements()
    )
    for statement in statements:
        bind.exec_driver_sql(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in _PG_TRIGGERS:
            bind.exec_driver_sql(f"DROP TRIGGER analytics_{table} ON {table}")
        bind.exec_driver_sql("DROP FUNCTION analytics_changed()")
    else:
        for statement in _sqlite_statements():
            name = statement.split()[2]
            bind.exec_driver_sql(f"DROP TRIGGER {name}")
    op.drop_table("analytics_state")
    op.drop_index(op.f("ix_analytics_changes_txid"), table_name="analytics_changes")
    op.drop_table("analytics_changes")
