"""`score FILE -o OUT` and scoring the database judge alike (issue #17): the regression corpus's
conversations, with their refusals, drop-outs, inactivity closes, hand-offs and transcript artefacts,
get the same ratings, resolution and CX on both paths (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import orjson

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review
from supportqa.domain.scorecard import default_scorecard
from supportqa.services.scoring import score_database, score_file
from supportqa.storage import Repository

CORPUS = Path(__file__).resolve().parents[1] / "data" / "regression" / "conversations-a.jsonl"


def judgement(review: Review) -> tuple[object, ...]:
    ratings = tuple((c.key, c.status.value, c.rating) for c in review.criteria)
    resolution = review.resolution.status if review.resolution else None
    cx = review.cx.score if review.cx else None
    return (review.conversation_id, review.reviewee.key, ratings, resolution, cx)


def test_file_and_database_paths_agree(repo: Repository, tmp_path: Path) -> None:
    lines = CORPUS.read_bytes().splitlines()[:40]
    source, out = tmp_path / "c.jsonl", tmp_path / "r.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    card = default_scorecard()
    score_file(source, out, card, batch_size=16)
    from_file = sorted(
        judgement(Review.model_validate(orjson.loads(line)))
        for line in out.read_bytes().splitlines()
    )
    repo.upsert_conversations(Conversation.model_validate(orjson.loads(line)) for line in lines)
    score_database(repo, card, batch_size=16)
    from_db = sorted(judgement(r) for r in repo.iter_reviews(kind="ai"))
    assert len(from_file) >= 40
    assert from_file == from_db
    assert {j[3] for j in from_file} >= {"resolved", "unresolved"}
