"""The built-in phrases the rule scorers look for, kept as plain text.

Regexes are built from these lists (see `alternation`), so `builtin_phrases()` can list every
literal the rules react to; a test keeps the synthetic generator's phrase pools free of them, so the
rules are measured on text that was not written to please them. Name-shaped introductions
("Anna here", "this is Anna from Acme") are templates, not literals, and are not listed.

Many rules are structures rather than sentences: short lists joined by a few free words ("hope ~
helps" for "I hope the new firmware helps"), or a role plus a verb ("<customer/visitor/...> <left/
hung up/...>"). Those are listed by their pieces; rules.py and compliance.py show how they join.
"""

from __future__ import annotations

# The lists live in one module per rule family; they are re-exported here so scorers read them as
# `phrases.NAME` whatever module holds them.
from supportqa.scorers.phrases.closing import *  # noqa: F403
from supportqa.scorers.phrases.closing import closing_phrases
from supportqa.scorers.phrases.compliance import *  # noqa: F403
from supportqa.scorers.phrases.compliance import (
    disclosure_vocabulary,
    forbidden_vocabulary,
    password_phrases,
)
from supportqa.scorers.phrases.customer_left import *  # noqa: F403
from supportqa.scorers.phrases.customer_left import customer_left_phrases
from supportqa.scorers.phrases.greeting import *  # noqa: F403
from supportqa.scorers.phrases.greeting import greeting_phrases
from supportqa.scorers.phrases.patterns import alternation, pairs

__all__ = ["alternation", "builtin_phrases", "pairs"]


def builtin_phrases() -> list[str]:
    """Every literal phrase or keyword the built-in rule scorers look for, as lower-case text.
    Composed patterns ("hope ~ helps", "<subject> <leave verb>") are listed by their pieces and
    shortest wordings. Guard lists that only stop a match (LEFT_OBJECTS, LEFT_NOT_NAMES,
    FORBIDDEN_NEGATIONS, ORDER_*, NOT_VERB_LEADS) are not phrases the rules look for."""
    phrases = (
        greeting_phrases()
        + closing_phrases()
        + customer_left_phrases()
        + forbidden_vocabulary()
        + disclosure_vocabulary()
        + password_phrases()
    )
    return sorted({" ".join(p.lower().split()) for p in phrases})
