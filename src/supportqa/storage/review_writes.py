"""Writing one chunk of reviews in the caller's transaction, and paging through stored reviews.

`Repository.upsert_reviews` opens a transaction per chunk and calls `write_chunk`; a service that
must commit something else with the reviews — the audit row of a person's review posted to the
API — opens its own `write_transaction()` and calls `write_chunk` inside it, so both commit or
neither does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    bindparam,
    delete,
    false,
    insert,
    select,
    tuple_,
    update,
)

from supportqa.domain.review import Review, ReviewKind
from supportqa.storage import conversation_summary, identities, versions
from supportqa.storage.bulk import (
    UpsertCounts,
    conversation_pks,
    dedupe,
    split,
    stored_reviews,
    strip,
    utc_now,
)
from supportqa.storage.rows import criteria_rows, review_row
from supportqa.storage.tables import conversations, review_criteria, reviews

__all__ = ["ReviewQuery", "review_page", "write_chunk"]


def write_chunk(connection: Connection, chunk: list[Review], counts: UpsertCounts) -> list[Review]:
    """Insert new and update changed reviews of `chunk` (criteria rows replaced) on `connection`,
    within the caller's transaction; the reviews as stored (a person's review may be stored under
    a suffixed id beside an earlier one: `versions.stamp_versions`)."""
    stamp = utc_now()
    chunk = versions.stamp_versions(connection, chunk)
    chunk = versions.replace_ai_reviews(connection, chunk)
    by_id = {review.review_id: review for review in chunk}
    pending = dedupe([review_row(r, stamp) for r in chunk], "review_id", counts)
    stored = stored_reviews(connection, list(pending))
    new, changed = split(pending, stored, counts)
    links = conversation_pks(connection, [(r.source, r.conversation_id) for r in chunk])
    if not new and not changed:
        conversation_summary.refresh(connection, links.values(), utc_now())
        return chunk
    for row in new + changed:
        row["conversation_pk"] = links.get((row["source"], row["conversation_id"]))
    identities.record(connection, identities.review_sightings(new + changed), stamp)
    if new:
        connection.execute(insert(reviews), new)
    if changed:
        statement = update(reviews).where(reviews.c.id == bindparam("_pk"))
        connection.execute(statement, strip(changed, "imported_at"))
        pks = [row["_pk"] for row in changed]
        connection.execute(delete(review_criteria).where(review_criteria.c.review_pk.in_(pks)))
    written = [r["review_id"] for r in new + changed]
    pk_of = stored_reviews(connection, written)
    criteria = [
        row for review_id in written for row in criteria_rows(by_id[review_id], pk_of[review_id][0])
    ]
    if criteria:
        connection.execute(insert(review_criteria), criteria)
    record_languages(connection, chunk)
    conversation_summary.refresh(connection, links.values(), utc_now())
    return chunk


def record_languages(connection: Connection, chunk: list[Review]) -> None:
    """The language each AI review detected, onto its conversation while the conversation is still
    the version judged: a review of an older version never overwrites a newer text's language."""
    found = {
        (r.source, r.conversation_id, r.conversation_version): r.language
        for r in chunk
        if r.kind is ReviewKind.AI and r.language is not None and r.conversation_version
    }
    if not found:
        return
    c = conversations.c
    statement = (
        update(conversations)
        .where(
            c.source == bindparam("k_source"),
            c.external_id == bindparam("k_id"),
            c.version_hash == bindparam("k_version"),
        )
        .values(language=bindparam("k_language"))
    )
    connection.execute(
        statement,
        [
            {"k_source": s, "k_id": i, "k_version": v, "k_language": language}
            for (s, i, v), language in found.items()
        ],
    )


@dataclass(frozen=True)
class ReviewQuery:
    """Which stored reviews: of conversations (source, id) — any of them — by one reviewer, of one
    kind, of the `reviewees` (source, id) only when set; after the row id `after_pk`."""

    conversations: frozenset[tuple[str, str]] | None = None
    reviewer: str | None = None
    kind: str | None = None
    reviewees: frozenset[tuple[str, str]] | None = None
    after_pk: int | None = None
    limit: int = 100


def review_page(connection: Connection, query: ReviewQuery) -> list[tuple[int, Review]]:
    """Up to `limit + 1` (row id, review) in row-id order: one more than asked tells the caller
    whether there is a next page."""
    c = reviews.c
    where: list[ColumnElement[bool]] = []
    if query.conversations is not None:
        where.append(tuple_(c.source, c.conversation_id).in_(sorted(query.conversations)))
    if query.reviewer is not None:
        where.append(c.reviewer == query.reviewer)
    if query.kind is not None:
        where.append(c.kind == query.kind)
    if query.reviewees is not None:
        pairs = sorted(query.reviewees)
        where.append(tuple_(c.source, c.reviewee_id).in_(pairs) if pairs else false())
    if query.after_pk is not None:
        where.append(c.id > query.after_pk)
    statement = select(c.id, c.payload).where(*where).order_by(c.id).limit(query.limit + 1)
    return [(row.id, Review.model_validate(row.payload)) for row in connection.execute(statement)]
