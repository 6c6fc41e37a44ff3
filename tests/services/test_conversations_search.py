"""Full-text search: kept current by imports in the same transaction, and safe for any query —
on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from supportqa.services.conversations import ConversationFilters, list_conversations
from supportqa.services.scope import EVERYTHING, Scope
from supportqa.storage import Repository
from tests.services.conversation_builders import chat, store

HOSTILE = [
    '"',
    "'",
    "refund\"'",
    "NEAR(refund parcel)",
    "refund OR 1=1 --",
    "refund AND NOT parcel",
    "*",
    "refund*",
    "^refund",
    "subject:refund",
    "(refund",
    "refund)",
    "'; DROP TABLE conversations; --",
    "!!! & | <-> :*",
    "🙂",
    "refund 🙂",
    "\x00",
    "ümlaut ÇA",
    "a" * 1000,
]


def found(repo: Repository, q: str) -> list[str]:
    page = list_conversations(repo, ConversationFilters(q=q), sort=None, limit=200)
    return sorted(item.id for item in page.items)


def test_reimporting_a_changed_conversation_replaces_its_words(repo: Repository) -> None:
    store(
        repo,
        chat("c1", messages=[("customer", "cust", "My parcel never arrived")]),
        chat("c2", messages=[("customer", "cust", "Printer jammed")]),
    )
    assert found(repo, "parcel") == ["c1"]
    store(repo, chat("c1", messages=[("customer", "cust", "The invoice total is wrong")]))
    assert found(repo, "parcel") == []
    assert found(repo, "invoice wrong") == ["c1"]
    assert found(repo, "printer") == ["c2"]


def test_the_subject_is_searched_with_the_messages(repo: Repository) -> None:
    store(repo, chat("c1", subject="Chargeback dispute"), chat("c2"))
    assert found(repo, "chargeback") == ["c1"]


def test_accents_and_case_do_not_matter_on_either_database(repo: Repository) -> None:
    store(repo, chat("c1", messages=[("customer", "cust", "Café order for Zoë")]))
    assert found(repo, "CAFÉ zoë") == ["c1"]


@pytest.mark.parametrize("q", HOSTILE)
def test_any_query_is_answered_without_an_error(repo: Repository, q: str) -> None:
    store(
        repo,
        chat("c1", messages=[("customer", "cust", "refund parcel 🙂 <b>&amp;</b>")]),
        chat("c2"),
    )
    result = found(repo, q)
    assert set(result) <= {"c1", "c2"}
    with repo.db.engine.connect() as connection:  # nothing was dropped
        assert connection.execute(text("SELECT count(*) FROM conversations")).scalar() == 2


def test_a_query_of_only_symbols_matches_nothing_and_a_blank_one_everything(
    repo: Repository,
) -> None:
    store(repo, chat("c1"), chat("c2"))
    assert found(repo, '"* & 🙂') == []
    assert found(repo, "   ") == ["c1", "c2"]


def test_operators_in_a_query_are_words_to_find_not_syntax(repo: Repository) -> None:
    store(
        repo,
        chat("c1", messages=[("customer", "cust", "refund or parcel")]),
        chat("c2", messages=[("customer", "cust", "refund only")]),
    )
    assert found(repo, "refund OR parcel") == ["c1"]  # all three words, "or" included


def test_callers_who_see_personal_data_masked_cannot_find_conversations_by_it(
    repo: Repository,
) -> None:
    """A viewer (or agent) reads customers' e-mails and names masked, so searching for them must
    not reveal which conversations hold them; the rest of the text is found as for anyone."""
    store(
        repo,
        chat(
            "c1",
            customer="Maria Lopez",
            messages=[("customer", "cust", "I am Maria Lopez, write to maria.lopez@example.com")],
        ),
        chat("c2", messages=[("customer", "cust", "Printer jammed")]),
    )
    masked = Scope(mask_personal_data=True)

    def seen(q: str, scope: Scope) -> list[str]:
        page = list_conversations(repo, ConversationFilters(q=q), scope=scope, limit=200)
        return sorted(item.id for item in page.items)

    for q in ("maria.lopez@example.com", "Lopez", "maria"):
        assert seen(q, EVERYTHING) == ["c1"], q
        assert seen(q, masked) == [], q
    assert seen("write", masked) == ["c1"]
    assert seen("printer", masked) == ["c2"]
    # a re-import with the personal data gone leaves nothing stale in either index
    store(repo, chat("c1", messages=[("customer", "cust", "Please write back")]))
    assert seen("lopez", EVERYTHING) == [] and seen("write", masked) == ["c1"]
