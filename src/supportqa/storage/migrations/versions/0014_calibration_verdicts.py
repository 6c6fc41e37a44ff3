"""calibration_verdicts: the latest `calibrate` verdict per criterion of each scorecard name

Trust gating (coaching focus, agent rankings and the report's agent tables leave out criteria the
AI is not trusted on) needs the verdicts after the command has ended, so every `calibrate` run
replaces the scorecard name's rows here: criterion key, verdict, the metric and value behind it,
the threshold, the pairs compared and when.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calibration_verdicts",
        sa.Column("scorecard_name", sa.String(), nullable=False),
        sa.Column("criterion_key", sa.String(), nullable=False),
        sa.Column("scorecard_version", sa.String(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("n_pairs", sa.Integer(), nullable=False),
        sa.Column("calibrated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "scorecard_name", "criterion_key", name=op.f("pk_calibration_verdicts")
        ),
    )


def downgrade() -> None:
    op.drop_table("calibration_verdicts")
