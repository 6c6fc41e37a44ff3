"""Trained-model files stay in the models folder, whatever the scorecard's name holds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from supportqa.domain.review import ScorecardRef
from supportqa.errors import InputError
from supportqa.models.artefacts import (
    LinearParams,
    ModelArtefact,
    next_version,
    save_artefact,
)

ESCAPING = ScorecardRef(name="x/../../../ESCAPED", version="1")


def _artefact(scorecard: ScorecardRef) -> ModelArtefact:
    params = LinearParams(
        mean=[0.0], scale=[1.0], coef=[1.0], intercept=0.0, iso_x=[], iso_y=[], alpha=None,
        low=1.0, high=5.0,
    )  # fmt: skip
    return ModelArtefact(
        target="cx",
        version=1,
        scorecard=scorecard,
        feature_version="1",
        encoder="test",
        reference="csat",
        n_reviews=1,
        trained_at=datetime(2026, 1, 1, tzinfo=UTC),
        params=params,
    )


def test_model_file_of_an_escaping_scorecard_name_is_refused(tmp_path: Path) -> None:
    """A review's scorecard reference is not held to the name rule, so the path is checked."""
    models = tmp_path / "db" / "supportqa-models"
    with pytest.raises(InputError, match="would write outside"):
        next_version(models, ESCAPING.name, "cx")
    with pytest.raises(InputError, match="would write outside"):
        save_artefact(models, _artefact(ESCAPING))
    assert not list(tmp_path.rglob("*ESCAPED*"))


def test_model_file_of_a_plain_name_is_written_in_the_models_folder(tmp_path: Path) -> None:
    path, _sha = save_artefact(tmp_path, _artefact(ScorecardRef(name="support", version="1")))
    assert path == tmp_path.resolve() / "support-cx-v1.json" and path.is_file()
    assert next_version(tmp_path, "support", "cx") == 2
