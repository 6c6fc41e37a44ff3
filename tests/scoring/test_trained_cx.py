"""A scorecard that names a trained CX model scores with it, and refuses a model that changed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from supportqa.calibration.learn import fit
from supportqa.domain.conversation import Conversation
from supportqa.domain.review import ScorecardRef
from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import ConfigError
from supportqa.models.artefacts import (
    LinearParams,
    ModelArtefact,
    load_artefact,
    save_artefact,
)
from supportqa.models.embeddings import make_encoder_name
from supportqa.models.features import FEATURE_VERSION, conversation_features
from supportqa.models.trained import design_matrix, predict_with
from supportqa.scoring.engine import ScoringEngine
from supportqa.signals.analysis import Analysis
from supportqa.synthetic import generate_conversations


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, list[Conversation]]:
    conversations = [Conversation.model_validate(r) for r in generate_conversations(60, 5)]
    card = default_scorecard()
    engine = ScoringEngine(card)
    items = [Analysis(c, engine.detectors) for c in conversations]
    reviews = engine.review_analyses(items)
    base = np.array([r.cx.value for r in reviews if r.cx])
    features = conversation_features(items)
    # A made-up team that rates the experience one point lower than the AI's composite.
    target = np.clip(base - 1.0, 1, 5)
    model = fit(design_matrix(base, features), target, low=1, high=5, unpenalised=1)
    artefact = ModelArtefact(
        target="cx",
        version=1,
        scorecard=ScorecardRef(name=card.name, version=card.version),
        feature_version=FEATURE_VERSION,
        encoder=make_encoder_name(),
        reference="human cx",
        n_reviews=len(target),
        trained_at="2026-11-24T00:00:00Z",  # type: ignore[arg-type]
        params=LinearParams.of(model),
    )
    path, sha = save_artefact(tmp_path_factory.mktemp("models"), artefact)
    return path, sha, conversations


def test_scoring_with_a_trained_cx_model_uses_its_prediction(trained) -> None:  # type: ignore[no-untyped-def]
    path, sha, conversations = trained
    card = default_scorecard()
    with_model = card.model_copy(
        update={"cx": card.cx.model_copy(update={"model": str(path), "model_sha256": sha})}
    )
    # the CX rides on each conversation's holder review only
    plain = [r for r in ScoringEngine(card).score(conversations[:10]) if r.holder]
    learned = [r for r in ScoringEngine(with_model).score(conversations[:10]) if r.holder]
    assert len(plain) == len(learned) == 10
    for before, after in zip(plain, learned, strict=True):
        assert before.cx is not None and after.cx is not None
        assert after.cx.explanation.startswith("Learned from 60 of the team's reviews (model v1)")
        assert after.cx.subscores == before.cx.subscores
        assert after.cx.value == pytest.approx(max(1.0, before.cx.value - 1.0), abs=0.5)
        assert after.cx.review_recommended == (after.cx.score <= 3)
    items = [Analysis(c) for c in conversations[:10]]
    expected = predict_with(
        load_artefact(str(path), sha),
        np.array([r.cx.value for r in plain if r.cx]),
        conversation_features(items),
    )
    assert [r.cx.value for r in learned if r.cx] == pytest.approx(list(expected))


def test_a_changed_model_file_is_refused_at_scoring(trained, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, _, conversations = trained
    card = default_scorecard()
    wrong = card.model_copy(
        update={"cx": card.cx.model_copy(update={"model": str(path), "model_sha256": "0" * 64})}
    )
    with pytest.raises(ConfigError, match="sha256"):
        ScoringEngine(wrong).score(conversations[:2])
