"""What the judge is asked: instructions, the rubric, and the numbered (redacted) transcript.

`PROMPT_VERSION` is part of the cache key: change the wording and every conversation is judged anew.
The request bodies for the OpenAI chat-completions and Anthropic Messages protocols are built here, so
the dry run prints exactly what the client sends.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from supportqa.scorers.judge.rubric import MAX_QUOTES, Rubric

PROMPT_VERSION = "1"
SCHEMA_NAME = "qa_ratings"
MAX_TOKENS = 2048

_INSTRUCTIONS = """You are a customer-support quality reviewer. Rate the support agent in the \
conversation below against each criterion of the rubric, as an experienced QA lead would.

Rules:
- Rate only from what the transcript shows. Messages are numbered [n]; quote them exactly.
- For each criterion give: rating (one of the allowed ratings, or null for N/A where allowed), \
confidence (0 to 1), reason (one short sentence a support agent understands) and evidence: up to \
{max_quotes} short quotes (at most 30 words each) copied word for word from the numbered messages, \
with the message number. If the rating rests on something missing, give no quote and say what is \
missing in the reason.
- Placeholders such as [NAME_1] or [EMAIL_1] stand for redacted personal data; quote them as they are.

Rubric:
{rubric}

Answer with only this JSON object, no other text:
{{"criteria": {{"<criterion key>": {{"rating": <integer or null>, "confidence": <0..1>, \
"reason": "<one sentence>", "evidence": [{{"message": <n>, "quote": "<exact words>"}}]}}}}}}
with one entry for each of: {keys}."""


@dataclass(frozen=True)
class Transcript:
    """The numbered lines the judge reads; `texts[n]` is message n as sent (redacted)."""

    lines: str
    texts: tuple[str, ...]


def transcript(
    roles: Sequence[str], texts: Sequence[str], channel: str | None = None
) -> Transcript:
    head = f"Channel: {channel}\n" if channel else ""
    body = "\n".join(
        f"[{n}] {role}: {' '.join(text.split())}"
        for n, (role, text) in enumerate(zip(roles, texts, strict=True))
    )
    return Transcript(head + body, tuple(texts))


def system_prompt(rubric: Rubric) -> str:
    return _INSTRUCTIONS.format(
        max_quotes=MAX_QUOTES, rubric=rubric.as_text(), keys=", ".join(rubric.keys)
    )


def user_prompt(conversation: Transcript) -> str:
    return f"Conversation:\n{conversation.lines}"


def retry_prompt(error: str) -> str:
    """Sent once after an answer that was not the JSON asked for, with what was wrong."""
    return (
        f"Your answer could not be used: {error}. Answer again with only the JSON object "
        "described above, one entry for every criterion."
    )


def openai_body(
    model: str,
    rubric: Rubric,
    conversation: Transcript,
    *,
    response_format: str = "json_schema",
    extra_messages: Sequence[dict[str, str]] = (),
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": system_prompt(rubric)},
            {"role": "user", "content": user_prompt(conversation)},
            *extra_messages,
        ],
    }
    if response_format == "json_schema":
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": SCHEMA_NAME, "schema": rubric.json_schema(), "strict": True},
        }
    elif response_format == "json_object":
        body["response_format"] = {"type": "json_object"}
    return body


def anthropic_body(
    model: str,
    rubric: Rubric,
    conversation: Transcript,
    *,
    extra_messages: Sequence[dict[str, str]] = (),
) -> dict[str, Any]:
    """Anthropic's Messages API: the system prompt is a field; the schema goes in the prompt."""
    schema = json.dumps(rubric.json_schema(), separators=(",", ":"))
    return {
        "model": model,
        "max_tokens": MAX_TOKENS,
        "temperature": 0,
        "system": f"{system_prompt(rubric)}\nJSON schema of the answer: {schema}",
        "messages": [{"role": "user", "content": user_prompt(conversation)}, *extra_messages],
    }
