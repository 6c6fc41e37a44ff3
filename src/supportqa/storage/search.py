"""Full-text search over conversations: what is indexed, how a query is made safe, and the DDL.

The document is the subject and every message's text, kept in `conversations.search_text` by the
same write that stores the conversation. SQLite indexes it with an external-content FTS5 table whose
triggers fire in that write's transaction; PostgreSQL with a GIN index on `to_tsvector('simple',
search_text)`. Both use no stemming and no stop words, so the same query finds the same
conversations on both databases.

A user's query never reaches either search syntax as typed: it is cut into words (letters and
digits), each word is quoted, and all must occur. FTS operators, quotes, brackets and emoji are
separators, so no input can be a syntax error (or a 500) on either database.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, bindparam, false, func, literal_column, select, text

from supportqa.domain.conversation import Conversation
from supportqa.storage.tables import conversations

FTS_TABLE = "conversation_search"
"""SQLite's FTS5 table (and the prefix of its shadow tables): not in `tables.metadata`."""
PG_INDEX = f"{FTS_TABLE}_gin"
"""PostgreSQL's expression index (named like the FTS5 table: both are left out of metadata checks)."""
MAX_DOCUMENT_CHARS = 200_000
"""A longer transcript is indexed up to here (PostgreSQL's tsvector holds at most 1 MB)."""
MAX_QUERY_WORDS = 32

_WORD = re.compile(r"[^\W_]+")

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, content='conversations', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON conversations BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON conversations BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE OF search_text ON conversations BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
)
"""The FTS5 table over `conversations.search_text` and the triggers that keep it current in the
transaction of every insert, update (of the text only: summary updates do not re-index) and delete."""
SQLITE_REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"
SQLITE_DROP = (
    *(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}" for suffix in ("ai", "ad", "au")),
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
POSTGRES_DDL = (
    f"CREATE INDEX {PG_INDEX} ON conversations USING gin (to_tsvector('simple', search_text))",
)
POSTGRES_DROP = (f"DROP INDEX IF EXISTS {PG_INDEX}",)


def document(conversation: Conversation) -> str:
    """What search finds a conversation by: its subject and each message's text, one per line."""
    parts = [conversation.subject or "", *(m.text for m in conversation.messages)]
    return "\n".join(p for p in parts if p)[:MAX_DOCUMENT_CHARS]


def words(query: str) -> list[str]:
    """The searchable words of a user's query (letters and digits; everything else separates)."""
    return _WORD.findall(query)[:MAX_QUERY_WORDS]


def matching(dialect: str, query: str) -> ColumnElement[bool]:
    """`conversations` rows whose document holds every word of `query` (none when it has none)."""
    found = words(query)
    if not found:
        return false()
    if dialect == "sqlite":
        expression = " ".join('"' + w.replace('"', '""') + '"' for w in found)
        hits = (
            text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts_query")
            .bindparams(bindparam("fts_query", expression))
            .columns(literal_column("rowid"))
            .subquery()
        )
        return conversations.c.id.in_(select(hits.c.rowid))
    if dialect == "postgresql":
        config: ColumnElement[Any] = literal_column("'simple'")
        vector = func.to_tsvector(config, conversations.c.search_text)
        return vector.op("@@")(func.plainto_tsquery(config, " ".join(found)))
    raise ValueError(f"full-text search is not supported on {dialect}")
