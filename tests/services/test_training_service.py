"""The train service called directly, on SQLite and PostgreSQL: the pairs it learns from, the progress
it reports, where models go, and the scorecard version `apply` stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from supportqa.calibration.learn import Decision
from supportqa.domain.scorecard import load_scorecard
from supportqa.errors import InputError
from supportqa.services.training import (
    Figure,
    TargetResult,
    TrainOptions,
    apply_trained,
    models_dir,
    train,
)
from supportqa.services.workspace import open_workspace
from tests.services.calib_workspace import RULES, RULES_AS_DEFAULT, build, database_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Path]]:
    """An empty database of its own; the working folder is the test's (where a server database's
    models and scorecard files go)."""
    monkeypatch.chdir(tmp_path)
    with database_url(request.param, tmp_path) as url:
        yield url, tmp_path


def test_train_learns_from_the_reviewed_pairs_and_reports_progress(
    fresh: tuple[str, Path],
) -> None:
    url, folder = fresh
    reviewed = build(url, folder, n=120, cards=(RULES_AS_DEFAULT,))
    calls: list[tuple[str, int]] = []
    advanced: dict[str, list[int]] = {}

    def progress(label: str, total: int) -> Any:
        calls.append((label, total))
        return advanced.setdefault(label, []).append

    options = TrainOptions(targets=["greeting"], folds=2, bootstrap=100)
    with open_workspace(url) as workspace:
        run = train(workspace, options, progress=progress)
    assert (run.scorecard.name, run.scorecard.version) == ("default", "rules")
    assert run.conversations == reviewed
    assert run.models_dir == folder / "supportqa-models"
    assert calls == [("features", reviewed), ("training greeting", 2)]
    assert sum(advanced["features"]) == reviewed and advanced["training greeting"] == [1, 1]
    [result] = run.results
    assert result.target == "greeting" and result.reference == "human ratings"
    assert 30 <= result.n <= reviewed and result.decision is not None
    saved = sorted(run.models_dir.glob("*.json")) if run.models_dir.exists() else []
    assert (result.model_path is not None) == result.accepted == bool(saved)
    assert run.applied is None


def test_train_names_what_is_missing(fresh: tuple[str, Path]) -> None:
    url, folder = fresh
    build(url, folder, n=40, share=0.0)
    with open_workspace(url) as workspace:
        with pytest.raises(InputError, match="no conversation has both an AI review"):
            train(workspace, TrainOptions(scorecard_name=RULES.name))
        with pytest.raises(InputError, match="no scorecard named 'nope'"):
            train(workspace, TrainOptions(scorecard_name="nope"))


def _accepted(target: str, model: Path) -> TargetResult:
    better = Decision(
        40, Figure(0.3, 0.2, 0.4), Figure(0.6, 0.5, 0.7), Figure(0.3, 0.1, 0.5), True, "better"
    )
    return TargetResult(target, "human ratings", 40, decision=better, model_path=str(model),
                        model_sha256="ab" * 32)  # fmt: skip


def test_apply_trained_stores_a_version_that_uses_the_accepted_models(
    fresh: tuple[str, Path],
) -> None:
    url, folder = fresh
    build(url, folder, n=20, share=0.0)
    model = folder / "supportqa-models" / "default-rules-greeting-v1.json"
    results = [
        _accepted("greeting", model),
        TargetResult("closing", "human ratings", 3, skipped="3 conversations; 30 are needed"),
    ]
    out = folder / "trained.yaml"
    with open_workspace(url) as workspace:
        made = apply_trained(workspace, RULES, results, out)
        assert made is not None
        stored = workspace.get_scorecard(RULES.name, made.version)
        assert stored is not None
        assert apply_trained(workspace, RULES, results[1:]) is None
    assert (
        made.version == str(int(RULES.version) + 1)
        and made.targets == ["greeting"]
        and made.file == str(out)
    )
    criteria = {c.key: c for c in stored.criteria}
    first = criteria["greeting"].scorers[0]
    assert first.name == "trained" and first.args["model"] == str(model)
    assert criteria["closing"].scorers == {c.key: c for c in RULES.criteria}["closing"].scorers
    assert load_scorecard(out).version == made.version


def test_models_live_beside_a_sqlite_file_else_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert models_dir(f"sqlite:///{tmp_path}/a/qa.db") == tmp_path / "a" / "supportqa-models"
    assert models_dir("postgresql+psycopg://u@h/db") == tmp_path / "supportqa-models"
