"""`supportqa calibrate cx` on a small real SQLite workspace whose customers answered CSAT."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from supportqa.calibration.ai_vs_human import csat_on_five
from supportqa.domain.detectors import CxConfig
from supportqa.domain.review import ReviewKind, ScorecardRef
from supportqa.domain.scorecard import default_scorecard, load_scorecard
from supportqa.importers.service import import_files
from supportqa.services.scoring import score_database
from supportqa.storage import Database, Repository
from supportqa.synthetic import generate_conversations
from tests.cli.conftest import Runner

CARD = default_scorecard()
N = 80


def _csat(index: int) -> tuple[int, int]:
    """Every conversation answers; every fourth on a 1–10 scale (≤ 5 there is ≤ 3 on 1–5)."""
    if index % 4 == 0:
        return 1 + (index * 7) % 10, 10
    return 1 + (index * 3) % 5, 5


def _write(folder: Path, conversations: list[dict[str, object]]) -> Path:
    path = folder / "conversations.jsonl"
    path.write_bytes(b"".join(orjson.dumps(c) + b"\n" for c in conversations))
    return path


@pytest.fixture(scope="module")
def csat_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("calibrate-cx")
    conversations = list(generate_conversations(N, 23))
    for index, conversation in enumerate(conversations):
        conversation["csat"], conversation["csat_scale"] = _csat(index)
    database = Database.open(folder / "qa.db", create=True)
    try:
        repo = Repository(database)
        repo.save_scorecard(CARD)
        assert import_files(repo, [_write(folder, conversations)], scorecard=CARD).failed == 0
        score_database(repo, CARD)
    finally:
        database.dispose()
    return folder / "qa.db"


@pytest.fixture
def db_copy(csat_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "db" / "qa.db"
    target.parent.mkdir()
    shutil.copy(csat_db, target)
    return target


def _truth(db: Path) -> tuple[list[float], list[bool]]:
    """The holder AI reviews' CX values and CSAT ≤ 3, read straight from the database."""
    database = Database.open(db)
    try:
        repo = Repository(database)
        csat = repo.csat_by_conversation()
        ref = ScorecardRef(name=CARD.name, version=CARD.version)
        reviews = [
            r for r in repo.iter_reviews(kind="ai", scorecard=ref) if r.holder and r.cx is not None
        ]
    finally:
        database.dispose()
    assert all(r.kind is ReviewKind.AI for r in reviews)
    values = [r.cx.value for r in reviews if r.cx]
    unhappy = [csat_on_five(*csat[(r.source, r.conversation_id)]) <= 3 for r in reviews]
    return values, unhappy


def test_fit_flags_the_csat_share_and_reports_precision_and_recall(
    cli: Runner, csat_db: Path
) -> None:
    result = cli("calibrate", "cx", "--db", csat_db, "--json")
    assert result.code == 0, result.err
    data = result.json()
    values, unhappy = _truth(csat_db)
    expected_unhappy = sum(
        csat_on_five(*_csat(i)) <= 3 for i in range(N)
    )  # 1–10: 1..5 count, 6..10 do not
    assert data["scorecard"] == {"name": CARD.name, "version": CARD.version}
    assert data["n"] == len(values) == N and data["csat_answers"] == N
    assert data["target_share"] == pytest.approx(expected_unhappy / N, abs=1e-4)
    assert data["cuts_before"] == list(CARD.cx.cuts or ())
    cuts = tuple(data["cuts"])
    # the fitted flag marks the CSAT ≤ 3 share (give or take tied values at the cut)
    fitted = CxConfig(cuts=cuts)  # type: ignore[arg-type]
    flags = [fitted.flagged(v) for v in values]
    assert data["after"]["flagged"] == sum(flags)
    assert abs(sum(flags) - expected_unhappy) <= 1
    both = sum(f and u for f, u in zip(flags, unhappy, strict=True))
    assert data["after"]["precision"] == pytest.approx(both / sum(flags), abs=1e-4)
    assert data["after"]["recall"] == pytest.approx(both / sum(unhappy), abs=1e-4)
    before = [CARD.cx.flagged(v) for v in values]
    assert data["before"]["flagged"] == sum(before)
    assert data["apply"] is None

    table = cli("calibrate", "cx", "--db", csat_db)
    assert table.code == 0, table.err
    text = " ".join(table.out.split())
    assert f"{N} conversations with a CX value and a CSAT answer" in text
    assert ", ".join(f"{c:g}" for c in cuts) in text and "precision" in text


def test_apply_stores_a_new_version_with_the_cuts_once(cli: Runner, db_copy: Path) -> None:
    first = cli("calibrate", "cx", "--db", db_copy, "--apply", "--json")
    assert first.code == 0, first.err
    data = first.json()
    applied = data["apply"]
    new_version = str(int(CARD.version) + 1)
    assert applied["written"] is True and applied["version"] == new_version
    path = db_copy.parent / f"scorecard-{CARD.name}-v{new_version}.yaml"
    assert applied["file"] == str(path)
    card = load_scorecard(path)
    assert card.cx.cuts == tuple(data["cuts"])
    assert card.cx.weights == CARD.cx.weights and card.keys == CARD.keys
    assert "CX cuts fitted to the customers' CSAT" in card.description
    listed = cli("scorecard", "list", "--db", db_copy, "--json").json()
    assert {"name": CARD.name, "version": new_version} in listed

    again = cli("calibrate", "cx", "--db", db_copy, "--apply")
    assert again.code == 0, again.err
    assert f"already applied: {CARD.name} v{new_version}" in " ".join(again.out.split())
    versions = [r["version"] for r in cli("scorecard", "list", "--db", db_copy, "--json").json()]
    assert versions.count(new_version) == 1

    # plain `calibrate` (the group's own callback) still runs beside the subcommand
    plain = cli("calibrate", "--db", db_copy, "--version", CARD.version, "--bootstrap", "0")
    assert plain.code != 0 and "no human reviews stored" in " ".join(plain.err.split())


def test_no_csat_is_one_clear_line(cli: Runner, tmp_path: Path) -> None:
    conversations = list(generate_conversations(12, 3))
    for conversation in conversations:
        conversation.pop("csat", None)
        conversation.pop("csat_scale", None)
    database = Database.open(tmp_path / "qa.db", create=True)
    try:
        repo = Repository(database)
        repo.save_scorecard(CARD)
        import_files(repo, [_write(tmp_path, conversations)], scorecard=CARD)
    finally:
        database.dispose()
    result = cli("calibrate", "cx", "--db", tmp_path / "qa.db")
    assert result.code != 0
    assert "no conversation has a CSAT answer" in " ".join(result.err.split())


def test_too_few_conversations_names_the_minimum(cli: Runner, tmp_path: Path) -> None:
    conversations = list(generate_conversations(12, 3))
    for index, conversation in enumerate(conversations):
        conversation["csat"], conversation["csat_scale"] = _csat(index)
    database = Database.open(tmp_path / "qa.db", create=True)
    try:
        repo = Repository(database)
        repo.save_scorecard(CARD)
        import_files(repo, [_write(tmp_path, conversations)], scorecard=CARD)
        score_database(repo, CARD)
    finally:
        database.dispose()
    result = cli("calibrate", "cx", "--db", tmp_path / "qa.db", "--json")
    assert result.code != 0
    err = " ".join(result.err.split())
    assert "only 12 conversations have both" in err and "needs at least 30" in err


def test_explain_shows_the_cx_mapping_of_the_scorecard(cli: Runner, csat_db: Path) -> None:
    values, _ = _truth(csat_db)
    first = next(iter(generate_conversations(N, 23)))["id"]
    result = cli("explain", first, "--db", csat_db, "--kind", "ai", "--json")
    assert result.code == 0, result.err
    holder = next(e for e in result.json() if e["cx"] is not None)
    mapping, value = holder["cx"]["mapping"], holder["cx"]["value"]
    assert mapping["cuts"] == list(CARD.cx.cuts or ()) and mapping["fitted"] is True
    assert mapping["score"] == CARD.cx.band(value) == holder["cx"]["score"]
    assert (
        mapping["flagged"] is CARD.cx.flagged(value) and mapping["flag_below"] == mapping["cuts"][2]
    )
    text = " ".join(cli("explain", first, "--db", csat_db, "--kind", "ai").out.split())
    assert "band [" in text and "with the scorecard's cuts (" in text
    assert ("flags it for review" if mapping["flagged"] else "so it is not flagged") in text
    assert value in values
