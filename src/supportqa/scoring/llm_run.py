"""`score --llm`: the hybrid policy applied to batches of conversations.

`always`: every conversation is judged (one request each) for the scorecard's model and LLM-only
criteria. `low-confidence`: conversations are scored locally first and only those where a judged
criterion's local confidence falls below `llm.confidence_below` (or failed) are sent. Reviews of an
--llm run are tagged by reviewer, so a stopped run resumes with what the LLM has not yet seen.

A review records which criteria the judge rated (`judged`) and which it was asked about but did not
rate (`judge_pending`: an outage, an unusable answer — the local fallback's result stands meanwhile), so
a later --llm run asks again for exactly those conversations. Conversations the policy kept local are
not pending: nobody asked the judge about them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review
from supportqa.domain.score import Status
from supportqa.domain.scorecard import Scorecard
from supportqa.scorers.judge.judge import JUDGE_SCORER, LlmJudge
from supportqa.scorers.judge.policy import bound_scorer, judged_criteria, with_llm
from supportqa.scoring.engine import AI_REVIEWER, EngineStats, ScoringEngine

POLICIES = ("always", "low-confidence")


def llm_reviewer(policy: str) -> str:
    return f"{AI_REVIEWER}+llm" if policy == "always" else f"{AI_REVIEWER}+llm-low"


@dataclass
class LlmRun:
    """Scores batches like a ScoringEngine (`score`, `stats`), asking the judge as the policy says."""

    scorecard: Scorecard
    judge: LlmJudge
    policy: str = "always"
    sent_conversations: int = 0
    kept_local: int = 0
    judged_fully: int = 0
    """Conversations sent whose every judged criterion was rated by the judge."""
    left_pending: int = 0
    """Conversations sent with criteria the judge did not rate: the next --llm run asks again."""

    def __post_init__(self) -> None:
        if self.policy not in POLICIES:
            raise ValueError(f"unknown --llm-when {self.policy!r} (use {', '.join(POLICIES)})")
        self.reviewer = llm_reviewer(self.policy)
        self.judged = [c.key for c in judged_criteria(self.scorecard)]
        self.llm_engine = ScoringEngine(
            with_llm(self.scorecard, self.judge.model),
            reviewer=self.reviewer,
            bound=bound_scorer(self.judge),
        )
        self.local_engine = ScoringEngine(self.scorecard, reviewer=self.reviewer)
        self.stats: EngineStats = self.llm_engine.stats

    def uncertain(self, review: Review) -> bool:
        """Low local confidence (or a failure) on a criterion the LLM would judge."""
        threshold = self.scorecard.llm.confidence_below
        for result in review.criteria:
            if result.key not in self.judged:
                continue
            if result.status is Status.FAILED:
                return True
            if result.confidence is not None and result.confidence < threshold:
                return True
        return False

    def record_judgement(self, review: Review) -> None:
        """Note in a judged review which criteria the judge rated and which it still owes."""
        rated = {
            c.key
            for c in review.criteria
            if c.scorer is not None
            and c.scorer.name == JUDGE_SCORER
            and c.status in (Status.RATED, Status.NA)
        }
        review.judged = [key for key in self.judged if key in rated]
        review.judge_pending = [key for key in self.judged if key not in rated]
        if review.judge_pending:
            self.left_pending += 1
        else:
            self.judged_fully += 1

    def _judge(self, conversations: Sequence[Conversation]) -> list[Review]:
        self.sent_conversations += len(conversations)
        reviews = self.llm_engine.score(conversations)
        for review in reviews:
            self.record_judgement(review)
        return reviews

    def score(self, conversations: Sequence[Conversation]) -> list[Review]:
        if self.policy == "always":
            return self._judge(conversations)
        local = self.local_engine.score(conversations)
        pick = [i for i, review in enumerate(local) if self.uncertain(review)]
        self.kept_local += len(local) - len(pick)
        if pick:
            judged = self._judge([conversations[i] for i in pick])
            for index, review in zip(pick, judged, strict=True):
                local[index] = review
        self.stats.dropped_quotes += self.local_engine.stats.dropped_quotes
        self.local_engine.stats.dropped_quotes = 0
        return local
