"""The batch scoring engine: runs each criterion's scorers over batches, never a silent zero.

Criteria that name the same scorer with the same arguments are rated in one call (an LLM judge rates all
its criteria at once). A scorer that raises is retried conversation by conversation, so one bad
conversation cannot sink a batch; its criteria fall back to the next scorer in their list, and when none is
left they are recorded as `failed` with the reason.

One review per reviewee: every participant (agent or bot) with a public reply gets a review of their
own replies (`scoring.participants`); conversation-level criteria and the CX score are rated once, on
the whole conversation, and carried by the review of the participant who held it at the end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from supportqa.domain.conversation import Conversation, Reviewee
from supportqa.domain.review import Review, ReviewKind
from supportqa.domain.score import Evidence, EvidenceKind, Score, Status, abstained, unreadable
from supportqa.domain.scorecard import Criterion, Scorecard, ScorerSpec
from supportqa.errors import ScorerAbort
from supportqa.gc_tuning import bulk_work
from supportqa.models.confidence import ConfidenceMap, default_maps
from supportqa.models.markers import (
    conversation_sentences,
    detector_set,
    effective_detectors,
    prepare_markers,
)
from supportqa.models.outcome import outcome
from supportqa.scorers.registry import BoundScorer, bind, conversation_level
from supportqa.scoring.cx import CX_INPUTS, cx_score, input_fractions, resolution_outcome
from supportqa.scoring.iqs import build_review
from supportqa.scoring.participants import Plan, plan
from supportqa.scoring.profiles import uses_sentence_model
from supportqa.scoring.trained_cx import apply_trained_cx
from supportqa.signals.analysis import Analysis
from supportqa.signals.language import DetectedLanguage, conversation_language

AI_REVIEWER = "supportqa"
LLM_SCORER = "llm"


def ai_review_id_for(
    source: str, conversation_id: str, scorecard: Scorecard, reviewee: Reviewee | None = None
) -> str:
    """Deterministic, so re-scoring a conversation with the same scorecard version updates its
    reviews. The review of the participant who held the conversation at the end (`reviewee` None)
    keeps the conversation's id, as when there was one review per conversation; the others add
    their reviewee."""
    key = f"{source}\x1f{conversation_id}\x1f{scorecard.name}\x1f{scorecard.version}"
    if reviewee is not None:
        key += f"\x1f{'bot' if reviewee.is_bot else 'agent'}\x1f{reviewee.id or ''}"
    return "ai-" + hashlib.sha256(key.encode()).hexdigest()[:24]


def ai_review_id(
    conversation: Conversation, scorecard: Scorecard, reviewee: Reviewee | None = None
) -> str:
    return ai_review_id_for(conversation.source, conversation.id, scorecard, reviewee)


@dataclass
class _Slot:
    """A scorer and the criteria it rates at this fallback depth."""

    scorer: BoundScorer
    criteria: list[Criterion]
    keys: set[str]


@dataclass
class EngineStats:
    dropped_quotes: int = 0
    scorer_errors: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    """Conversations reviewed per detected language code (`und` included)."""
    unsure_language: int = 0
    """English-only answers marked `unsure` because the conversation reads as another language."""


def _spec_key(spec: ScorerSpec) -> str:
    return spec.name + json.dumps(spec.args, sort_keys=True, default=str)


class ScoringEngine:
    """Scores conversations against one scorecard; binds every scorer up front so bad config fails early."""

    def __init__(
        self,
        scorecard: Scorecard,
        *,
        reviewer: str = AI_REVIEWER,
        bound: Mapping[str, BoundScorer] | None = None,
        confidence_maps: Mapping[str, ConfidenceMap] | None = None,
    ) -> None:
        """`bound` supplies ready-made scorers by name (the CLI's configured LLM judge) instead of
        building them from the registry. `confidence_maps` (by scorer `name@version`) turn raw
        confidences into calibrated ones; None: the packaged maps, `{}`: raw confidences (fitting)."""
        self.confidence_maps = default_maps() if confidence_maps is None else confidence_maps
        given = bound or {}
        if LLM_SCORER not in given:  # offline unless a configured judge is handed in (score --llm)
            scorecard = scorecard.without_scorer(LLM_SCORER)
        self.scorecard = scorecard
        self.reviewer = reviewer
        self.stats = EngineStats()
        self.detectors = effective_detectors(scorecard.detectors)
        self.reads_sentences = uses_sentence_model(scorecard)
        """Whether scoring embeds sentences (a model scorer or the CX score): what `prefetch` feeds."""
        self.conversation_keys = frozenset(
            c.key for c in scorecard.criteria if c.scorers and conversation_level(c)
        )
        """Criteria rated on the whole conversation, for the holder's review only."""
        self.participant_keys = frozenset(
            c.key for c in scorecard.criteria if c.scorers and c.key not in self.conversation_keys
        )
        self.whole_keys = self.conversation_keys | {
            c.key
            for c in scorecard.criteria
            if c.key in CX_INPUTS and c.scorers and c.scorers[0].name != LLM_SCORER
        }
        """What the whole conversation rates when the holder has a view of its own: the
        conversation-level criteria, and the CX inputs that ask no judge (the customer's waits are
        the whole conversation's; a judged tone comes from the participants' views instead)."""
        self._bound: dict[str, BoundScorer] = {}
        for criterion in scorecard.criteria:
            for spec in criterion.scorers:
                key = _spec_key(spec)
                if key not in self._bound:
                    self._bound[key] = given[spec.name] if spec.name in given else bind(spec)

    def score(
        self, conversations: Sequence[Conversation], *, reviewed_at: datetime | None = None
    ) -> list[Review]:
        with bulk_work():
            items = [Analysis(c, self.detectors) for c in conversations]
            return self.review_analyses(items, reviewed_at=reviewed_at)

    def prefetch(self, conversations: Sequence[Conversation]) -> None:
        """Start encoding these conversations' sentences in a background thread, to overlap with
        scoring the batch before them (`prefetching`); nothing when the scorecard reads no
        sentence vectors."""
        if not self.reads_sentences or not conversations:
            return
        texts = [s.text for c in conversations for s in conversation_sentences(c)]
        detector_set(self.detectors).embeddings.prefetch(texts)

    def review_analyses(
        self, items: Sequence[Analysis], *, reviewed_at: datetime | None = None
    ) -> list[Review]:
        """Reviews for already-wrapped conversations, each conversation's together with the one
        holding the conversation (CX, conversation-level criteria) last."""
        return [r for group in self.review_groups(items, reviewed_at=reviewed_at) for r in group]

    def review_groups(
        self, items: Sequence[Analysis], *, reviewed_at: datetime | None = None
    ) -> list[list[Review]]:
        """Per item, its reviews (one per participant; the holder's last, with the CX); callers
        that keep the analyses (evaluation) can read the shared signals afterwards."""
        at = reviewed_at or datetime.now(UTC)
        plans = [plan(item, self.participant_keys, self.whole_keys) for item in items]
        languages = [self._language(item, p) for item, p in zip(items, plans, strict=True)]
        units = [unit for p in plans for unit in p.units]
        flat = self.score_analyses([u.analysis for u in units], [u.keys for u in units])
        scores: list[list[dict[str, Score]]] = []
        offset = 0
        for p in plans:
            scores.append(flat[offset : offset + len(p.units)])
            offset += len(p.units)
        groups = [self._group(p, s, at) for p, s in zip(plans, scores, strict=True)]
        for group, language in zip(groups, languages, strict=True):
            for review in group:
                review.language = language.code
        if self.scorecard.cx.enabled and items:
            inputs = [_cx_inputs(p, s) for p, s in zip(plans, scores, strict=True)]
            self._add_cx(items, inputs, [g[-1] for g in groups])
        return groups

    def _language(self, item: Analysis, p: Plan) -> DetectedLanguage:
        """The conversation's language, detected once and shared with its participants' views
        (same messages), counted in the stats."""
        language = item.signal(conversation_language)
        for unit in p.units:
            unit.analysis.put(conversation_language, language)
        self.stats.languages[language.code] = self.stats.languages.get(language.code, 0) + 1
        return language

    def _group(self, p: Plan, scores: list[dict[str, Score]], at: datetime) -> list[Review]:
        """The item's reviews from its units' scores: the whole conversation's (unit 0) for the
        holder's conversation-level criteria, each participant's view for the rest."""
        conversation = p.conversation
        reviews: list[Review] = []
        for reviewee, unit in p.reviews:
            own = scores[unit]
            holder = reviewee is None
            merged: dict[str, Score] = {}
            for criterion in self.scorecard.criteria:
                key = criterion.key
                if key in self.conversation_keys and not holder:
                    merged[key] = Score.not_applicable(p.na_reason)
                elif key in self.conversation_keys:
                    merged[key] = scores[0][key]
                elif key in own:
                    merged[key] = own[key]
            review = build_review(
                review_id=ai_review_id(conversation, self.scorecard, reviewee),
                kind=ReviewKind.AI,
                conversation=conversation,
                scorecard=self.scorecard,
                scores=merged,
                reviewer=self.reviewer,
                reviewed_at=at,
            )
            if reviewee is not None:
                review.reviewee = reviewee
                review.holder = False
            reviews.append(review)
        return reviews

    def _add_cx(
        self,
        items: Sequence[Analysis],
        inputs: list[tuple[dict[str, Score], list[tuple[dict[str, Score], int]]]],
        reviews: list[Review],
    ) -> None:
        """Attach the CX score and resolution outcome to each conversation's holder review (one
        per conversation version); the markers are shared with model scorers."""
        prepare_markers(items, self.detectors)
        scales = {c.key: (c.scale.min, c.scale.max) for c in self.scorecard.criteria}
        for item, (whole, rated), review in zip(items, inputs, reviews, strict=True):
            result = outcome(item)
            fractions = input_fractions(rated, scales)
            fractions.update(  # what the whole conversation rated stands (N/A included)
                (k, v) for k, v in input_fractions([(whole, 1)], scales).items() if k in whole
            )
            review.cx = cx_score(item, result, fractions, self.scorecard.cx)
            review.resolution = resolution_outcome(result)
        if self.scorecard.cx.model:
            apply_trained_cx(items, reviews, self.scorecard.cx)

    def score_analyses(
        self, items: Sequence[Analysis], only: Sequence[frozenset[str] | None] | None = None
    ) -> list[dict[str, Score]]:
        """Per item, `{criterion key: Score}` for every criterion of the scorecard (or, with
        `only`, for the item's keys there; None for all)."""
        results: list[dict[str, Score]] = [{} for _ in items]
        wanted = list(only) if only is not None else [None] * len(items)
        pending: list[list[Criterion]] = [
            [c for c in self.scorecard.criteria if c.scorers and (keys is None or c.key in keys)]
            for keys in wanted
        ]
        unrated = Score.unrated()  # shared: scores are never mutated after creation
        for item_scores in results:
            for criterion in self.scorecard.criteria:
                if criterion.human_only:
                    item_scores[criterion.key] = unrated
        depth = 0
        while any(pending):
            self._run_depth(items, pending, results, depth)
            depth += 1
        return results

    def _run_depth(
        self,
        items: Sequence[Analysis],
        pending: list[list[Criterion]],
        results: list[dict[str, Score]],
        depth: int,
    ) -> None:
        """Run the `depth`-th scorer of every pending criterion; failures move on to depth + 1."""
        # one call per scorer and set of criteria: a participant's view and the whole conversation
        # ask an LLM judge about different criteria, and neither is asked the other's
        slots: dict[tuple[str, frozenset[str]], _Slot] = {}
        members: dict[tuple[str, frozenset[str]], list[int]] = {}
        for index, criteria in enumerate(pending):
            by_spec: dict[str, list[Criterion]] = {}
            for criterion in criteria:
                by_spec.setdefault(_spec_key(criterion.scorers[depth]), []).append(criterion)
            for spec_key, chosen in by_spec.items():
                key = (spec_key, frozenset(c.key for c in chosen))
                if key not in slots:
                    slots[key] = _Slot(self._bound[spec_key], chosen, set(key[1]))
                members.setdefault(key, []).append(index)
        next_pending: list[list[Criterion]] = [[] for _ in items]
        for key, slot in slots.items():
            indexes = members[key]
            outputs = self._call(slot, [items[i] for i in indexes])
            for index, output in zip(indexes, outputs, strict=True):
                wanted = {c.key for c in pending[index]}
                for criterion in slot.criteria:
                    if criterion.key not in wanted:
                        continue
                    score = self._accept(
                        slot.scorer, criterion, items[index], output, criterion.key
                    )
                    last = depth + 1 >= len(criterion.scorers)
                    if score.status is Status.FAILED and not last:
                        next_pending[index].append(criterion)
                    else:
                        results[index][criterion.key] = score
        pending[:] = next_pending

    def _call(self, slot: _Slot, items: list[Analysis]) -> list[dict[str, Score] | Exception]:
        try:
            out: list[dict[str, Score] | Exception] = list(
                slot.scorer.score_batch(items, slot.criteria)
            )
            if len(out) != len(items):
                raise RuntimeError(f"returned {len(out)} results for {len(items)} conversations")
            return out
        except ScorerAbort:
            raise
        except Exception:
            # Retry one by one, so only the conversations that fail are recorded as failed.
            return [self._call_one(slot, item) for item in items]

    def _call_one(self, slot: _Slot, item: Analysis) -> dict[str, Score] | Exception:
        try:
            return slot.scorer.score_batch([item], slot.criteria)[0]
        except ScorerAbort:
            raise
        except Exception as exc:  # a scorer's bug or refusal becomes a recorded failure
            name = slot.scorer.ref.name
            self.stats.scorer_errors[name] = self.stats.scorer_errors.get(name, 0) + 1
            return exc

    def _accept(
        self,
        scorer: BoundScorer,
        criterion: Criterion,
        item: Analysis,
        output: dict[str, Score] | Exception,
        key: str,
    ) -> Score:
        """Check a scorer's answer against the scorecard; anything off becomes a recorded failure."""
        name = scorer.ref.name
        if isinstance(output, Exception):
            score = Score.failure(f"{name} failed: {str(output) or type(output).__name__}")
        elif key not in output:
            score = Score.failure(f"{name} returned no score for {key}")
        else:
            score = output[key]
            if score.status is Status.RATED and (
                score.rating is None or not criterion.scale.contains(score.rating)
            ):
                score = Score.failure(
                    f"{name} rated {score.rating} outside "
                    f"{criterion.scale.min:g}..{criterion.scale.max:g}"
                )
            elif score.status is Status.NA and not criterion.allow_na:
                score = Score.failure(
                    f"{name} said N/A ({score.explanation}) but {key} allows no N/A"
                )
        language = item.signal(conversation_language) if scorer.english_only else None
        return self._calibrated(
            criterion,
            language,
            Score(
                status=score.status,
                rating=score.rating,
                explanation=score.explanation,
                evidence=self._verified(score.evidence, item.conversation),
                confidence=score.confidence,
                scorer=scorer.ref,
                verified=score.verified,
            ),
        )

    def _calibrated(
        self, criterion: Criterion, language: DetectedLanguage | None, score: Score
    ) -> Score:
        """The scorer's confidence replaced by its calibrated one (`models.confidence`) when its
        version has a map, then the answer set aside as `unsure`:
        - whatever its confidence when an English-only scorer (`language` given) read a conversation
          detected as another language, critical criteria included: an English reading of, say,
          German text cannot fail an agent, so a person rates it;
        - when the calibrated confidence is below the criterion's `abstain_below`. An uncalibrated
          confidence is not a probability, so it never abstains."""
        if score.status not in (Status.RATED, Status.NA) or score.scorer is None:
            return score
        confidence = self._calibrated_confidence(criterion, score)
        if confidence is not None:
            score = score.model_copy(update={"confidence": confidence})
        if language is not None and not language.english_or_unknown:
            self.stats.unsure_language += 1
            return unreadable(score, language.describe())
        if (
            confidence is not None
            and criterion.abstain_below is not None
            and confidence < criterion.abstain_below
        ):
            return abstained(score, criterion.abstain_below)
        return score

    def _calibrated_confidence(self, criterion: Criterion, score: Score) -> float | None:
        """The answer's calibrated confidence, or None when its scorer version has no map."""
        if score.scorer is None:
            return None
        found = self.confidence_maps.get(f"{score.scorer.name}@{score.scorer.version}")
        if found is None:
            return None
        position = (
            None
            if score.status is Status.NA or score.rating is None
            else criterion.scale.position(score.rating)
        )
        return found.calibrated(score.confidence, position)

    def _verified(self, evidence: list[Evidence], conversation: Conversation) -> list[Evidence]:
        """Keep only quotes that really are in the transcript, so a reviewer can click to them."""
        kept: list[Evidence] = []
        for ev in evidence:
            if ev.kind is EvidenceKind.QUOTE:
                index = ev.message_index
                valid = (
                    index is not None
                    and 0 <= index < len(conversation.messages)
                    and ev.quote != ""
                    and ev.quote in conversation.messages[index].text
                )
                if not valid:
                    self.stats.dropped_quotes += 1
                    continue
            kept.append(ev)
        return kept


B = TypeVar("B")


def prefetching(
    engine: object,
    batches: Iterable[B],
    conversations: Callable[[B], Sequence[Conversation]] | None = None,
) -> Iterator[B]:
    """`batches`, each yielded once the encoding of the one after it has started in the background
    (`ScoringEngine.prefetch`): the encoder (native threads, no GIL) works on batch k+1 while Python
    scores batch k, instead of the two taking turns. `conversations` picks a batch's conversations
    (default: the batch is them). Engines without `prefetch` (the LLM run) get plain batches."""
    prefetch = getattr(engine, "prefetch", None)
    iterator = iter(batches)
    current = next(iterator, _END)
    while current is not _END:
        following = next(iterator, _END)
        if following is not _END and prefetch is not None:
            prefetch(conversations(following) if conversations else following)
        yield current
        current = following


_END: Any = object()


def _cx_inputs(
    p: Plan, scores: list[dict[str, Score]]
) -> tuple[dict[str, Score], list[tuple[dict[str, Score], int]]]:
    """The whole conversation's scores, and the participants' with their weight (`Plan.cx_inputs`)
    for the CX inputs the whole conversation did not rate."""
    return scores[0], [(scores[u], w) for u, w in p.cx_inputs()]
