"""The database's own lifecycle, apart from the data in it: create it with a scorecard (`init`), bring
its schema up to this supportqa's (`migrate`, or only check), and copy it while in use (`backup`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from supportqa.domain.review import ScorecardRef
from supportqa.domain.scorecard import Scorecard
from supportqa.services.audit import cli_actor
from supportqa.services.workspace import open_database, open_workspace
from supportqa.settings import Settings
from supportqa.storage.backup import BackupResult
from supportqa.storage.backup import backup as backup_database
from supportqa.storage.migrator import check_schema, head_revision

__all__ = [
    "BackupResult",
    "InitResult",
    "MigrateResult",
    "backup_workspace",
    "init_workspace",
    "migrate_workspace",
]


@dataclass
class InitResult:
    """Where the database is (password hidden) and whether the scorecard version was new to it."""

    db: str
    scorecard: ScorecardRef
    new: bool

    def as_dict(self) -> dict[str, Any]:
        return {"db": self.db, "scorecard": self.scorecard.model_dump(), "new": self.new}


@dataclass
class MigrateResult:
    """The schema revision before and after, whether this call migrated, and this supportqa's head."""

    db: str
    before: str | None
    after: str | None
    migrated: bool
    head: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def init_workspace(
    db: str | None, scorecard: Scorecard, *, settings: Settings | None = None
) -> InitResult:
    """Create the database (or migrate it) and store the scorecard."""
    with open_workspace(db, settings=settings, create=True) as workspace:
        new = workspace.save_scorecard(scorecard, actor=cli_actor())
        url = workspace.db.url_for_display
    return InitResult(url, ScorecardRef(name=scorecard.name, version=scorecard.version), new)


def migrate_workspace(
    db: str | None, *, check: bool = False, settings: Settings | None = None
) -> MigrateResult:
    """Upgrade the schema to head (one process at a time, all or nothing); with `check`, only
    check, raising an error that names the revisions when the database is behind."""
    with open_database(db, settings=settings, migrate="never") as database:
        if check:
            check_schema(database)
            current = database.current_revision()
            return MigrateResult(database.url, current, current, False, head_revision())
        done = database.migrate()
        return MigrateResult(database.url, done.before, done.after, done.migrated, head_revision())


def backup_workspace(
    db: str | None, out: Path, *, settings: Settings | None = None
) -> BackupResult:
    """Copy the database to `out` while it stays in use (SQLite's online backup, or `pg_dump
    --format=custom` for PostgreSQL); never migrates it."""
    config = settings or Settings()
    with open_database(db, settings=config, migrate="never") as database:
        return backup_database(database, out, pg_dump=config.pg_dump)
