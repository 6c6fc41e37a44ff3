"""People's references meet the AI review they are compared with: on a conversation handed from a bot
to agent A to agent B, that is B's (it carries resolution and the CX), so only reviews of B (or of
nobody named, whose default is B) make the consensus; a review of A neither moves it nor hides the
same person's review of B."""

from __future__ import annotations

from datetime import UTC, datetime

from supportqa.calibration.reference import holders, human_references
from supportqa.domain.review import RatingsLine
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.ratings import review_from_ratings
from tests.scoring.test_reviewees import handed_on

CARD = default_scorecard()


def _review(reviewer: str, agent: str | None, tone: int, day: int) -> RatingsLine:
    return RatingsLine(
        conversation_id="h1",
        source="zendesk",
        reviewer=reviewer,
        agent=agent,
        ratings={"tone": tone},
        reviewed_at=datetime(2024, 1, day, tzinfo=UTC),
    )


def test_the_consensus_is_of_the_reviewee_the_ai_side_judges() -> None:
    ai = ScoringEngine(CARD).score([handed_on()])
    assert holders(ai) == {("zendesk", "h1"): (False, "b")}
    humans = [
        review_from_ratings(line, CARD)
        for line in (
            _review("tara", "b", 4, 2),
            _review("tara", "a", 1, 3),  # later, but of A: not tara's opinion of B
            _review("uma", None, 3, 2),  # names nobody: the default reviewee, B
            _review("vic", "a", 1, 2),  # only of A
        )
    ]
    reference = human_references(humans, reviewees=holders(ai))[("zendesk", "h1")]
    assert sorted(reference.reviewers) == ["tara", "uma"]
    assert reference.ratings["tone"] == (4 + 3) / 2
    assert reference.per_reviewer["tara"]["tone"] == 4
    # without the AI side's reviewee, the conversation's reviews stay together, as before
    every = human_references(humans)[("zendesk", "h1")]
    assert sorted(every.reviewers) == ["tara", "uma", "vic"]
