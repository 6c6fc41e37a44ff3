"""Conversation versions in storage: keep the version a review judged, stamp reviews with it.

The current version of a conversation is its row in `conversations`; when an import changes what
scorers read, the old payload moves to `conversation_versions` if any review points at it, so every
review can still show the transcript it judged. Versions no review points at are pruned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, exists, insert, literal, select

from supportqa.domain.conversation import Conversation, Reviewee
from supportqa.domain.review import Review, ReviewKind
from supportqa.storage.bulk import by_source
from supportqa.storage.tables import conversation_versions, conversations, review_criteria, reviews


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
        reviews.c.review_id,
        reviews.c.conversation_version,
        reviews.c.reviewed_at,
        reviews.c.reviewee_id,
        reviews.c.is_bot,
    ).where(reviews.c.review_id.in_(list(dict.fromkeys(review_ids))))
    return {row.review_id: row for row in connection.execute(query)}


def _own_id(review: Review, stored: Any) -> str:
    """The id a human review is stored under: its own, unless the stored review with that id is
    another review by the same person — of another reviewee, of another version of the
    conversation, or made at another time — which it must not overwrite."""
    if review.kind is not ReviewKind.HUMAN or stored is None:
        return review.review_id
    if (stored.is_bot, stored.reviewee_id) != (review.reviewee.is_bot, review.reviewee.id):
        return _reviewee_id(review)
    version = review.conversation_version
    if version is not None and stored.conversation_version not in (None, version):
        return f"{review.review_id}-v{version[:12]}"
    at = review.reviewed_at
    if at is not None and stored.reviewed_at is not None and stored.reviewed_at != at:
        digest = hashlib.sha256(at.isoformat().encode()).hexdigest()[:12]
        return f"{review.review_id}-t{digest}"
    return review.review_id


def _reviewee_id(review: Review) -> str:
    who = f"{'bot' if review.reviewee.is_bot else 'agent'}\x1f{review.reviewee.id or ''}"
    return f"{review.review_id}-r{hashlib.sha256(who.encode()).hexdigest()[:12]}"


def _apart(items: list[Review]) -> list[Review]:
    """A person's reviews of two reviewees of one conversation share an id (it names the
    conversation and the person): the later one in a chunk takes its reviewee into its id."""
    seen: dict[str, tuple[bool, str | None]] = {}
    out: list[Review] = []
    for review in items:
        who = (review.reviewee.is_bot, review.reviewee.id)
        if review.kind is ReviewKind.HUMAN and seen.setdefault(review.review_id, who) != who:
            review = review.model_copy(update={"review_id": _reviewee_id(review)})
        out.append(review)
    return out


def default_reviewees(connection: Connection, items: list[Review]) -> list[Review]:
    """A person's review that names no reviewee judges the conversation's default one
    (`Conversation.reviewee()`: the last human agent with a public reply, else the bot), as stored
    now; left unnamed when the conversation is not stored yet."""
    unnamed = [
        (r.source, r.conversation_id)
        for r in items
        if r.kind is ReviewKind.HUMAN and r.reviewee.id is None
    ]
    if not unnamed:
        return items
    found: dict[tuple[str, str], Reviewee] = {}
    for source, ids in by_source(dict.fromkeys(unnamed)).items():
        query = select(conversations.c.external_id, conversations.c.payload).where(
            conversations.c.source == source, conversations.c.external_id.in_(ids)
        )
        for row in connection.execute(query):
            found[(source, row.external_id)] = Conversation.model_validate(row.payload).reviewee()
    out: list[Review] = []
    for review in items:
        default = found.get((review.source, review.conversation_id))
        if review.kind is ReviewKind.HUMAN and review.reviewee.id is None and default is not None:
            team = review.reviewee.team or default.team
            review = review.model_copy(
                update={"reviewee": default.model_copy(update={"team": team})}
            )
        out.append(review)
    return out


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
    items = _apart(default_reviewees(connection, items))
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


def conversation_chunks(items: Iterable[Review], size: int) -> Iterator[list[Review]]:
    """Chunks of about `size` reviews that never split consecutive AI reviews of one conversation
    (the engine writes a conversation's reviews together): a conversation is scored in one write,
    so a killed run never leaves it with only some of its reviewees' reviews."""
    if size < 1:
        raise ValueError("batch_size must be at least 1")
    chunk: list[Review] = []
    for review in items:
        if len(chunk) >= size and not _same_group(chunk[-1], review):
            yield chunk
            chunk = []
        chunk.append(review)
    if chunk:
        yield chunk


def _group(review: Review) -> tuple[str, str, str, str]:
    return (review.source, review.conversation_id, review.scorecard.name, review.scorecard.version)


def _same_group(a: Review, b: Review) -> bool:
    return a.kind is ReviewKind.AI and b.kind is ReviewKind.AI and _group(a) == _group(b)


def replace_ai_reviews(connection: Connection, items: list[Review]) -> list[Review]:
    """Make a chunk's AI reviews the only AI reviews of their conversations' scorecard versions.

    Per conversation and scorecard version, the version its last AI review judged wins: AI reviews
    of it in the chunk that judged another version are dropped, and stored ones that did (or do
    not say) and are not rewritten by the chunk are deleted with their criteria, so a reviewee who
    no longer takes part keeps no review. A chunk of reviews of the versions stored deletes
    nothing.
    """
    latest: dict[tuple[str, str, str, str], str] = {}
    for review in items:
        if review.kind is ReviewKind.AI and review.conversation_version is not None:
            latest[_group(review)] = review.conversation_version
    if not latest:
        return items
    kept = [
        r
        for r in items
        if r.kind is not ReviewKind.AI
        or r.conversation_version is None
        or latest.get(_group(r)) == r.conversation_version
    ]
    ids_kept = {r.review_id for r in kept}  # updated in place, not deleted
    keys = {(source, id) for source, id, _, _ in latest}
    pks: list[int] = []
    for source, ids in by_source(keys).items():
        query = select(
            reviews.c.id,
            reviews.c.review_id,
            reviews.c.conversation_id,
            reviews.c.scorecard_name,
            reviews.c.scorecard_version,
            reviews.c.conversation_version,
        ).where(
            reviews.c.kind == ReviewKind.AI.value,
            reviews.c.source == source,
            reviews.c.conversation_id.in_(ids),
        )
        for row in connection.execute(query):
            judged = latest.get(
                (source, row.conversation_id, row.scorecard_name, row.scorecard_version)
            )
            if (
                judged is not None
                and row.conversation_version != judged
                and row.review_id not in ids_kept
            ):
                pks.append(row.id)
    if pks:
        connection.execute(delete(review_criteria).where(review_criteria.c.review_pk.in_(pks)))
        connection.execute(delete(reviews).where(reviews.c.id.in_(pks)))
    return kept
