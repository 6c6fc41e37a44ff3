"""`iter_unscored` is what makes scoring resumable: it neither skips nor repeats conversations."""

from __future__ import annotations

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review, ScorecardRef
from supportqa.storage import Repository

from .builders import DEFAULT_REF, conversation, review


def _ai_review(c: Conversation, ref: ScorecardRef = DEFAULT_REF, kind: str = "ai") -> Review:
    return review(
        f"{kind}-{c.source}-{c.id}-{ref.version}",
        conversation_id=c.id,
        source=c.source,
        kind=kind,
        scorecard=ref,
    )


def _ids(batches: list[list[Conversation]]) -> list[str]:
    return [c.id for batch in batches for c in batch]


def test_after_scoring_half_the_remaining_are_exactly_the_other_half(repo: Repository) -> None:
    stored = [conversation(f"c{i:02d}") for i in range(20)]
    repo.upsert_conversations(stored)
    repo.upsert_reviews([_ai_review(c) for c in stored[::2]])
    remaining = _ids(list(repo.iter_unscored(DEFAULT_REF, batch_size=3)))
    assert remaining == [c.id for c in stored[1::2]]


def test_reviews_inserted_while_iterating_neither_skip_nor_repeat(repo: Repository) -> None:
    stored = [conversation(f"c{i:02d}") for i in range(17)]
    repo.upsert_conversations(stored)
    seen: list[str] = []
    for batch in repo.iter_unscored(DEFAULT_REF, batch_size=4):
        seen.extend(c.id for c in batch)
        repo.upsert_reviews([_ai_review(c) for c in batch])
    assert seen == [c.id for c in stored]
    assert list(repo.iter_unscored(DEFAULT_REF)) == []


def test_only_an_ai_review_of_the_same_scorecard_version_counts_as_scored(
    repo: Repository,
) -> None:
    a, b, c, d = (conversation(x) for x in "abcd")
    repo.upsert_conversations([a, b, c, d, conversation("a", source="other")])
    repo.upsert_reviews(
        [
            _ai_review(a),
            _ai_review(b, kind="human"),
            _ai_review(c, ScorecardRef(name="default", version="2")),
            _ai_review(d, ScorecardRef(name="other", version="1")),
        ]
    )
    unscored = [(x.source, x.id) for batch in repo.iter_unscored(DEFAULT_REF) for x in batch]
    assert unscored == [("jsonl", "b"), ("jsonl", "c"), ("jsonl", "d"), ("other", "a")]


def test_count_unscored_counts_what_iter_unscored_would_yield(repo: Repository) -> None:
    stored = [conversation(f"c{i}") for i in range(5)]
    repo.upsert_conversations(stored)
    assert repo.count_unscored(DEFAULT_REF) == 5
    repo.upsert_reviews([_ai_review(c) for c in stored[:2]])
    assert repo.count_unscored(DEFAULT_REF) == 3
    assert repo.count_unscored(DEFAULT_REF) == sum(len(b) for b in repo.iter_unscored(DEFAULT_REF))


LLM = "supportqa+llm"


def _by(
    c: Conversation, reviewer: str, pending: list[str], ref: ScorecardRef = DEFAULT_REF
) -> Review:
    built = _ai_review(c, ref)
    built.reviewer = reviewer
    built.judge_pending = pending
    built.judged = [] if pending else ["tone"]
    return built


def test_an_llm_run_selects_what_its_judge_still_owes_and_what_it_never_reviewed(
    repo: Repository,
) -> None:
    """Judged fully: done. Pending: again. Reviewed locally or by another policy: not yet judged."""
    done, owed, local, other_policy, unreviewed, old_version = (
        conversation(x) for x in ("done", "owed", "local", "low", "none", "v2")
    )
    repo.upsert_conversations([done, owed, local, other_policy, unreviewed, old_version])
    repo.upsert_reviews(
        [
            _by(done, LLM, []),
            _by(owed, LLM, ["tone"]),
            _by(local, "supportqa", []),
            _by(other_policy, "supportqa+llm-low", ["tone"]),
            _by(old_version, LLM, []),
            _by(old_version, LLM, ["tone"], ScorecardRef(name="default", version="2")),
        ]
    )
    selected = _ids(list(repo.iter_unscored(DEFAULT_REF, reviewer=LLM, batch_size=2)))
    assert selected == ["owed", "local", "low", "none"]
    assert repo.count_unscored(DEFAULT_REF, reviewer=LLM) == 4
    assert _ids(list(repo.iter_unscored(DEFAULT_REF))) == ["none"]  # local runs ignore the judge


def test_a_rejudged_review_is_no_longer_selected(repo: Repository) -> None:
    owed = conversation("owed")
    repo.upsert_conversations([owed])
    repo.upsert_reviews([_by(owed, LLM, ["tone", "empathy"])])
    assert repo.count_unscored(DEFAULT_REF, reviewer=LLM) == 1
    repo.upsert_reviews([_by(owed, LLM, [])])
    assert repo.count_unscored(DEFAULT_REF, reviewer=LLM) == 0
    assert list(repo.iter_unscored(DEFAULT_REF, reviewer=LLM)) == []
