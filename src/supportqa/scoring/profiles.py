"""Scorecard variants derived from another: the rules-only card that needs no sentence model.

Useful where the model is not wanted — a quick first pass, a machine without the `models` extra, tests
of the machinery around scoring — without writing a second scorecard by hand.
"""

from __future__ import annotations

from supportqa.domain.scorecard import Scorecard, scorecard_from_dict

RULE_SCORERS = frozenset(
    {
        "greeting",
        "closing",
        "responsiveness",
        "pii_exposure",
        "forbidden_phrases",
        "required_disclosure",
    }
)
"""The built-in rule scorers (patterns, timing, checksums)."""
WRITING_SCORERS = frozenset({"spelling_grammar", "clarity"})
MODEL_FREE_SCORERS = RULE_SCORERS | WRITING_SCORERS
"""Built-in scorers that need neither the sentence model nor the CX pass."""


def uses_sentence_model(card: Scorecard) -> bool:
    """Whether scoring with `card` loads the sentence model (a model scorer, or the CX score)."""
    return card.cx.enabled or any(
        spec.name not in MODEL_FREE_SCORERS for c in card.criteria for spec in c.scorers
    )


def rules_only(
    card: Scorecard, *, keep: frozenset[str] = MODEL_FREE_SCORERS, name: str | None = None
) -> Scorecard:
    """`card` keeping the criteria whose scorers are all in `keep`, with CX off. It is renamed
    (`<name>-rules` by default) so it never collides with the full card's stored version."""
    data = card.to_dict()
    data["criteria"] = [
        c
        for c in data["criteria"]
        if c.get("scorer") and all(next(iter(s)) in keep for s in c["scorer"])
    ]
    data["cx"] = {"enabled": False}
    data["name"] = name or f"{card.name}-rules"
    return scorecard_from_dict(data, f"{card.name} (rules only)")
