"""JSON Schemas of the data contracts, generated from the domain models (docs/schemas/ holds copies).

`supportqa schema NAME` prints one; a test keeps docs/schemas/ equal to what this module generates.
"""

from __future__ import annotations

from typing import Any

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine, Review

_SCALE: dict[str, Any] = {
    "oneOf": [
        {"enum": ["binary", "3-point", "4-point", "5-point"]},
        {
            "type": "object",
            "properties": {"min": {"type": "number"}, "max": {"type": "number"}},
            "required": ["min", "max"],
            "additionalProperties": False,
        },
    ]
}
_SCORER_ITEM: dict[str, Any] = {
    "oneOf": [
        {"type": "string"},
        {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "additionalProperties": {"type": ["object", "null"]},
        },
    ]
}

SCORECARD_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Scorecard",
    "description": "A supportqa scorecard (YAML). Weights are 0-100; scorers are {name: {args}}.",
    "type": "object",
    "required": ["name", "version", "criteria"],
    "properties": {
        "name": {
            "type": "string",
            "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$",
            "description": "Part of file names (scorecard-<name>-v<version>.yaml, trained models).",
        },
        "former_name": {
            "type": "string",
            "description": "The name before migration 0007 made it a slug (written by supportqa).",
        },
        "version": {"type": ["string", "number"]},
        "description": {"type": "string"},
        "criteria": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["key", "weight", "scale"],
                "additionalProperties": False,
                "properties": {
                    "key": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"},
                    "name": {"type": "string"},
                    "group": {"type": "string"},
                    "description": {"type": "string"},
                    "weight": {"type": "number", "minimum": 0, "maximum": 100},
                    "scale": _SCALE,
                    "critical": {"type": "boolean"},
                    "allow_na": {"type": "boolean"},
                    "abstain_below": {
                        "type": "number",
                        "minimum": 0,
                        "maximum": 1,
                        "description": "The AI answers `unsure` below this calibrated confidence.",
                    },
                    "scorer": {"oneOf": [_SCORER_ITEM, {"type": "array", "items": _SCORER_ITEM}]},
                    "levels": {
                        "type": "object",
                        "description": "What each rating means in words (the LLM judge's rubric).",
                        "propertyNames": {"pattern": "^-?[0-9]+$"},
                        "additionalProperties": {"type": "string", "minLength": 1},
                    },
                    "use_when_untrusted": {
                        "type": "boolean",
                        "description": "Keep the criterion in coaching and agent rankings while "
                        "the latest calibration marks it untrusted.",
                    },
                },
            },
        },
        "detectors": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["role", "exemplars"],
                "additionalProperties": False,
                "properties": {
                    "role": {"enum": ["customer", "agent"]},
                    "description": {"type": "string"},
                    "exemplars": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                    "counter_exemplars": {"type": "array", "items": {"type": "string"}},
                    "keywords": {"type": "array", "items": {"type": "string"}},
                    "threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                },
            },
        },
        "cx": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "enabled": {"type": "boolean"},
                "weights": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        name: {"type": "number", "minimum": 0}
                        for name in ("resolution", "sentiment", "service_quality")
                    },
                },
                "cuts": {
                    "type": ["array", "null"],
                    "description": "Where the 1–5 CX score steps up (score = 1 + cuts ≤ value); "
                    "1–3 is flagged. Null: rounding.",
                    "items": {"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 5},
                    "minItems": 4,
                    "maxItems": 4,
                },
                "model": {
                    "type": ["string", "null"],
                    "description": "A trained CX model (train --apply).",
                },
                "model_sha256": {"type": ["string", "null"]},
            },
        },
        "llm": {
            "type": "object",
            "description": "The optional LLM judge (score --llm).",
            "additionalProperties": False,
            "properties": {
                "model": {"type": ["string", "null"]},
                "criteria": {"type": ["array", "null"], "items": {"type": "string"}},
                "confidence_below": {"type": "number", "minimum": 0, "maximum": 1},
            },
        },
        "targets": {
            "type": "object",
            "description": "IQS targets the report colours against: the scorecard's, and per team.",
            "additionalProperties": False,
            "properties": {
                "iqs": {"type": "number", "minimum": 0, "maximum": 100, "default": 88},
                "teams": {
                    "type": "object",
                    "additionalProperties": {"type": "number", "minimum": 0, "maximum": 100},
                },
            },
        },
    },
    "additionalProperties": False,
}


def schemas() -> dict[str, dict[str, Any]]:
    """Every contract by name: conversation, review, ratings, scorecard."""
    out: dict[str, dict[str, Any]] = {
        "conversation": Conversation.model_json_schema(),
        "review": Review.model_json_schema(),
        "ratings": RatingsLine.model_json_schema(),
        "scorecard": SCORECARD_SCHEMA,
    }
    _accept_id_strings(out["conversation"])
    for schema in out.values():
        schema.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
    return out


def _accept_id_strings(schema: dict[str, Any]) -> None:
    """`agent`, `customer` and `author` may be given as a bare id string; ids may be integers."""
    props = schema["properties"]
    for name in ("agent", "customer"):
        props[name]["anyOf"].insert(0, {"type": "string"})
    props["id"] = {
        "anyOf": [{"type": "string", "minLength": 1}, {"type": "integer"}],
        "title": "Id",
    }
    message = schema["$defs"]["Message"]["properties"]
    message["author"]["anyOf"].insert(0, {"type": "string"})
