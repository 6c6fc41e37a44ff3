"""Storage: SQLAlchemy 2 tables, Alembic migrations and a bulk repository for SQLite and PostgreSQL."""

from supportqa.storage.database import Database, database_url
from supportqa.storage.queries import CriterionRow, IqsRow
from supportqa.storage.repository import Repository, UpsertCounts

__all__ = ["CriterionRow", "Database", "IqsRow", "Repository", "UpsertCounts", "database_url"]
