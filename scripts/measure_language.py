"""Measure the language detector (`supportqa.signals.language`) where its thresholds were chosen:
the share of ENGLISH conversations it calls non-English (must be 0) on the regression corpus's dev
half, STC-3's dev split and the synthetic demo conversations, and its accuracy on the
non-English conversations in tests/data/languages/ (written for this).

Also prints, per English set, the highest probability any non-English best guess reached among
conversations with enough letters (what `MIN_PROBABILITY` must stay above), and the lowest
probability of a right guess on the non-English set (what it must stay below).

    python scripts/measure_language.py --data ../shared/data [--demo 2000]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from supportqa.domain.conversation import Conversation
from supportqa.evaluation.base import split
from supportqa.evaluation.regression import default_corpus_dir, load_regression
from supportqa.evaluation.stc3 import load_stc3
from supportqa.signals.language import (
    ENGLISH,
    MIN_LETTERS,
    MIN_PROBABILITY,
    _classify,
    conversation_language,
    detect_language,
    language_text,
    letters,
)
from supportqa.synthetic import generate_conversations

FIXTURE = (
    Path(__file__).resolve().parents[1] / "tests" / "data" / "languages" / "conversations.jsonl"
)


def english_set(name: str, conversations: Iterable[Conversation]) -> None:
    found: Counter[str] = Counter()
    worst: tuple[float, str, str] = (0.0, "", "")
    for conversation in conversations:
        found[conversation_language(conversation).code] += 1
        text = language_text(conversation)
        if letters(text) >= MIN_LETTERS:
            code, p = _classify(text)
            if code != ENGLISH and p > worst[0]:
                worst = (p, code, conversation.id)
    n = sum(found.values())
    foreign = n - found[ENGLISH] - found["und"]
    print(
        f"{name}: {n} conversations; non-English {foreign} ({foreign / max(n, 1):.2%}); "
        f"en {found[ENGLISH]}, und {found['und']}"
        + (f"; others {dict(found - Counter({ENGLISH: n, 'und': n}))}" if foreign else "")
    )
    if worst[1]:
        print(f"  highest non-English raw guess: {worst[1]} p={worst[0]:.3f} ({worst[2]})")


def single_messages(name: str, conversations: Iterable[Conversation]) -> None:
    """The harder case the thresholds are for: each public message read on its own (short text)."""
    texts = [m.text for c in conversations for m in c.messages if m.public and m.text.strip()]
    raw = sum(_classify(t)[0] != ENGLISH for t in texts)
    kept = sum(not detect_language(t).english_or_unknown for t in texts)
    print(
        f"  {name}, each message alone: {len(texts)} texts; non-English raw langid {raw} "
        f"({raw / max(len(texts), 1):.2%}), with the thresholds {kept} ({kept / max(len(texts), 1):.2%})"
    )


def fixture() -> None:
    right = 0
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    lowest = 1.0
    for row in rows:
        conversation = Conversation.model_validate(row)
        expected = row["metadata"]["expected_language"]
        got = conversation_language(conversation)
        right += got.code == expected
        if got.code == expected and got.probability is not None:
            lowest = min(lowest, got.probability)
        if got.code != expected:
            print(f"  wrong: {conversation.id}: {got.describe()} (expected {expected})")
    print(
        f"non-English fixture: {right} of {len(rows)} right ({right / len(rows):.1%}); "
        f"lowest probability of a right answer {lowest:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True, help="the shared data directory")
    parser.add_argument("--demo", type=int, default=2000, help="synthetic conversations (seed 7)")
    args = parser.parse_args()
    print(f"thresholds: MIN_LETTERS={MIN_LETTERS}, MIN_PROBABILITY={MIN_PROBABILITY}")
    corpus = default_corpus_dir()
    if corpus is not None:
        regression = [i.conversation for i in load_regression(corpus)]
        english_set("regression corpus dev", regression)
        single_messages("regression corpus dev", regression)
    stc = load_stc3(args.data / "stc3-dq" / "train_data_en.json")
    stc_dev = [i.conversation for i in stc if split(i.conversation.id) == "dev"]
    english_set("STC-3 dev", stc_dev)
    single_messages("STC-3 dev", stc_dev)
    demo = [Conversation.model_validate(c) for c in generate_conversations(args.demo, 7)]
    english_set(f"synthetic demo (seed 7, {args.demo})", demo)
    single_messages("synthetic demo", demo)
    fixture()


if __name__ == "__main__":
    main()
