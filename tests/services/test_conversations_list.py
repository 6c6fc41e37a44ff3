"""`list_conversations`: every filter, the sort orders, and the summary it reads kept current by
imports and review writes — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from supportqa.errors import InputError
from supportqa.services.conversations import (
    ConversationFilters,
    Sort,
    list_conversations,
)
from supportqa.storage import Repository
from tests.services.conversation_builders import T0, ai_review, chat, human_review, store


def ids(repo: Repository, sort: str = "oldest", **filters: object) -> list[str]:
    page = list_conversations(
        repo, ConversationFilters.model_validate(filters), sort=Sort.parse(sort), limit=200
    )
    return [item.id for item in page.items]


@pytest.fixture
def five(repo: Repository) -> Repository:
    """c1..c5 on days 0..4: teams, channels, statuses, agents, AI IQS/CX and a human review."""
    c1 = chat("c1", day=0, team="Billing", agent="a1", subject="Refund for order 1")
    c2 = chat("c2", day=1, team="Billing", agent="a2", channel="chat", subject="Late parcel")
    c3 = chat("c3", day=2, team="Tech", agent="a3", status="open", subject="Password reset")
    c4 = chat("c4", day=3, team="Tech", agent="a1", source="zendesk", subject="Refund again")
    c5 = chat("c5", day=4, team=None, agent="a2", subject="Unscored question")
    store(
        repo,
        c1,
        c2,
        c3,
        c4,
        c5,
        ai_review(c1, "a1", iqs=90.0, cx=5),
        ai_review(c2, "a2", iqs=40.0, cx=2),
        ai_review(c3, "a3", iqs=70.0, cx=3),
        ai_review(c4, "a1", iqs=None, cx=4),
        human_review(c2, "a2", iqs=55.0),
    )
    return repo


def test_without_filters_every_conversation_is_listed_newest_first(five: Repository) -> None:
    assert ids(five, "newest") == ["c5", "c4", "c3", "c2", "c1"]


def test_team_channel_and_status_filter_on_their_columns(five: Repository) -> None:
    assert ids(five, team="Tech") == ["c3", "c4"]
    assert ids(five, channel="chat") == ["c2"]
    assert ids(five, status="open") == ["c3"]


def test_date_ranges_include_their_start_and_exclude_their_end(five: Repository) -> None:
    start, end = T0 + timedelta(days=1), T0 + timedelta(days=3)
    assert ids(five, created_from=start, created_to=end) == ["c2", "c3"]
    assert ids(five, updated_to=T0) == []  # imported now, long after T0
    assert len(ids(five, updated_from=T0)) == 5


def test_the_agent_filter_takes_source_and_id_a_bare_id_or_a_person_key(five: Repository) -> None:
    assert ids(five, agent="a1") == ["c1", "c4"]  # bare id: any source
    assert ids(five, agent="zendesk:a1") == ["c4"]
    assert ids(five, agent="jsonl/a1") == ["c1"]
    assert ids(five, agent="nobody") == []


def test_cx_and_iqs_ranges_read_the_latest_ai_review_of_the_current_version(
    five: Repository,
) -> None:
    assert ids(five, cx_min=3) == ["c1", "c3", "c4"]
    assert ids(five, cx_max=3, cx_min=3) == ["c3"]
    assert ids(five, iqs_min=60) == ["c1", "c3"]
    assert ids(five, iqs_max=50) == ["c2"]


def test_kind_human_filters_on_the_human_iqs(five: Repository) -> None:
    assert ids(five, kind="human", iqs_min=50, iqs_max=60) == ["c2"]
    assert ids(five, kind="human", iqs_min=80) == []


def test_flagged_is_cx_of_three_or_below_and_reviewed_means_by_a_person(five: Repository) -> None:
    assert ids(five, flagged=True) == ["c2", "c3"]
    assert ids(five, flagged=False) == ["c1", "c4", "c5"]
    assert ids(five, reviewed=True) == ["c2"]
    assert ids(five, reviewed=False) == ["c1", "c3", "c4", "c5"]


def test_full_text_q_finds_words_of_the_subject(five: Repository) -> None:
    assert ids(five, q="password") == ["c3"]
    assert ids(five, q="REFUND again") == ["c4"]  # every word, in any case
    assert len(ids(five, q="refund")) == 5  # every customer asked about theirs


def test_sorting_by_iqs_or_cx_puts_conversations_without_one_last_both_ways(
    five: Repository,
) -> None:
    assert ids(five, "iqs") == ["c2", "c3", "c1", "c4", "c5"]
    assert ids(five, "-iqs") == ["c1", "c3", "c2", "c5", "c4"]
    assert ids(five, "cx") == ["c2", "c3", "c4", "c1", "c5"]
    assert ids(five, "-cx") == ["c1", "c4", "c3", "c2", "c5"]
    assert ids(five, "-updated")[0] == "c5"


def test_items_carry_the_summary_and_reviewees(five: Repository) -> None:
    page = list_conversations(five, ConversationFilters(agent="a2", channel="chat"))
    (item,) = page.items
    assert (item.ai_iqs, item.ai_cx, item.flagged, item.human_reviews, item.human_iqs) == (
        40.0,
        2,
        True,
        1,
        55.0,
    )
    assert [(r.id, r.is_bot) for r in item.reviewees] == [("a2", False)]
    assert (item.subject, item.message_count, item.team) == ("Late parcel", 2, "Billing")


def test_a_changed_conversation_loses_the_ai_figures_of_its_old_version(repo: Repository) -> None:
    before = chat("c1")
    store(repo, before, ai_review(before, "a1", iqs=90.0, cx=5))
    assert ids(repo, iqs_min=80) == ["c1"]
    store(repo, chat("c1", messages=[("customer", "cust", "Hello?"), ("agent", "a1", "Hi!")]))
    (item,) = list_conversations(repo).items
    assert (item.ai_iqs, item.ai_cx, item.flagged) == (None, None, False)


def test_a_review_written_later_updates_the_summary(repo: Repository) -> None:
    c1 = chat("c1")
    store(repo, c1)
    assert ids(repo, reviewed=True) == []
    store(repo, human_review(c1, "a1", iqs=75.0))
    assert ids(repo, reviewed=True, kind="human", iqs_min=70) == ["c1"]


def test_limits_sorts_and_cursors_that_make_no_sense_are_input_errors(five: Repository) -> None:
    with pytest.raises(InputError, match="limit"):
        list_conversations(five, limit=0)
    with pytest.raises(InputError, match="unknown sort"):
        Sort.parse("loudest")
    with pytest.raises(InputError, match="cursor"):
        list_conversations(five, cursor="not-a-cursor")
    first = list_conversations(five, limit=2)
    assert first.next_cursor is not None
    with pytest.raises(InputError, match="other filters"):
        list_conversations(five, ConversationFilters(team="Tech"), cursor=first.next_cursor)


def test_ranges_upside_down_are_rejected() -> None:
    with pytest.raises(ValueError, match="above"):
        ConversationFilters(iqs_min=80, iqs_max=20)
