"""Domain objects to row dicts (and back): the one place that knows both shapes.

Rows are plain dicts for Core `insert()`/`update()` executemany: that keeps bulk writes fast.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from supportqa.domain.conversation import Conversation
from supportqa.domain.periods import iso_month, iso_week
from supportqa.domain.review import Review
from supportqa.domain.score import Status
from supportqa.domain.surveys import survey_answers
from supportqa.domain.versions import conversation_version
from supportqa.storage.conversation_summary import reviewees
from supportqa.storage.search import documents


class JsonText(str):
    """A payload already serialised to JSON: the engine's JSON serializer passes it through as is.

    Serialising a domain object straight to JSON text (pydantic's Rust serializer) is three times
    faster than dumping to dicts and serialising those again, and gives the hash for free.
    """


def payload_and_hash(model: BaseModel) -> tuple[JsonText, str]:
    """The JSON payload of a domain object and the sha256 of that text, which tells an unchanged
    record from an updated one (the same input always serialises to the same text)."""
    text = model.model_dump_json()
    return JsonText(text), hashlib.sha256(text.encode()).hexdigest()


def conversation_row(conversation: Conversation, now: datetime) -> dict[str, Any]:
    """Columns of `conversations` for one conversation (without `id`), and its `_reviewees`
    (`conversation_summary.reviewees`, for `conversation_reviewees`; not a column)."""
    payload, content_hash = payload_and_hash(conversation)
    agent = conversation.agent
    survey = survey_answers(conversation.metadata)
    searched, searched_masked = documents(conversation)
    return {
        "source": conversation.source,
        "external_id": conversation.id,
        "channel": conversation.channel,
        "subject": conversation.subject,
        "status": conversation.status,
        "created_at": conversation.created_at,
        "closed_at": conversation.closed_at,
        "agent_id": agent.id if agent else None,
        "agent_name": agent.name if agent else None,
        "team": agent.team if agent else None,
        "customer_id": conversation.customer.id if conversation.customer else None,
        "csat": conversation.csat,
        "csat_scale": conversation.csat_scale,
        "reopened": conversation.reopened,
        "handle_time_s": conversation.handle_time_s,
        "nps": survey.nps,
        "ces": survey.ces,
        "ces_scale": survey.ces_scale,
        "content_hash": content_hash,
        "version_hash": conversation_version(conversation),
        "payload": payload,
        "imported_at": now,
        "updated_at": now,
        "search_text": searched,
        "search_text_masked": searched_masked,
        "message_count": len(conversation.messages),
        "language": None,  # detected when this version is scored (`review_writes`)
        "changed_at": now,
        "_reviewees": reviewees(conversation),
    }


def review_row(review: Review, now: datetime) -> dict[str, Any]:
    """Columns of `reviews` for one review (without `id` and `conversation_pk`)."""
    payload, content_hash = payload_and_hash(review)
    period_at = review.period_at
    confidences = [
        c.confidence
        for c in review.criteria
        if c.confidence is not None and c.status is Status.RATED
    ]
    return {
        "review_id": review.review_id,
        "kind": review.kind.value,
        "source": review.source,
        "conversation_id": review.conversation_id,
        "reviewer": review.reviewer,
        "reviewee_id": review.reviewee.id,
        "reviewee_name": review.reviewee.name,
        "team": review.reviewee.team,
        "is_bot": review.reviewee.is_bot,
        "channel": review.channel,
        "reviewed_at": review.reviewed_at,
        "period_at": period_at,
        "week": iso_week(period_at),
        "month": iso_month(period_at),
        "scorecard_name": review.scorecard.name,
        "scorecard_version": review.scorecard.version,
        "session_id": review.session_id,
        "iqs": review.iqs,
        "critical_failed": review.critical_failed,
        "incomplete": review.incomplete,
        "n_rated": review.counts.rated,
        "n_na": review.counts.na,
        "n_failed": review.counts.failed,
        "n_unrated": review.counts.unrated,
        "content_hash": content_hash,
        "payload": payload,
        "imported_at": now,
        "updated_at": now,
        "cx_value": review.cx.value if review.cx else None,
        "cx_score": review.cx.score if review.cx else None,
        "cx_flagged": review.cx.review_recommended if review.cx else None,
        "min_confidence": min(confidences) if confidences else None,
        "conversation_version": review.conversation_version,
        "scorer_versions": scorer_versions(review),
        "judge_pending": bool(review.judge_pending),
    }


def scorer_versions(review: Review) -> str | None:
    """Sorted, comma-joined `name@version` of the scorers behind the review's criteria (None for a
    review no scorer touched): one short column that tells whether the registry has moved on."""
    names = {f"{c.scorer.name}@{c.scorer.version}" for c in review.criteria if c.scorer}
    return ",".join(sorted(names)) or None


def criteria_rows(review: Review, review_pk: int) -> list[dict[str, Any]]:
    """Rows of `review_criteria` for one stored review."""
    return [
        {
            "review_pk": review_pk,
            "key": c.key,
            "group": c.group,
            "status": c.status.value,
            "rating": c.rating,
            "score_pct": c.score_pct,
            "weight": c.weight,
            "critical": c.critical,
            "confidence": c.confidence,
            "scorer_name": c.scorer.name if c.scorer else None,
        }
        for c in review.criteria
    ]
