"""Human ratings lines (the shorthand other QA tools export) turned into full reviews."""

from __future__ import annotations

import hashlib

from supportqa.domain.conversation import Reviewee
from supportqa.domain.review import CxScore, RatingsLine, Review, ReviewKind, ScorecardRef
from supportqa.domain.score import Score
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InvalidField
from supportqa.scoring.cx import REVIEW_AT_OR_BELOW, round_half_up
from supportqa.scoring.iqs import build_review


def human_review_id(line: RatingsLine, scorecard_name: str) -> str:
    """Stable per (conversation, reviewer, session, scorecard): re-importing the line updates it."""
    parts = (line.source, line.conversation_id, line.reviewer or "", line.session_id or "")
    key = "\x1f".join((*parts, scorecard_name))
    return "human-" + hashlib.sha256(key.encode()).hexdigest()[:24]


def review_from_ratings(
    line: RatingsLine, scorecard: Scorecard, *, strict_na: bool = False
) -> Review:
    """Rate each listed criterion (null = N/A); unlisted criteria are `unrated`.

    Unknown criterion keys and ratings outside the scale are errors, not guesses (`InvalidField`
    naming `ratings.<key>`). With `strict_na` (a review written in the workspace), N/A on a
    criterion that does not allow it is one too; imports accept it, because other tools' exports
    do not share our scorecard's N/A rules.
    """
    known = set(scorecard.keys)
    unknown = sorted(set(line.ratings) - known)
    if unknown:
        raise InvalidField(
            f"unknown criterion {', '.join(unknown)} for scorecard "
            f"{scorecard.name} v{scorecard.version} (known: {', '.join(scorecard.keys)})",
            field=f"ratings.{unknown[0]}",
        )
    scores: dict[str, Score] = {}
    for key, value in line.ratings.items():
        criterion = scorecard.criterion(key)
        if value is None and strict_na and not criterion.allow_na:
            raise InvalidField(
                f"{key} does not allow N/A in scorecard {scorecard.name} v{scorecard.version}",
                field=f"ratings.{key}",
            )
        if value is None:
            scores[key] = Score.not_applicable("marked N/A by the reviewer")
        elif not criterion.scale.contains(value):
            raise InvalidField(
                f"rating {value:g} for {key} is outside its scale "
                f"{criterion.scale.min:g}..{criterion.scale.max:g}",
                field=f"ratings.{key}",
            )
        else:
            scores[key] = Score.rated(value, "rated by the reviewer")
    review = build_review(
        review_id=human_review_id(line, scorecard.name),
        kind=ReviewKind.HUMAN,
        conversation=None,
        conversation_id=line.conversation_id,
        source=line.source,
        scorecard=scorecard,
        scores=scores,
        reviewer=line.reviewer,
        reviewed_at=line.reviewed_at,
        session_id=line.session_id,
    )
    return review.model_copy(
        update={
            "reviewee": Reviewee(
                id=line.agent, name=line.agent_name, team=line.team, is_bot=line.agent_is_bot
            ),
            "conversation_created_at": line.conversation_created_at,
            "scorecard": ScorecardRef(name=scorecard.name, version=scorecard.version),
            "cx": human_cx(line.cx),
        }
    )


def human_cx(value: float | None) -> CxScore | None:
    """A reviewer's 1–5 CX judgement in the shape AI reviews use, so calibration compares like with
    like; it has no sub-scores because a person gave one number."""
    if value is None:
        return None
    score = round_half_up(value)
    return CxScore(
        score=score,
        value=float(value),
        subscores={},
        weights={},
        explanation="rated by the reviewer",
        review_recommended=score <= REVIEW_AT_OR_BELOW,
    )
