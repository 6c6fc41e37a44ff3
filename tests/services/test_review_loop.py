"""The review loop's services, called directly: override, add a review, the queue, coaching notes
and cards, explain, IQS, trends and drivers — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from supportqa.domain.review import RatingsLine, Review, ReviewKind
from supportqa.domain.score import Status
from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import InputError
from supportqa.services.coaching import add_coaching_note, coaching_card, coaching_summary
from supportqa.services.explain import explain_conversation
from supportqa.services.iqs import iqs
from supportqa.services.queue import assignments, review_queue
from supportqa.services.reviews import (
    OverrideRequest,
    add_review,
    list_overrides,
    override_rating,
)
from supportqa.services.trends import cx_stability, opinion_by_team, outcome_drivers, quality_trends
from supportqa.storage import Repository
from tests.services.scored_workspace import scored_workspace

AT = datetime(2026, 3, 4, 10, tzinfo=UTC)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def workspace(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Repository]:
    with scored_workspace(request.param, tmp_path_factory.mktemp("loop")) as repo:
        yield repo


def _ai_reviews(workspace: Repository) -> list[Review]:
    return list(workspace.iter_reviews(kind="ai"))


def test_an_override_becomes_a_human_review_and_leaves_the_ai_review_alone(
    workspace: Repository,
) -> None:
    ai = _ai_reviews(workspace)[0]
    card = workspace.get_scorecard(ai.scorecard.name, ai.scorecard.version)
    assert card is not None
    rated = [card.criterion(c.key) for c in ai.criteria if c.status is Status.RATED]
    first = rated[0].key
    second = next(c.key for c in card.criteria if c.allow_na and c.key != first)
    low = rated[0].scale.min
    made = override_rating(
        workspace,
        ai.conversation_id,
        OverrideRequest(first, low, "Mia", "missed the refund", AT),
        source=ai.source,
    )
    assert made.created and made.overrides == 1
    assert (made.override.criterion, made.override.rating, made.override.by) == (first, low, "Mia")
    again = override_rating(
        workspace,
        ai.conversation_id,
        OverrideRequest(second, None, "Mia", "no question asked", AT),
        source=ai.source,
    )
    assert (again.created, again.overrides, again.human_review_id) == (
        False,
        2,
        made.human_review_id,
    )
    stored = {r.review_id: r for r in workspace.reviews_of(ai.conversation_id, source=ai.source)}
    human = stored[made.human_review_id]
    assert human.kind is ReviewKind.HUMAN and human.reviewer == "Mia"
    assert human.criterion(first).rating == low and human.criterion(second).status is Status.NA
    assert stored[ai.review_id].model_dump() == ai.model_dump()  # the AI review is unchanged
    rows = list_overrides(workspace, by="Mia")
    assert [(r.conversation_id, r.criterion) for r in rows] == sorted(
        [(ai.conversation_id, first), (ai.conversation_id, second)]
    )  # oldest first, then by criterion
    assert list_overrides(workspace, by="nobody") == []


def test_an_override_needs_an_ai_review(workspace: Repository) -> None:
    with pytest.raises(InputError, match="has no AI review"):
        override_rating(workspace, "no-such-conversation", OverrideRequest("k", 1, "M", "w", AT))


def test_adding_a_review_twice_stores_it_once(workspace: Repository) -> None:
    ai = _ai_reviews(workspace)[0]
    card = default_scorecard()
    key = card.criteria[0].key
    line = RatingsLine(
        conversation_id=ai.conversation_id,
        source=ai.source,
        reviewer="Ola",
        ratings={key: card.criteria[0].scale.max},
    )
    before = workspace.count_reviews("human")
    review = add_review(workspace, line, card)
    add_review(workspace, line, card)
    assert workspace.count_reviews("human") == before + 1
    stored = [r for r in workspace.reviews_of(ai.conversation_id, source=ai.source)]
    assert review.review_id in {r.review_id for r in stored}
    with pytest.raises(InputError, match="unknown criterion"):
        add_review(workspace, line.model_copy(update={"ratings": {"nope": 1.0}}), card)


def test_the_queue_saves_its_assignments_and_a_later_run_skips_them(
    workspace: Repository,
) -> None:
    with pytest.raises(InputError, match="--assign needs --reviewers"):
        review_queue(workspace, assign=True)
    first = review_queue(workspace, reviewers=["ann", "bob"], assign=True)
    handed = {i.key for i in first.queue.items if i.reviewer is not None}
    assert first.saved == len(handed) > 0
    assert {a.key for a in assignments(workspace)} == handed
    later = review_queue(workspace, reviewers=["ann", "bob"])
    assert later.saved == 0 and later.queue.skipped_assigned > 0
    assert not {i.key for i in later.queue.items} & handed


def test_a_coaching_note_is_kept_and_the_agent_s_card_carries_it(
    workspace: Repository, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.jsonl"
    agent = next(s for s in coaching_summary(workspace, notes_path=notes) if s.top_focus)
    assert agent.top_focus is not None
    with pytest.raises(InputError, match="unknown IQS criteria"):
        add_coaching_note(workspace, agent.agent, "x", "Lee", focus=["nope"], path=notes)
    added = add_coaching_note(
        workspace,
        agent.agent_name or agent.agent,  # a name finds the agent too
        "Acknowledge the customer's feelings first",
        "Lee",
        focus=[agent.top_focus],
        day=date(2026, 3, 1),
        path=notes,
    )
    assert added.path == notes and added.note.agent == agent.agent
    card = coaching_card(workspace, agent.agent, notes_path=notes)
    assert card.notes == [added.note] and card.trend is not None
    assert card.examples, "the card quotes the conversations that show its focus areas"
    for example in card.examples:
        stored = workspace.reviews_of(example.conversation_id, source=example.source)
        review = next(r for r in stored if r.review_id == example.review_id)
        assert review.criterion(example.key).explanation == example.explanation
    summary = {s.agent: s for s in coaching_summary(workspace, notes_path=notes)}
    assert summary[agent.agent].last_note == date(2026, 3, 1)


def test_explain_gives_every_review_of_a_conversation_ai_first(workspace: Repository) -> None:
    human = next(iter(workspace.iter_reviews(kind="human")))
    explained = explain_conversation(workspace, human.conversation_id, source=human.source)
    kinds = [e.kind for e in explained]
    assert kinds[0] == "ai" and "human" in kinds
    assert all(e.conversation_id == human.conversation_id for e in explained)
    with pytest.raises(InputError, match="no reviews of conversation"):
        explain_conversation(workspace, "no-such-conversation")


def test_iqs_by_agent_counts_every_stored_ai_review(workspace: Repository) -> None:
    report = iqs(workspace, kind="ai", by=["agent"])
    assert sum(row.reviews for row in report.rows) == workspace.count_reviews("ai")
    assert len(report.rows) > 1
    with pytest.raises(InputError, match="cannot group by"):
        iqs(workspace, by=["planet"])


def test_trends_stability_opinion_and_drivers_read_the_workspace(workspace: Repository) -> None:
    result = quality_trends(workspace)
    weeks = {p.period for p in result.trends.points if p.period is not None}
    assert result.target.latest_week == max(weeks)
    assert cx_stability(workspace).rows[0].scope == "overall"
    assert outcome_drivers(workspace).n > 0
    assert opinion_by_team(workspace).teams
    with pytest.raises(InputError, match="--kind must be ai or human"):
        opinion_by_team(workspace, kind="both")
    with pytest.raises(InputError, match="--outcome must be one of"):
        outcome_drivers(workspace, outcome="mood")
