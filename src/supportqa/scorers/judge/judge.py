"""The LLM judge: one request per conversation for all its criteria, grounded, cached and counted.

Per conversation: redact, number the messages, ask once with the rubric and the answer's JSON schema,
check the answer (scale, quotes), and keep it in the cache. A malformed answer is asked again once with
the error; after that every criterion of the conversation is a recorded failure, never a silent zero
(criteria with a local scorer then fall back to it). A cached answer that left a criterion unrated is
not replayed: the conversation is asked again. Conversations of a batch are judged `concurrency`
at a time.

Each conversation has a deadline (`conversation_deadline_s`, and the run's, `run_deadline_s`, when
set): the client neither runs nor waits past it, and a conversation out of time fails as retryable
(its criteria are owed, asked again by the next run). The request accounting lives in the client,
counted where each request is sent; the judge adds what only it knows (cache, checks, failures).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from supportqa.domain.conversation import Conversation
from supportqa.domain.score import Score, ScorerRef, Status
from supportqa.domain.scorecard import Criterion
from supportqa.errors import ScorerAbort, ScorerError, ScorerRetryable
from supportqa.scorers.judge.answer import MalformedAnswer, Messages, Tally, Verdict, parse_answer
from supportqa.scorers.judge.cache import AnswerCache, CachedAnswer, cache_key
from supportqa.scorers.judge.client import ChatClient, Completion, RequestStats
from supportqa.scorers.judge.prompt import (
    PROMPT_VERSION,
    Transcript,
    anthropic_body,
    openai_body,
    retry_prompt,
    transcript,
)
from supportqa.scorers.judge.redaction import redact_conversation
from supportqa.scorers.judge.rubric import Rubric
from supportqa.signals.analysis import Analysis

JUDGE_SCORER = "llm"
JUDGE_VERSION = "1"


@dataclass
class JudgeStats:
    """A run's accounting: what was sent (`http`, the client's own counters), what it cost, and what
    the checks caught."""

    http: RequestStats = field(default_factory=RequestStats)
    conversations: int = 0
    cache_hits: int = 0
    malformed_retries: int = 0
    failed_conversations: int = 0
    failed_retryable: int = 0
    """Of the failed: out of retries or time (an outage, rate limits, a deadline)."""
    checks: Tally = field(default_factory=Tally)
    redacted: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return self.http.requests

    @property
    def retries(self) -> int:
        return self.http.retries

    @property
    def prompt_tokens(self) -> int:
        return self.http.prompt_tokens

    @property
    def completion_tokens(self) -> int:
        return self.http.completion_tokens

    @property
    def requests_without_usage(self) -> int:
        return self.http.requests_without_usage

    def cost(self, input_per_mtok: float, output_per_mtok: float) -> float:
        """The cost of the tokens the server reported (requests without usage add nothing)."""
        return (
            self.prompt_tokens * input_per_mtok + self.completion_tokens * output_per_mtok
        ) / 1e6

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k != "http"}
        data.update(self.http.as_dict())
        data["redacted"] = dict(self.redacted)
        data["failures"] = self.failures[:20]
        return data


@dataclass(frozen=True)
class Prepared:
    """Everything about one conversation's request, computed before anything is sent."""

    body: dict[str, Any]
    key: str
    messages: Messages
    redacted: dict[str, int]


class LlmJudge:
    """A batch scorer (see `scorers.registry`) that asks an LLM; bind it with `bound_scorer()`."""

    def __init__(
        self,
        client: ChatClient,
        *,
        model: str,
        cache: AnswerCache | None = None,
        response_format: str = "json_schema",
        redact: bool = True,
        concurrency: int = 8,
        conversation_deadline_s: float | None = 120.0,
        run_deadline_s: float | None = None,
    ) -> None:
        self.client = client
        self.conversation_deadline_s = conversation_deadline_s
        self.run_deadline_s = run_deadline_s
        self._run_deadline = None if run_deadline_s is None else time.monotonic() + run_deadline_s
        self.model = model
        self.cache = cache if cache is not None else AnswerCache(None)
        self.response_format = response_format
        self.redact = redact
        self.concurrency = max(1, concurrency)
        self.stats = JudgeStats(http=client.stats)
        self._lock = threading.Lock()
        self._abort: ScorerAbort | None = None
        self.ref = ScorerRef(name=JUDGE_SCORER, version=JUDGE_VERSION, args={"model": model})

    # --- the batch-scorer protocol ------------------------------------------------------------
    def __call__(
        self, items: Sequence[Analysis], criteria: Sequence[Criterion]
    ) -> list[dict[str, Score]]:
        rubric = Rubric.of(criteria)
        conversations = [item.conversation for item in items]
        if self.concurrency == 1 or len(conversations) <= 1:
            return [self.judge(c, rubric) for c in conversations]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return list(pool.map(lambda c: self.judge(c, rubric), conversations))

    # --- one conversation ---------------------------------------------------------------------
    def prepare(self, conversation: Conversation, rubric: Rubric) -> Prepared:
        original = [m.text for m in conversation.messages]
        if self.redact:
            sent, redactor = redact_conversation(conversation)
            messages = Messages(sent, original, redactor.restore)
            redacted = dict(redactor.counts)
        else:
            sent, messages, redacted = original, Messages(original, original), {}
        numbered = transcript(role_labels(conversation), sent)
        body = self._body(rubric, numbered)
        key = cache_key(
            transcript=numbered.lines,
            rubric=rubric.digest(),
            model=self.model,
            prompt_version=PROMPT_VERSION,
            provider=self.client.provider,
        )
        return Prepared(body, key, messages, redacted)

    def _body(
        self, rubric: Rubric, numbered: Transcript, extra: Sequence[dict[str, str]] = ()
    ) -> dict[str, Any]:
        if self.client.provider == "anthropic":
            return anthropic_body(self.model, rubric, numbered, extra_messages=extra)
        return openai_body(
            self.model,
            rubric,
            numbered,
            response_format=self.response_format,
            extra_messages=extra,
        )

    def judge(self, conversation: Conversation, rubric: Rubric) -> dict[str, Score]:
        """Scores for every rubric criterion; only ScorerAbort escapes (it stops the run)."""
        prepared = self.prepare(conversation, rubric)
        with self._lock:
            self.stats.conversations += 1
            self.stats.redacted.update(prepared.redacted)
        cached = self.cached_verdict(prepared, rubric)
        if cached is not None:
            with self._lock:
                self.stats.cache_hits += 1
                self.stats.checks.add(cached.tally)
            return cached.scores
        if self._abort is not None:  # another thread hit a stop: send nothing more
            raise self._abort
        label = f"conversation {conversation.source}/{conversation.id}"
        try:
            verdict = self._ask(prepared, rubric, label, self._deadline())
        except ScorerAbort as stop:
            self._abort = stop
            raise
        except ScorerRetryable as exc:
            return self._failed(conversation, rubric, str(exc), retryable=True)
        except ScorerError as exc:
            return self._failed(conversation, rubric, str(exc))
        except Exception as exc:  # a bug on an odd answer: a counted failure, never a silent one
            return self._failed(conversation, rubric, f"{type(exc).__name__}: {exc}")
        with self._lock:
            self.stats.checks.add(verdict.tally)
        return verdict.scores

    def cached_verdict(self, prepared: Prepared, rubric: Rubric) -> Verdict | None:
        """The cached answer, unless an older parser wrote it or it left a criterion unrated: a
        retry of what the judge owes (`score --llm` after a failure) must ask, not replay the failure."""
        cached = self.cache.get(prepared.key)
        if cached is None:
            return None
        try:
            verdict = parse_answer(cached.content, rubric, prepared.messages, strict=False)
        except MalformedAnswer:
            return None
        if any(score.status is Status.FAILED for score in verdict.scores.values()):
            return None
        return verdict

    def _deadline(self) -> float | None:
        """When this conversation's time is up: its own deadline or the run's, whichever is first."""
        ends = [] if self._run_deadline is None else [self._run_deadline]
        if self.conversation_deadline_s is not None:
            ends.append(time.monotonic() + self.conversation_deadline_s)
        if self._run_deadline is not None and time.monotonic() >= self._run_deadline:
            raise ScorerRetryable(
                f"the run's deadline ({self.run_deadline_s:g} s) has passed: not sent; "
                "asked again by the next --llm run"
            )
        return min(ends) if ends else None

    def _ask(
        self, prepared: Prepared, rubric: Rubric, label: str, deadline: float | None
    ) -> Verdict:
        def send(body: dict[str, Any]) -> Completion:
            return self.client.complete(body, label=label, deadline=deadline)

        first = send(prepared.body)
        try:
            verdict = parse_answer(first.content, rubric, prepared.messages, strict=True)
            answer = first
        except MalformedAnswer as problem:
            with self._lock:
                self.stats.malformed_retries += 1
            again = self._with_retry_turn(prepared.body, first.content, str(problem))
            answer = send(again)
            try:
                verdict = parse_answer(answer.content, rubric, prepared.messages, strict=False)
            except MalformedAnswer as second:
                raise ScorerError(
                    f"the judge's answer was unusable twice ({problem}; then {second})"
                ) from None
        self.cache.put(
            prepared.key,
            self.model,
            CachedAnswer(
                answer.content, answer.usage.prompt_tokens, answer.usage.completion_tokens
            ),
        )
        return verdict

    def _with_retry_turn(self, body: dict[str, Any], content: str, problem: str) -> dict[str, Any]:
        turns = [
            {"role": "assistant", "content": content},
            {"role": "user", "content": retry_prompt(problem)},
        ]
        return {**body, "messages": [*body["messages"], *turns]}

    def _failed(
        self, conversation: Conversation, rubric: Rubric, reason: str, *, retryable: bool = False
    ) -> dict[str, Score]:
        with self._lock:
            self.stats.failed_conversations += 1
            self.stats.failed_retryable += retryable
            self.stats.failures.append(f"{conversation.source}/{conversation.id}: {reason}")
        return {key: Score.failure(f"LLM judge: {reason}") for key in rubric.keys}

    def close(self) -> None:
        self.client.close()
        self.cache.close()


def role_labels(conversation: Conversation) -> list[str]:
    """Each message's role as the judge reads it. In a participant's view (one review per reviewee)
    other staff members' replies read `other agent` / `other bot`: the judge rates the reviewed
    participant's replies and sees the rest as context."""
    reviewed = conversation.reviewed_indices
    if reviewed is None:
        return [m.role.value for m in conversation.messages]
    own = frozenset(reviewed)
    return [
        f"other {m.role.value}" if m.by_staff and i not in own else m.role.value
        for i, m in enumerate(conversation.messages)
    ]
