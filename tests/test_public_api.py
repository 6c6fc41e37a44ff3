"""The names users import from `supportqa` exist, and the test factory builds valid conversations."""

from __future__ import annotations

import pytest

import supportqa
from supportqa.testing import conversation


@pytest.mark.parametrize("name", supportqa.__all__)
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(supportqa, name) is not None


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = supportqa.NoSuchThing  # type: ignore[attr-defined]


def test_factory_scores_end_to_end_with_the_default_scorecard() -> None:
    conv = conversation(
        ("customer", "My card was charged twice"),
        ("agent", "Hi Maria, I have refunded the second charge. Anything else I can do?"),
        channel="chat",
    )
    review = supportqa.ScoringEngine(supportqa.default_scorecard()).score([conv])[0]
    assert review.criterion("greeting").rating == 1  # type: ignore[union-attr]
    assert review.reviewee.id == "a1" and review.iqs is not None
