"""Nested cross-validation, the accept/refuse decision and model artefacts, on synthetic features."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from supportqa.calibration.learn import cross_validate, decide, fit, spearman
from supportqa.domain.review import ScorecardRef
from supportqa.errors import ConfigError, InputError
from supportqa.models.artefacts import (
    LinearParams,
    ModelArtefact,
    load_artefact,
    next_version,
    save_artefact,
)
from supportqa.services.training import models_dir


def _data(n: int = 300, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """y depends on two of twenty features; `weak` is a noisy zero-shot guess at y."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 20))
    latent = 1.5 * x[:, 0] - 1.0 * x[:, 3] + rng.normal(scale=0.5, size=n)
    y = np.clip(np.round(3 + latent), 1, 5)
    weak = latent + rng.normal(scale=3.0, size=n)
    return x, y, weak


def test_fit_maps_predictions_onto_the_scale_and_ranks_like_the_truth() -> None:
    x, y, _ = _data()
    model = fit(x, y, low=1, high=5)
    predicted = model.predict(x)
    assert predicted.min() >= 1 and predicted.max() <= 5
    assert spearman(predicted, y) > 0.8


def test_nested_cross_validation_beats_a_weak_zero_shot_and_is_accepted() -> None:
    x, y, weak = _data()
    oof = cross_validate(x, y, low=1, high=5, folds=5)
    decision = decide(y, weak, oof, resamples=300)
    assert decision.after.value > 0.75
    assert decision.difference.low > 0
    assert decision.accepted


def test_shuffled_labels_are_refused() -> None:
    x, y, weak = _data()
    shuffled = np.random.default_rng(7).permutation(y)
    oof = cross_validate(x, shuffled, low=1, high=5, folds=5)
    decision = decide(shuffled, weak, oof, resamples=300)
    assert abs(decision.after.value) < 0.2
    assert not decision.accepted
    assert "includes 0" in decision.reason


def test_a_model_no_better_than_zero_shot_is_refused() -> None:
    x, y, _ = _data()
    oof = cross_validate(x, y, low=1, high=5, folds=5)
    decision = decide(y, oof + 1e-9, oof, resamples=300)
    assert not decision.accepted


def test_learning_curve_subsamples_each_training_fold() -> None:
    x, y, _ = _data(n=400)
    small = spearman(cross_validate(x, y, low=1, high=5, train_size=30), y)
    large = spearman(cross_validate(x, y, low=1, high=5), y)
    assert large > small


def test_too_few_reviews_is_a_clear_error() -> None:
    x, y, _ = _data(n=20)
    with pytest.raises(InputError, match="too few"):
        cross_validate(x, y, low=1, high=5)


def _artefact(version: int = 1) -> ModelArtefact:
    x, y, _ = _data(n=60)
    return ModelArtefact(
        target="cx",
        version=version,
        scorecard=ScorecardRef(name="default", version="2"),
        feature_version="1",
        encoder="onnx",
        reference="csat",
        n_reviews=60,
        trained_at="2026-11-24T00:00:00Z",  # type: ignore[arg-type]
        params=LinearParams.of(fit(x, y, low=1, high=5)),
    )


def test_artefacts_round_trip_as_json_and_predict_identically(tmp_path: Path) -> None:
    artefact = _artefact()
    path, sha = save_artefact(tmp_path, artefact)
    assert path.name == "default-cx-v1.json"
    assert json.loads(path.read_text())["format"] == "supportqa-model"
    loaded = load_artefact(str(path), sha)
    x, _, _ = _data(n=10, seed=3)
    assert np.allclose(loaded.params.linear().predict(x), artefact.params.linear().predict(x))
    assert next_version(tmp_path, "default", "cx") == 2


def test_an_edited_artefact_is_refused(tmp_path: Path) -> None:
    path, sha = save_artefact(tmp_path, _artefact())
    path.write_text(path.read_text().replace('"csat"', '"human cx"'))
    load_artefact.cache_clear()
    with pytest.raises(ConfigError, match="sha256"):
        load_artefact(str(path), sha)
    with pytest.raises(ConfigError, match="not found"):
        load_artefact(str(tmp_path / "missing.json"), None)


def test_versions_are_never_overwritten(tmp_path: Path) -> None:
    save_artefact(tmp_path, _artefact())
    with pytest.raises(ConfigError, match="never overwritten"):
        save_artefact(tmp_path, _artefact())


def test_models_live_next_to_a_sqlite_database(tmp_path: Path) -> None:
    assert models_dir(f"sqlite:///{tmp_path}/qa.db") == tmp_path / "supportqa-models"


def test_a_model_without_its_ridge_part_round_trips(tmp_path: Path) -> None:
    """When the other features only add noise the ridge part is dropped (alpha = inf)."""
    rng = np.random.default_rng(4)
    base = rng.integers(0, 2, size=120).astype(float)
    noise = rng.normal(size=(120, 30))
    x = np.hstack([base[:, None], noise])
    model = fit(x, base, low=0, high=1, unpenalised=1)
    assert np.isinf(model.alpha) and not model.coef[1:].any()
    artefact = _artefact().model_copy(update={"params": LinearParams.of(model)})
    path, sha = save_artefact(tmp_path, artefact)
    loaded = load_artefact(str(path), sha).params.linear()
    assert np.allclose(loaded.predict(x), model.predict(x))
