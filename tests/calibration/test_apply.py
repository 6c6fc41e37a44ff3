"""`calibrate --apply`: untrusted criteria become human-only in a new, loadable scorecard version."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from supportqa.calibration.ai_vs_human import CompareOptions, compare_ai_human
from supportqa.calibration.ai_vs_human_report import CalibrationReport
from supportqa.calibration.apply import (
    default_out_path,
    human_only_version,
    next_version,
    same_criteria,
    write_scorecard_yaml,
)
from supportqa.calibration.reference import human_references
from supportqa.domain.review import RatingsLine, ReviewKind
from supportqa.domain.score import Score, Status
from supportqa.domain.scorecard import Scorecard, default_scorecard, load_scorecard
from supportqa.errors import InputError
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.iqs import build_review
from supportqa.scoring.profiles import rules_only
from supportqa.scoring.ratings import review_from_ratings
from supportqa.storage import Database, Repository
from supportqa.testing import conversation

# greeting, clarity, ..., closing: all rule scorers; at v2 so the next version is "3"
CARD = rules_only(default_scorecard()).model_copy(update={"version": "2"})
DAY = date(2026, 3, 2)


def report_for(card: Scorecard, *, closing_agrees: bool) -> CalibrationReport:
    """Greeting always agrees; closing agrees or is the opposite of what people said."""
    ai, humans = [], []
    for i in range(40):
        human = {"greeting": float(i % 2), "closing": float(i % 3 == 0)}
        closing = human["closing"] if closing_agrees else 1.0 - human["closing"]
        scores = {
            "greeting": Score.rated(human["greeting"], "g"),
            "closing": Score.rated(closing, "c"),
        }
        ai.append(
            build_review(
                review_id=f"ai-{i}",
                kind=ReviewKind.AI,
                conversation=None,
                conversation_id=f"c{i}",
                source="t",
                scorecard=card,
                scores=scores,
                reviewer="supportqa",
                reviewed_at=None,
            )
        )
        line = RatingsLine(conversation_id=f"c{i}", source="t", reviewer="ana", ratings=human)
        humans.append(review_from_ratings(line, card))
    return compare_ai_human(
        card,
        ai,
        human_references(humans),
        human_reviews=len(humans),
        options=CompareOptions(bootstrap=0),
    )


@pytest.mark.parametrize(
    ("current", "existing", "expected"),
    [
        ("2", [], "3"),
        ("2", ["1", "2", "3", "4"], "5"),
        ("2026-q1", [], "2026-q1-cal1"),
        ("2026-q1", ["2026-q1-cal1"], "2026-q1-cal2"),
        ("2026-q1-cal1", ["2026-q1-cal2"], "2026-q1-cal3"),
    ],
)
def test_next_version_never_reuses_a_stored_one(
    current: str, existing: list[str], expected: str
) -> None:
    assert next_version(current, existing) == expected


def test_untrusted_criterion_loses_its_scorer_and_says_why() -> None:
    report = report_for(CARD, closing_agrees=False)
    assert {c.key: c.verdict for c in report.criteria}["closing"] == "untrusted"
    result = human_only_version(CARD, report, on=DAY, stored={CARD.version: CARD})
    new = result.scorecard
    assert new is not None
    assert (new.name, new.version, result.version) == (CARD.name, "3", "3")
    closing = new.criterion("closing")
    assert closing.human_only
    assert "Human-only since calibrate on 2026-03-02: kappa " in closing.description
    assert "(40 pairs)" in closing.description
    assert [c.key for c in result.changes] == ["closing"]
    assert result.changes[0].removed_scorers == ["closing"]
    assert result.changes[0].value < 0.6
    # Trusted and insufficient criteria keep exactly the scorers they had.
    for key in ("greeting", "clarity", "pii_exposure"):
        assert new.criterion(key).scorers == CARD.criterion(key).scorers
    assert "greeting" in result.kept and "closing" not in result.kept
    assert "human-only: closing" in new.description


def test_nothing_untrusted_writes_nothing() -> None:
    result = human_only_version(
        CARD, report_for(CARD, closing_agrees=True), on=DAY, stored={CARD.version: CARD}
    )
    assert result.scorecard is None and result.version is None
    assert result.reason == "no criterion is untrusted: nothing to write"


def test_the_same_change_is_not_applied_twice_even_on_another_day() -> None:
    report = report_for(CARD, closing_agrees=False)
    first = human_only_version(CARD, report, on=DAY, stored={CARD.version: CARD})
    assert first.scorecard is not None
    stored = {CARD.version: CARD, "3": first.scorecard}
    again = human_only_version(CARD, report, on=date(2026, 4, 1), stored=stored)
    assert again.scorecard is None
    assert again.already_applied_as == "3"
    assert "already applied" in again.reason
    assert same_criteria(first.scorecard, CARD) is False


def test_written_yaml_loads_back_as_the_same_scorecard(tmp_path: Path) -> None:
    new = human_only_version(
        CARD, report_for(CARD, closing_agrees=False), on=DAY, stored={CARD.version: CARD}
    ).scorecard
    assert new is not None
    path = tmp_path / "out" / "card.yaml"
    write_scorecard_yaml(new, path)
    assert load_scorecard(path) == new
    with pytest.raises(InputError, match="already exists"):
        write_scorecard_yaml(new, path)


def test_new_version_saves_once_in_the_database(tmp_path: Path) -> None:
    new = human_only_version(
        CARD, report_for(CARD, closing_agrees=False), on=DAY, stored={CARD.version: CARD}
    ).scorecard
    assert new is not None
    database = Database.open(tmp_path / "qa.db", create=True)
    try:
        repo = Repository(database)
        assert repo.save_scorecard(CARD) is True
        assert repo.save_scorecard(new) is True
        assert repo.save_scorecard(new) is False
        assert repo.get_scorecard(CARD.name, "3") == new
    finally:
        database.dispose()


def test_rescoring_with_the_new_version_leaves_the_criterion_unrated() -> None:
    new = human_only_version(
        CARD, report_for(CARD, closing_agrees=False), on=DAY, stored={CARD.version: CARD}
    ).scorecard
    assert new is not None
    item = conversation(
        ("customer", "Hi, my parcel has not arrived."),
        ("agent", "Hello! I am sorry to hear that. I have resent it today. Have a nice day!"),
        id="x1",
    )
    before = ScoringEngine(CARD).score([item])[0]
    after = ScoringEngine(new).score([item])[0]
    closing_before = before.criterion("closing")
    closing_after = after.criterion("closing")
    assert closing_before is not None and closing_before.status is Status.RATED
    assert closing_after is not None and closing_after.status is Status.UNRATED
    assert closing_after.scorer is None
    assert after.counts.unrated == before.counts.unrated + 1
    greeting_after = after.criterion("greeting")
    assert greeting_after is not None and greeting_after.status is Status.RATED


def test_default_yaml_path_sits_beside_a_sqlite_file_else_here(tmp_path: Path) -> None:
    beside = default_out_path(str(tmp_path / "qa.db"), "default", "3")
    assert beside == tmp_path.resolve() / "scorecard-default-v3.yaml"
    here = Path.cwd().resolve() / "scorecard-default-v3.yaml"
    assert default_out_path(None, "default", "3") == here


@pytest.mark.parametrize(
    ("name", "version"), [("x/../../../ESCAPED", "3"), ("default", "x/../../../4")]
)
def test_default_yaml_path_refuses_a_name_or_version_that_leaves_the_folder(
    tmp_path: Path, name: str, version: str
) -> None:
    """Validation keeps such names out of new scorecards; the path is checked anyway, for one that
    got in some other way (an old database, a hand-edited row)."""
    database = tmp_path / "a" / "b" / "qa.db"
    with pytest.raises(InputError, match="would write outside"):
        default_out_path(str(database), name, version)
    assert not list(tmp_path.rglob("*ESCAPED*"))
