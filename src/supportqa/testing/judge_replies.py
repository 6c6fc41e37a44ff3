"""A simulated LLM judge for the scripted server: it reads supportqa's judge request (the numbered
transcript and the answer's JSON schema) and answers like a well-behaved model — or, on request, like a
badly behaved one (invented quotes, ratings off the scale).

Use it to test a scorecard's LLM criteria end to end offline:

    with OpenAIServer(responder=SimulatedJudge()) as server:
        # SUPPORTQA_LLM_BASE_URL=server.base_url; supportqa score --llm ...
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from supportqa.testing.openai_server import ChatRequest, Reply

_LINE = re.compile(r"^\[(\d+)\] (\w+): (.*)$")
_KEYS = re.compile(r"with one entry for each of: ([\w\-, ]+)\.")
_HAPPY = ("thank", "great", "perfect", "works", "resolved", "awesome", "appreciate")
_UNHAPPY = ("still", "not", "useless", "angry", "cancel", "worst", "ridiculous", "never")

RatingRule = Callable[[str, list[int], list[tuple[int, str, str]]], int | None]


def transcript_lines(request: ChatRequest) -> list[tuple[int, str, str]]:
    """(message number, role, text) for each numbered line of the request's transcript."""
    lines = []
    for raw in request.user_text.splitlines():
        match = _LINE.match(raw.strip())
        if match:
            lines.append((int(match.group(1)), match.group(2), match.group(3)))
    return lines


def rubric_points(request: ChatRequest) -> dict[str, list[int]]:
    """Each criterion's allowed ratings, from the JSON schema (or the prompt, without a schema)."""
    schema = request.response_format_schema
    if schema is None:
        match = re.search(r"JSON schema of the answer: (\{.*\})\s*$", request.system_text, re.S)
        if match:
            import json

            schema = json.loads(match.group(1))
    if schema is not None:
        criteria = schema["properties"]["criteria"]["properties"]
        return {
            key: [p for p in spec["properties"]["rating"]["enum"] if p is not None]
            for key, spec in criteria.items()
        }
    found = _KEYS.search(request.system_text)
    keys = [k.strip() for k in found.group(1).split(",")] if found else []
    return {key: [1, 2, 3, 4, 5] for key in keys}


def mood_rating(key: str, points: list[int], lines: list[tuple[int, str, str]]) -> int | None:
    """Top of the scale when the customer ends happy, bottom when unhappy, else the middle."""
    last = next((text.lower() for _, role, text in reversed(lines) if role == "customer"), "")
    if any(word in last for word in _HAPPY):
        return points[-1]
    if any(re.search(rf"\b{word}\b", last) for word in _UNHAPPY):
        return points[0]
    return points[len(points) // 2]


@dataclass
class SimulatedJudge:
    """A responder (`OpenAIServer(responder=SimulatedJudge())`) answering every criterion.

    `hallucinate`: quotes are invented (not in the transcript). `off_scale`: ratings two points above
    the scale's top. `rule` decides the rating (default `mood_rating`)."""

    rule: RatingRule = mood_rating
    hallucinate: bool = False
    off_scale: bool = False
    quote_words: int = 8

    def answer(self, request: ChatRequest) -> dict[str, Any]:
        lines = transcript_lines(request)
        staff = [line for line in lines if line[1] in ("agent", "bot")] or lines
        criteria: dict[str, Any] = {}
        for key, points in rubric_points(request).items():
            rating = self.rule(key, points, lines)
            if self.off_scale and rating is not None:
                rating = points[-1] + 2
            evidence = []
            if staff:
                number, _, text = staff[0]
                quote = " ".join(text.split()[: self.quote_words])
                if self.hallucinate:
                    quote = "I guarantee a full refund and a free upgrade today"
                evidence.append({"message": number, "quote": quote})
            criteria[key] = {
                "rating": rating,
                "confidence": 0.8,
                "reason": f"Simulated judgement of {key}.",
                "evidence": evidence,
            }
        return {"criteria": criteria}

    def __call__(self, request: ChatRequest) -> Reply:
        return Reply.json(self.answer(request))
