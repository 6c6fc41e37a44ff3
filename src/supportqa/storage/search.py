"""Full-text search over conversations: what is indexed, how a query is made safe, and the DDL.

The document is the subject and every message's text, kept in `conversations.search_text` by the
same write that stores the conversation. SQLite indexes it with an external-content FTS5 table whose
triggers fire in that write's transaction; PostgreSQL with a GIN index on `to_tsvector('simple',
search_text)`. Both use no stemming and no stop words, so the same query finds the same
conversations on both databases.

Callers who see customers' personal data masked (agents, viewers) search a second document, the
same text with personal data replaced by placeholders (`search_text_masked`, indexed the same way):
otherwise a search for a customer's e-mail or name would tell them which conversations hold it.

A user's query never reaches either search syntax as typed: it is cut into words (letters and
digits), each word is quoted, and all must occur. FTS operators, quotes, brackets and emoji are
separators, so no input can be a syntax error (or a 500) on either database.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, bindparam, false, func, literal_column, select, text

from supportqa.domain.conversation import Conversation
from supportqa.scorers.judge.personal_data import customer_names, redact_personal_data
from supportqa.storage.tables import conversations

FTS_TABLE = "conversation_search"
"""SQLite's FTS5 table (and the prefix of its shadow tables): not in `tables.metadata`."""
PG_INDEX = f"{FTS_TABLE}_gin"
"""PostgreSQL's expression index (named like the FTS5 table: both are left out of metadata checks)."""
MAX_DOCUMENT_CHARS = 200_000
"""A longer transcript is indexed up to here (PostgreSQL's tsvector holds at most 1 MB)."""
MAX_QUERY_WORDS = 32

_WORD = re.compile(r"[^\W_]+")

MASKED_FTS_TABLE = f"{FTS_TABLE}_masked"
MASKED_PG_INDEX = f"{MASKED_FTS_TABLE}_gin"


def _sqlite_ddl(table: str, column: str) -> tuple[str, ...]:
    """An external-content FTS5 table over `conversations.<column>` and the triggers that keep it
    current in the transaction of every insert, update (of that text only: summary updates do not
    re-index) and delete."""
    return (
        f"CREATE VIRTUAL TABLE {table} USING fts5({column}, content='conversations', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {table}_ai AFTER INSERT ON conversations BEGIN "
        f"INSERT INTO {table}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"CREATE TRIGGER {table}_ad AFTER DELETE ON conversations BEGIN "
        f"INSERT INTO {table}({table}, rowid, {column}) "
        f"VALUES ('delete', old.id, old.{column}); END",
        f"CREATE TRIGGER {table}_au AFTER UPDATE OF {column} ON conversations BEGIN "
        f"INSERT INTO {table}({table}, rowid, {column}) "
        f"VALUES ('delete', old.id, old.{column}); "
        f"INSERT INTO {table}(rowid, {column}) VALUES (new.id, new.{column}); END",
    )


def _sqlite_drop(table: str) -> tuple[str, ...]:
    return (
        *(f"DROP TRIGGER IF EXISTS {table}_{suffix}" for suffix in ("ai", "ad", "au")),
        f"DROP TABLE IF EXISTS {table}",
    )


SQLITE_DDL = (
    *_sqlite_ddl(FTS_TABLE, "search_text"),
    *_sqlite_ddl(MASKED_FTS_TABLE, "search_text_masked"),
)
SQLITE_REBUILD = tuple(
    f"INSERT INTO {table}({table}) VALUES ('rebuild')" for table in (FTS_TABLE, MASKED_FTS_TABLE)
)
SQLITE_DROP = (*_sqlite_drop(FTS_TABLE), *_sqlite_drop(MASKED_FTS_TABLE))
POSTGRES_DDL = tuple(
    f"CREATE INDEX {index} ON conversations USING gin (to_tsvector('simple', {column}))"
    for index, column in ((PG_INDEX, "search_text"), (MASKED_PG_INDEX, "search_text_masked"))
)
POSTGRES_DROP = tuple(f"DROP INDEX IF EXISTS {index}" for index in (PG_INDEX, MASKED_PG_INDEX))


def _searchable(text: str) -> str:
    """The words of `text` (letters and digits) one space apart: both databases then cut the same
    words (PostgreSQL's parser would otherwise keep `maria@example.com` or `v2.1` as one token that no
    query of words matches, while FTS5 splits them)."""
    return " ".join(_WORD.findall(text))[:MAX_DOCUMENT_CHARS]


def documents(conversation: Conversation) -> tuple[str, str]:
    """What search finds a conversation by — its subject and each message's text — as stored for
    everyone and, with customers' personal data masked (the same redaction as masked callers'
    transcripts), for agents and viewers, so they can only find what they can read."""
    parts = [conversation.subject or "", *(m.text for m in conversation.messages)]
    text = "\n".join(p for p in parts if p)
    masked = redact_personal_data(text, customer_names(conversation))
    return _searchable(text), _searchable(masked)


def words(query: str) -> list[str]:
    """The searchable words of a user's query (letters and digits; everything else separates)."""
    return _WORD.findall(query)[:MAX_QUERY_WORDS]


def matching(dialect: str, query: str, *, masked: bool = False) -> ColumnElement[bool]:
    """`conversations` rows whose document — its masked twin when `masked` — holds every word of
    `query` (none when it has none)."""
    table, column = (
        (MASKED_FTS_TABLE, conversations.c.search_text_masked)
        if masked
        else (FTS_TABLE, conversations.c.search_text)
    )
    found = words(query)
    if not found:
        return false()
    if dialect == "sqlite":
        expression = " ".join('"' + w.replace('"', '""') + '"' for w in found)
        hits = (
            text(f"SELECT rowid FROM {table} WHERE {table} MATCH :fts_query")
            .bindparams(bindparam("fts_query", expression))
            .columns(literal_column("rowid"))
            .subquery()
        )
        return conversations.c.id.in_(select(hits.c.rowid))
    if dialect == "postgresql":
        config: ColumnElement[Any] = literal_column("'simple'")
        vector = func.to_tsvector(config, column)
        return vector.op("@@")(func.plainto_tsquery(config, " ".join(found)))
    raise ValueError(f"full-text search is not supported on {dialect}")
