"""Storage: typed tables, Alembic migrations and a bulk repository, on SQLite and PostgreSQL."""

from supportqa.storage.bulk import UpsertCounts
from supportqa.storage.database import Database, database_url
from supportqa.storage.queries import CriterionRow, IqsRow
from supportqa.storage.repository import Repository

__all__ = ["CriterionRow", "Database", "IqsRow", "Repository", "UpsertCounts", "database_url"]
