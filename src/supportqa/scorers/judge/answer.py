"""Turn the judge's JSON answer into Scores, trusting nothing: ratings must lie on the scale and every
quote must be found in the transcript.

A quote is looked up in the message it names, then in the others (whitespace, case and curly quotes
forgiven), in the redacted text the model saw; the matching span is mapped back to the original message,
so the stored quote is verbatim from the real transcript. A quote found nowhere is dropped and its rating
is marked unverified.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from supportqa.domain.score import Evidence, Score, clip_quote
from supportqa.scorers.judge.rubric import MAX_QUOTES, Rubric, RubricItem

_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
MAX_REASON_CHARS = 400


class MalformedAnswer(ValueError):
    """The answer is not the JSON asked for; the judge asks once more with this message."""


@dataclass
class Tally:
    """What grounding and validation found in one answer (summed over a run)."""

    unverified: int = 0
    dropped_quotes: int = 0
    relocated_quotes: int = 0
    out_of_scale: int = 0
    missing: int = 0
    kept_quotes: int = 0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Verdict:
    scores: dict[str, Score]
    tally: Tally = field(default_factory=Tally)


@dataclass(frozen=True)
class Messages:
    """The transcript twice: as sent (redacted) and as stored, with the way back from one to the other."""

    sent: Sequence[str]
    original: Sequence[str]
    restore: Callable[..., str] = lambda text, within=None: text
    """`restore(text, within=original message)`: placeholders back to the values written there."""


def _folded(text: str) -> tuple[str, list[int]]:
    """Lower-cased text with whitespace runs collapsed and curly quotes straightened, plus for each
    character of it the index it came from."""
    chars: list[str] = []
    origin: list[int] = []
    in_space = False
    for index, char in enumerate(text.translate(_FOLD)):
        if char.isspace():
            if in_space or not chars:
                continue
            in_space = True
            chars.append(" ")
        else:
            in_space = False
            chars.append(char.lower())
        origin.append(index)
    return "".join(chars), origin


def find_span(quote: str, text: str) -> tuple[int, int] | None:
    """Where `quote` is in `text`: exactly, else forgiving whitespace, case and curly quotes."""
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    folded_quote, _ = _folded(quote)
    folded_quote = folded_quote.strip()
    if not folded_quote:
        return None
    folded_text, origin = _folded(text)
    at = folded_text.find(folded_quote)
    if at < 0:
        return None
    return origin[at], origin[at + len(folded_quote) - 1] + 1


def ground(quote: str, message: int | None, messages: Messages) -> tuple[Evidence | None, bool]:
    """The evidence for a quote (verbatim from the original message), and whether it was found in a
    message other than the one the judge named."""
    text = quote.strip().strip("\"'\u201c\u201d").strip()
    if not text:
        return None, False
    count = len(messages.sent)
    named = message if isinstance(message, int) and 0 <= message < count else None
    order = ([named] if named is not None else []) + [i for i in range(count) if i != named]
    for index in order:
        span = find_span(text, messages.sent[index])
        if span is None:
            continue
        original = messages.restore(
            messages.sent[index][span[0] : span[1]], within=messages.original[index]
        )
        if original in messages.original[index]:
            return Evidence(message_index=index, quote=clip_quote(original)), index != named
    return None, False


def load_json(content: str) -> dict[str, Any]:
    """The answer's JSON object (code fences tolerated); MalformedAnswer says what is wrong."""
    fenced = _FENCE.match(content)
    text = fenced.group(1) if fenced else content.strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedAnswer(f"not valid JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(data, dict):
        raise MalformedAnswer(f"expected a JSON object, got {type(data).__name__}")
    return data


def _rating(value: Any) -> float | str | None:
    """The rating as a number, None for N/A, or a string saying why it is not a rating."""
    if value is None or (isinstance(value, str) and value.strip().upper() in ("N/A", "NA", "")):
        return None
    if isinstance(value, bool):
        return f"{value!r} is not a rating"
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return f"{value!r} is not a rating"
    return f"{value!r} is not a rating"


def _confidence(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return min(1.0, max(0.0, float(value)))
    return None


def _score(item: RubricItem, entry: Any, messages: Messages, tally: Tally) -> Score:
    if not isinstance(entry, dict):
        tally.missing += 1
        return Score.failure(f"the judge's answer for {item.key} is not an object")
    reason = " ".join(str(entry.get("reason") or "").split())[:MAX_REASON_CHARS]
    rating = _rating(entry.get("rating"))
    if isinstance(rating, str):
        tally.out_of_scale += 1
        return Score.failure(f"the judge's rating for {item.key} was rejected: {rating}")
    evidence: list[Evidence] = []
    dropped = 0
    raw_quotes = entry.get("evidence")
    for raw in (raw_quotes if isinstance(raw_quotes, list) else [])[:MAX_QUOTES]:
        if not isinstance(raw, dict):
            dropped += 1
            continue
        found, moved = ground(str(raw.get("quote") or ""), raw.get("message"), messages)
        if found is None:
            dropped += 1
        else:
            evidence.append(found)
            tally.relocated_quotes += moved
    tally.dropped_quotes += dropped
    tally.kept_quotes += len(evidence)
    verified = False if dropped else (True if evidence else None)
    if rating is None:
        score = Score.not_applicable(reason or "the judge found the criterion does not apply")
        score.evidence = evidence
    elif rating not in item.points:
        tally.out_of_scale += 1
        return Score.failure(
            f"the judge rated {item.key} {rating:g}, outside the scale "
            f"{min(item.points)}..{max(item.points)}"
        )
    else:
        score = Score.rated(rating, reason or "rated by the LLM judge", evidence)
    score.confidence = _confidence(entry.get("confidence"))
    score.verified = verified
    if verified is False:
        tally.unverified += 1
        note = "a quote the judge gave is not in the transcript and was dropped"
        score.explanation = f"{score.explanation} (unverified: {note})"
    return score


def parse_answer(content: str, rubric: Rubric, messages: Messages, *, strict: bool) -> Verdict:
    """Scores for every rubric criterion. `strict` (the first answer) treats a missing criterion as a
    malformed answer, so it is asked again; on the second answer it becomes a recorded failure."""
    data = load_json(content)
    block = data.get("criteria", data)
    if not isinstance(block, dict):
        raise MalformedAnswer("'criteria' must be an object keyed by criterion")
    missing = [key for key in rubric.keys if key not in block]
    if len(missing) == len(rubric.keys) or (strict and missing):
        raise MalformedAnswer(f"no entry for {', '.join(missing)}")
    verdict = Verdict({})
    for item in rubric.items:
        if item.key in missing:
            verdict.tally.missing += 1
            verdict.scores[item.key] = Score.failure(f"the judge gave no rating for {item.key}")
        else:
            verdict.scores[item.key] = _score(item, block[item.key], messages, verdict.tally)
    return verdict
