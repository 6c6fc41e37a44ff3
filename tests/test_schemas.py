"""The JSON Schemas in docs/ match the code, and the documented examples satisfy them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine, Review
from supportqa.domain.scorecard import default_scorecard, scorecard_from_dict
from supportqa.schemas import schemas

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


@pytest.mark.parametrize("name", ["conversation", "review", "ratings", "scorecard"])
def test_docs_schema_files_equal_generated(name: str) -> None:
    stored = json.loads((DOCS / "schemas" / f"{name}.json").read_text())
    assert stored == json.loads(json.dumps(schemas()[name])), (
        f"docs/schemas/{name}.json is stale: regenerate with `supportqa schema {name}`"
    )


def _doc_json_examples() -> list[dict[str, object]]:
    text = (DOCS / "formats.md").read_text()
    blocks = re.findall(r"```json\n(.*?)```", text, re.S)
    return [json.loads(b.replace("...", "")) for b in blocks]


def test_documented_examples_validate_against_schema_and_models() -> None:
    examples = _doc_json_examples()
    assert len(examples) == 3
    conversation, review, ratings = examples
    all_schemas = schemas()
    jsonschema.validate(conversation, all_schemas["conversation"])
    jsonschema.validate(review, all_schemas["review"])
    jsonschema.validate(ratings, all_schemas["ratings"])
    Conversation.model_validate(conversation)
    Review.model_validate(review)
    RatingsLine.model_validate(ratings)


def test_default_scorecard_and_doc_yaml_validate_against_scorecard_schema() -> None:
    schema = schemas()["scorecard"]
    jsonschema.validate(default_scorecard().to_dict(), schema)
    block = re.findall(r"```yaml\n(.*?)```", (DOCS / "formats.md").read_text(), re.S)[0]
    jsonschema.validate(yaml.safe_load(block), schema)
    scorecard_from_dict(yaml.safe_load(block))


@pytest.mark.parametrize(
    "bad",
    [{"messages": []}, {"id": "1"}, {"id": "1", "messages": [{"role": "alien", "text": ""}]}],
)
def test_schema_and_model_both_reject_invalid_conversations(bad: dict[str, object]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schemas()["conversation"])
    with pytest.raises(ValueError):
        Conversation.model_validate(bad)


def test_conversation_schema_accepts_id_string_shorthands() -> None:
    record = {
        "id": 7,
        "agent": "a1",
        "customer": "c1",
        "messages": [{"role": "agent", "text": "hi", "author": "a1"}],
    }
    jsonschema.validate(record, schemas()["conversation"])
    Conversation.model_validate(record)
