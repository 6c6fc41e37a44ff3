"""Detectors and CX weights: the parts of a scorecard that teach the model scorers a team's language.

A detector finds sentences that mean one thing ("the customer confirms it worked") by their similarity
to exemplar phrases, so a team adds its own wording in YAML instead of code. Keywords are a second,
exact route for phrases that must always count.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DetectorRole = Literal["customer", "agent"]

CX_PARTS = ("resolution", "sentiment", "service_quality")
ROUNDING_CUTS = (1.5, 2.5, 3.5, 4.5)
"""The cuts of plain rounding half up: what a scorecard without `cx.cuts` uses."""
FLAG_AT_OR_BELOW = 3
"""A CX score of 1–3 recommends the conversation for human review (the CX flag)."""


class DetectorSpec(BaseModel):
    """Sentences by `role` whose cosine similarity to an exemplar reaches `threshold` (and beats every
    counter-exemplar) are hits; so is any sentence containing a keyword (case-insensitive)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: DetectorRole
    description: str = ""
    exemplars: tuple[str, ...] = Field(min_length=1)
    counter_exemplars: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    threshold: float = Field(default=0.6, gt=0, le=1)

    @field_validator("exemplars", "counter_exemplars", "keywords")
    @classmethod
    def _no_blanks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not v.strip() for v in value):
            raise ValueError("phrases must not be blank")
        return value


class CxConfig(BaseModel):
    """Weights of the CX sub-scores; they must sum to 1 (a missing sub-score's weight is shared out)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    """False skips CX (and its sentence model) for rules-only scorecards."""
    weights: dict[str, float] = Field(
        default_factory=lambda: {"resolution": 0.3, "sentiment": 0.5, "service_quality": 0.2}
    )
    model: str | None = None
    """A CX model trained on the team's reviews (`supportqa train --apply`): its path and sha256."""
    model_sha256: str | None = None
    cuts: tuple[float, float, float, float] | None = None
    """Where the 1–5 CX score steps up: score = 1 + the number of cuts ≤ value, so the flag (score
    1–3) is value < the third cut. None rounds half up (`ROUNDING_CUTS`); `calibrate cx` fits them."""

    @field_validator("cuts")
    @classmethod
    def _valid_cuts(
        cls, value: tuple[float, float, float, float] | None
    ) -> tuple[float, float, float, float] | None:
        if value is None:
            return None
        if any(not 1 < c < 5 for c in value):
            raise ValueError(f"CX cuts must lie strictly between 1 and 5, got {list(value)}")
        if any(b <= a for a, b in pairwise(value)):
            raise ValueError(f"CX cuts must be strictly ascending, got {list(value)}")
        return value

    @property
    def score_cuts(self) -> tuple[float, float, float, float]:
        """The cuts in force: the scorecard's, else plain rounding's."""
        return self.cuts or ROUNDING_CUTS

    def band(self, value: float) -> int:
        """The 1–5 CX score of a CX value: 1 + the number of cuts at or below it."""
        return 1 + sum(1 for cut in self.score_cuts if cut <= value)

    def flagged(self, value: float) -> bool:
        """Recommended for human review: the value falls in band 1–3 (below the third cut)."""
        return self.band(value) <= FLAG_AT_OR_BELOW

    @model_validator(mode="after")
    def _valid_weights(self) -> CxConfig:
        unknown = set(self.weights) - set(CX_PARTS)
        if unknown:
            raise ValueError(f"unknown CX sub-score(s) {sorted(unknown)}; use {list(CX_PARTS)}")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("CX weights must not be negative")
        total = sum(self.weights.values())
        if abs(total - 1) > 1e-6:
            raise ValueError(f"CX weights must sum to 1, they sum to {total:g}")
        return self
