"""`supportqa train` on demo data: real reviews teach something, shuffled reviews teach nothing."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import orjson
import pytest

from supportqa.domain.scorecard import default_scorecard, load_scorecard
from supportqa.importers.service import import_files
from supportqa.services.scoring import score_database
from supportqa.storage import Database, Repository
from supportqa.synthetic import generate_conversations, simulate_reviews
from tests.cli.conftest import Runner

N_CONVERSATIONS = 400
SEED = 11


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def _workspace(folder: Path, *, shuffle: bool) -> Path:
    """A scored demo database whose human reviews are real or shuffled across conversations."""
    folder.mkdir(parents=True)
    conversations = list(generate_conversations(N_CONVERSATIONS, SEED))
    lines = list(simulate_reviews(conversations, SEED, share=0.6))
    if shuffle:
        ratings = [line["ratings"] for line in lines]
        random.Random(SEED).shuffle(ratings)
        lines = [{**line, "ratings": r} for line, r in zip(lines, ratings, strict=True)]
    files = [_write(folder / "c.jsonl", conversations), _write(folder / "r.jsonl", lines)]
    card = default_scorecard()
    database = Database.open(folder / "qa.db", create=True)
    try:
        repo = Repository(database)
        repo.save_scorecard(card)
        import_files(repo, files, scorecard=card)
        score_database(repo, card)
    finally:
        database.dispose()
    return folder / "qa.db"


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("train")
    return {
        "real": _workspace(root / "real", shuffle=False),
        "shuffled": _workspace(root / "shuffled", shuffle=True),
    }


def _copy(db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ws" / "qa.db"
    target.parent.mkdir()
    shutil.copy(db, target)
    return target


def test_train_refuses_every_model_learned_from_shuffled_labels(
    cli: Runner, workspaces: dict[str, Path], tmp_path: Path
) -> None:
    db = _copy(workspaces["shuffled"], tmp_path)
    result = cli("train", "--db", db, "--bootstrap", "300", "--json")
    assert result.code == 0, result.err
    report = result.json()
    trained = [t for t in report["targets"] if t["skipped"] is None]
    assert len(trained) >= 8
    assert not any(t["accepted"] for t in report["targets"])
    assert all(t["after"]["low"] < 0.2 for t in trained if t["target"] != "cx")
    assert not (db.parent / "supportqa-models").exists()


def test_train_keeps_a_model_that_beats_zero_shot_and_apply_puts_it_to_work(
    cli: Runner, workspaces: dict[str, Path], tmp_path: Path
) -> None:
    db = _copy(workspaces["real"], tmp_path)
    result = cli("train", "--db", db, "--bootstrap", "300", "--apply", "--json")
    assert result.code == 0, result.err
    report = result.json()
    accepted = [t for t in report["targets"] if t["accepted"]]
    assert accepted, [(t["target"], t["reason"]) for t in report["targets"]]
    for target in accepted:
        assert target["difference"]["low"] > 0
        assert Path(target["model_path"]).parent == db.parent / "supportqa-models"
        stored = json.loads(Path(target["model_path"]).read_text())
        assert stored["target"] == target["target"] and stored["version"] == 1
    applied = report["applied"]
    new_version = str(int(default_scorecard().version) + 1)
    assert applied["version"] == new_version
    card_file = Path(applied["file"])
    # a trained CX model predicts the reviewers' own 1–5 CX: its version bands it by rounding, not by
    # the cuts fitted to the weighted value
    expected_cuts = None if "cx" in {t["target"] for t in accepted} else default_scorecard().cx.cuts
    assert load_scorecard(card_file).cx.cuts == expected_cuts
    assert card_file.parent == db.parent
    scored = cli("score", "--db", db, "--scorecard", card_file, "--json")
    assert scored.code == 0, scored.err
    database = Database.open(db, create=True)
    try:
        repo = Repository(database)
        reviews = list(repo.iter_reviews(kind="ai"))
    finally:
        database.dispose()
    new = [r for r in reviews if r.scorecard.version == new_version]
    assert len({r.conversation_id for r in new}) == N_CONVERSATIONS  # a review per reviewee
    key = next(t["target"] for t in accepted if t["target"] != "cx")
    criteria = [r.criterion(key) for r in new]
    # every rating of it is the model's (a conversation-level one is on the holder's review only)
    scored = [c for c in criteria if c is not None and c.scorer is not None]
    used = [c for c in scored if c.scorer is not None and c.scorer.name == "trained"]
    assert len(used) == len(scored) >= N_CONVERSATIONS
    rated = [c for c in used if c.status.value == "rated"]
    assert rated and all("Learned from" in c.explanation for c in rated)


def test_train_without_human_reviews_says_what_to_do(cli: Runner, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    conversations = list(generate_conversations(20, 1))
    _write(folder / "c.jsonl", conversations)
    assert cli("import", folder / "c.jsonl", "--db", folder / "qa.db").code == 0
    result = cli("train", "--db", folder / "qa.db")
    assert result.code == 1
    assert "score" in result.err


def test_learning_curve_is_reported_and_plotted(
    cli: Runner, workspaces: dict[str, Path], tmp_path: Path
) -> None:
    db = _copy(workspaces["real"], tmp_path)
    plot = tmp_path / "curve.html"
    result = cli(
        "train",
        "--db",
        db,
        "--target",
        "resolution",
        "--learning-curve",
        "--plot",
        plot,
        "--bootstrap",
        "200",
        "--json",
    )
    assert result.code == 0, result.err
    (target,) = result.json()["targets"]
    assert list(target["learning_curve"]) == ["50", "100", "all"]
    assert target["learning_curve"]["all"] == target["after"]["value"]
    page = plot.read_text()
    assert "resolution" in page and "<script src=" not in page


def test_plot_without_learning_curve_is_refused(cli: Runner, tmp_path: Path) -> None:
    result = cli("train", "--db", tmp_path / "x.db", "--plot", tmp_path / "p.html")
    assert result.code == 1 and "--learning-curve" in result.err
