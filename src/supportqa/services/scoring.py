"""Scoring runs: a JSONL file into review JSONL, or the database in place. Both resume after a crash.

File runs append one batch at a time and skip conversations whose review is already in the output; a
half-written last line (the process was killed mid-write) is cut off first, and an output that is not a
reviews file, or is the input itself, is refused before anything is written (`services.outfile`).
Database runs score only what has no AI review for this scorecard version yet, committing per batch.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import orjson

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review, ScorecardRef, awaits_judge
from supportqa.domain.scorecard import Scorecard
from supportqa.domain.versions import conversation_version
from supportqa.errors import InputError, StorageError
from supportqa.gc_tuning import bulk_work
from supportqa.importers.records import parse_record
from supportqa.jsonl import Line, chunks, lines, parse
from supportqa.scorers.registry import registered
from supportqa.scoring.engine import EngineStats, ScoringEngine, ai_review_id_for, prefetching
from supportqa.scoring.llm_run import llm_reviewer
from supportqa.scoring.parallel import ordered_map, worker_engine
from supportqa.services.outfile import Done, read_reviews_file, refuse_input_as_output
from supportqa.storage import Repository
from supportqa.storage.work import ClaimedBatch, WorkSpec

Progress = Callable[[int], None]


class BatchScorer(Protocol):
    """A ScoringEngine, or an `LlmRun` that decides which conversations the LLM judges."""

    stats: EngineStats

    def score(self, conversations: Sequence[Conversation]) -> list[Review]: ...


@dataclass
class RunReport:
    """What a scoring run did, the same for a file, the database and an LLM run; the bad lines of a
    file run are in `errors` (file, line, reason)."""

    scored: int = 0
    """Conversations scored (each has one AI review per participant: `reviews`)."""
    reviews: int = 0
    skipped: int = 0
    failed_records: int = 0
    incomplete: int = 0
    criteria_failed: int = 0
    dropped_quotes: int = 0
    rescored_changed: int = 0
    """Conversations re-scored because they changed since their review (in the database, or in OUT
    when resuming a file run)."""
    rescored_stale: int = 0
    """Reviews redone because their scorers changed (`--rescore-stale`)."""
    stale: int = 0
    """AI reviews left as they are although the registry has other versions of their scorers."""
    interrupted_runs: list[int] = field(default_factory=list)
    """Runs found killed (heartbeat older than the lease) and marked `interrupted` by this one."""
    run_id: int | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    llm: dict[str, Any] | None = None
    """With the LLM judge (`score --llm`): its accounting — requests, cache hits, tokens, cost, what
    the policy sent and kept local (`services.llm.account_llm_run`)."""

    def count(self, reviews: list[Review]) -> None:
        self.scored += len({(r.source, r.conversation_id) for r in reviews})
        self.reviews += len(reviews)
        self.incomplete += sum(r.incomplete for r in reviews)
        self.criteria_failed += sum(r.counts.failed for r in reviews)

    def as_dict(self) -> dict[str, Any]:
        """The report as data; `llm` only when the judge took part."""
        data = asdict(self)
        if data["llm"] is None:
            del data["llm"]
        return data


def review_line(review: Review) -> bytes:
    return review.model_dump_json().encode() + b"\n"


def _done_in_out(reviewer: str | None) -> Done:
    """Which reviews in OUT a resumed run skips: any, for a local run; for an --llm run (`reviewer`),
    the ones that run wrote and whose judge owes nothing — what `iter_unscored` selects in the database.
    A review done again is appended, and its later line wins (as `import` reads it)."""
    if reviewer is None:
        return lambda data: True
    legacy = llm_reviewer("always")
    return lambda data: data.get("reviewer") == reviewer and not awaits_judge(data, legacy)


@dataclass
class _ChunkResult:
    lines: bytes
    ids: list[str]
    versions: list[str | None]
    reviews: int
    conversations: int
    incomplete: int
    criteria_failed: int
    dropped_quotes: int
    errors: list[dict[str, Any]]


def parse_line(line: Line) -> Conversation | dict[str, Any]:
    """A conversation, or the error record (file, line, reason) that explains why not: every reader of
    a conversations JSONL (scoring, the --llm dry run) reports a bad line and goes on."""
    parsed = parse(line)
    try:
        if isinstance(parsed, InputError):
            raise parsed
        conversation = parse_record(parsed.data)
        if not isinstance(conversation, Conversation):
            raise InputError("expected a conversation (with 'messages')")
        return conversation
    except InputError as exc:
        return {"file": line.file, "line": line.number, "reason": exc.reason}


def _parse_chunk(chunk: list[Line]) -> tuple[list[Conversation], list[dict[str, Any]]]:
    """The chunk's conversations, and its bad lines as (file, line, reason) records."""
    conversations: list[Conversation] = []
    errors: list[dict[str, Any]] = []
    for line in chunk:
        parsed = parse_line(line)
        if isinstance(parsed, Conversation):
            conversations.append(parsed)
        else:
            errors.append(parsed)
    return conversations, errors


def _score_chunk(engine: BatchScorer, chunk: list[Line]) -> _ChunkResult:
    return _score_parsed(engine, *_parse_chunk(chunk))


def _score_parsed(
    engine: BatchScorer, conversations: list[Conversation], errors: list[dict[str, Any]]
) -> _ChunkResult:
    reviews, dropped_quotes = (
        _score_counting_quotes(engine, conversations) if conversations else ([], 0)
    )
    return _ChunkResult(
        lines=b"".join(review_line(r) for r in reviews),
        ids=[r.review_id for r in reviews],
        versions=[r.conversation_version for r in reviews],
        reviews=len(reviews),
        conversations=len({(r.source, r.conversation_id) for r in reviews}),
        incomplete=sum(r.incomplete for r in reviews),
        criteria_failed=sum(r.counts.failed for r in reviews),
        dropped_quotes=dropped_quotes,
        errors=errors,
    )


def _not_done(
    chunk: list[Line],
    scorecard: Scorecard,
    done: set[str],
    versions: Mapping[str, str | None],
) -> tuple[list[Line], int, int]:
    """Drop lines whose review is already written for the conversation as it is now; a line whose
    conversation changed since its review (another version) is kept and counted. Unparsable lines
    stay, to be reported. Returns (kept, skipped, changed)."""
    if not done:
        return chunk, 0, 0
    kept = []
    changed = 0
    for line in chunk:
        try:
            data = orjson.loads(line.raw)
            review_id = ai_review_id_for(
                str(data.get("source", "jsonl")), str(data["id"]), scorecard
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
            review_id = None
        if review_id in done:
            judged = versions.get(review_id)
            if judged is None or _version_of(data) in (None, judged):
                continue
            changed += 1
        kept.append(line)
    return kept, len(chunk) - len(kept), changed


def _version_of(data: Any) -> str | None:
    """The version of a conversation line, None when it does not parse (scoring reports why)."""
    try:
        parsed = parse_record(data)
    except (InputError, ValueError):
        return None
    return conversation_version(parsed) if isinstance(parsed, Conversation) else None


def _score_chunk_in_worker(chunk: list[Line]) -> _ChunkResult:
    return _score_chunk(worker_engine(), chunk)


def _scored_chunks(
    source: Path,
    scorecard: Scorecard,
    done: set[str],
    versions: Mapping[str, str | None],
    report: RunReport,
    batch_size: int,
    workers: int,
    scorer: BatchScorer | None,
) -> Iterator[tuple[_ChunkResult, int]]:
    """Score chunks in order, in this process or in `workers` processes."""
    sizes: deque[int] = deque()

    def jobs() -> Iterator[list[Line]]:
        for chunk in chunks(lines(source), batch_size):
            todo, skipped, changed = _not_done(chunk, scorecard, done, versions)
            report.skipped += skipped
            report.rescored_changed += changed
            sizes.append(len(chunk))
            yield todo

    if workers <= 1 or scorer is not None:
        engine = scorer or ScoringEngine(scorecard)
        parsed = (_parse_chunk(job) for job in jobs())
        results: Iterator[_ChunkResult] = (
            _score_parsed(engine, *chunk)
            for chunk in prefetching(engine, parsed, conversations=lambda chunk: chunk[0])
        )
    else:
        results = ordered_map(_score_chunk_in_worker, jobs(), workers=workers, scorecard=scorecard)
    for result in results:
        yield result, sizes.popleft()


def score_file(
    source: str | Path,
    out: str | Path,
    scorecard: Scorecard,
    *,
    resume: bool = True,
    batch_size: int = 500,
    workers: int = 1,
    progress: Progress | None = None,
    scorer: BatchScorer | None = None,
    reviewer: str | None = None,
) -> RunReport:
    """Score a conversations JSONL file into a reviews JSONL file, without a database.

    OUT must be absent, empty or a reviews file, and not the input (see `services.outfile`).
    `scorer` replaces the default engine (an `LlmRun` for `score --llm`; it runs in this process), and
    `reviewer` (its tag) then redoes the reviews in OUT it has not written or whose judge failed."""
    source, out = Path(source), Path(out)
    if not source.is_file():
        raise InputError("no such file", file=str(source))
    refuse_input_as_output(out, [source])
    ScoringEngine(scorecard)  # bind every scorer now: bad configuration fails before any work
    report = RunReport()
    # refuses an OUT that is not a reviews file, even to restart it
    existing = read_reviews_file(out, _done_in_out(reviewer))
    done = existing.done if resume else set()
    versions = existing.versions if resume else {}
    if resume:
        existing.repair()
    out.parent.mkdir(parents=True, exist_ok=True)
    with bulk_work(), out.open("ab" if resume else "wb") as handle:
        for result, size in _scored_chunks(
            source, scorecard, done, versions, report, batch_size, workers, scorer
        ):
            handle.write(result.lines)
            handle.flush()
            os.fsync(handle.fileno())
            done.update(result.ids)
            versions.update(zip(result.ids, result.versions, strict=True))
            report.scored += result.conversations
            report.reviews += result.reviews
            report.incomplete += result.incomplete
            report.criteria_failed += result.criteria_failed
            report.dropped_quotes += result.dropped_quotes
            report.failed_records += len(result.errors)
            report.errors.extend(result.errors)
            if progress:
                progress(size)
    return report


def _score_counting_quotes(
    engine: BatchScorer, batch: Sequence[Conversation]
) -> tuple[list[Review], int]:
    """A batch's reviews and the quotes the engine dropped from them: each worker process has its
    own engine, so the count must travel back with the reviews (a parent's engine never scored)."""
    before = engine.stats.dropped_quotes
    reviews = engine.score(batch)
    return reviews, engine.stats.dropped_quotes - before


def _score_in_worker(batch: list[Conversation]) -> tuple[list[Review], int]:
    return _score_counting_quotes(worker_engine(), batch)


class _Heartbeat:
    """Renews the run's heartbeat every `every_s` seconds from a thread, so the run's claims hold
    while it works (a killed process stops beating and its claims lapse after the lease)."""

    def __init__(self, repo: Repository, run_id: int, every_s: float) -> None:
        self._repo, self._run_id, self._every_s = repo, run_id, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="supportqa-heartbeat", daemon=True)

    def _beat(self) -> None:
        while not self._stop.wait(self._every_s):
            with contextlib.suppress(StorageError):  # a missed beat is retried; the lease is 4x
                self._repo.heartbeat(self._run_id)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def current_scorer_versions() -> dict[str, str]:
    """name → version of every registered scorer: what `stale` reviews are measured against."""
    return {name: info.version for name, info in registered().items()}


def score_database(
    repo: Repository,
    scorecard: Scorecard,
    *,
    batch_size: int = 500,
    workers: int = 1,
    progress: Progress | None = None,
    scorer: BatchScorer | None = None,
    reviewer: str | None = None,
    rescore_stale: bool = False,
    lease_s: float = 60.0,
    heartbeat_s: float = 15.0,
    conversations: Sequence[str] = (),
) -> RunReport:
    """Score every stored conversation that needs it for this scorecard version: never scored, or
    changed since its review (`rescored_changed`), or — with `rescore_stale` — reviewed by scorers
    the registry now has at another version (else they are counted as `stale`).

    Work is claimed a batch at a time, so runs on the same database at once split it; each batch's
    reviews are committed together, so a killed run loses at most the batches in flight and its
    claims lapse after `lease_s`. `scorer` (an `LlmRun`) replaces the default engine, and
    `reviewer` then selects what it has not yet reviewed. `conversations` (ids) limits the run to
    those conversations (a `score` job for what an import or a webhook brought in).
    """
    engine: BatchScorer = scorer or ScoringEngine(scorecard)
    if scorer is not None:
        workers = 1
    repo.save_scorecard(scorecard)
    ref = ScorecardRef(name=scorecard.name, version=scorecard.version)
    report = RunReport()
    report.interrupted_runs = repo.expire_runs(lease_s)
    stale = repo.stale_scorer_versions(ref, current_scorer_versions())
    spec = WorkSpec(ref, reviewer, tuple(stale) if rescore_stale else (), tuple(conversations))
    run_id = repo.start_run(ref)
    report.run_id = run_id
    status = "failed"
    try:
        with bulk_work(), _Heartbeat(repo, run_id, heartbeat_s):
            claimed: deque[ClaimedBatch] = deque()

            def batches() -> Iterator[list[Conversation]]:
                for batch in repo.claim_batches(
                    spec, run_id, batch_size=batch_size, lease_s=lease_s
                ):
                    claimed.append(batch)
                    yield [Conversation.model_validate(p) for p in batch.payloads]

            scored: Iterator[tuple[list[Review], int]] = (
                ordered_map(_score_in_worker, batches(), workers=workers, scorecard=scorecard)
                if workers > 1
                else (
                    _score_counting_quotes(engine, batch)
                    for batch in prefetching(engine, batches())
                )
            )
            for reviews, dropped_quotes in scored:
                done = claimed.popleft()
                repo.upsert_reviews(reviews)
                repo.release_claims(run_id, done.pks)
                report.count(reviews)
                report.dropped_quotes += dropped_quotes
                report.rescored_changed += done.changed
                report.rescored_stale += done.stale
                if progress:
                    progress(len(reviews))
        status = "finished"
    finally:
        repo.finish_run(run_id, status, report.scored, report.criteria_failed)
    if not rescore_stale:
        report.stale = repo.count_reviews_by_scorers(ref, stale)
    repo.prune_versions()
    return report
