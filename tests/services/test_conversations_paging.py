"""Keyset pagination: a traversal with imports, changes and reviews between its pages shows no
conversation twice and skips none that existed unchanged — with tied and missing sort values, in
every sort order, on SQLite and PostgreSQL."""

from __future__ import annotations

import random

import pytest

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review
from supportqa.services.conversations import Sort, list_conversations
from supportqa.storage import Repository
from tests.services.conversation_builders import ai_review, chat, store

SORTS = ["newest", "oldest", "iqs", "-iqs", "cx", "-cx", "updated", "-updated"]


def _seed(repo: Repository, rng: random.Random, n: int) -> None:
    """`n` conversations on few days (ties) or none (NULL), half scored with few IQS values."""
    items: list[Conversation | Review] = []
    for i in range(n):
        conversation = chat(f"c{i}", day=rng.choice([None, 0, 1, 1, 2, 3]))
        items.append(conversation)
        if rng.random() < 0.6:
            items.append(
                ai_review(
                    conversation,
                    "a1",
                    iqs=rng.choice([None, 50.0, 50.0, 80.0]),
                    cx=rng.choice([None, 2, 4]),
                )
            )
    store(repo, *items)


def _meddle(repo: Repository, rng: random.Random, known: list[str], step: int) -> str | None:
    """One write between two pages: a new conversation, a changed one, or a new AI review; the id
    of an existing conversation it changed (None for a new one)."""
    action = rng.choice(["insert", "reimport", "rescore"])
    if action == "insert":
        store(repo, chat(f"new{step}", day=rng.choice([None, 0, 2, 5])))
        return None
    target = rng.choice(known)
    if action == "reimport":
        text = f"Changed at step {step}."
        store(repo, chat(target, day=rng.choice([None, 0, 3]), messages=[("agent", "a1", text)]))
    else:
        conversation = repo.get_conversation("jsonl", target)
        assert conversation is not None
        store(repo, ai_review(conversation, "a1", iqs=rng.choice([10.0, 50.0, 99.0]), cx=3))
    return target


@pytest.mark.parametrize("seed", [1, 2])
def test_a_traversal_never_repeats_and_never_skips_an_unchanged_conversation(
    repo: Repository, seed: int
) -> None:
    rng = random.Random(seed)
    _seed(repo, rng, 24)
    existing = [f"c{i}" for i in range(24)]
    for sort in SORTS:
        seen: list[str] = []
        changed: set[str] = set()
        cursor = None
        for step in range(100):
            page = list_conversations(
                repo, sort=Sort.parse(sort), cursor=cursor, limit=rng.randint(1, 6)
            )
            seen += [item.id for item in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
            touched = _meddle(repo, rng, existing, step)
            if touched is not None:
                changed.add(touched)
        assert cursor is None, sort
        assert len(seen) == len(set(seen)), f"{sort}: repeated {seen}"
        missing = set(existing) - changed - set(seen)
        assert not missing, f"{sort}: skipped unchanged {sorted(missing)}"
        assert changed, f"{sort}: the traversal changed nothing, so it proved nothing"


def test_pages_follow_each_other_in_sort_order_with_ties_broken_by_id(repo: Repository) -> None:
    store(repo, *(chat(f"c{i}", day=i % 2) for i in range(7)))
    items = []
    cursor = None
    while True:
        page = list_conversations(repo, sort=Sort.parse("oldest"), cursor=cursor, limit=2)
        items += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert [i.id for i in items] == ["c0", "c2", "c4", "c6", "c1", "c3", "c5"]
