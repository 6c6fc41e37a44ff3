"""Nothing stale: a changed conversation is scored again, the version a review judged is kept, stale
scorers are reported and redone, and a person's later review never overwrites an earlier one."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine, Review, ScorecardRef
from supportqa.domain.scorecard import Scorecard, default_scorecard
from supportqa.domain.versions import conversation_version
from supportqa.scorers import registry
from supportqa.scoring.profiles import rules_only
from supportqa.scoring.ratings import review_from_ratings
from supportqa.services.scoring import score_database
from supportqa.storage import Repository
from supportqa.storage.tables import conversation_versions
from tests.storage.builders import conversation

CARD: Scorecard = rules_only(default_scorecard())
REF = ScorecardRef(name=CARD.name, version=CARD.version)
CARD_NUMBER = "Your card 4111 1111 1111 1111 is refunded."


def ai_review(repo: Repository, id: str) -> Review:
    (found,) = repo.reviews_of(id, kind="ai")
    return found


def kept_versions(repo: Repository) -> int:
    query = select(func.count()).select_from(conversation_versions)
    with repo.db.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def edited(id: str, text: str = CARD_NUMBER) -> Conversation:
    return conversation(id, text=text)


def test_an_edited_conversation_is_rescored_against_its_new_text(repo: Repository) -> None:
    repo.upsert_conversations([conversation("c1"), conversation("c2")])
    assert score_database(repo, CARD).scored == 2
    before = ai_review(repo, "c1")
    assert before.criterion("pii_exposure").rating == 1  # type: ignore[union-attr]

    repo.upsert_conversations([edited("c1")])
    report = score_database(repo, CARD)

    assert (report.scored, report.rescored_changed) == (1, 1)
    after = ai_review(repo, "c1")
    assert after.review_id == before.review_id, "the AI review is updated, not duplicated"
    assert after.criterion("pii_exposure").rating == 0  # type: ignore[union-attr]
    assert after.critical_failed
    assert after.conversation_version == conversation_version(edited("c1"))
    assert score_database(repo, CARD).scored == 0, "nothing is left to do"


def test_a_change_scorers_do_not_read_is_not_rescored(repo: Repository) -> None:
    repo.upsert_conversations([conversation("c1")])
    score_database(repo, CARD)
    later = conversation("c1").model_copy(update={"csat": 1.0, "tags": ["late"]})
    counts = repo.upsert_conversations([later])
    assert counts.updated == 1, "the new CSAT is stored"
    assert score_database(repo, CARD).scored == 0


def test_the_version_a_human_review_judged_is_kept_and_shown(repo: Repository) -> None:
    repo.upsert_conversations([conversation("c1")])
    score_database(repo, CARD)
    line = RatingsLine(conversation_id="c1", reviewer="lee@example.com", ratings={"greeting": 1})
    repo.upsert_reviews([review_from_ratings(line, CARD)])
    old_version = conversation_version(conversation("c1"))

    repo.upsert_conversations([edited("c1")])
    score_database(repo, CARD)

    (human,) = repo.reviews_of("c1", kind="human")
    assert human.conversation_version == old_version
    judged = repo.judged_conversation(human)
    assert judged is not None and judged.messages[-1].text == "Thanks, your refund is on its way."
    current = repo.get_conversation("jsonl", "c1")
    assert current is not None and current.messages[-1].text == CARD_NUMBER
    assert repo.current_version("jsonl", "c1") != human.conversation_version
    assert kept_versions(repo) == 1


def test_versions_no_review_points_at_are_pruned(repo: Repository) -> None:
    repo.upsert_conversations([conversation("c1")])
    score_database(repo, CARD)
    repo.upsert_conversations([edited("c1")])
    assert kept_versions(repo) == 1, "the AI review still points at the old version"
    score_database(repo, CARD)
    assert kept_versions(repo) == 0, "re-scored: nothing points at the old version any more"


def test_reviews_by_changed_scorers_are_stale_until_rescored(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.upsert_conversations([conversation(f"c{i}") for i in range(3)])
    score_database(repo, CARD)
    info = registry.registered()["pii_exposure"]
    monkeypatch.setitem(registry._REGISTRY, "pii_exposure", dataclasses.replace(info, version="9"))

    report = score_database(repo, CARD)
    assert (report.scored, report.stale) == (0, 3)

    redo = score_database(repo, CARD, rescore_stale=True)
    assert (redo.scored, redo.rescored_stale, redo.stale) == (3, 3, 0)
    scorer = ai_review(repo, "c0").criterion("pii_exposure").scorer  # type: ignore[union-attr]
    assert scorer is not None and scorer.version == "9"
    assert score_database(repo, CARD).stale == 0


def test_a_second_review_by_the_same_person_is_kept_beside_the_first(repo: Repository) -> None:
    repo.upsert_conversations([conversation("c1")])

    def by_lee(day: int, rating: float) -> Review:
        line = RatingsLine(
            conversation_id="c1",
            reviewer="lee@example.com",
            reviewed_at=datetime(2026, 2, day, 9, tzinfo=UTC),
            ratings={"greeting": rating},
        )
        return review_from_ratings(line, CARD)

    repo.upsert_reviews([by_lee(10, 1)])
    repo.upsert_reviews([by_lee(12, 0)])
    assert repo.upsert_reviews([by_lee(12, 0)]).unchanged == 1, "a re-import changes nothing"
    ratings = sorted(
        r.criterion("greeting").rating  # type: ignore[union-attr]
        for r in repo.reviews_of("c1", kind="human")
    )
    assert ratings == [0, 1]


def test_a_review_of_a_newer_version_never_overwrites_the_older_one(repo: Repository) -> None:
    repo.upsert_conversations([conversation("c1")])
    line = RatingsLine(conversation_id="c1", reviewer="lee@example.com", ratings={"greeting": 1})
    first = review_from_ratings(line, CARD)
    repo.upsert_reviews([first])
    repo.upsert_conversations([edited("c1")])
    newer = review_from_ratings(line.model_copy(update={"ratings": {"greeting": 0}}), CARD)
    newer = newer.model_copy(update={"conversation_version": conversation_version(edited("c1"))})

    repo.upsert_reviews([newer])

    found = {r.conversation_version: r for r in repo.reviews_of("c1", kind="human")}
    assert set(found) == {conversation_version(conversation("c1")), newer.conversation_version}
    assert found[conversation_version(conversation("c1"))].criterion("greeting").rating == 1  # type: ignore[union-attr]


def test_a_corrected_reimport_keeps_the_version_its_review_judged(repo: Repository) -> None:
    repo.upsert_conversations([conversation("c1")])
    line = RatingsLine(conversation_id="c1", reviewer="lee@example.com", ratings={"greeting": 1})
    repo.upsert_reviews([review_from_ratings(line, CARD)])
    repo.upsert_conversations([edited("c1")])
    fixed = line.model_copy(update={"ratings": {"greeting": 0}})
    repo.upsert_reviews([review_from_ratings(fixed, CARD)])
    (human,) = repo.reviews_of("c1", kind="human")
    assert human.criterion("greeting").rating == 0  # type: ignore[union-attr]
    assert human.conversation_version == conversation_version(conversation("c1"))
