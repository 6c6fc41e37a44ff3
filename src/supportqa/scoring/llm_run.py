"""`score --llm`: the hybrid policy applied to batches of conversations.

`always`: every conversation is judged for the scorecard's model and LLM-only criteria, one request
per reviewee's view and one for a whole conversation with conversation-level criteria of its own
(`requests` lists them). `low-confidence`: conversations are scored locally first and only those
where a judged criterion's local confidence falls below `llm.confidence_below` (or failed) are sent.
Reviews of an --llm run are tagged by reviewer, so a stopped run resumes with what the LLM has not
yet seen.

A review records which criteria the judge rated (`judged`) and which it was asked about but did not
rate (`judge_pending`: an outage, an unusable answer — the local fallback's result stands meanwhile), so
a later --llm run asks again for exactly those conversations. Conversations the policy kept local are
not pending: nobody asked the judge about them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from supportqa.domain.conversation import Conversation, Reviewee
from supportqa.domain.review import Review
from supportqa.domain.score import Status
from supportqa.domain.scorecard import Criterion, Scorecard
from supportqa.scorers.judge.judge import JUDGE_SCORER, LlmJudge
from supportqa.scorers.judge.policy import bound_scorer, judged_criteria, with_llm
from supportqa.scoring.engine import AI_REVIEWER, EngineStats, ScoringEngine
from supportqa.scoring.participants import plan
from supportqa.signals.analysis import Analysis

POLICIES = ("always", "low-confidence")


def llm_reviewer(policy: str) -> str:
    return f"{AI_REVIEWER}+llm" if policy == "always" else f"{AI_REVIEWER}+llm-low"


@dataclass(frozen=True)
class JudgeRequest:
    """One request `score --llm` sends: a participant's view (or the whole conversation) and the
    judged criteria to rate on it."""

    conversation: Conversation
    criteria: list[Criterion]
    reviewee: Reviewee | None
    """Whose replies it judges; None: the whole conversation, for its conversation-level criteria."""


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

    def uncertain_conversations(
        self, conversations: Sequence[Conversation], local: Sequence[Review]
    ) -> list[Conversation]:
        """The conversations (in order) with an uncertain local review among their reviewees'."""
        unsure = {(r.source, r.conversation_id) for r in local if self.uncertain(r)}
        return [c for c in conversations if c.key in unsure]

    def requests(self, conversations: Sequence[Conversation]) -> list[JudgeRequest]:
        """The requests judging these conversations takes, in the order the engine asks (before the
        cache): one per participant view with judged criteria, and one for the whole conversation
        when it has any of its own (`scoring.participants`). The dry run shows these."""
        engine = self.llm_engine
        judged = [c for c in engine.scorecard.criteria if c.key in self.judged]
        found: list[JudgeRequest] = []
        for conversation in conversations:
            p = plan(
                Analysis(conversation, engine.detectors),
                engine.participant_keys,
                engine.whole_keys,
            )
            whose = {unit: reviewee or conversation.reviewee() for reviewee, unit in p.reviews}
            for index, unit in enumerate(p.units):
                criteria = [c for c in judged if unit.keys is None or c.key in unit.keys]
                if criteria:
                    view = unit.analysis.conversation
                    found.append(JudgeRequest(view, criteria, whose.get(index)))
        return found

    def record_judgement(self, review: Review) -> None:
        """Note in a judged review which criteria the judge rated and which it still owes."""
        rated = {
            c.key
            for c in review.criteria
            if c.scorer is not None
            and c.scorer.name == JUDGE_SCORER
            and c.status in (Status.RATED, Status.NA)
        }
        owed = [key for key in self.judged if not _left_to_holder(review, key)]
        review.judged = [key for key in owed if key in rated]
        review.judge_pending = [key for key in owed if key not in rated]

    def _judge(self, conversations: Sequence[Conversation]) -> list[Review]:
        self.sent_conversations += len(conversations)
        reviews = self.llm_engine.score(conversations)
        pending: dict[tuple[str, str], bool] = {}
        for review in reviews:
            self.record_judgement(review)
            key = (review.source, review.conversation_id)
            pending[key] = pending.get(key, False) or bool(review.judge_pending)
        self.left_pending += sum(pending.values())
        self.judged_fully += len(pending) - sum(pending.values())
        return reviews

    def score(self, conversations: Sequence[Conversation]) -> list[Review]:
        if self.policy == "always":
            return self._judge(conversations)
        local = self.local_engine.score(conversations)
        # a conversation goes to the judge whole (all its reviewees) when any review is uncertain
        pick = self.uncertain_conversations(conversations, local)
        unsure = {c.key for c in pick}
        self.kept_local += len(conversations) - len(pick)
        if pick:
            judged: dict[tuple[str, str], list[Review]] = {}
            for review in self._judge(pick):
                judged.setdefault((review.source, review.conversation_id), []).append(review)
            kept: list[Review] = []
            for review in local:
                key = (review.source, review.conversation_id)
                if key not in judged:
                    kept.append(review)
                elif key in unsure:
                    kept.extend(judged[key])
                    unsure.discard(key)
            local = kept
        self.stats.dropped_quotes += self.local_engine.stats.dropped_quotes
        self.local_engine.stats.dropped_quotes = 0
        return local


def _left_to_holder(review: Review, key: str) -> bool:
    """A conversation-level criterion on another participant's review: N/A by no scorer, since the
    holder's review rates it (`scoring.participants`); the judge owes it nothing there."""
    result = review.criterion(key)
    return result is not None and result.scorer is None and result.status is Status.NA
