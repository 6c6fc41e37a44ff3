"""The generator never writes the scorers' own phrases: rule scorers meet fresh wording."""

from __future__ import annotations

import re

import pytest

from supportqa.domain.scorecard import default_scorecard
from supportqa.synthetic.phrases import generator_phrases

# Used only while `supportqa.scorers.phrases` does not exist yet: the keywords its brief names.
FALLBACK_BUILTIN = (
    "thanks for contacting",
    "anything else",
    "my name is",
    "have a great day",
    "take care",
    "kind regards",
    "feel free to reach out",
    "let us know",
    "thank you for your patience",
)


def normalise(text: str) -> str:
    """Lower case, punctuation removed, whitespace collapsed."""
    return " ".join(re.sub(r"[^\w\s]", "", text.lower()).split())


def scorer_phrases() -> list[str]:
    try:
        from supportqa.scorers.phrases import builtin_phrases
    except ImportError:
        builtin = list(FALLBACK_BUILTIN)
    else:
        builtin = builtin_phrases()
    card = default_scorecard()
    configured: list[str] = []
    for key in ("forbidden_phrases", "required_disclosure"):
        for spec in card.criterion(key).scorers:
            configured.extend(spec.args.get("phrases", []))
    assert configured, "the default scorecard lists forbidden phrases and disclosures"
    return sorted({normalise(p) for p in [*builtin, *configured]} - {""})


@pytest.fixture(scope="module")
def templates() -> list[str]:
    return sorted({normalise(t) for t in generator_phrases()} - {""})


def test_generator_phrases_cover_the_pools(templates: list[str]) -> None:
    assert len(templates) > 300
    assert any("calls are recorded for quality and training" in t for t in templates)


def test_no_generator_template_equals_a_scorer_phrase(templates: list[str]) -> None:
    clashes = sorted(set(templates) & set(scorer_phrases()))
    assert clashes == []


# Cues for events and planted data rather than for quality wording: the generator must write a real
# leave event or a real password for the ground truth to hold, so these are not circular.
EVENT_CUES = {"customer has left", "password is", "temporary password"}


def test_no_multiword_scorer_phrase_inside_a_generator_template(templates: list[str]) -> None:
    """Three-word phrases are template-specific; two-word collocations ("lovely evening") are just
    English, and banning them would force the generator into unnatural wording."""
    multiword = [p for p in scorer_phrases() if len(p.split()) >= 3 and p not in EVENT_CUES]
    padded = [f" {t} " for t in templates]
    clashes = [
        (phrase, template.strip())
        for phrase in multiword
        for template in padded
        if f" {phrase} " in template
    ]
    assert clashes == []
