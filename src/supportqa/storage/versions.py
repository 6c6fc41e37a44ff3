"""Conversation versions in storage: keep the version a review judged, stamp reviews with it.

The current version of a conversation is its row in `conversations`; when an import changes what
scorers read, the old payload moves to `conversation_versions` if any review points at it, so every
review can still show the transcript it judged. Versions no review points at are pruned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, exists, insert, literal, select

from supportqa.domain.review import Review, ReviewKind
from supportqa.storage.bulk import by_source
from supportqa.storage.tables import conversation_versions, conversations, reviews


def archive_replaced(
    connection: Connection, changed: Sequence[dict[str, Any]], now: datetime
) -> None:
    """Before `changed` rows (with `_pk` and the new `version_hash`) overwrite their conversation,
    copy the stored payload to `conversation_versions` where the version changes and a review
    judged it (already archived versions are left as they are)."""
    if not changed:
        return
    old = conversations.alias("old")
    judged = exists().where(
        reviews.c.source == old.c.source,
        reviews.c.conversation_id == old.c.external_id,
        reviews.c.conversation_version == old.c.version_hash,
    )
    archived = exists().where(
        conversation_versions.c.source == old.c.source,
        conversation_versions.c.external_id == old.c.external_id,
        conversation_versions.c.version_hash == old.c.version_hash,
    )
    pick = select(
        old.c.source, old.c.external_id, old.c.version_hash, old.c.payload, literal(now)
    ).where(
        old.c.id == bindparam("a_pk"),
        old.c.version_hash.is_not(None),
        old.c.version_hash != bindparam("a_version"),
        judged,
        ~archived,
    )
    statement = insert(conversation_versions).from_select(
        ["source", "external_id", "version_hash", "payload", "created_at"], pick
    )
    query = select(conversations.c.id, conversations.c.version_hash).where(
        conversations.c.id.in_([row["_pk"] for row in changed])
    )
    stored = {row.id: row.version_hash for row in connection.execute(query)}
    params = [
        {"a_pk": row["_pk"], "a_version": row["version_hash"]}
        for row in changed
        if stored.get(row["_pk"]) not in (None, row["version_hash"])
    ]
    if params:
        connection.execute(statement, params)


def prune(connection: Connection) -> int:
    """Delete kept versions that no review points at any more; returns how many."""
    judged = exists().where(
        reviews.c.source == conversation_versions.c.source,
        reviews.c.conversation_id == conversation_versions.c.external_id,
        reviews.c.conversation_version == conversation_versions.c.version_hash,
    )
    return int(connection.execute(delete(conversation_versions).where(~judged)).rowcount or 0)


def payload_at(connection: Connection, source: str, id: str, version: str) -> Any | None:
    """The payload of one version of a conversation: the current row when it is that version, else
    the kept copy; None when neither exists."""
    current = connection.execute(
        select(conversations.c.payload).where(
            conversations.c.source == source,
            conversations.c.external_id == id,
            conversations.c.version_hash == version,
        )
    ).scalar_one_or_none()
    if current is not None:
        return current
    return connection.execute(
        select(conversation_versions.c.payload).where(
            conversation_versions.c.source == source,
            conversation_versions.c.external_id == id,
            conversation_versions.c.version_hash == version,
        )
    ).scalar_one_or_none()


def current_versions(connection: Connection, keys: Sequence[tuple[str, str]]) -> dict[Any, str]:
    """(source, id) → the conversation's current version, for the stored ones among `keys`."""
    found: dict[Any, str] = {}
    for source, ids in by_source(dict.fromkeys(keys)).items():
        query = select(conversations.c.external_id, conversations.c.version_hash).where(
            conversations.c.source == source,
            conversations.c.external_id.in_(ids),
            conversations.c.version_hash.is_not(None),
        )
        for row in connection.execute(query):
            found[(source, row.external_id)] = row.version_hash
    return found


def _stored(connection: Connection, review_ids: Sequence[str]) -> dict[str, Any]:
    """review_id → (conversation_version, reviewed_at) of the stored reviews among `review_ids`."""
    query = select(
        reviews.c.review_id, reviews.c.conversation_version, reviews.c.reviewed_at
    ).where(reviews.c.review_id.in_(list(dict.fromkeys(review_ids))))
    return {row.review_id: row for row in connection.execute(query)}


def _own_id(review: Review, stored: Any) -> str:
    """The id a human review is stored under: its own, unless the stored review with that id is
    another review by the same person — of another version of the conversation, or made at
    another time — which it must not overwrite."""
    if review.kind is not ReviewKind.HUMAN or stored is None:
        return review.review_id
    version = review.conversation_version
    if version is not None and stored.conversation_version not in (None, version):
        return f"{review.review_id}-v{version[:12]}"
    at = review.reviewed_at
    if at is not None and stored.reviewed_at is not None and stored.reviewed_at != at:
        digest = hashlib.sha256(at.isoformat().encode()).hexdigest()[:12]
        return f"{review.review_id}-t{digest}"
    return review.review_id


def stamp_versions(connection: Connection, items: list[Review]) -> list[Review]:
    """Reviews as they are to be stored, each under its own id and saying which conversation
    version it judged.

    - A person's review never overwrites another of theirs: a review of a newer version, or made at
      another time, is stored beside the earlier one (`_own_id`); a re-import of the same review
      (same time, same version) updates it.
    - A review that does not say which version it judged keeps the version its stored self judged
      (a corrected re-import is still about the text the person read), else takes the
      conversation's current version.

    AI reviews from the engine already say their version and are never renamed: a chunk of only
    those (every scoring batch) costs no query here.
    """
    if all(r.kind is not ReviewKind.HUMAN and r.conversation_version for r in items):
        return items
    first = _stored(connection, [r.review_id for r in items])
    renamed = [
        review.model_copy(update={"review_id": new_id})
        if (new_id := _own_id(review, first.get(review.review_id))) != review.review_id
        else review
        for review in items
    ]
    stored = _stored(connection, [r.review_id for r in renamed if r.review_id not in first])
    stored.update(first)
    unknown = [
        (r.source, r.conversation_id)
        for r in renamed
        if r.conversation_version is None and r.review_id not in stored
    ]
    current = current_versions(connection, unknown) if unknown else {}
    result: list[Review] = []
    for review in renamed:
        if review.conversation_version is None:
            before = stored.get(review.review_id)
            version = (
                before.conversation_version
                if before is not None and before.conversation_version is not None
                else current.get((review.source, review.conversation_id))
            )
            if version is not None:
                review = review.model_copy(update={"conversation_version": version})
        result.append(review)
    return result
