"""background jobs: the `jobs` record, the SQLite loop's lease, and procrastinate on PostgreSQL

- `jobs`: every background job (kind, lock, arguments, status, attempts, last error, result), listed
  by `supportqa jobs` on both databases.
- `job_loop_lease`: the one row the SQLite job loop holds while it runs, so one process per database
  runs jobs.
- On PostgreSQL, procrastinate's own schema (tables, types, functions, triggers) at the pinned
  version (pyproject: procrastinate==3.10.0), in the same schema as ours (the connection's
  search_path) and in the same transaction as the rest of the upgrade. A later procrastinate comes
  with a migration that runs procrastinate's own migration scripts between the two versions.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROCRASTINATE_OBJECTS = (
    "DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, "
    "procrastinate_workers CASCADE",
    "DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type, "
    "procrastinate_job_status CASCADE",
    # What is left: procrastinate's functions that name none of its tables or types.
    """DO $$
    DECLARE routine record;
    BEGIN
        FOR routine IN
            SELECT p.oid::regprocedure AS signature
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE left(p.proname, 14) = 'procrastinate_' AND n.nspname = current_schema()
        LOOP
            EXECUTE 'DROP ROUTINE ' || routine.signature || ' CASCADE';
        END LOOP;
    END $$""",
)


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("lock", sa.String(), nullable=True),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner", sa.String(), nullable=True),
        sa.Column("external_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index(op.f("ix_jobs_status_id"), "jobs", ["status", "id"])
    op.create_index(op.f("ix_jobs_lock"), "jobs", ["lock"])
    op.create_table(
        "job_loop_lease",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_loop_lease")),
    )
    if op.get_bind().dialect.name == "postgresql":
        from supportqa.storage.job_queue import procrastinate_schema

        op.get_bind().exec_driver_sql(procrastinate_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in PROCRASTINATE_OBJECTS:
            op.get_bind().exec_driver_sql(statement)
    op.drop_table("job_loop_lease")
    op.drop_index(op.f("ix_jobs_lock"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_status_id"), table_name="jobs")
    op.drop_table("jobs")
