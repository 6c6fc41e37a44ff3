"""Language detection leans English: the written non-English conversations are recognised, and
short, ambiguous or English text is never called foreign."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from supportqa.domain.conversation import Conversation
from supportqa.evaluation.regression import load_regression
from supportqa.signals.language import (
    DetectedLanguage,
    conversation_language,
    detect_language,
    language_text,
)

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURE = DATA / "languages" / "conversations.jsonl"


def fixture() -> list[Conversation]:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    return [Conversation.model_validate(json.loads(line)) for line in lines]


def test_every_written_non_english_conversation_is_recognised() -> None:
    conversations = fixture()
    assert len(conversations) >= 40
    wrong = [
        (c.id, conversation_language(c).code)
        for c in conversations
        if conversation_language(c).code != c.metadata["expected_language"]
    ]
    assert wrong == []


def test_a_customer_line_in_english_does_not_make_a_spanish_conversation_english() -> None:
    (mixed,) = [c for c in fixture() if c.id == "mixed-es-1"]
    assert mixed.messages[0].text.startswith("Hi, sorry")
    found = conversation_language(mixed)
    assert found.code == "es" and found.probability is not None and found.probability > 0.99


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Danke!",
        "Merci beaucoup",
        "Gracias, adiós",
        "Hola",
        "ok thanks",
        "Order 48213-XK, https://shop.example.com/o/48213 maria@example.com",
        "Grazie mille, ciao!",
        "Sí",
        "Tschüss und danke",
    ],
)
def test_short_or_ambiguous_text_is_never_called_foreign(text: str) -> None:
    assert detect_language(text).english_or_unknown


def test_no_conversation_of_the_regression_corpus_dev_half_reads_as_foreign() -> None:
    items = load_regression(DATA / "regression", "dev")
    assert items
    foreign = [
        i.conversation.id
        for i in items
        if not conversation_language(i.conversation).english_or_unknown
    ]
    assert foreign == []


def test_internal_notes_and_system_events_are_not_read() -> None:
    conversation = Conversation.model_validate(
        {
            "id": "n1",
            "messages": [
                {"role": "customer", "text": "My parcel never arrived, can you check it please?"},
                {"role": "note", "text": "Kunde ist verärgert, bitte schnell antworten."},
                {"role": "system", "text": "Ticket wurde an die zweite Ebene weitergeleitet."},
                {"role": "agent", "text": "Sorry about that, I have sent a replacement today."},
            ],
        }
    )
    assert "Kunde" not in language_text(conversation)
    assert "Ticket" not in language_text(conversation)
    assert conversation_language(conversation).code == "en"


def test_the_identifier_loads_once_and_answers_the_same_from_many_threads() -> None:
    texts = [language_text(c) for c in fixture()[:12]]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(detect_language, texts * 3))
    alone = [detect_language(t) for t in texts] * 3
    assert together == alone


def test_a_description_names_the_language_code_and_probability() -> None:
    assert DetectedLanguage("de", 0.987).describe() == "German (de, p=0.99)"
    assert not DetectedLanguage("de", 0.99).english_or_unknown
    assert DetectedLanguage("und").english_or_unknown
