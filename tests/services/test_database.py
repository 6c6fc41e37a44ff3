"""The database's lifecycle as library calls: init stores the scorecard once, migrate upgrades once
and check names what is behind, backup copies a database in use (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import SupportQAError
from supportqa.services.database import backup_workspace, init_workspace, migrate_workspace
from supportqa.storage import Database
from supportqa.storage.migrator import head_revision


def test_init_stores_the_scorecard_once_and_migrate_then_has_nothing_to_do(db_url: str) -> None:
    card = default_scorecard()
    first = init_workspace(db_url, card)
    assert first.new and (first.scorecard.name, first.scorecard.version) == (
        card.name,
        card.version,
    )
    assert not init_workspace(db_url, card).new
    result = migrate_workspace(db_url)
    assert (result.after, result.migrated, result.head) == (head_revision(), False, head_revision())
    assert migrate_workspace(db_url, check=True).as_dict()["after"] == head_revision()


def test_an_old_database_is_migrated_once_after_check_refuses_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    old = Database.open(url, create=True, migrate="never")
    old.migrate("0003")
    old.dispose()
    with pytest.raises(SupportQAError, match="supportqa migrate"):
        migrate_workspace(url, check=True)
    done = migrate_workspace(url)
    assert (done.before, done.after, done.migrated) == ("0003", head_revision(), True)


def test_a_backup_is_written_beside_and_never_over_an_existing_file(
    db_url: str, tmp_path: Path
) -> None:
    init_workspace(db_url, default_scorecard())
    out = tmp_path / "copy.bak"
    result = backup_workspace(db_url, out)
    assert out.is_file() and result.bytes == out.stat().st_size > 0
    with pytest.raises(SupportQAError, match="already exists"):
        backup_workspace(db_url, out)
