"""Transcript artefacts are blanked in place: offsets stay, the customer's real words stay."""

from __future__ import annotations

import pytest

from supportqa.signals.artefacts import content, is_artefact_only, mask_artefacts
from supportqa.signals.sentiment import customer_sentiment
from supportqa.signals.text import sentence_spans
from supportqa.testing import conversation


@pytest.mark.parametrize(
    "text",
    [
        "Customer uploaded a file: IMG_20260707_0905.jpg",
        "[image]",
        "#NAME#",
        "{{ticket.custom_field_cost_center}}",
        "Attachment: employment_letter_dublin.pdf (212 KB)",
        "Uploaded: Screenshot_2026-03-30-14-58.png",
        "[Customer uploaded IMG_20260209_2007.jpg]",
        "[image]\n\nSent from Outlook for Android",
    ],
)
def test_artefact_only_messages(text: str) -> None:
    assert is_artefact_only(text)
    assert content(text) == ""


@pytest.mark.parametrize(
    "text",
    [
        "I sent the file yesterday",
        "Photo: see below",
        "Hi, where do I find my FTP password? I need to upload some files today.",
        "Image",
    ],
)
def test_words_about_files_are_kept(text: str) -> None:
    assert content(text) == text


def test_mask_keeps_offsets_and_quoted_history_goes() -> None:
    text = (
        "Perfect, that worked. Thank you!\n\nAhmed\n\n"
        "On Wed, 4 Feb 2026 at 15:04, Cloudhive Support <support@cloudhive.example> wrote:\n"
        "> It is still broken, I am furious"
    )
    masked = mask_artefacts(text)
    assert len(masked) == len(text)
    assert "furious" not in masked and "Perfect, that worked." in masked
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["Perfect, that worked.", "Thank you!", "Ahmed"]


def test_placeholder_inside_a_sentence_is_blanked_not_the_sentence() -> None:
    text = "Tuesday is fine. (By the way, my name isn't #NAME# 🙂)"
    assert "#NAME#" not in content(text) and "Tuesday is fine." in content(text)


def test_upload_notice_is_not_the_customers_last_word() -> None:
    conv = conversation(
        ("customer", "My order arrived broken and I am really upset."),
        ("agent", "I'm sorry! I've sent a replacement today."),
        ("customer", "great, thanks so much"),
        ("customer", "Customer uploaded a file: IMG_0905.jpg"),
    )
    points = customer_sentiment(conv).points
    assert [p.message_index for p in points] == [0, 2]
    assert points[-1].score > 0
