"""Trained models as versioned JSON files in the workspace, next to the database — never in the package.

A model fitted on a team's reviews (or on research data) is that team's: it lives in
`<database folder>/supportqa-models/<scorecard>-<target>-v<N>.json`, a new version per accepted
training run, and a scorecard names it with its sha256 so an edited or swapped file is refused
rather than silently used. JSON rather than pickle: readable, diffable and safe to load.

This module is the file format only (write into, read from a folder it is given): which folder belongs
to a workspace is the training service's business (`supportqa.services.training.models_dir`), so the
scorers that load a model never reach for the database layer.
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from supportqa.domain.review import ScorecardRef
from supportqa.errors import ConfigError
from supportqa.models.linear import LinearModel
from supportqa.paths import confined

MODELS_FOLDER = "supportqa-models"


class LinearParams(BaseModel):
    model_config = ConfigDict(frozen=True)

    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    iso_x: list[float]
    iso_y: list[float]
    alpha: float | None
    """The ridge penalty; None when the ridge part was dropped (the recalibrated base rating)."""
    low: float
    high: float

    @classmethod
    def of(cls, model: LinearModel) -> LinearParams:
        return cls(
            mean=model.mean.tolist(),
            scale=model.scale.tolist(),
            coef=model.coef.tolist(),
            intercept=model.intercept,
            iso_x=model.iso_x.tolist(),
            iso_y=model.iso_y.tolist(),
            alpha=None if math.isinf(model.alpha) else model.alpha,
            low=model.low,
            high=model.high,
        )

    def linear(self) -> LinearModel:
        return LinearModel(
            mean=np.array(self.mean),
            scale=np.array(self.scale),
            coef=np.array(self.coef),
            intercept=self.intercept,
            iso_x=np.array(self.iso_x),
            iso_y=np.array(self.iso_y),
            alpha=math.inf if self.alpha is None else self.alpha,
            low=self.low,
            high=self.high,
        )


class ModelArtefact(BaseModel):
    """What a trained model is, what it was trained on and how well it did, plus its parameters."""

    model_config = ConfigDict(frozen=True)

    format: Literal["supportqa-model"] = "supportqa-model"
    target: str
    """`cx` or a criterion key."""
    version: int
    scorecard: ScorecardRef
    feature_version: str
    encoder: str
    uses_base: bool = True
    """The zero-shot rating (or CX value) is the first feature."""
    reference: str
    """What the model learned: `human ratings`, `human cx` or `csat`."""
    n_reviews: int
    trained_at: datetime
    figures: dict[str, Any] = Field(default_factory=dict)
    params: LinearParams

    @property
    def file_name(self) -> str:
        return f"{self.scorecard.name}-{self.target}-v{self.version}.json"


def next_version(directory: Path, scorecard: str, target: str) -> int:
    confined(directory, f"{scorecard}-{target}-v1.json")  # before globbing with data in the pattern
    existing = [
        int(p.stem.rsplit("-v", 1)[1])
        for p in directory.glob(f"{scorecard}-{target}-v*.json")
        if p.stem.rsplit("-v", 1)[1].isdigit()
    ]
    return max(existing, default=0) + 1


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_artefact(directory: Path, artefact: ModelArtefact) -> tuple[Path, str]:
    """Write the artefact (never over an existing file); returns its path and sha256."""
    path = confined(directory, artefact.file_name)
    directory.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise ConfigError(f"{path} exists already; model versions are never overwritten")
    path.write_text(artefact.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return path, sha256_of(path)


@lru_cache(maxsize=32)
def load_artefact(path: str, sha256: str | None) -> ModelArtefact:
    """The artefact at `path`, checked against the sha256 its scorecard recorded."""
    file = Path(path)
    if not file.is_file():
        raise ConfigError(
            f"trained model {file} not found: models live next to the database that "
            "`supportqa train` used; copy the folder with it or re-run `supportqa train`"
        )
    if sha256 is not None and sha256_of(file) != sha256:
        raise ConfigError(
            f"trained model {file} has changed since the scorecard named it (sha256 differs); "
            "re-run `supportqa train --apply` to name the current file"
        )
    try:
        return ModelArtefact.model_validate_json(file.read_bytes())
    except ValueError as exc:
        raise ConfigError(f"{file} is not a supportqa model: {exc}") from None


def now() -> datetime:
    return datetime.now(UTC)
