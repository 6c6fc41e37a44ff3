"""The rubric sent to the judge: each criterion's description and levels, and the answer's JSON schema.

One schema covers every LLM criterion of the scorecard, so one request per conversation rates them all.
Each criterion's `rating` is an enum of its scale's points (plus null when N/A is allowed), so servers
that enforce the schema (OpenAI strict mode, vLLM/llama.cpp grammars) cannot answer off the scale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from supportqa.domain.scorecard import Criterion, Scale

MAX_QUOTES = 3


def scale_points(scale: Scale) -> list[int]:
    """The whole-number ratings of a scale (1..5, 0..1, ...), the only answers the judge may give."""
    low, high = int(scale.min), int(scale.max)
    return list(range(low if low >= scale.min else low + 1, high + 1))


def default_levels(scale: Scale) -> dict[int, str]:
    """Words for each point when the scorecard gives none: a judge needs anchors, not bare numbers."""
    points = scale_points(scale)
    if len(points) == 2:
        return {points[0]: "not met", points[1]: "met"}
    words = {
        3: ["poor", "acceptable", "good"],
        4: ["poor", "needs improvement", "good", "excellent"],
        5: ["very poor", "poor", "acceptable", "good", "excellent"],
    }.get(len(points))
    if words is None:
        return {points[0]: "worst", points[-1]: "best"}
    return dict(zip(points, words, strict=True))


@dataclass(frozen=True)
class RubricItem:
    key: str
    name: str
    description: str
    levels: dict[int, str]
    points: list[int]
    allow_na: bool

    def as_text(self) -> str:
        levels = "; ".join(f"{point} = {text}" for point, text in sorted(self.levels.items()))
        na = " N/A (rating null) when the criterion does not apply." if self.allow_na else ""
        about = f" {self.description.strip()}" if self.description.strip() else ""
        return f"- {self.key} ({self.name}):{about} Ratings: {levels}.{na}"


@dataclass(frozen=True)
class Rubric:
    items: tuple[RubricItem, ...]

    @classmethod
    def of(cls, criteria: Sequence[Criterion]) -> Rubric:
        return cls(
            tuple(
                RubricItem(
                    key=c.key,
                    name=c.name,
                    description=c.description,
                    levels=dict(c.levels) or default_levels(c.scale),
                    points=scale_points(c.scale),
                    allow_na=c.allow_na,
                )
                for c in criteria
            )
        )

    @property
    def keys(self) -> list[str]:
        return [item.key for item in self.items]

    def item(self, key: str) -> RubricItem:
        return next(item for item in self.items if item.key == key)

    def as_text(self) -> str:
        return "\n".join(item.as_text() for item in self.items)

    def digest(self) -> str:
        """Part of the cache key: a changed description or level means a new answer."""
        text = json.dumps(
            [
                [i.key, i.name, i.description, sorted(i.levels.items()), i.allow_na]
                for i in self.items
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def json_schema(self) -> dict[str, Any]:
        """The structured answer: per criterion a rating, a confidence, a reason and quotes."""
        return {
            "type": "object",
            "properties": {
                "criteria": {
                    "type": "object",
                    "properties": {item.key: _criterion_schema(item) for item in self.items},
                    "required": self.keys,
                    "additionalProperties": False,
                }
            },
            "required": ["criteria"],
            "additionalProperties": False,
        }


def _criterion_schema(item: RubricItem) -> dict[str, Any]:
    rating: dict[str, Any] = (
        {"type": ["integer", "null"], "enum": [*item.points, None]}
        if item.allow_na
        else {"type": "integer", "enum": item.points}
    )
    return {
        "type": "object",
        "properties": {
            "rating": rating,
            "confidence": {"type": "number"},
            "reason": {"type": "string"},
            "evidence": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"message": {"type": "integer"}, "quote": {"type": "string"}},
                    "required": ["message", "quote"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["rating", "confidence", "reason", "evidence"],
        "additionalProperties": False,
    }
