"""What the conversation list filters and sorts on, kept current by the writes that change it.

Filtering 100k conversations on "the IQS of the latest AI review of the current version" cannot
look at every review per request, so each conversation row carries that summary (`ai_iqs`,
`ai_cx`, `ai_flagged`, `human_iqs`, `human_reviews`) and its reviewees (`conversation_reviewees`).
They are recomputed here, inside the transaction that imports the conversation or writes its
reviews, for only the conversations that write touched; `changed_at` moves only when a value did.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from supportqa.domain.conversation import Conversation
from supportqa.storage.tables import conversation_reviewees, conversations, reviews

SUMMARY = ("ai_iqs", "ai_cx", "ai_flagged", "human_iqs", "human_reviews")
FLAG_AT_OR_BELOW = 3
"""A CX of 1–3 flags the conversation, as does the CX score's own `review_recommended`."""


def reviewees(conversation: Conversation) -> list[tuple[str, bool]]:
    """(reviewee id, is bot) of everyone on the support side with a public reply."""
    return [
        (p.reviewee.id, p.reviewee.is_bot)
        for p in conversation.participants()
        if p.reviewee.id is not None
    ]


def record_reviewees(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Replace the reviewees of the conversations of `rows` (with `_pk`, `source` and
    `_reviewees` as `reviewees` returns them) with the ones their current version has."""
    if not rows:
        return
    pks = [row["_pk"] for row in rows]
    connection.execute(
        delete(conversation_reviewees).where(conversation_reviewees.c.conversation_pk.in_(pks))
    )
    values = [
        {"conversation_pk": row["_pk"], "source": row["source"], "reviewee_id": who, "is_bot": bot}
        for row in rows
        for who, bot in dict.fromkeys(row["_reviewees"])
    ]
    if values:
        connection.execute(insert(conversation_reviewees), values)


def _summaries(current: dict[int, str | None], found: Iterable[Any]) -> dict[int, dict[str, Any]]:
    """pk → summary values from the conversations' reviews (`found`, in id order)."""
    out: dict[int, dict[str, Any]] = {
        pk: dict.fromkeys(SUMMARY) | {"human_reviews": 0} for pk in current
    }
    best_ai: dict[int, tuple[Any, ...]] = {}
    best_human: dict[int, tuple[Any, ...]] = {}
    for r in found:
        summary = out[r.conversation_pk]
        rank = (r.reviewed_at is not None, r.reviewed_at or datetime.min, r.id)
        if r.kind == "human":
            summary["human_reviews"] += 1
            if r.conversation_pk not in best_human or rank > best_human[r.conversation_pk]:
                best_human[r.conversation_pk] = rank
                summary["human_iqs"] = r.iqs
            continue
        if r.conversation_version not in (None, current[r.conversation_pk]):
            continue
        ai_rank = (r.cx_score is not None, *rank)  # the holder's review carries the CX
        if r.conversation_pk not in best_ai or ai_rank > best_ai[r.conversation_pk]:
            best_ai[r.conversation_pk] = ai_rank
            flagged = None
            if r.cx_score is not None:
                flagged = bool(r.cx_flagged) or r.cx_score <= FLAG_AT_OR_BELOW
            summary.update(ai_iqs=r.iqs, ai_cx=r.cx_score, ai_flagged=flagged)
    return out


def refresh(connection: Connection, pks: Iterable[int], now: datetime) -> int:
    """Recompute the summary of conversations `pks`; rows whose values changed are written with
    `changed_at = now`. How many changed."""
    wanted = sorted(set(pks))
    if not wanted:
        return 0
    changed: list[dict[str, Any]] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        stored = {
            row.id: row
            for row in connection.execute(
                select(conversations.c.id, conversations.c.version_hash, *_columns()).where(
                    conversations.c.id.in_(chunk)
                )
            )
        }
        found = connection.execute(
            select(
                reviews.c.id,
                reviews.c.conversation_pk,
                reviews.c.kind,
                reviews.c.conversation_version,
                reviews.c.reviewed_at,
                reviews.c.iqs,
                reviews.c.cx_score,
                reviews.c.cx_flagged,
            )
            .where(reviews.c.conversation_pk.in_(list(stored)))
            .order_by(reviews.c.id)
        )
        fresh = _summaries({pk: row.version_hash for pk, row in stored.items()}, found)
        for pk, values in fresh.items():
            before = {name: getattr(stored[pk], name) for name in SUMMARY}
            if before["ai_flagged"] is not None:
                before["ai_flagged"] = bool(before["ai_flagged"])
            if values != before:
                changed.append({"_pk": pk, **values, "changed_at": now})
    if changed:
        statement = update(conversations).where(conversations.c.id == bindparam("_pk"))
        connection.execute(statement, changed)
    return len(changed)


def _columns() -> list[Any]:
    return [conversations.c[name] for name in SUMMARY]
