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
        "spelling_grammar",
        "clarity",
    }
)
"""Built-in scorers that need neither the sentence model nor the CX pass."""


def rules_only(card: Scorecard, *, name: str | None = None) -> Scorecard:
    """`card` keeping the criteria whose scorers are all rule scorers, with CX off. It is renamed
    (`<name>-rules` by default) so it never collides with the full card's stored version."""
    data = card.to_dict()
    data["criteria"] = [
        c
        for c in data["criteria"]
        if c.get("scorer") and all(next(iter(s)) in RULE_SCORERS for s in c["scorer"])
    ]
    data["cx"] = {"enabled": False}
    data["name"] = name or f"{card.name}-rules"
    return scorecard_from_dict(data, f"{card.name} (rules only)")
