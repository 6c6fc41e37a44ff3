"""Scorecard versions are writes like any other: each new version is in the audit log, written in
the same transaction, by whoever stored it; storing the same version again writes nothing."""

from __future__ import annotations

from supportqa.domain.scorecard import default_scorecard
from supportqa.services import audit
from supportqa.storage import Repository


def test_a_new_scorecard_version_is_audited_once_with_its_actor(repo: Repository) -> None:
    card = default_scorecard()
    assert repo.save_scorecard(card, actor="cli:rae") is True
    assert repo.save_scorecard(card, actor="cli:sam") is False  # already stored: no write
    found = audit.entries(repo, action="scorecard.add")
    assert [(e.actor, e.target) for e in found] == [("cli:rae", f"{card.name} v{card.version}")]
    assert found[0].after is not None
    assert found[0].after["content_hash"] == card.content_hash()
    assert sum(found[0].after["weights"].values()) == sum(c.weight for c in card.criteria)


def test_a_scorecard_stored_by_the_workspace_itself_names_it(repo: Repository) -> None:
    card = default_scorecard()
    repo.save_scorecard(card)
    assert [e.actor for e in audit.entries(repo, action="scorecard.add")] == ["supportqa"]
