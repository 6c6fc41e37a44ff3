"""Languages: on a conversation detected as another language, English-only criteria answer
`unsure` (tentative rating kept, out of IQS, critical ones too) while the others still rate; an
English conversation scores exactly as without the check; the language is stored with the scoring
of the current version and cleared when the text changes."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from sqlalchemy import select

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review
from supportqa.domain.score import Status
from supportqa.domain.scorecard import ScorerSpec, default_scorecard, scorecard_from_dict
from supportqa.scorers.registry import bind, registered
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.profiles import rules_only
from supportqa.services.scoring import score_database
from supportqa.storage import Repository
from supportqa.storage.tables import conversations
from supportqa.synthetic import generate_conversations

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "languages" / "conversations.jsonl"
ENGLISH_ONLY = {
    "greeting",
    "resolution",
    "solution_offered",
    "comprehension",
    "tone",
    "clarity",
    "spelling_grammar",
    "closing",
    "empathy",
    "customer_sentiment",
    "effort",
}


def written(id: str) -> Conversation:
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if json.loads(line)["id"] == id:
            return Conversation.model_validate_json(line)
    raise KeyError(id)


def german() -> Conversation:
    return written("de-1")


def test_the_registry_marks_the_english_only_scorers() -> None:
    marked = {name for name, info in registered().items() if info.english_only}
    assert marked >= ENGLISH_ONLY
    for name in ("pii_exposure", "responsiveness", "forbidden_phrases", "required_disclosure"):
        assert not registered()[name].english_only
    assert bind(ScorerSpec(name="greeting", args={})).english_only
    assert not bind(ScorerSpec(name="greeting", args={"extra_patterns": ["hallo"]})).english_only


def test_a_german_conversation_leaves_english_only_criteria_unsure_and_rates_the_rest() -> None:
    engine = ScoringEngine(default_scorecard())
    (review,) = engine.score([german()])
    assert review.language == "de"
    status = {c.key: c.status for c in review.criteria}
    for key in ENGLISH_ONLY & status.keys():
        criterion = review.criterion(key)
        assert criterion is not None
        assert criterion.status is Status.UNSURE, key
        assert criterion.explanation.startswith(
            "Unsure: the conversation reads as German (de, p=1.00); this scorer reads English only"
        )
    for key in ("pii_exposure", "responsiveness", "forbidden_phrases"):
        assert status[key] is Status.RATED, key
    assert engine.stats.languages == {"de": 1}
    assert engine.stats.unsure_language >= len(ENGLISH_ONLY & status.keys()) - 1


def test_iqs_leaves_the_unsure_criteria_out() -> None:
    (review,) = ScoringEngine(default_scorecard()).score([german()])
    rated = [c for c in review.criteria if c.status is Status.RATED]
    assert rated and all(c.key not in ENGLISH_ONLY for c in rated)
    assert review.counts.unsure == sum(c.status is Status.UNSURE for c in review.criteria)
    expected = sum(c.weight * (c.score_pct or 0) for c in rated) / sum(c.weight for c in rated)
    assert review.iqs is not None and abs(review.iqs - expected) < 0.01


def test_a_critical_english_only_criterion_is_unsure_too() -> None:
    card = scorecard_from_dict(
        {
            "name": "t",
            "version": "1",
            "criteria": [
                {
                    "key": "greeting",
                    "weight": 1,
                    "scale": "binary",
                    "critical": True,
                    "scorer": "greeting",
                },
                {"key": "pii_exposure", "weight": 1, "scale": "binary", "scorer": "pii_exposure"},
            ],
        }
    )
    (review,) = ScoringEngine(card).score([german()])
    assert review.criterion("greeting").status is Status.UNSURE  # type: ignore[union-attr]
    assert not review.critical_failed
    assert review.iqs == 100.0


def _without_language_check(engine: ScoringEngine) -> ScoringEngine:
    engine._bound = {
        k: dataclasses.replace(b, english_only=False) for k, b in engine._bound.items()
    }
    return engine


def _criteria(reviews: list[Review]) -> list[object]:
    return [[c.model_dump() for c in r.criteria] + [r.iqs] for r in reviews]


def test_english_conversations_score_as_they_did_without_the_check() -> None:
    english = [Conversation.model_validate(c) for c in generate_conversations(40, 11)]
    checked = ScoringEngine(rules_only(default_scorecard())).score(english)
    plain = _without_language_check(ScoringEngine(rules_only(default_scorecard()))).score(english)
    assert _criteria(checked) == _criteria(plain)
    assert {r.language for r in checked} <= {"en", "und"}


def _stored_language(repo: Repository, id: str) -> str | None:
    query = select(conversations.c.language).where(conversations.c.external_id == id)
    with repo.db.engine.connect() as connection:
        return connection.execute(query).scalar_one()


def test_the_stored_language_is_filled_when_scored_and_refreshed_when_the_text_changes(
    repo: Repository,
) -> None:
    card = rules_only(default_scorecard())
    first = german()
    repo.upsert_conversations([first])
    assert _stored_language(repo, "de-1") is None
    score_database(repo, card)
    assert _stored_language(repo, "de-1") == "de"

    repo.upsert_conversations([first])  # the same text again: kept
    assert _stored_language(repo, "de-1") == "de"

    spanish = written("es-1").model_copy(update={"id": "de-1", "source": first.source})
    repo.upsert_conversations([spanish])
    assert _stored_language(repo, "de-1") is None  # not the old text's any more
    score_database(repo, card)
    assert _stored_language(repo, "de-1") == "es"
