"""The calibrate, calibrate-apply, sessions and drift services called directly, on SQLite and
PostgreSQL: what they read from the workspace and what they write (or, for drift, never write)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from supportqa.domain.scorecard import Scorecard, load_scorecard, scorecard_from_dict
from supportqa.errors import InputError
from supportqa.services.calibration import (
    CompareOptions,
    apply_calibration,
    compare_with_humans,
    stored_scorecard,
)
from supportqa.services.drift import drift_against_candidate, drift_between_versions
from supportqa.services.sessions import SessionOptions, calibration_sessions
from supportqa.services.workspace import open_workspace
from tests.services.calib_workspace import RULES, build, database_url

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
QUICK = CompareOptions(bootstrap=0)
NEXT = str(int(RULES.version) + 1)
"""A version of RULES not stored yet."""


def responsiveness_changed(version: str | None = None) -> Scorecard:
    """RULES with a stricter SLA for responsiveness: the one criterion whose ratings move."""
    data: dict[str, Any] = RULES.to_dict()
    data["version"] = version or NEXT
    data["criteria"] = [dict(c) for c in data["criteria"]]
    for criterion in data["criteria"]:
        if criterion["key"] == "responsiveness":
            sla = {"chat": {"first": 20, "next": 40}, "default": {"first": 60, "next": 120}}
            criterion["scorer"] = [{"responsiveness": {"sla": sla}}]
    return scorecard_from_dict(data)


@pytest.fixture(scope="module", params=BACKENDS)
def scored(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, int]]:
    """A workspace the read-only tests share: its URL and how many conversations people reviewed."""
    folder = tmp_path_factory.mktemp("svc-calib")
    with database_url(request.param, folder) as url:
        yield url, build(url, folder)


@pytest.fixture(params=BACKENDS)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An empty database of its own, for tests that write."""
    with database_url(request.param, tmp_path) as url:
        yield url, tmp_path


def test_compare_with_humans_pairs_every_conversation_people_reviewed(
    scored: tuple[str, int],
) -> None:
    url, reviewed = scored
    with open_workspace(url) as workspace:
        result = compare_with_humans(workspace, scorecard_name=RULES.name, options=QUICK)
    report = result.report
    assert (result.card.name, result.card.version) == (RULES.name, RULES.version)
    assert result.newer == []
    assert report.counts.overlapping == reviewed == report.counts.human_conversations
    assert report.counts.ai_conversations == 160
    assert [c.key for c in report.criteria] == list(RULES.keys)


def test_excluding_sessions_leaves_their_reviews_out_of_the_consensus(
    scored: tuple[str, int],
) -> None:
    url, _ = scored
    with open_workspace(url) as workspace:
        every = compare_with_humans(workspace, scorecard_name=RULES.name, options=QUICK)
        without = compare_with_humans(
            workspace, scorecard_name=RULES.name, options=QUICK, exclude_sessions=True
        )
    assert 0 < without.report.counts.human_reviews < every.report.counts.human_reviews


def test_bad_options_fail_before_the_database_is_read(tmp_path: Path) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    with open_workspace(empty, create=True) as workspace:
        with pytest.raises(InputError, match="--min-pairs must be at least 1"):
            compare_with_humans(workspace, options=CompareOptions(min_pairs=0))
        with pytest.raises(InputError, match="no scorecard named 'default'"):
            compare_with_humans(workspace, options=QUICK)


def test_the_newest_scored_version_is_chosen_and_later_unscored_ones_named(
    fresh: tuple[str, Path],
) -> None:
    url, folder = fresh
    build(url, folder, n=40)
    with open_workspace(url) as workspace:
        workspace.save_scorecard(responsiveness_changed("7"))
        choice = stored_scorecard(workspace, RULES.name, None)
        assert (choice.card.version, choice.newer) == (RULES.version, ["7"])
        assert stored_scorecard(workspace, RULES.name, "7").card.version == "7"
        with pytest.raises(InputError, match="no stored version '9'"):
            stored_scorecard(workspace, RULES.name, "9")


def test_apply_calibration_stores_a_human_only_version_once(fresh: tuple[str, Path]) -> None:
    url, folder = fresh
    build(url, folder, n=100)
    strict = CompareOptions(metric="kappa", threshold=2.0, bootstrap=0)  # nothing can reach 2
    out = folder / "out" / "applied.yaml"
    with open_workspace(url) as workspace:
        result = compare_with_humans(workspace, scorecard_name=RULES.name, options=strict)
        applied = apply_calibration(workspace, result.card, result.report, out=out)
        application = applied.application
        assert application.version is not None and applied.path == out
        stored = workspace.get_scorecard(RULES.name, application.version)
        assert stored is not None
        assert load_scorecard(out).version == application.version
        human_only = {c.key for c in stored.criteria if c.human_only}
        assert human_only == {change.key for change in application.changes} != set()
        again = apply_calibration(workspace, result.card, result.report, out=folder / "b.yaml")
    assert again.path is None and again.application.scorecard is None
    assert again.application.already_applied_as == application.version
    assert not (folder / "b.yaml").exists()


def test_sessions_label_the_planted_harsh_and_lenient_reviewers(scored: tuple[str, int]) -> None:
    url, _ = scored
    with open_workspace(url) as workspace:
        report = calibration_sessions(workspace, options=SessionOptions(n_resamples=0))
    labels = {r.reviewer: r.label for r in report.reviewers}
    assert labels["rev-harsh"] == "harsh" and labels["rev-lenient"] == "lenient"
    assert report.heatmap.reviewers == ["rev-harsh", "rev-lenient", "rev-true"]


def test_sessions_with_the_ai_need_ai_reviews_of_that_scorecard(scored: tuple[str, int]) -> None:
    url, _ = scored
    with open_workspace(url) as workspace, pytest.raises(InputError, match="no AI reviews"):
        calibration_sessions(workspace, include_ai=True)


def test_candidate_drift_scores_in_memory_and_reports_its_progress(
    scored: tuple[str, int],
) -> None:
    url, _ = scored
    calls: list[tuple[str, int]] = []
    advanced: list[int] = []

    def progress(label: str, total: int) -> Any:
        calls.append((label, total))
        return advanced.append

    with open_workspace(url) as workspace:
        before = workspace.count_reviews("ai")
        report = drift_against_candidate(
            workspace, responsiveness_changed(), sample=50, resamples=0, batch_size=20,
            progress=progress,
        )  # fmt: skip
        assert workspace.count_reviews("ai") == before
        assert workspace.get_scorecard(RULES.name, NEXT) is None
    assert calls == [("scoring the candidate", 50)] and advanced == [20, 20, 10]
    assert report.conversations == 50
    moved = {c.key for c in report.criteria if c.changed_count}
    assert moved == {"responsiveness"}


def test_drift_between_two_stored_versions_moves_only_the_changed_criterion(
    fresh: tuple[str, Path],
) -> None:
    url, folder = fresh
    changed = responsiveness_changed()
    build(url, folder, n=60, share=0.0, cards=(RULES, changed))
    with open_workspace(url) as workspace:
        report = drift_between_versions(
            workspace, scorecard_name=RULES.name, from_version=RULES.version,
            to_version=changed.version, resamples=0,
        )  # fmt: skip
        with pytest.raises(InputError, match="version 9 of scorecard"):
            drift_between_versions(
                workspace, scorecard_name=RULES.name, from_version="9", to_version=NEXT
            )
    assert report.conversations == 60
    by_key = {c.key: c for c in report.criteria}
    assert {k for k, c in by_key.items() if c.changed_count} == {"responsiveness"}
    assert by_key["responsiveness"].scorer_changed
