"""Human overrides of AI ratings: the AI review is never touched, the person's review carries the rating
and a record of what it replaced, and re-scoring never reaches the human review."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from supportqa.domain.review import RatingsLine, Review, ReviewKind, ScorecardRef
from supportqa.domain.score import ScorerRef, Status
from supportqa.domain.scorecard import Scorecard, default_scorecard
from supportqa.errors import InputError
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.overrides import (
    OverrideRequest,
    apply_override,
    override_review_id,
    override_rows,
    pick_ai_review,
)
from supportqa.scoring.profiles import rules_only
from supportqa.scoring.ratings import review_from_ratings
from supportqa.storage import Repository
from supportqa.testing import conversation

AT = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def card() -> Scorecard:
    return rules_only(default_scorecard())


def scored(card: Scorecard, id: str = "c1", agent_text: str = "Hi Maria, I refunded it.") -> Review:
    conv = conversation(
        ("customer", "My card was charged twice"), ("agent", agent_text), id=id, channel="chat"
    )
    return ScoringEngine(card).score([conv], reviewed_at=AT)[0]


def request(
    criterion: str = "greeting", rating: float | None = 0, by: str = "tara"
) -> OverrideRequest:
    return OverrideRequest(criterion, rating, by, "the greeting was a template", AT)


def test_override_rates_the_criterion_and_records_the_ai_rating_it_replaced(
    card: Scorecard,
) -> None:
    ai = scored(card)
    assert ai.criterion("greeting").rating == 1  # type: ignore[union-attr]
    human = apply_override(ai, None, card, request())
    assert human.kind is ReviewKind.HUMAN and human.reviewer == "tara"
    assert human.review_id == override_review_id(ai, "tara") != ai.review_id
    assert human.scorecard == ai.scorecard
    greeting = human.criterion("greeting")
    assert greeting is not None and greeting.status is Status.RATED
    assert greeting.rating == 0 and greeting.score_pct == 0
    assert human.counts.rated == 1 and human.iqs == 0.0  # the only rated criterion, at 0%
    [record] = human.overrides
    assert record.ai_review_id == ai.review_id
    assert record.ai_status is Status.RATED and record.ai_rating == 1
    assert record.ai_scorer == ScorerRef(name="greeting", version="1", args={})
    assert (record.rating, record.by, record.at) == (0, "tara", AT)
    assert record.reason == "the greeting was a template"
    assert human.reviewee == ai.reviewee and human.channel == "chat"
    assert human.reviewed_at == AT


def test_override_leaves_the_ai_review_as_it_was(card: Scorecard) -> None:
    ai = scored(card)
    before = ai.model_dump_json()
    apply_override(ai, None, card, request())
    assert ai.model_dump_json() == before


def test_a_second_override_by_the_same_person_adds_to_the_same_review(card: Scorecard) -> None:
    ai = scored(card)
    first = apply_override(ai, None, card, request())
    second = apply_override(ai, first, card, request("closing", None))
    assert second.review_id == first.review_id
    assert [o.criterion for o in second.overrides] == ["greeting", "closing"]
    assert second.criterion("greeting").rating == 0  # type: ignore[union-attr]
    closing = second.criterion("closing")
    assert closing is not None and closing.status is Status.NA
    assert second.overrides[1].status is Status.NA and second.overrides[1].rating is None


def test_overriding_a_criterion_again_replaces_its_record(card: Scorecard) -> None:
    ai = scored(card)
    first = apply_override(ai, None, card, request(rating=0))
    again = apply_override(ai, first, card, request(rating=1))
    [record] = again.overrides
    assert record.rating == 1 and again.criterion("greeting").rating == 1  # type: ignore[union-attr]


def test_another_person_gets_a_review_of_their_own(card: Scorecard) -> None:
    ai = scored(card)
    assert override_review_id(ai, "tara") != override_review_id(ai, "leo")


def test_override_keeps_what_the_person_already_rated_on_an_imported_review(
    card: Scorecard,
) -> None:
    ai = scored(card)
    line = RatingsLine(
        conversation_id="c1", source=ai.source, reviewer="tara", ratings={"clarity": 3}, cx=4
    )
    imported = review_from_ratings(line, card)
    assert imported.review_id == override_review_id(ai, "tara")
    human = apply_override(ai, imported, card, request())
    assert human.criterion("clarity").rating == 3  # type: ignore[union-attr]
    assert human.cx is not None and human.cx.score == 4
    assert human.counts.rated == 2


@pytest.mark.parametrize(
    ("req", "message"),
    [
        (request("empathy"), "unknown criterion 'empathy'"),
        (request(rating=2), "outside its scale 0..1"),
        (request(rating=None), "greeting does not allow N/A"),
        (OverrideRequest("greeting", 1, "tara", "  ", AT), "--why is empty"),
        (OverrideRequest("greeting", 1, " ", "why", AT), "--by is empty"),
    ],
)
def test_bad_overrides_are_refused_with_the_reason(
    card: Scorecard, req: OverrideRequest, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        apply_override(scored(card), None, card, req)


def test_a_review_on_another_scorecard_version_is_refused(card: Scorecard) -> None:
    ai = scored(card)
    older = card.model_copy(update={"version": "1"})
    with pytest.raises(InputError, match="not default-rules v1"):
        apply_override(ai, None, older, request())


def test_pick_ai_review_takes_the_version_asked_else_the_latest(card: Scorecard) -> None:
    ai = scored(card)
    old = ai.model_copy(
        update={"scorecard": ai.scorecard.model_copy(update={"version": "1"}), "reviewed_at": None}
    )
    human = apply_override(ai, None, card, request())
    assert pick_ai_review([old, ai, human]) is ai
    assert pick_ai_review([old, ai, human], "1") is old
    with pytest.raises(InputError, match="no AI review on scorecard version 9"):
        pick_ai_review([old, ai], "9")
    elsewhere = ai.model_copy(update={"source": "zendesk"})
    with pytest.raises(InputError, match="pass --source"):
        pick_ai_review([ai, elsewhere])


def test_override_rows_flatten_and_filter(card: Scorecard) -> None:
    ai1, ai2 = scored(card, "c1"), scored(card, "c2")
    tara = apply_override(ai1, None, card, request())
    leo = apply_override(ai2, None, card, request("closing", 0, by="leo"))
    rows = override_rows([ai1, tara, leo])
    assert [(r.conversation_id, r.criterion, r.by) for r in rows] == [
        ("c1", "greeting", "tara"),
        ("c2", "closing", "leo"),
    ]
    assert [r.by for r in override_rows([tara, leo], by="leo")] == ["leo"]
    assert [r.by for r in override_rows([tara, leo], conversation_id="c1")] == ["tara"]
    assert rows[0].scorecard == f"default-rules v{card.version}" and rows[0].ai_rating == 1


# ---- stored -------------------------------------------------------------------------------------


def test_stored_ai_reviews_keep_scorer_name_version_and_args(
    repo: Repository, card: Scorecard
) -> None:
    repo.upsert_reviews([scored(card)])
    [stored] = repo.reviews_of("c1", kind="ai")
    responsiveness = stored.criterion("responsiveness")
    assert responsiveness is not None and responsiveness.scorer is not None
    assert responsiveness.scorer.name == "responsiveness" and responsiveness.scorer.version
    spec = card.criterion("responsiveness").scorers[0]
    assert responsiveness.scorer.args == spec.args and spec.args  # arguments recorded, not empty
    assert stored.scorecard == ScorecardRef(name="default-rules", version=card.version)


def test_rescoring_never_changes_the_human_review(repo: Repository, card: Scorecard) -> None:
    ai = scored(card)
    repo.upsert_reviews([ai])
    human = apply_override(ai, None, card, request())
    repo.upsert_reviews([human])
    stored_human = repo.reviews_of("c1", kind="human")[0].model_dump_json()
    rescored = scored(card, agent_text="I refunded it.")  # no greeting now
    assert rescored.review_id == ai.review_id
    counts = repo.upsert_reviews([rescored])
    assert counts.updated == 1
    [ai_after] = repo.reviews_of("c1", kind="ai")
    assert ai_after.criterion("greeting").rating == 0  # type: ignore[union-attr]
    [human_after] = repo.reviews_of("c1", kind="human")
    assert human_after.model_dump_json() == stored_human
    assert human_after.overrides[0].ai_rating == 1  # still what the person saw and replaced
