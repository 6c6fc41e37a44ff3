"""agent identities: `agents` keyed by (source, external id), and the `people` behind them

Until now an agent was the bare id on a conversation or review, so agent `501` of a Zendesk export
and `501` of a CSV were one agent, credited with each other's reviews. Each (source, external id)
seen in `conversations` (the assigned agent) or `reviews` (the reviewee) becomes one identity with a
person of its own. A person's key is the external id, or `source/id` for an id that occurs under
more than one source: those agents were merged before and are split now, and each split is logged
as a warning (`supportqa migrate` prints it). The covering index of the IQS queries gains `source`,
so IQS by agent still reads only the index.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("supportqa.migrations")
BATCH = 5000
COVERING = "ix_reviews_kind_scorecard"
COVERED = [
    "kind",
    "scorecard_name",
    "reviewee_id",
    "week",
    "scorecard_version",
    "reviewee_name",
    "team",
    "month",
    "reviewer",
    "channel",
    "iqs",
    "incomplete",
    "critical_failed",
]


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("key", name=op.f("uq_people_key")),
    )
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("team", sa.String(), nullable=True),
        # A plain-string default ('0' reads as false on both), as in 0006.
        sa.Column("is_bot", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_agents_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_agents_source_external_id")),
    )
    op.create_index(op.f("ix_agents_person_id"), "agents", ["person_id"])
    op.drop_index(COVERING, table_name="reviews")
    op.create_index(COVERING, "reviews", [*COVERED[:3], "source", *COVERED[3:]])
    _fill()


def _seen(connection: sa.Connection) -> dict[tuple[str, str], dict[str, Any]]:
    """Every (source, id) of an assigned agent or a reviewee, with a name, team and seen-at span."""
    conversations = sa.table(
        "conversations",
        *(sa.column(c, sa.String()) for c in ("source", "agent_id", "agent_name", "team")),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    reviews = sa.table(
        "reviews",
        *(sa.column(c, sa.String()) for c in ("source", "reviewee_id", "reviewee_name", "team")),
        sa.column("is_bot", sa.Boolean()),
        sa.column("period_at", sa.DateTime(timezone=True)),
    )
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for table, ident, name, when, bot in (
        (conversations, "agent_id", "agent_name", "created_at", None),
        (reviews, "reviewee_id", "reviewee_name", "period_at", "is_bot"),
    ):
        c = table.c
        query = (
            sa.select(
                c.source,
                c[ident].label("ident"),
                sa.func.max(c[name]).label("name"),
                sa.func.max(c.team).label("team"),
                sa.func.min(c[when]).label("first"),
                sa.func.max(c[when]).label("last"),
                (sa.func.max(sa.case((c[bot], 1), else_=0)) if bot else sa.literal(0)).label("bot"),
            )
            .where(c[ident].is_not(None), c[ident] != "")
            .group_by(c.source, c[ident])
        )
        for row in connection.execute(query):
            entry = found.setdefault((row.source, row.ident), {"bot": False, "times": []})
            entry.setdefault("name", row.name)
            entry["name"] = entry["name"] or row.name
            entry.setdefault("team", row.team)
            entry["team"] = entry["team"] or row.team
            entry["bot"] = entry["bot"] or bool(row.bot)
            entry["times"] += [_aware(t) for t in (row.first, row.last) if t is not None]
    return found


def _aware(value: Any) -> datetime:
    """SQLite gives naive UTC text or datetimes; PostgreSQL aware ones."""
    moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def person_keys(identities: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The external id, or `source/id` where the id occurs under more than one source."""
    sources: dict[str, list[str]] = {}
    for source, ident in identities:
        sources.setdefault(ident, []).append(source)
    keys = {
        (source, ident): ident if len(sources[ident]) == 1 else f"{source}/{ident}"
        for source, ident in identities
    }
    taken: set[str] = set()
    for identity in sorted(keys):  # an id like `zendesk/501` next to a split `501` stays unique
        key, n = keys[identity], 2
        while key in taken:
            key, n = f"{keys[identity]}#{n}", n + 1
        keys[identity] = key
        taken.add(key)
    return keys


def _fill() -> None:
    connection = op.get_bind()
    found = _seen(connection)
    keys = person_keys(sorted(found))
    now = datetime.now(UTC)
    people = sa.table(
        "people",
        sa.column("id", sa.Integer()),
        sa.column("key", sa.String()),
        sa.column("name", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    agents = sa.table(
        "agents",
        *(sa.column(c, sa.String()) for c in ("source", "external_id", "name", "team")),
        sa.column("is_bot", sa.Boolean()),
        sa.column("person_id", sa.Integer()),
        sa.column("first_seen_at", sa.DateTime(timezone=True)),
        sa.column("last_seen_at", sa.DateTime(timezone=True)),
    )
    identities = sorted(found)
    for start in range(0, len(identities), BATCH):
        chunk = identities[start : start + BATCH]
        connection.execute(
            people.insert(),
            [{"key": keys[i], "name": found[i]["name"], "created_at": now} for i in chunk],
        )
        ids: dict[str, int] = dict(
            connection.execute(
                sa.select(people.c.key, people.c.id).where(
                    people.c.key.in_([keys[i] for i in chunk])
                )
            ).all()
        )
        connection.execute(
            agents.insert(),
            [
                {
                    "source": source,
                    "external_id": ident,
                    "name": found[(source, ident)]["name"],
                    "team": found[(source, ident)]["team"],
                    "is_bot": found[(source, ident)]["bot"],
                    "person_id": ids[keys[(source, ident)]],
                    "first_seen_at": min(found[(source, ident)]["times"], default=None),
                    "last_seen_at": max(found[(source, ident)]["times"], default=None),
                }
                for source, ident in chunk
            ],
        )
    _report_splits(identities)


def _report_splits(identities: Sequence[tuple[str, str]]) -> None:
    sources: dict[str, list[str]] = {}
    for source, ident in identities:
        sources.setdefault(ident, []).append(source)
    for ident, found in sorted(sources.items()):
        if len(found) > 1:
            parts = [f"{source}/{ident}" for source in sorted(found)]
            log.warning(
                "agent %s: split into %s (one agent before: it was seen under %d sources; join "
                "them again with `supportqa agents link` if they are one person)",
                ident,
                " and ".join([", ".join(parts[:-1]), parts[-1]]),
                len(found),
            )


def downgrade() -> None:
    op.drop_index(COVERING, table_name="reviews")
    op.create_index(COVERING, "reviews", COVERED)
    op.drop_index(op.f("ix_agents_person_id"), table_name="agents")
    op.drop_table("agents")
    op.drop_table("people")
